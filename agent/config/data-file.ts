/**
 * Reading a file the user named (the config file, texts, a dialect, a TLS file). A file that cannot
 * be read, is not a regular file, is too large or does not parse gives a FileProblem whose reason
 * says why and where (line, column), never what is in the file: the file may be anything, a
 * private key or /etc/shadow, and parser messages quote the text they stumbled on.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { createRequire } from 'node:module';

// yaml is loaded on first use (a YAML file given): it is not needed on the agent's run path, and
// its ~70 modules count in the resident memory of a POS board.
const requireLazy = createRequire(import.meta.url);

/** Larger than any config, texts or dialect file: a bigger one is something else. */
export const MAX_DATA_FILE_BYTES = 4 * 1024 * 1024;

/** Why a named file was refused; `reason` quotes nothing from the file. */
export class FileProblem extends Error {
  override readonly name = 'FileProblem';
  readonly code = 'E_FILE';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** How long a pipe may stay silent before it is given up on. */
export const PIPE_IDLE_MS = 5000;

/** What kind of thing is at a path, for a refusal that says so ('a directory', 'a FIFO', ...). */
export function specialFileKind(st: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'a device';
}

/** Sleeps the thread (a pipe read waiting for its writer; start-up only, never on the hot path). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The file's text, or a FileProblem (missing, unreadable, a directory or device, too large). A
 * pipe is read too (`--config <(...)`), up to the same bound, opened non-blocking so that a FIFO
 * nobody writes to is refused rather than a hang, and given up on after PIPE_IDLE_MS without data.
 */
export function readTextFile(
  file: string,
  maxBytes = MAX_DATA_FILE_BYTES,
  pipeIdleMs = PIPE_IDLE_MS,
): string {
  let fd: number | undefined;
  try {
    const before = statSync(file); // stat never blocks; open on a FIFO without a writer would
    if (!before.isFile() && !before.isFIFO())
      throw new FileProblem(file, `not a regular file (${specialFileKind(before)})`);
    const pipe = before.isFIFO();
    fd = openSync(file, pipe ? constants.O_RDONLY | constants.O_NONBLOCK : constants.O_RDONLY);
    const st = fstatSync(fd);
    if (!st.isFile() && !st.isFIFO())
      throw new FileProblem(file, `not a regular file (${specialFileKind(st)})`);
    if (st.size > maxBytes) throw new FileProblem(file, `too large (${st.size} bytes, at most ${maxBytes})`);
    const chunks: Buffer[] = [];
    let total = 0;
    let idle = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(64 * 1024);
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if (!pipe || (e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        if (idle >= pipeIdleMs)
          throw new FileProblem(file, `a pipe that sent nothing for ${pipeIdleMs / 1000} s`);
        pause(10);
        idle += 10;
        continue;
      }
      if (n === 0 && pipe && total === 0) {
        // end-of-file before any data: nobody has opened the FIFO for writing yet; wait for one
        if (idle >= pipeIdleMs)
          throw new FileProblem(file, `a pipe nobody wrote to within ${pipeIdleMs / 1000} s`);
        pause(10);
        idle += 10;
        continue;
      }
      if (n === 0) break;
      idle = 0;
      total += n;
      if (total > maxBytes) throw new FileProblem(file, `too large (more than ${maxBytes} bytes)`);
      chunks.push(buf.subarray(0, n));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (e) {
    if (e instanceof FileProblem) throw e;
    throw new FileProblem(file, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A value that looks like file content rather than a setting (a path, a name) is never shown in
 * an error: anything with a line break or other control character, a PEM marker, or a long
 * unbroken run of base64 (a key pasted where a path belongs).
 */
export function looksLikeContent(s: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f]/.test(s) || s.includes('-----') || /[A-Za-z0-9+/=]{48,}/.test(s);
}

/** A path for an error message: quoted, or a placeholder when it looks like content. */
export function showPath(file: string): string {
  return looksLikeContent(file) ? '(a value that is not a file path)' : JSON.stringify(file);
}

/**
 * A key from a file for an error message: a short name as it is; anything else (a key a foreign
 * file happens to parse into: a base64 run, a line of text) is not shown.
 */
export function showKey(key: string): string {
  return /^[A-Za-z0-9_.-]{1,40}$/.test(key) ? key : '(a key not shown)';
}

/** Line and column (1-based) of a character offset. */
function lineCol(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return `line ${line}, column ${offset - last}`;
}

/** JSON.parse with an error that says where, not what (V8's message quotes the text). */
export function parseJsonText(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /at position (\d+)/.exec(msg);
    const where = pos ? lineCol(text, Number(pos[1])) : /end of JSON/.test(msg) ? 'ends early' : '';
    throw new FileProblem(file, `not valid JSON${where ? ` (${where})` : ''}`);
  }
}

/** YAML parse with an error that says where and what kind of error, not the text. */
export function parseYamlText(file: string, text: string): unknown {
  const yaml = requireLazy('yaml') as typeof import('yaml');
  try {
    return yaml.parse(text);
  } catch (e) {
    if (!(e instanceof yaml.YAMLError)) throw new FileProblem(file, 'not valid YAML');
    const pos = e.linePos?.[0];
    const kind = e.code.toLowerCase().replace(/_/g, ' ');
    throw new FileProblem(
      file,
      `not valid YAML (${kind}${pos ? ` at line ${pos.line}, column ${pos.col}` : ''})`,
    );
  }
}

/** A JSON file (by its .json extension) or else YAML, parsed; errors quote nothing of it. */
export function readDataFile(file: string): unknown {
  const text = readTextFile(file);
  return extname(file).toLowerCase() === '.json' ? parseJsonText(file, text) : parseYamlText(file, text);
}
