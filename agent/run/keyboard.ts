/**
 * The terminal's keyboard as the cashier keypad, for the console display (the demo, a bench): the
 * keys a person presses in the terminal are read in raw mode and become the same key presses as
 * `EVT KEY name=...` on the serial line. Ctrl-C still stops the agent.
 *
 *   i  INFO    p  PRINT    ↑ / k  UP    ↓ / j  DOWN    Enter  OK    Esc / Backspace  CANCEL
 */
import type { KeyName } from '../pipeline/desk.js';

/** The line shown under the console screen. */
export const KEYPAD_HINT = 'keys: i info · p print · ↑↓ page · enter ok · esc back';

/** The key a chunk of terminal input stands for; 'stop' for Ctrl-C; null for anything else. */
export function keyOf(chunk: string): KeyName | 'stop' | null {
  switch (chunk) {
    case 'i':
    case 'I':
      return 'INFO';
    case 'p':
    case 'P':
      return 'PRINT';
    case '\x1b[A':
    case '\x1bOA':
    case 'k':
      return 'UP';
    case '\x1b[B':
    case '\x1bOB':
    case 'j':
    case ' ':
      return 'DOWN';
    case '\r':
    case '\n':
      return 'OK';
    case '\x1b':
    case '\x7f':
    case '\b':
      return 'CANCEL';
    case '\x03':
      return 'stop';
    default:
      return null;
  }
}

/**
 * The key presses in a chunk of terminal input: keys typed fast, held down or pasted come in one
 * chunk ("\x1b[B\x1b[Bi"): an arrow's escape sequence is one piece, any other character one piece.
 */
export function keyPieces(chunk: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < chunk.length) {
    if (chunk[i] === '\x1b' && (chunk[i + 1] === '[' || chunk[i + 1] === 'O') && i + 2 < chunk.length) {
      out.push(chunk.slice(i, i + 3));
      i += 3;
    } else {
      out.push(chunk[i]!);
      i++;
    }
  }
  return out;
}

export interface KeyboardInput {
  isTTY?: boolean;
  setRawMode?(on: boolean): unknown;
  setEncoding(enc: BufferEncoding): unknown;
  on(event: 'data', fn: (chunk: string) => void): unknown;
  off(event: 'data', fn: (chunk: string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/**
 * Reads keys from `input` (a TTY) until the returned function is called. Returns null when the
 * input is not a terminal (nothing to read from).
 */
export function readKeypad(
  input: KeyboardInput,
  onKey: (key: KeyName) => void,
  onStop: () => void,
): (() => void) | null {
  if (input.isTTY !== true || typeof input.setRawMode !== 'function') return null;
  input.setRawMode(true);
  input.setEncoding('utf8');
  const onData = (chunk: string): void => {
    for (const piece of keyPieces(chunk)) {
      const k = keyOf(piece);
      if (k === 'stop') onStop();
      else if (k !== null) onKey(k);
    }
  };
  input.on('data', onData);
  input.resume();
  return () => {
    input.off('data', onData);
    input.setRawMode?.(false);
    input.pause();
  };
}
