/**
 * The device secret for the keyed card hash (HMAC-SHA256). From config (declines.card_key), or
 * generated once and kept beside the database (`<db>.key`, mode 0600) so the same card keeps its
 * hash across restarts. Never logged.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export function loadCardKey(configured: string | undefined, dbPath: string): Buffer {
  if (configured) return Buffer.from(configured, 'hex');
  const file = `${dbPath}.key`;
  try {
    const hex = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/i.test(hex)) return Buffer.from(hex, 'hex');
  } catch {
    // first start: make one
  }
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600 });
  return key;
}
