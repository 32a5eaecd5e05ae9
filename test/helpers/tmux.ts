/**
 * A real terminal for tests: a detached tmux session of a fixed size on a server of its own (its
 * own socket, so nothing touches a user's tmux), the pane read with `capture-pane -p` and typed
 * into with `send-keys`. For the demo, which only draws its screen and reads keys on a TTY.
 *
 * tmux missing: tests FAIL under CI=true (requireTmux throws) and may skip elsewhere.
 */
import { execFile } from 'node:child_process';
import { requireTool, toolPath } from './tools.js';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const tmuxPath = (): string | null => toolPath('tmux');

/** True when tmux is here. Throws when it is missing under CI=true; false lets a test skip. */
export const requireTmux = (): boolean => requireTool('tmux');

export interface TmuxSession {
  /** The pane's text now, one string per row (trailing spaces trimmed by tmux). */
  capture(): Promise<string[]>;
  /** Keys as tmux names them: 'i', 'Enter', 'Up', 'Escape'. */
  send(...keys: string[]): Promise<void>;
  /** Ends the session's server (the command in it gets SIGHUP). */
  kill(): Promise<void>;
}

let n = 0;

/** Starts `command` (a shell command line) in a detached session of `width` x `height` cells. */
export async function startTmux(command: string, width = 80, height = 24): Promise<TmuxSession> {
  const socket = `pos-test-${process.pid}-${n++}`;
  const tmux = (...args: string[]) =>
    run('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  await tmux('new-session', '-d', '-s', 'demo', '-x', String(width), '-y', String(height), command);
  return {
    capture: async () => (await tmux('capture-pane', '-p', '-t', 'demo')).stdout.split('\n'),
    send: async (...keys) => {
      await tmux('send-keys', '-t', 'demo', ...keys);
    },
    kill: async () => {
      await tmux('kill-server').catch(() => undefined); // already gone with its command
    },
  };
}
