/**
 * The built CLI as users run it (the bundle dist/bin/pos-agent.js, the package's bin) in a child process, for tests that need the real thing:
 * signals, pipes, exit status, stderr. `spawnCli` runs it directly; `shellPipe` runs a bash
 * command line (a real shell pipe, e.g. `CLI decode | head -1`) and reports the exit status of the
 * pipeline's first command.
 */
import { type ChildProcess, spawn, type StdioOptions } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './global-build.js';

export const CLI = join(ROOT, 'dist/bin/pos-agent.js');

export interface CliProc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Exit code, or the signal name when killed by one. */
  exited: Promise<number | string | null>;
}

const live = new Set<ChildProcess>();

/** SIGKILLs every child still running (call from afterAll: a failed test must not leave one behind). */
export function killAll(): void {
  for (const c of live) c.kill('SIGKILL');
}

function track(child: ChildProcess, captureStdout = true): CliProc {
  let out = '';
  let err = '';
  if (captureStdout)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  live.add(child);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Node options before the script (e.g. the shebang's --max-semi-space-size=2). */
  nodeArgs?: string[];
  stdio?: StdioOptions;
  /** Collect stdout into `stdout()` (default true; false leaves the stream to the caller). */
  captureStdout?: boolean;
}

/** `node [nodeArgs] dist/bin/pos-agent.js ...args`. */
export function spawnCli(args: string[], opts: SpawnOptions = {}): CliProc {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
  return track(child, opts.captureStdout);
}

/**
 * `bash -c '<command>; exit ${PIPESTATUS[0]}'`: `$CLI` in the command is the built CLI (run with
 * this node). Stdin is a pipe the caller may write to (errors on it are ignored: the pipeline may
 * stop reading early).
 */
export function shellPipe(command: string, env: Record<string, string> = {}): CliProc {
  const child = spawn('bash', ['-c', `${command}; exit \${PIPESTATUS[0]}`], {
    cwd: ROOT,
    env: { ...process.env, ...env, CLI: `${process.execPath} ${CLI}` },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => {});
  return track(child);
}

/** The JSON log lines of a stderr text (other lines skipped). */
export function logEvents(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Resolves with the exit status, or 'timeout' when the process is still running after `ms`. */
export function exitWithin(p: CliProc, ms: number): Promise<number | string | null> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.exited,
    new Promise<string>((r) => {
      timer = setTimeout(() => r('timeout'), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
