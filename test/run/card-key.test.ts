/**
 * The device key file `<db>.key`: made once, 0600, atomically; an existing file that is not a key is
 * refused with a typed error naming the file (never its content), and left as it was.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCardKey } from '../../agent/run/card-key.js';

let dir: string;
beforeEach(() => {
  process.umask(0o022);
  dir = mkdtempSync(join(tmpdir(), 'card-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('card key file', () => {
  it('is generated once, 0600, and read back the same', () => {
    const db = join(dir, 'a.db');
    const k1 = loadCardKey(undefined, db);
    expect(statSync(`${db}.key`).mode & 0o777).toBe(0o600);
    expect(loadCardKey(undefined, db).equals(k1)).toBe(true);
    expect(readdirSync(dir)).toEqual(['a.db.key']); // no temp file left behind
  });

  it('refuses an existing key file that is not a key: typed error naming the file, content untouched', () => {
    const db = join(dir, 'b.db');
    const content = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n';
    writeFileSync(`${db}.key`, content, { mode: 0o600 });
    let err: unknown;
    try {
      loadCardKey(undefined, db);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'E_CARD_KEY', exitCode: 2 });
    expect((err as Error).message).toContain(`${db}.key`);
    expect((err as Error).message).not.toContain('MIIEv');
    expect(readFileSync(`${db}.key`, 'utf8')).toBe(content);
  });

  it('a FIFO or a directory at <db>.key is refused at once, never opened (fresh-clone review)', () => {
    const db = join(dir, 'd.db');
    execFileSync('mkfifo', [`${db}.key`]);
    expect(() => loadCardKey(undefined, db)).toThrow(
      expect.objectContaining({ code: 'E_CARD_KEY', message: expect.stringContaining('is a FIFO') }),
    );
    const db2 = join(dir, 'e.db');
    mkdirSync(`${db2}.key`);
    expect(() => loadCardKey(undefined, db2)).toThrow(
      expect.objectContaining({ code: 'E_CARD_KEY', message: expect.stringContaining('is a directory') }),
    );
  });

  it('a configured key wins and no file is written', () => {
    const db = join(dir, 'c.db');
    expect(loadCardKey('00'.repeat(32), db).length).toBe(32);
    expect(readdirSync(dir)).toEqual([]);
  });
});
