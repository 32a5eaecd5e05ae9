/**
 * stdout whose reader goes away (`pos-agent decode | head -1`): the next write fails with EPIPE,
 * emitted as an 'error' event on process.stdout, which unhandled is a stack trace and exit 1.
 * A closed reader is not an error: it wants no more output. By default the command ends at once,
 * quietly, with exit status 0 (or a status the command had already set). A command with work to
 * finish first registers its own handler (`run` stops as on SIGTERM, so the failure store is
 * flushed). Any other stdout error is handled the same way, but reported on stderr (exit 1).
 */

// the fs object, not its binding: a test reads the text through a spy on fs.writeSync
import fs from 'node:fs';

type Handler = () => void;

let handler: Handler | null = null;
let guarded = false;

/** EPIPE: the reading end of the pipe is closed. */
export function isClosedPipe(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'EPIPE';
}

/** Installs the stdout error handler (main.ts, once). */
export function guardStdout(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (!isClosedPipe(err)) {
      process.stderr.write(`pos-agent: stdout: ${err.code ? `${err.code}: ` : ''}${err.message}\n`);
      process.exitCode = 1;
    }
    if (handler) handler();
    else process.exit();
  });
}

/**
 * Calls `fn` (once) instead of exiting when stdout's reader goes away; returns the function that
 * removes it.
 */
export function onStdoutClosed(fn: Handler): () => void {
  let called = false;
  const h: Handler = () => {
    if (called) return;
    called = true;
    fn();
  };
  handler = h;
  return () => {
    if (handler === h) handler = null;
  };
}

/** Commands that print with writeOut and never open process.stdout (main.ts installs no guard). */
export const PRINTS_ONCE: ReadonlySet<string> = new Set(['explain']);

/**
 * Writes `text` to stdout with write(2) at once, for a command that prints one text and exits
 * (`explain`): it never opens process.stdout, whose stream (with node's net for a pipe, tty for a
 * terminal) is ~10 ms of such a command's start. A reader that went away (EPIPE) ends the output
 * quietly, as the guard does; a non-blocking stdout (EAGAIN: its owner set it so) gets the rest
 * through the guarded stream.
 */
export function writeOut(text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(1, buf, off, buf.length - off);
    } catch (e) {
      if (isClosedPipe(e)) return;
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      guardStdout();
      process.stdout.write(buf.subarray(off));
      return;
    }
  }
}
