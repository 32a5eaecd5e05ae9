/**
 * The device secret for the keyed card hash (HMAC-SHA256). From config (declines.card_key), or
 * generated once and kept beside the database (`<db>.key`, mode 0600, written atomically) so the
 * same card keeps its hash across restarts. Never logged. An existing key file that does not hold
 * a key is refused, never overwritten: it may be something else the operator keeps there.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { writeFileDurable } from '../store/durable-file.js';
import { specialAt } from '../store/db-file.js';

export class CardKeyError extends Error {
  override readonly name = 'CardKeyError';
  readonly code = 'E_CARD_KEY';
  readonly exitCode = 2;
}

/** The key kept in `<db>.key`; null when there is no such file. Throws CardKeyError on anything else. */
export function readCardKey(dbPath: string): Buffer | null {
  const file = `${dbPath}.key`;
  const kind = specialAt(file);
  if (kind === 'missing') return null;
  if (kind !== null) throw new CardKeyError(`${file} is ${kind}, not a device key file; move it away`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new CardKeyError(`cannot read the device key file ${file}: ${code ?? 'error'}`);
  }
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    // the content is never quoted: the file may hold anything
    throw new CardKeyError(
      `${file} exists but does not hold a device key (64 hex digits); refusing to overwrite it: move it away, or set declines.card_key`,
    );
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600); // a key of an older version
  return Buffer.from(hex, 'hex');
}

/** The configured key, else the one in `<db>.key`, else a new one written there. */
export function loadCardKey(configured: string | undefined, dbPath: string): Buffer {
  if (configured) return Buffer.from(configured, 'hex');
  const existing = readCardKey(dbPath);
  if (existing) return existing;
  const key = randomBytes(32);
  writeFileDurable(`${dbPath}.key`, `${key.toString('hex')}\n`);
  return key;
}
