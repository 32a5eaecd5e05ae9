/**
 * Errors about what the user pointed the CLI at never print what is inside it: a file named in
 * the config (or --config itself, a TLS file, a dialect) that is not what it should be is named
 * with the reason, never quoted; a URL that does not parse is shown without its password. Also:
 * `export` reads a valid database in a directory it cannot write to.
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/global-build.js';
import { createStore, insertRecords, makeRecord } from '../export/seed.js';
import { CLI } from '../helpers/cli.js';
import { findPans } from '../../protocol/card/pan.js';

// a fake base64 private key body and a shadow-style line: none of it may ever be printed
const KEY_LINE = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDfakeKEYzQ9x';
const SHADOW_LINE = 'root:$6$Qx7saltQ$AuditShadowHashValue0123456789abcdef:19700:0:99999:7:::';
const FOREIGN = `${KEY_LINE}\n${SHADOW_LINE}\n`;
// fragments that must not appear anywhere in the output
const FRAGMENTS = ['MIIEvQ', 'fakeKEY', 'AuditShadow', 'Qx7salt', 'root:$6'];

interface Result {
  code: number | null;
  out: string;
}

function runCli(
  args: string[],
  opts: { env?: Record<string, string>; uid?: number; stdin?: string } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, POS_AGENT_LOG_LEVEL: 'info', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end(opts.stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function expectNoContent(out: string): void {
  for (const f of FRAGMENTS) expect(out, `output quotes the file: ${out}`).not.toContain(f);
}

let dir: string;
let foreign: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pos-noecho-'));
  foreign = join(dir, 'foreign.txt');
  writeFileSync(foreign, FOREIGN);
  for (const ext of ['yaml', 'pem']) writeFileSync(join(dir, `foreign.${ext}`), FOREIGN);
}, 240_000);
afterAll(() => {
  for (const d of ['ro', 'rowal']) {
    try {
      chmodSync(join(dir, d), 0o755);
    } catch {
      // not created (a test before it failed)
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('through the built CLI: nothing of a foreign file or a password reaches the terminal', () => {
  it('--config FILE that is not a config', async () => {
    const r = await runCli(['run', '--simulate', '--print-config', '--config', join(dir, 'foreign.yaml')]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('foreign.yaml');
    expectNoContent(r.out);
  });

  it('a TLS key file that is not PEM', async () => {
    const file = join(dir, 'tls.json');
    writeFileSync(
      file,
      JSON.stringify({
        broker: { url: 'mqtts://127.0.0.1:1', key: join(dir, 'foreign.pem') },
        display: { driver: 'none' },
      }),
    );
    const r = await runCli(['run', '--serial', '/dev/null', '--config', file, '--db', join(dir, 'x.db')]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('config broker.key');
    expectNoContent(r.out);
  });

  it('fleet watch: a --key that is not PEM, a --broker that does not parse', async () => {
    const key = await runCli([
      'fleet',
      'watch',
      '--broker',
      'mqtts://127.0.0.1:1',
      '--key',
      foreign,
      '--duration',
      '1',
    ]);
    expect(key.code).toBe(2);
    expect(key.out).toContain('--key');
    expectNoContent(key.out);
    const url = await runCli(['fleet', 'watch', '--broker', 'mqtt://user:TopSecret1@', '--duration', '1']);
    expect(url.code).toBe(2);
    expect(url.out).toContain('--broker');
    expect(url.out).not.toContain('TopSecret1');
  });

  it("a card number given as a command-line argument is masked in commander's own usage errors", async () => {
    const pan = '4111111111111111';
    for (const args of [
      ['script', '--columns', pan],
      [`--${pan}`],
      ['simulate', '--dialect', pan],
      ['explain', '51', '--lang', pan],
    ]) {
      const r = await runCli(args);
      expect([args[0], r.code]).toEqual([args[0], 2]);
      expect(r.out).toContain('411111******1111');
      expect(findPans(r.out)).toEqual([]);
    }
  });

  it("a config value out of range gets zod's English reason from the bundle (its messages are set by the vendor module)", async () => {
    const r = await runCli(['run', '--simulate', '--broker', 'none', '--print-config'], {
      env: { POS_AGENT_DISPLAY_WIDTH: '5', POS_AGENT_DISPLAY_HEIGHT: '2' },
    });
    expect(r.code).toBe(2);
    expect(r.out).toContain('config display.width = 5: Too small: expected number to be >=16');
  });

  it('the rest of a track after its card number is removed from usage and config errors', async () => {
    const track2 = '4111111111111111=25121010000012345678';
    for (const args of [
      [`--${track2}`],
      ['explain', '51', '--lang', track2],
      ['run', '--simulate', '--broker', 'none', '--terminal', `;${track2}?`],
    ]) {
      const r = await runCli(args);
      expect([args[0], r.code]).toEqual([args[0], 2]);
      // removed from the line, or (a config value) never shown: the key and the reason are
      if (args[0] === 'run') expect(r.out).toMatch(/E_CONFIG: config terminal\.id: /);
      else expect(r.out).toContain('[card data removed]');
      // the expiry, service code and discretionary data, and the PAN
      for (const piece of ['2512101', '12345678', '4111111111111111'])
        expect([args.join(' '), r.out.includes(piece)]).toEqual([args.join(' '), false]);
    }
  });
});

describe('export of a database in a directory it cannot write to', () => {
  // root writes anywhere: the export runs as nobody then
  const asUid = process.getuid?.() === 0 ? 65534 : undefined;

  /** An empty directory; the test fills it and then makes it read-only (0555). */
  function freshDir(name: string): string {
    const d = join(dir, name);
    mkdirSync(d);
    chmodSync(dir, 0o755); // the export's user reaches it
    return d;
  }

  it('exports a WAL-mode database whose log was checkpointed', async () => {
    const d = freshDir('ro');
    const file = join(d, 'a.db');
    const db = createStore(file);
    db.pragma('journal_mode = WAL');
    insertRecords(db, [makeRecord(1), makeRecord(2), makeRecord(3)]);
    db.close(); // checkpoints and removes -wal and -shm
    chmodSync(file, 0o644);
    chmodSync(d, 0o555);
    const r = await runCli(['export', '--db', file, '--format', 'ndjson'], {
      ...(asUid !== undefined ? { uid: asUid } : {}),
    });
    expect(r.out).not.toMatch(/not a SQLite database/);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(3);
  });

  it('reads the records still in the -wal of a database in a read-only directory', async () => {
    const d = freshDir('rowal');
    const src = join(dir, 'live.db');
    const db = createStore(src);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    insertRecords(db, [makeRecord(1), makeRecord(2)]);
    // copy while the writer is open: the records are only in the -wal
    copyFileSync(src, join(d, 'a.db'));
    copyFileSync(`${src}-wal`, join(d, 'a.db-wal'));
    db.close();
    chmodSync(join(d, 'a.db'), 0o644);
    chmodSync(join(d, 'a.db-wal'), 0o644);
    chmodSync(d, 0o555);
    const r = await runCli(['export', '--db', join(d, 'a.db'), '--format', 'ndjson'], {
      ...(asUid !== undefined ? { uid: asUid } : {}),
    });
    expect(r.out).not.toMatch(/not a SQLite database/);
    expect(r.code).toBe(0);
    // the log's records too, not a stale view without them
    expect(r.out.trim().split('\n')).toHaveLength(2);
  });

  it.each([
    ['as root, in a read-only directory', 0o555],
    ['in a writable directory', 0o755],
  ])('leaves no -wal or -shm behind %s (fresh-clone review)', async (_w, mode) => {
    const d = freshDir(`nowal-${mode.toString(8)}`);
    const file = join(d, 'a.db');
    const db = createStore(file);
    insertRecords(db, [makeRecord(1), makeRecord(2)]);
    db.close(); // a stopped agent: no -wal, no -shm
    chmodSync(d, mode);
    // as the user running the test (root in CI: read-only modes do not stop it)
    const r = await runCli(['export', '--db', file, '--format', 'ndjson']);
    expect(r.code, r.out).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(2);
    expect(readdirSync(d)).toEqual(['a.db']);
  });

  it('keeps the -wal and -shm of a database that is open elsewhere (a running agent)', async () => {
    const d = freshDir('live');
    const file = join(d, 'a.db');
    const db = createStore(file);
    insertRecords(db, [makeRecord(1)]);
    const r = await runCli(['export', '--db', file, '--format', 'ndjson']);
    expect(r.code, r.out).toBe(0);
    expect(readdirSync(d).sort()).toEqual(['a.db', 'a.db-shm', 'a.db-wal']);
    insertRecords(db, [makeRecord(2)]); // the writer is unharmed
    expect(db.prepare('SELECT count(*) FROM failures').pluck().get()).toBe(2);
    db.close();
  });

  it('a file that is not a database says so', async () => {
    const file = join(dir, 'notdb.db');
    writeFileSync(file, FOREIGN);
    const r = await runCli(['export', '--db', file, '--format', 'ndjson']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/not a SQLite database/);
    expectNoContent(r.out);
  });
});

describe('--print-config (fresh-clone review)', () => {
  it('masks a card number typed into any value, not only the secret keys', async () => {
    const r = await runCli(['run', '--simulate', '--print-config'], {
      env: { POS_AGENT_FLEET: '4111111111111111', POS_AGENT_TERMINAL_MERCHANT_NAME: 'SHOP 5555555555554444' },
    });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('411111******1111');
    expect(r.out).not.toContain('4111111111111111');
    expect(r.out).not.toContain('5555555555554444');
  });
});
