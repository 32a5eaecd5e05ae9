/**
 * Real kernel ttys for tests: `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B` makes two
 * linked pseudo-terminals. Ending socat hangs both up (an "unplugged device"); starting it again
 * on the same link paths "plugs it back in".
 *
 * socat missing: tests FAIL under CI=true (requireSocat throws) and may skip elsewhere.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp.js';
import { requireTool, toolPath } from './tools.js';
import { sleep, waitUntil } from './wait.js';

export const socatPath = (): string | null => toolPath('socat');

/** True when socat is here. Throws when it is missing under CI=true; false lets a test skip. */
export const requireSocat = (): boolean => requireTool('socat');

export interface PtyPair {
  /** Link path of one end (give it to the code under test). */
  readonly a: string;
  /** Link path of the other end (the "device" side). */
  readonly b: string;
  readonly running: boolean;
  /** Ends socat (both ttys hang up) and waits until it is gone and the links are removed. */
  stop(): Promise<void>;
  /** Starts socat again on the same link paths and waits for both links. */
  start(): Promise<void>;
}

/** Creates a pty pair with links in `dir` (default a fresh temp dir, removed after the test file). */
export async function createPtyPair(dir = tempDir('pos-pty-'), names = ['a', 'b']): Promise<PtyPair> {
  if (!socatPath()) throw new Error('socat not found');
  const a = join(dir, names[0]!);
  const b = join(dir, names[1]!);
  let child: ChildProcess | null = null;
  let stderr = '';

  const start = async () => {
    if (child) throw new Error('socat already running');
    for (const p of [a, b]) if (existsSync(p)) unlinkSync(p);
    stderr = '';
    const c = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = c;
    c.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let exited = false;
    c.once('exit', () => {
      exited = true;
    });
    await waitUntil(
      () => exited || (existsSync(a) && existsSync(b) && /starting data transfer loop/.test(stderr)),
      5000,
      `socat links ${a}, ${b}`,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; socat said: ${stderr}`);
    });
    if (exited) {
      child = null;
      throw new Error(`socat exited early: ${stderr}`);
    }
  };

  const stop = async () => {
    const c = child;
    if (!c) return;
    child = null;
    if (c.exitCode === null && c.signalCode === null) {
      const gone = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      await Promise.race([gone, sleep(2000)]);
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGKILL');
        await gone;
      }
    }
    for (const p of [a, b]) if (existsSync(p)) unlinkSync(p);
  };

  await start();
  return {
    a,
    b,
    get running() {
      return child !== null;
    },
    stop,
    start,
  };
}
