import { fstatSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { failureRecordSchema, type NewFailure, openStore, StoreError } from '../../agent/store/index.js';
import { SCHEMA_VERSION } from '../../agent/store/schema.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import { monotonicUlid, ULID_RE, ulidTime } from '../../agent/store/ulid.js';
import { findPans } from '../../protocol/card/pan.js';
import type { FailureRecord } from '../../agent/record.js';
import { captureLogger } from '../helpers/log.js';
import { storeEachTest } from '../helpers/store.js';
import { waitUntil } from '../helpers/wait.js';

const { dir, mk } = storeEachTest('store-test-');

describe('ulid', () => {
  it('is 26 Crockford chars, time-prefixed and monotonic within a millisecond', () => {
    const next = monotonicUlid();
    const ids = Array.from({ length: 5000 }, () => next(1_700_000_000_000));
    for (const id of ids) expect(id).toMatch(ULID_RE);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ulidTime(ids[0] as string)).toBe(1_700_000_000_000);
    // clock stepping back keeps order
    const later = next(1_699_999_999_000);
    expect(later > (ids.at(-1) as string)).toBe(true);
    expect(next(1_700_000_000_001) > later).toBe(true);
  });
  it('carries into the next digit when the random part ends in Z, and refuses to overflow', () => {
    const next = monotonicUlid((n) => {
      const b = new Uint8Array(n).fill(31);
      b[0] = 0;
      return b;
    });
    expect(next(5).slice(10)).toBe(`0${'Z'.repeat(15)}`);
    expect(next(5).slice(10)).toBe(`1${'0'.repeat(15)}`);
    const full = monotonicUlid((n) => new Uint8Array(n).fill(31));
    full(7);
    expect(() => full(7)).toThrow(RangeError);
  });
});

describe('store', () => {
  it('commits records with id, seq and boot id, and reads them back from the outbox in order', async () => {
    const s = mk();
    const recs = await Promise.all(Array.from({ length: 1000 }, (_, i) => s.record(syntheticFailure(i))));
    expect(recs.map((r) => r.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    for (const r of recs) failureRecordSchema.parse(r);
    const out = s.unsynced(2000);
    expect(out.map((r) => r.id)).toEqual(recs.map((r) => r.id));
    expect(out[0]).toEqual(recs[0]);
    expect(s.stats()).toMatchObject({ outboxDepth: 1000, total: 1000 });
    expect(s.unsynced(10, 995).map((r) => r.seq)).toEqual([996, 997, 998, 999, 1000]);
    expect(s.markSynced(recs.slice(0, 600), new Date().toISOString())).toBe(600);
    expect(s.markSynced([recs[0] as FailureRecord], new Date().toISOString())).toBe(0);
    expect(s.stats().outboxDepth).toBe(400);
    expect(s.unsynced(1)[0]?.seq).toBe(601);
    expect(s.counts().insufficient_funds).toBeGreaterThan(0);
  });

  it('groups concurrent records into few transactions (WAL frames far below one commit per record)', async () => {
    const s = mk({ groupCommitMax: 100, groupCommitMs: 1, synchronous: 'normal' }); // frame counts do not depend on fsync
    s.db.pragma('wal_autocheckpoint = 0');
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    await Promise.all(Array.from({ length: 1000 }, (_, i) => s.record(syntheticFailure(i))));
    const grouped = (s.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]?.log ?? 0;
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    for (let i = 0; i < 300; i++) await s.record(syntheticFailure(i)); // one at a time: one commit each
    const single = (s.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]?.log ?? 0;
    expect(single).toBeGreaterThanOrEqual(300);
    expect(grouped).toBeLessThan(single / 2);
  });

  it('by default commits at the end of the event loop turn that queued the records, all of them in one transaction', async () => {
    const count = (s: ReturnType<typeof mk>) =>
      (s.db.prepare('SELECT count(*) FROM failures').pluck().get() as number) ?? 0;
    const s = mk({ synchronous: 'normal' });
    s.db.pragma('wal_autocheckpoint = 0');
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    const done = Promise.all(Array.from({ length: 20 }, (_, i) => s.record(syntheticFailure(i))));
    expect(count(s)).toBe(0); // queued, not yet written
    await new Promise((r) => setImmediate(r)); // queued after the store's own: it has run
    expect(count(s)).toBe(20);
    const frames = (s.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]?.log ?? 0;
    await done;
    // a window (the old default was 4 ms; 250 here, so a stalled machine cannot let it fire first)
    // has not committed by then
    const t = mk({ synchronous: 'normal', groupCommitMs: 250, path: join(dir(), 'windowed.db') });
    const later = t.record(syntheticFailure(0));
    await new Promise((r) => setImmediate(r));
    expect(count(t)).toBe(0);
    await later;
    expect(count(t)).toBe(1);
    // one transaction: its pages, not one commit per record (20 single commits write 20+ frames)
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(20);
  });

  it('continues seq across restarts and after old rows are purged', async () => {
    let s = mk();
    const a = await Promise.all(Array.from({ length: 10 }, (_, i) => s.record(syntheticFailure(i))));
    await s.close();
    s = mk();
    const b = await s.record(syntheticFailure(10));
    expect(b.seq).toBe(11);
    s.markSynced([...a, b], new Date().toISOString());
    s.db.prepare('DELETE FROM failures').run();
    await s.close();
    s = mk();
    expect((await s.record(syntheticFailure(11))).seq).toBe(12);
    expect((await s.record(syntheticFailure(12, 'T0002'))).seq).toBe(1);
  });

  it('rejects invalid records with E_RECORD and writes nothing', async () => {
    const s = mk();
    const bad = { ...syntheticFailure(1), category: 'nope' } as never;
    await expect(s.record(bad)).rejects.toMatchObject({ code: 'E_RECORD' });
    await expect(s.record({ ...syntheticFailure(1), extra: 1 } as never)).rejects.toBeInstanceOf(StoreError);
    expect(s.stats().total).toBe(0);
    expect((await s.record(syntheticFailure(2))).seq).toBe(1);
  });

  it('writes the record as checked, whatever the caller does with it afterwards', async () => {
    const s = mk();
    const f = syntheticFailure(3);
    const pending = s.record(f);
    const rc = f.rc;
    (f as { rc: string }).rc = '';
    (f as Record<string, unknown>).extra = 1;
    const r = await pending;
    expect(r.rc).toBe(rc);
    expect(r).not.toHaveProperty('extra');
    expect(s.db.prepare('SELECT rc FROM failures WHERE id = ?').get(r.id)).toEqual({ rc });
  });

  it('masks a full PAN handed to it and never stores, logs or returns one', async () => {
    const { lines, logger } = captureLogger();
    const s = mk({ logger });
    const r = await s.record({ ...syntheticFailure(1), pan_masked: '4761739001010119' });
    expect(r.pan_masked).toBe('476173******0119');
    await Promise.all(Array.from({ length: 200 }, (_, i) => s.record(syntheticFailure(i))));
    const rows = s.db.prepare('SELECT * FROM failures').all() as Array<Record<string, unknown>>;
    expect(rows.length).toBe(201);
    const text = rows.map((row) => Object.values(row).join(' | ')).join('\n');
    for (const t of [text, ...lines.map((l) => l.replace(/"time":\d+,?/, '')), JSON.stringify(r)])
      expect(findPans(t)).toEqual([]);
    expect(lines.some((l) => l.includes('pan_masked_on_store'))).toBe(true);
  });

  it('empties a field holding track data or a CVV (named in notes), refuses it in a required field', async () => {
    const { lines, logger } = captureLogger();
    const s = mk({ logger });
    const track2 = ';4761739001010119=25121010000012300000?';
    const track1 = '%B4761739001010119^DOE/JOHN^2512101000000000?';
    const r = await s.record({ ...syntheticFailure(1), notes: `swiped ${track2}`, card_brand: track1 });
    expect(r).toMatchObject({ card_brand: null });
    expect(r.notes?.split('; ').sort()).toEqual([
      'card_brand: held track data, emptied by the store',
      'notes: held track data, emptied by the store',
    ]);
    const cvv = await s.record({ ...syntheticFailure(2), rrn: null, notes: 'cvv2: 123' });
    expect(cvv.notes).toBe('notes: held a card security code, emptied by the store');
    for (const [key, value] of [
      ['terminal_id', `T ${track2}`],
      ['rc', 'CVC2 987'],
    ] as const) {
      const e = await s.record({ ...syntheticFailure(3), [key]: value }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(StoreError);
      expect((e as StoreError).code).toBe('E_RECORD');
      expect((e as Error).message).toContain(`${key}: holds`);
      expect((e as Error).message).not.toMatch(/2512|987|DOE/);
    }
    const rows = s.db.prepare('SELECT * FROM failures').all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(2);
    // without the log's time and our ULIDs: "…05.987Z" or an id holding 987 is not the CVC
    const ours = (t: string) =>
      t.replace(/"time":"[^"]*"/g, '').replace(/"[0-7][0-9A-HJKMNP-TV-Z]{25}"/g, '""');
    for (const t of [JSON.stringify(rows), ...lines])
      expect(ours(t)).not.toMatch(/25121010|DOE|cvv2: 123|987/);
  });

  it('empties a linked id that reads as card data: ids of ours never do (agent/store/ulid.ts skips them)', async () => {
    const s = mk();
    const linked_id = '0123D4567890ABCDEFGHJKMNPQ'; // the ULID form, and a BCD track's shape
    const r = await s.record({ ...syntheticFailure(1), linked_id });
    expect(r.linked_id).toBeNull();
    expect(r.notes).toBe('linked_id: held card data, emptied by the store');
    const ok = '01M8Z8YETEX53EZPPXRZ5DS7MT';
    expect((await s.record({ ...syntheticFailure(2), linked_id: ok })).linked_id).toBe(ok);
  });

  it('reads each value of the input once: a getter cannot slip a PAN past the checks', async () => {
    const s = mk();
    let reads = 0;
    const f = { ...syntheticFailure(1) } as Record<string, unknown>;
    Object.defineProperty(f, 'notes', {
      enumerable: true,
      get: () => (++reads > 1 ? 'card 4761739001010119' : null),
    });
    const r = await s.record(f as unknown as NewFailure);
    expect(r.notes).toBeNull();
    const rows = s.db.prepare('SELECT * FROM failures').all() as Array<Record<string, unknown>>;
    expect(findPans(JSON.stringify(rows) + JSON.stringify(r))).toEqual([]);
  });

  it('masks a PAN written with spaces or dashes or glued to other digits (issue 9)', async () => {
    const s = mk();
    for (const pan of ['4761 7390 0101 0119', '4761-7390-0101-0119', '0216476173900101011912']) {
      const r = await s.record({ ...syntheticFailure(1), merchant_id: `M ${pan}` });
      expect(r.merchant_id, pan).not.toBe(`M ${pan}`);
      expect(findPans(r.merchant_id), pan).toEqual([]);
    }
    const rows = s.db.prepare('SELECT * FROM failures').all() as Array<Record<string, unknown>>;
    expect(findPans(rows.map((row) => Object.values(row).join(' | ')).join('\n'))).toEqual([]);
  });

  it.each(['full', 'normal'] as const)(
    'runs WAL at synchronous=NORMAL in %s mode on every open and reads it back',
    async (mode) => {
      for (let i = 0; i < 3; i++) {
        const s = mk({ synchronous: mode });
        expect(s.durability).toBe(mode);
        expect(s.db.pragma('synchronous', { simple: true })).toBe(1);
        expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
        await s.record(syntheticFailure(i));
        await s.close();
      }
    },
  );

  describe("'full' mode: acknowledged only after the store's own WAL flush", () => {
    /** A flushWal that holds every flush until the test releases it (or fails it). */
    function heldFlush() {
      const waiting: Array<(err: NodeJS.ErrnoException | null) => void> = [];
      let calls = 0;
      const fds: number[] = [];
      return {
        flushWal: (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => {
          calls++;
          fds.push(fd);
          waiting.push(done);
        },
        get calls() {
          return calls;
        },
        fds,
        pending: () => waiting.length,
        release(err: NodeJS.ErrnoException | null = null) {
          const d = waiting.shift();
          if (!d) throw new Error('no flush waiting');
          d(err);
        },
      };
    }
    const tick = () => new Promise((r) => setTimeout(r, 15));
    const waitFor = (cond: () => boolean) => waitUntil(cond, 3000);

    it('resolves record() and shows the row to the sync only once the flush is done; flush() waits for it', async () => {
      const h = heldFlush();
      const s = mk({ flushWal: h.flushWal, groupCommitMs: 1 });
      let acked = false;
      const p = s.record(syntheticFailure(1)).then((r) => ((acked = true), r));
      let flushed = false;
      const f = s.flush().then(() => (flushed = true));
      await waitFor(() => h.pending() === 1);
      // committed (SQLite has the row) but not acknowledged, and not handed to the sync
      expect(s.db.prepare('SELECT COUNT(*) FROM failures').pluck().get()).toBe(1);
      expect(h.pending()).toBe(1);
      expect(acked).toBe(false);
      expect(flushed).toBe(false);
      expect(s.unsynced(10)).toEqual([]);
      expect(s.unsyncedJson(10)).toEqual([]);
      h.release();
      const r = await p;
      await f;
      expect(r.seq).toBe(1);
      expect(s.unsynced(10).map((x) => x.id)).toEqual([r.id]);
      expect(s.unsyncedJson(10).map((x) => x.id)).toEqual([r.id]);
    });

    it('flushes the WAL file itself, and commits made during a flush share the next one', async () => {
      const h = heldFlush();
      const s = mk({ flushWal: h.flushWal, groupCommitMs: 1 });
      const first = s.record(syntheticFailure(1));
      await waitFor(() => h.calls === 1);
      const { ino } = statSync(join(dir(), 'f.db-wal'));
      expect(fstatSync(h.fds[0]!).ino).toBe(ino);
      // three more group commits while the first flush is held: no new flush starts yet
      const later: Promise<unknown>[] = [];
      for (let i = 2; i <= 4; i++) {
        later.push(s.record(syntheticFailure(i)));
        await waitFor(() => s.db.prepare('SELECT COUNT(*) FROM failures').pluck().get() === i);
      }
      expect(h.calls).toBe(1);
      // the sync sees nothing past the first unflushed row
      expect(s.unsynced(10)).toEqual([]);
      h.release();
      await first;
      await waitFor(() => h.calls === 2);
      await tick();
      expect(h.calls).toBe(2); // one flush for the three commits
      expect(s.unsynced(10).map((r) => r.seq)).toEqual([1]);
      h.release();
      const recs = (await Promise.all(later)) as Array<{ seq: number }>;
      expect(recs.map((r) => r.seq)).toEqual([2, 3, 4]);
      expect(s.unsynced(10).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    });

    const eio = () =>
      Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }) as NodeJS.ErrnoException;

    it('a failed flush acknowledges nothing and is not simply retried: a checkpoint rewrites the pages, then the records resolve', async () => {
      const h = heldFlush();
      const { lines, logger } = captureLogger();
      const s = mk({ flushWal: h.flushWal, groupCommitMs: 1, retryMinMs: 5, retryMaxMs: 20, logger });
      // a reader holding a snapshot from before the record keeps the checkpoint from completing
      const reader = new Database(join(dir(), 'f.db'), { readonly: true });
      reader.exec('BEGIN');
      reader.prepare('SELECT COUNT(*) FROM failures').pluck().get();
      let acked = false;
      const p = s.record(syntheticFailure(1)).then(() => (acked = true));
      await waitFor(() => h.pending() === 1);
      h.release(eio());
      await waitFor(() => lines.filter((l) => l.includes('"event":"store_flush_retry"')).length >= 2);
      // the checkpoint could not complete: still nothing acknowledged, nothing handed to the sync
      expect(acked).toBe(false);
      expect(s.alarms()).toContain('store_io_error');
      expect(s.unsynced(10)).toEqual([]);
      expect(lines.some((l) => l.includes('checkpoint incomplete'))).toBe(true);
      reader.exec('COMMIT');
      reader.close();
      await p;
      expect(h.calls).toBe(1); // recovered by the checkpoint, not by a second fdatasync
      expect(
        lines.some(
          (l) => l.includes('"event":"store_flush_recovered"') && l.includes('"method":"checkpoint"'),
        ),
      ).toBe(true);
      expect(s.alarms()).not.toContain('store_io_error');
      expect(s.unsynced(10).length).toBe(1);
      // and flushing goes on as before for the next commit
      const next = s.record(syntheticFailure(2));
      await waitFor(() => h.pending() === 1);
      h.release();
      expect((await next).seq).toBe(2);
    });

    it('close() waits for a flush in flight, then flushes the rest: nothing committed is left unacknowledged', async () => {
      const h = heldFlush();
      const s = mk({ flushWal: h.flushWal, groupCommitMs: 1 });
      const first = s.record(syntheticFailure(1));
      await waitFor(() => h.pending() === 1);
      const second = s.record(syntheticFailure(2)); // still queued when close() starts
      let closed = false;
      const c = s.close().then(() => (closed = true));
      expect(s.close()).toBe(s.close()); // a second close() is the same close
      await tick();
      expect(closed).toBe(false);
      h.release();
      await waitFor(() => h.pending() === 1); // close()'s own flush, for the second record
      expect(closed).toBe(false);
      h.release();
      await c;
      expect(h.calls).toBe(2);
      expect((await first).seq).toBe(1);
      expect((await second).seq).toBe(2);
    });

    it('close() with a failing last flush: a checkpoint confirms the records, or they are rejected, never silently acked', async () => {
      // checkpoint possible: the records resolve
      const h = heldFlush();
      const s = mk({ flushWal: h.flushWal, groupCommitMs: 1 });
      const a = s.record(syntheticFailure(1));
      await waitFor(() => h.pending() === 1);
      h.release(eio());
      await s.close(); // after a failed flush, close() goes straight to the checkpoint
      expect(h.calls).toBe(1);
      expect((await a).seq).toBe(1);

      // close()'s own flush fails: the checkpoint confirms the record
      const h3 = heldFlush();
      const s3 = openStore({
        path: join(dir(), 'h.db'),
        bootId: 'boot-1',
        flushWal: h3.flushWal,
        groupCommitMs: 60_000,
      });
      const c3 = s3.record(syntheticFailure(1)); // waits in the queue: close() commits it
      const closing = s3.close();
      await waitFor(() => h3.pending() === 1);
      h3.release(eio());
      await closing;
      expect((await c3).seq).toBe(1);

      // checkpoint blocked by an old reader: rejected with E_STORE_CLOSED, and logged
      const h2 = heldFlush();
      const { lines, logger } = captureLogger();
      const s2 = openStore({
        path: join(dir(), 'g.db'),
        bootId: 'boot-1',
        flushWal: h2.flushWal,
        groupCommitMs: 1,
        logger,
      });
      const reader = new Database(join(dir(), 'g.db'), { readonly: true });
      reader.exec('BEGIN');
      reader.prepare('SELECT COUNT(*) FROM failures').pluck().get();
      const b = s2.record(syntheticFailure(1));
      const settled = b.then(
        () => 'resolved',
        (e: StoreError) => e.code,
      );
      await waitFor(() => h2.pending() === 1);
      h2.release(eio());
      await s2.close();
      reader.exec('COMMIT');
      reader.close();
      expect(await settled).toBe('E_STORE_CLOSED');
      expect(lines.some((l) => l.includes('"event":"store_closed_unflushed"'))).toBe(true);
    });

    it('the default flush (fs.fdatasync in the thread pool) acknowledges records', async () => {
      const s = mk({ groupCommitMs: 1 });
      const recs = await Promise.all([1, 2, 3].map((i) => s.record(syntheticFailure(i))));
      expect(recs.map((r) => r.seq)).toEqual([1, 2, 3]);
      expect(s.unsynced(10).length).toBe(3);
      await s.close();
      const again = mk();
      expect(again.unsynced(10).map((r) => r.id)).toEqual(recs.map((r) => r.id));
    });
  });

  it('refuses a bad durability value', () => {
    expect(() => mk({ synchronous: 'extra' as never })).toThrow(StoreError);
  });

  it('migrates to the current schema version', () => {
    const s = mk();
    expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(s.db.prepare("SELECT value FROM meta WHERE key='created_at'").pluck().get()).toBeTypeOf('string');
  });

  it('moves a corrupt database aside, recreates it loudly, and keeps seq rising', async () => {
    let s = mk();
    await Promise.all(Array.from({ length: 50 }, (_, i) => s.record(syntheticFailure(i))));
    await s.close();
    writeFileSync(join(dir(), 'f.db'), Buffer.alloc(8192, 0x5a)); // garbage header
    const { lines, logger } = captureLogger();
    s = mk({ logger });
    expect(s.alarms()).toContain('db_recreated');
    expect(s.movedAside).toMatch(/f\.db\.corrupt-\d{8}T\d+Z$/);
    expect(readdirSync(dir()).some((f) => f.startsWith('f.db.corrupt-'))).toBe(true);
    expect(lines.some((l) => l.includes('"event":"db_recreated"') && l.includes('"level":50'))).toBe(true);
    const r = await s.record(syntheticFailure(1));
    expect(r.seq).toBeGreaterThan(100_000_000_000);
    expect(String(r.seq).length).toBeLessThan(13); // never PAN-shaped
    expect(s.stats().total).toBe(1);
  });

  it('detects corruption inside a valid header (quick_check) and recreates', async () => {
    let s = mk();
    await Promise.all(Array.from({ length: 3000 }, (_, i) => s.record(syntheticFailure(i))));
    await s.close();
    const p = join(dir(), 'f.db');
    const buf = readFileSync(p);
    buf.fill(0x33, 4096 * 3, 4096 * 6); // smash some b-tree pages, keep the header
    writeFileSync(p, buf);
    s = mk();
    expect(s.alarms()).toContain('db_recreated');
  });

  it('purges synced rows oldest first to meet the budget, keeps unsynced rows with an alarm', async () => {
    const { lines, logger } = captureLogger();
    const s = mk({ budgetBytes: 256 * 1024, logger });
    const recs = await Promise.all(Array.from({ length: 3000 }, (_, i) => s.record(syntheticFailure(i))));
    expect(s.alarms()).toContain('store_budget_exceeded');
    expect(s.stats().total).toBe(3000); // nothing dropped: all unsynced
    expect(lines.some((l) => l.includes('"code":"store_budget_exceeded"'))).toBe(true);
    s.markSynced(recs.slice(0, 2800), new Date().toISOString());
    expect(s.alarms()).not.toContain('store_budget_exceeded');
    const st = s.stats();
    expect(st.outboxDepth).toBe(200);
    expect(st.total).toBeLessThan(3000);
    // the oldest went first, every unsynced row is still there
    const left = s.db.prepare('SELECT seq FROM failures ORDER BY seq').pluck().all() as number[];
    expect(left[0]).toBeGreaterThan(1);
    expect(left.at(-1)).toBe(3000);
    expect(left.slice(-200)).toEqual(Array.from({ length: 200 }, (_, i) => 2801 + i));
    expect(left).toEqual(Array.from({ length: left.length }, (_, i) => 3001 - left.length + i));
  });

  it('treats SQLITE_FULL as an alarm, keeps records in memory and commits them once space returns', async () => {
    const { lines, logger } = captureLogger();
    const s = mk({ logger, retryMinMs: 5, retryMaxMs: 40 });
    await s.record(syntheticFailure(0));
    const pages = s.db.pragma('page_count', { simple: true }) as number;
    s.db.pragma(`max_page_count = ${pages + 4}`);
    const pending = Array.from({ length: 400 }, (_, i) => s.record(syntheticFailure(i + 1)));
    let settled = 0;
    for (const p of pending) p.then(() => settled++);
    await waitUntil(
      () => lines.some((l) => l.includes('store_write_retry') && l.includes('SQLITE_FULL')),
      5000,
      'a write retried on SQLITE_FULL',
    );
    expect(s.alarms()).toContain('disk_full');
    expect(settled).toBeLessThan(400);
    expect(lines.some((l) => l.includes('store_write_retry') && l.includes('SQLITE_FULL'))).toBe(true);
    s.db.pragma('max_page_count = 1073741823'); // disk space returns
    const recs = await Promise.all(pending);
    expect(recs.map((r) => r.seq)).toEqual(Array.from({ length: 400 }, (_, i) => i + 2));
    expect(s.alarms()).not.toContain('disk_full');
    expect(s.stats().total).toBe(401);
  });

  it('a batch refused for one bad row, then a full disk while its rows go one by one: only the bad row is refused, the rest wait for space', async () => {
    const { lines, logger } = captureLogger();
    const s = mk({ logger, retryMinMs: 5, retryMaxMs: 40, groupCommitMs: 1000 });
    await s.record(syntheticFailure(0));
    // a row SQLite refuses for a reason no retry fixes (a constraint), first in its batch
    s.db.exec(
      "CREATE TRIGGER refuse_xx BEFORE INSERT ON failures WHEN NEW.rc = 'XX' BEGIN SELECT RAISE(ABORT, 'refused by test'); END",
    );
    const pages = s.db.pragma('page_count', { simple: true }) as number;
    s.db.pragma(`max_page_count = ${pages}`); // and the disk is full for what needs a new page
    const bad = s.record({ ...syntheticFailure(1), rc: 'XX' }).catch((e: unknown) => e);
    const good = Array.from({ length: 300 }, (_, i) => s.record(syntheticFailure(i + 2)));
    let settled = 0;
    for (const p of good)
      p.then(
        () => settled++,
        () => settled++,
      );
    void s.flush();
    expect(await bad).toMatchObject({ code: 'E_STORE_WRITE' });
    await waitUntil(
      () => lines.some((l) => l.includes('store_write_retry') && l.includes('SQLITE_FULL')),
      5000,
      'a single write retried on SQLITE_FULL',
    );
    expect(settled).toBeLessThan(300);
    s.db.pragma('max_page_count = 1073741823'); // disk space returns
    const recs = await Promise.all(good);
    expect(recs).toHaveLength(300);
    expect(lines.filter((l) => l.includes('store_record_rejected'))).toHaveLength(1);
    expect(s.stats().total).toBe(301);
  });

  it('flush waits for queued records; close rejects nothing when the disk is fine', async () => {
    const s = mk({ groupCommitMs: 1000 });
    const p = s.record(syntheticFailure(1));
    await s.flush();
    expect(s.stats().total).toBe(1);
    await expect(p).resolves.toMatchObject({ seq: 1 });
    const q = s.record(syntheticFailure(2));
    await s.close();
    await expect(q).resolves.toMatchObject({ seq: 2 });
    await expect(s.record(syntheticFailure(3))).rejects.toMatchObject({ code: 'E_STORE_CLOSED' });
  });
});
