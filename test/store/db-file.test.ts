/**
 * The files the store keeps: created 0600 (database, -wal, -shm, the seq high-water mark); a file at
 * the database path the agent did not create is refused, never renamed away; a database the agent
 * had initialized that is now empty, missing or corrupt is quarantined (alarm db_recreated), its
 * readable rows are salvaged (ids kept) and seq never goes back to a value already used.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, StoreError, type FailureStore } from '../../agent/store/index.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import { captureLogger } from '../helpers/log.js';
import { tempDir } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';

let dir: string;
let path: string;
const open: FailureStore[] = [];
beforeEach(() => {
  process.umask(0o022); // the default umask the audit ran under
  dir = tempDir('store-file-');
  path = join(dir, 'f.db');
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

function mk(opts: Partial<Parameters<typeof openStore>[0]> = {}): FailureStore {
  const s = openStore({ path, bootId: 'boot-1', ...opts });
  open.push(s);
  return s;
}

/** Opens, records n unsynced records, closes cleanly; returns their ids and the last seq. */
async function filled(n: number): Promise<{ ids: string[]; lastSeq: number }> {
  const s = mk();
  const recs = await Promise.all(Array.from({ length: n }, (_, i) => s.record(syntheticFailure(i))));
  await s.close();
  return { ids: recs.map((r) => r.id), lastSeq: recs.at(-1)!.seq };
}

function event(lines: string[], name: string): Record<string, unknown> | undefined {
  const l = lines.find((x) => x.includes(`"event":"${name}"`));
  return l ? (JSON.parse(l) as Record<string, unknown>) : undefined;
}

const mode = (p: string) => statSync(p).mode & 0o777;

describe('store files', () => {
  it('creates the database, its -wal and -shm and the high-water mark 0600 under umask 022', async () => {
    const s = mk();
    await s.record(syntheticFailure(1));
    for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}.hwm`])
      expect([f, mode(f)]).toEqual([f, 0o600]);
    await s.close();
    expect(mode(path)).toBe(0o600);
  });

  it('tightens an existing database of ours that is group/world readable', async () => {
    await filled(3);
    chmodSync(path, 0o644);
    const s = mk();
    await s.record(syntheticFailure(4));
    expect(mode(path)).toBe(0o600);
    expect(mode(`${path}-wal`)).toBe(0o600);
  });

  it('refuses an existing file that is not an SQLite database and not ours: typed error, file untouched', () => {
    const content = 'root:$6$secretsalt$hash:19000:0:99999:7:::\n'.repeat(50);
    writeFileSync(path, content);
    let err: unknown;
    try {
      mk();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('E_STORE_FOREIGN');
    expect((err as StoreError & { exitCode?: number }).exitCode).toBe(2);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).not.toContain('secretsalt');
    expect(readFileSync(path, 'utf8')).toBe(content); // not renamed, not replaced
    expect(readdirSync(dir)).toEqual(['f.db']);
  });

  it('refuses an SQLite database of another application (tables that are not ours), unchanged', () => {
    const other = new Database(path);
    other.exec("CREATE TABLE moz_places (url TEXT); INSERT INTO moz_places VALUES ('x')");
    other.close();
    expect(() => mk()).toThrow(expect.objectContaining({ code: 'E_STORE_FOREIGN' }));
    const again = new Database(path, { readonly: true });
    const tables = again.prepare("SELECT name FROM sqlite_master WHERE type='table'").pluck().all();
    const journal = again.pragma('journal_mode', { simple: true });
    again.close();
    expect(tables).toEqual(['moz_places']);
    expect(journal).toBe('delete'); // not switched to WAL either
  });

  it('refuses a <db>.hwm that is not a high-water mark, and leaves it as it was', () => {
    writeFileSync(`${path}.hwm`, 'some other file\n');
    expect(() => mk()).toThrow(expect.objectContaining({ code: 'E_STORE_FOREIGN' }));
    expect(readFileSync(`${path}.hwm`, 'utf8')).toBe('some other file\n');
  });

  it.each([
    ['the database path is a FIFO', (p: string) => execFileSync('mkfifo', [p]), (p: string) => p, /a FIFO/],
    ['the database path is a directory', (p: string) => mkdirSync(p), (p: string) => p, /a directory/],
    [
      'the database path is a symbolic link to nothing',
      (p: string) => symlinkSync(`${p}.nowhere`, p),
      (p: string) => p,
      /a symbolic link to a missing file/,
    ],
    [
      '<db>.hwm is a FIFO',
      (p: string) => execFileSync('mkfifo', [`${p}.hwm`]),
      (p: string) => `${p}.hwm`,
      /not a seq high-water mark/,
    ],
  ])(
    'refuses at once when %s: E_STORE_FOREIGN, exit code 2, never opened (fresh-clone review)',
    (_w, make, named, why) => {
      make(path);
      const t0 = Date.now();
      let err: unknown;
      try {
        mk();
      } catch (e) {
        err = e;
      }
      expect(Date.now() - t0).toBeLessThan(3000); // opening a FIFO would block for good
      expect((err as StoreError).code).toBe('E_STORE_FOREIGN');
      expect((err as StoreError).exitCode).toBe(2);
      expect((err as Error).message).toContain(named(path));
      expect((err as Error).message).toMatch(why);
    },
  );

  it('a 0-byte file nobody initialized is simply a new store', async () => {
    writeFileSync(path, '');
    const { lines, logger } = captureLogger();
    const s = mk({ logger });
    expect(s.alarms()).toEqual([]);
    expect((await s.record(syntheticFailure(1))).seq).toBe(1);
    expect(lines.some((l) => l.includes('db_recreated'))).toBe(false);
  });
});

describe('a database the agent initialized, lost or damaged', () => {
  it('emptied to 0 bytes: quarantined with db_recreated, counts logged, seq never reused', async () => {
    const { lastSeq } = await filled(111);
    truncateSync(path, 0);
    const { lines, logger } = captureLogger();
    const s = mk({ logger });
    expect(s.alarms()).toContain('db_recreated');
    expect(s.movedAside).toMatch(/f\.db\.(corrupt|empty)-\d{8}T\d+Z$/);
    expect(existsSync(s.movedAside!)).toBe(true);
    const salvage = event(lines, 'db_salvaged');
    expect(salvage).toMatchObject({ held: 111, recovered: 0, lost: 111 });
    const r = await s.record(syntheticFailure(200));
    expect(r.seq).toBeGreaterThan(lastSeq);
    expect(String(r.seq).length).toBeLessThan(13);
  });

  it('emptied after a crash (its -wal survived): all 111 unsynced records salvaged with their ids and sent', async () => {
    const s0 = mk();
    const recs = await Promise.all(Array.from({ length: 111 }, (_, i) => s0.record(syntheticFailure(i))));
    // the files as a SIGKILL leaves them: committed pages in the -wal, no clean close
    const crashed = mkdtempSync(join(dir, 'crash-'));
    for (const f of ['f.db', 'f.db-wal', 'f.db.hwm']) copyFileSync(join(dir, f), join(crashed, f));
    await s0.close();
    path = join(crashed, 'f.db');
    truncateSync(path, 0);
    const { lines, logger } = captureLogger();
    const s = mk({ logger });
    expect(s.alarms()).toContain('db_recreated');
    expect(event(lines, 'db_salvaged')).toMatchObject({ held: 111, recovered: 111, lost: 0 });
    expect(s.unsynced(500).map((r) => [r.id, r.seq])).toEqual(recs.map((r) => [r.id, r.seq]));
    expect(statSync(`${s.movedAside!}-wal`).size).toBeGreaterThan(0); // the evidence is kept as found
    expect(readdirSync(crashed).filter((f) => f.startsWith('.salvage'))).toEqual([]);
    expect((await s.record(syntheticFailure(500))).seq).toBeGreaterThan(111);
  });

  it('deleted (the key and high-water mark remain): db_recreated, seq continues above every seq used', async () => {
    const { lastSeq } = await filled(20);
    unlinkSync(path);
    const s = mk();
    expect(s.alarms()).toContain('db_recreated');
    expect((await s.record(syntheticFailure(1))).seq).toBeGreaterThan(lastSeq);
  });

  it('seq stays above the high-water mark across repeated losses, even with no rows to learn from', async () => {
    let s = mk();
    const a = await s.record(syntheticFailure(1));
    await s.close();
    truncateSync(path, 0);
    s = mk();
    const b = await s.record(syntheticFailure(2));
    await s.close();
    truncateSync(path, 0);
    s = mk();
    const c = await s.record(syntheticFailure(3));
    expect(b.seq).toBeGreaterThan(a.seq);
    expect(c.seq).toBeGreaterThan(b.seq);
  });

  it('corrupt pages: readable rows are salvaged with their ids, unsynced ones go to the outbox; the log adds up', async () => {
    const { ids, lastSeq } = await filled(3000);
    const buf = readFileSync(path);
    buf.fill(0x33, 4096 * 20, 4096 * 23); // smash a few b-tree pages, keep the header
    writeFileSync(path, buf);
    const { lines, logger } = captureLogger();
    const s = mk({ logger });
    expect(s.alarms()).toContain('db_recreated');
    const salvage = event(lines, 'db_salvaged') as { held: number; recovered: number; lost: number };
    expect(salvage).toBeDefined();
    expect(salvage.held).toBe(3000);
    expect(salvage.recovered).toBeGreaterThan(2500);
    expect(salvage.recovered + salvage.lost).toBe(3000);
    expect(s.stats().total).toBe(salvage.recovered);
    expect(s.stats().outboxDepth).toBe(salvage.recovered);
    const kept = s.unsynced(5000).map((r) => r.id);
    expect(kept.length).toBe(salvage.recovered);
    const known = new Set(ids);
    expect(kept.every((id) => known.has(id))).toBe(true);
    const r = await s.record(syntheticFailure(9999));
    expect(r.seq).toBeGreaterThan(lastSeq);
  });

  it('a garbage header on a database of ours: quarantined (not refused), held known from the last clean stop', async () => {
    await filled(50);
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    const { lines, logger } = captureLogger();
    const s = mk({ logger });
    expect(s.alarms()).toContain('db_recreated');
    expect(event(lines, 'db_salvaged')).toMatchObject({ held: 50, recovered: 0, lost: 50 });
  });

  it('deleted after a crash with its -wal left: the -wal is quarantined and its records salvaged', async () => {
    const s0 = mk();
    const recs = await Promise.all(Array.from({ length: 40 }, (_, i) => s0.record(syntheticFailure(i))));
    const crashed = mkdtempSync(join(dir, 'crash-'));
    for (const f of ['f.db-wal', 'f.db.hwm']) copyFileSync(join(dir, f), join(crashed, f)); // no f.db
    await s0.close();
    path = join(crashed, 'f.db');
    const s = mk();
    expect(s.alarms()).toContain('db_recreated');
    expect(s.unsynced(100).map((r) => r.id)).toEqual(recs.map((r) => r.id));
  });
});

describe('a database put back to an older copy (fresh-clone review)', () => {
  it('after a clean stop: db_rolled_back says how many were lost, seq goes on after the last one used', async () => {
    await filled(5);
    copyFileSync(path, join(dir, 'old.db')); // a backup of 5 records (cleanly closed: no -wal)
    const { lastSeq } = await filled(7); // 12 records now, last seq 12
    expect(lastSeq).toBe(12);
    copyFileSync(join(dir, 'old.db'), path); // the backup put back
    const { lines, logger } = captureLogger();
    const s = mk({ logger });
    const rolled = event(lines, 'db_rolled_back');
    expect(rolled).toMatchObject({
      records_at_last_stop: 12,
      records_now: 5,
      lost_at_least: 7,
      last_seq_committed: 12,
      last_seq_now: 5,
    });
    expect(s.alarms()).toContain('db_rolled_back');
    const r = await s.record(syntheticFailure(99));
    expect(r.seq).toBe(13); // never 6..12 again
  });

  it('the -wal lost after a crash: db_rolled_back from the seq mark, seq never reused', async () => {
    const s1 = mk();
    for (let i = 0; i < 3; i++) await s1.record(syntheticFailure(i));
    s1.db.pragma('wal_checkpoint(TRUNCATE)'); // 3 records in the main file
    s1.db.pragma('wal_autocheckpoint = 0');
    for (let i = 3; i < 8; i++) await s1.record(syntheticFailure(i)); // 5 more only in the -wal
    copyFileSync(path, join(dir, 'main-only.db'));
    await s1.close();
    copyFileSync(join(dir, 'main-only.db'), path); // as if the -wal had been removed after a crash
    for (const f of [`${path}-wal`, `${path}-shm`]) if (existsSync(f)) unlinkSync(f);
    const { lines, logger } = captureLogger();
    const s2 = mk({ logger });
    expect(event(lines, 'db_rolled_back')).toMatchObject({ last_seq_committed: 8, last_seq_now: 3 });
    expect(s2.alarms()).toContain('db_rolled_back');
    expect((await s2.record(syntheticFailure(9))).seq).toBe(9);
  });

  it('a clean stop and start without any loss raises nothing', async () => {
    await filled(3);
    const { lines, logger } = captureLogger();
    const s = mk({ logger });
    expect(event(lines, 'db_rolled_back')).toBeUndefined();
    expect(s.alarms()).toEqual([]);
    expect((await s.record(syntheticFailure(4))).seq).toBe(4);
  });
});

describe('the seq high-water mark', () => {
  it('is raised durably before a commit passes it, one write per block', async () => {
    const s = mk({ seqBlock: 10 });
    const ceiling = () =>
      (JSON.parse(readFileSync(`${path}.hwm`, 'utf8')) as { seq_ceiling: number }).seq_ceiling;
    expect(ceiling()).toBe(10);
    for (let i = 0; i < 35; i++) {
      const r = await s.record(syntheticFailure(i));
      expect(ceiling()).toBeGreaterThanOrEqual(r.seq); // on disk while the store still runs
    }
    expect(ceiling()).toBeLessThanOrEqual(35 + 10);
  });

  it('cannot be written: records wait in memory with store_io_error, nothing is lost, they commit once it can', async () => {
    const { lines, logger } = captureLogger();
    const s = mk({ seqBlock: 5, logger, retryMinMs: 5, retryMaxMs: 20 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => s.record(syntheticFailure(i))));
    const blocker = `${path}.hwm.tmp-${process.pid}`;
    mkdirSync(blocker); // the temporary file cannot be created
    const pending = Array.from({ length: 20 }, (_, i) => s.record(syntheticFailure(i + 5)));
    await waitUntil(() => s.alarms().includes('store_io_error'), 2000, 'alarm');
    expect(s.stats().total).toBe(5);
    expect(
      lines.some((l) => l.includes('"event":"store_write_retry"') && l.includes('SQLITE_IOERR_HWM')),
    ).toBe(true);
    rmSync(blocker, { recursive: true });
    const recs = await Promise.all(pending);
    expect(recs.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 6));
    expect(s.alarms()).not.toContain('store_io_error');
  });
});
