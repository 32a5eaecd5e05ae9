/**
 * The built CLI: `fleet user add` (password from stdin, a second user of the same name refused
 * with exit 2) and `fleet serve` with a bad config (exit 2, the key named), and `fleet serve`
 * answering on its port until --duration ends it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqliteFleetStore } from '../../../agent/fleet/store/sqlite.js';
import { CLI } from '../../helpers/cli.js';
import { freePort } from '../../helpers/mosquitto.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitUntil } from '../../helpers/wait.js';

const dir = tempDir('pos-portal-cli-');
const run = (args: string[], input = '') =>
  spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout: 30_000 });

describe('fleet user add and fleet serve', () => {
  it('adds users with the password from stdin, refusing a repeat and a short password', async () => {
    const db = join(dir, 'users.db');
    const ok = run(
      ['fleet', 'user', 'add', 'mia', '--role', 'merchant', '--merchant', 'M1', 'M2', '--db', db],
      'long enough pw\n',
    );
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('user mia added (merchant: M1, M2)\n');
    const again = run(
      ['fleet', 'user', 'add', 'mia', '--role', 'merchant', '--merchant', 'M1', '--db', db],
      'long enough pw\n',
    );
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('E_USER_EXISTS');
    const short = run(['fleet', 'user', 'add', 'olga', '--role', 'operator', '--db', db], 'short\n');
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('stdin: the password: 8 to 1024 characters');
    expect(run(['fleet', 'user', 'add', 'x', '--role', 'admin', '--db', db]).status).toBe(2);
    const store = sqliteFleetStore(db);
    const u = await store.userForSignIn('mia');
    await store.close();
    expect(u!.password_hash).toMatch(/^\$argon2id\$/);
    expect(u!.merchant_ids).toEqual(['M1', 'M2']);
  });

  it('refuses a bad config naming the key, and serves until --duration', async () => {
    const bad = run(['fleet', 'serve', '--db', join(dir, 's.db'), '--listen', 'nowhere']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('config fleet.serve.listen = "nowhere"');
    const port = await freePort();
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [
      CLI,
      'fleet',
      'serve',
      '--db',
      join(dir, 's.db'),
      '--listen',
      `127.0.0.1:${port}`,
      '--duration',
      '2',
    ]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    await waitUntil(
      () => out.includes('portal at'),
      10_000,
      () => `"portal at" on stdout; stdout: ${out}; stderr: ${err.slice(-1500)}`,
      50,
    );
    expect(out).toContain(`portal at http://127.0.0.1:${port}`);
    const res = await fetch(`http://127.0.0.1:${port}/signin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await exited).toBe(0);
  });
});
