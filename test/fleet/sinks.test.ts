import { findPans } from '../../protocol/card/pan.js';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_PACKET_BYTES,
  parseFailuresMessage,
  parseHealthMessage,
  RC_NOT_AUTHORIZED,
  RC_PAYLOAD_INVALID,
  RC_QUOTA_EXCEEDED,
} from '../../agent/fleet/collector.js';
import {
  COLLECTOR_COLUMNS,
  COLLECTOR_SCHEMA_VERSION,
  DIGEST_COLUMNS,
  PG_SCHEMA_VERSION,
  pgInsertSql,
  pgV1Sql,
  recordDigest,
} from '../../agent/fleet/collector-schema.js';
import {
  type InsertResult,
  openPgPool,
  PG_MAX_ROWS_PER_INSERT,
  type PgQueryable,
  pgSink,
  type RecordSink,
  type SinkBatchItem,
  pgBeginLockedSql,
  sqliteSink,
} from '../../agent/fleet/sinks.js';
import type { FailureRecord } from '../../agent/record.js';
import { MIGRATIONS, PRE_OUTCOME_COLUMNS } from '../../agent/store/schema.js';
import { makeRecord } from '../export/seed.js';
import { tempDir } from '../helpers/tmp.js';
import { freshSchemaUrl, havePostgres, type Postgres, startPostgres } from '../helpers/postgres.js';
import { failures, metrics, status } from './payloads.js';

const tmp = tempDir('pos-fleet-sink-');

/** `n` records of one terminal with seq from..from+n-1 and ids from `idBase` (distinct per call). */
function run(idBase: number, n: number, terminal: string, seqFrom = 1, over: Partial<FailureRecord> = {}) {
  return Array.from({ length: n }, (_, i) =>
    makeRecord(idBase + i, { terminal_id: terminal, seq: seqFrom + i, ...over }),
  );
}

interface Row {
  id: string;
  seq: number;
  terminal_id: string;
  fleet: string | null;
  rc: string;
  id_conflict: boolean;
  seq_conflict: boolean;
}

/**
 * The audit's cases against one sink: a redelivery is stored once; a wiped agent database (seq
 * back at 1, new ids), two fleets sharing TERM0001, and an id re-used with other content are all
 * stored; the conflicts are reported and flagged on every row involved.
 */
async function conflictScenario(sink: RecordSink, rows: () => Promise<Row[]>) {
  const first = run(0, 5, 'TERM0001');
  const ins = async (fleet: string, recs: FailureRecord[]) =>
    (await sink.insert(fleet, recs)) as InsertResult;
  expect(await ins('A', first)).toEqual({
    inserted: 5,
    replaced: 0,
    duplicates: 0,
    stale: [],
    conflicts: [],
  });
  // a redelivery (same ids, same content)
  expect(await ins('A', first)).toEqual({
    inserted: 0,
    replaced: 0,
    duplicates: 5,
    stale: [],
    conflicts: [],
  });
  // the agent's database was wiped: seq restarts at 1 under new ids
  const wiped = run(100, 3, 'TERM0001');
  const w = await ins('A', wiped);
  expect(w.inserted).toBe(3);
  expect(w.conflicts.map((c) => [c.kind, c.id, c.seq])).toEqual(wiped.map((r) => ['seq', r.id, r.seq]));
  // another fleet with the same terminal id and the same seqs: different terminals, no conflict
  const other = run(200, 3, 'TERM0001');
  expect(await ins('B', other)).toEqual({
    inserted: 3,
    replaced: 0,
    duplicates: 0,
    stale: [],
    conflicts: [],
  });
  // the same id with different content: kept too, both flagged
  const changed = { ...(first[4] as FailureRecord), rc: '05', category: 'issuer_decline' as const, seq: 99 };
  const c = await ins('A', [changed]);
  expect(c.inserted).toBe(1);
  expect(c.conflicts).toEqual([{ kind: 'id', id: changed.id, terminal_id: 'TERM0001', seq: 99 }]);

  const all = await rows();
  expect(all).toHaveLength(12);
  const byId = (id: string) => all.filter((r) => r.id === id);
  for (const r of first.slice(0, 3)) expect(byId(r.id)[0]).toMatchObject({ fleet: 'A', seq_conflict: true });
  for (const r of wiped) expect(byId(r.id)[0]).toMatchObject({ fleet: 'A', seq_conflict: true });
  for (const r of other) expect(byId(r.id)[0]).toMatchObject({ fleet: 'B', seq_conflict: false });
  expect(
    byId(changed.id)
      .map((r) => [r.rc, r.id_conflict])
      .sort(),
  ).toEqual([
    ['05', true],
    ['51', true],
  ]);
  expect(all.filter((r) => r.id_conflict)).toHaveLength(2);
  expect(all.filter((r) => r.seq_conflict)).toHaveLength(6);
}

interface VRow {
  id: string;
  seq: number;
  version: number;
  outcome: string;
  recovered_by: string | null;
}

const LINK = '01JD6ZQ3R5W7Y9A1C3E5G7J9KN';

/**
 * Record versions against one sink: an outcome change (a higher version, under a new seq) replaces
 * the stored row; a late redelivery of the old version is stale (not stored, reported); the same
 * version again is a duplicate; the same version with other content is an id conflict, and the next
 * version replaces both.
 */
async function versionScenario(sink: RecordSink, rows: (id: string) => Promise<VRow[]>) {
  const ins = async (recs: FailureRecord[]) => (await sink.insert('A', recs)) as InsertResult;
  const [a, b] = run(300, 2, 'TERM0002') as [FailureRecord, FailureRecord];
  const none = { inserted: 0, replaced: 0, duplicates: 0, stale: [], conflicts: [] };
  expect(await ins([a, b])).toEqual({ ...none, inserted: 2 });
  const a2: FailureRecord = {
    ...a,
    seq: 3,
    version: 2,
    outcome: 'recovered',
    outcome_at: '2026-11-23T08:05:00.000Z',
    linked_id: LINK,
    recovered_by: 'other_card',
  };
  expect(await ins([a2])).toEqual({ ...none, replaced: 1 });
  expect(await ins([a])).toEqual({
    ...none,
    stale: [{ id: a.id, terminal_id: 'TERM0002', seq: 1, version: 1, stored_version: 2 }],
  });
  expect(await ins([a2])).toEqual({ ...none, duplicates: 1 });
  expect(await rows(a.id)).toEqual([
    { id: a.id, seq: 3, version: 2, outcome: 'recovered', recovered_by: 'other_card' },
  ]);
  // the same version with other content: an id conflict, both kept
  const other: FailureRecord = { ...a2, recovered_by: 'same_card' };
  const c = await ins([other]);
  expect(c).toMatchObject({ inserted: 1, replaced: 0, stale: [] });
  expect(c.conflicts).toEqual([{ kind: 'id', id: a.id, terminal_id: 'TERM0002', seq: 3 }]);
  expect(await rows(a.id)).toHaveLength(2);
  // the next version replaces both; in one message with its older version, the older is stale
  const a3: FailureRecord = { ...a2, seq: 4, version: 3, outcome: 'possible_double_charge' };
  const r = await ins([a2, a3]);
  expect(r).toMatchObject({ replaced: 1, duplicates: 0, conflicts: [] });
  expect(r.stale.map((s) => [s.version, s.stored_version])).toEqual([[2, 3]]);
  expect(await rows(a.id)).toEqual([
    { id: a.id, seq: 4, version: 3, outcome: 'possible_double_charge', recovered_by: 'other_card' },
  ]);
  expect(await rows(b.id)).toEqual([
    { id: b.id, seq: 2, version: 1, outcome: 'declined', recovered_by: null },
  ]);
  // another fleet's terminal publishing the same id at a higher version is a record of its own
  // (stored, flagged as an id conflict): it never replaces fleet A's row
  const spoof: FailureRecord = { ...a3, terminal_id: 'TERM0666', version: 9 };
  const s9 = (await sink.insert('B', [spoof])) as InsertResult;
  expect(s9).toMatchObject({ inserted: 1, replaced: 0, stale: [] });
  expect((await rows(a.id)).map((r) => r.version).sort()).toEqual([3, 9]);
}

/** Messages of a batch: a redelivery, an outcome change and a late old version, a seq conflict. */
function batchMessages(): SinkBatchItem[] {
  const [a, b, c] = run(500, 3, 'TERM0001') as [FailureRecord, FailureRecord, FailureRecord];
  const b2: FailureRecord = {
    ...b,
    seq: 4,
    version: 2,
    outcome: 'recovered',
    outcome_at: '2026-11-23T08:05:00.000Z',
    linked_id: LINK,
    recovered_by: 'other_card',
  };
  return [
    { fleet: 'A', records: [a, b, c] },
    { fleet: 'A', records: [a] }, // a redelivery
    { fleet: 'A', records: run(600, 1, 'TERM0002') },
    { fleet: 'A', records: [b2] }, // the outcome changed
    { fleet: 'B', records: run(700, 1, 'TERM0001') }, // another fleet's terminal of that name
    { fleet: 'A', records: run(800, 1, 'TERM0003', 7) },
    { fleet: 'A', records: run(900, 1, 'TERM0003', 7) }, // the same seq under another id
    { fleet: 'A', records: [b] }, // a late redelivery of the old version
  ];
}

/** What a sink stored, comparable across backends: records, cases, case events, terminals. */
const SNAPSHOT_SQL = [
  'SELECT id, version, seq, fleet, terminal_id, id_conflict, seq_conflict FROM failures ORDER BY id, version, seq',
  'SELECT record_id, status, version FROM cases ORDER BY record_id',
  'SELECT k.record_id, e.action, e.old, e.new FROM case_events e JOIN cases k ON k.id = e.case_id ORDER BY k.record_id, e.id',
  'SELECT fleet, terminal_id, merchant_id, failures FROM terminals ORDER BY fleet, terminal_id',
];
const normalize = (rows: Array<Record<string, unknown>>) =>
  rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        typeof v === 'boolean' || k.endsWith('_conflict')
          ? Boolean(v)
          : typeof v === 'bigint'
            ? Number(v)
            : v,
      ]),
    ),
  );

/**
 * A batch in one call leaves the store as its messages stored one by one do; its result sums what
 * the batch did (an older version beside a newer one in the batch is stale, as within a message).
 */
async function batchScenario(
  batched: RecordSink,
  single: RecordSink,
  snapshot: (which: 'batched' | 'single') => Promise<unknown[]>,
) {
  const msgs = batchMessages();
  const res = (await batched.insertBatch?.(msgs)) as InsertResult;
  expect({ ...res, stale: res.stale.map((x) => [x.id, x.version, x.stored_version]) }).toEqual({
    inserted: 7,
    replaced: 0,
    duplicates: 1,
    stale: [
      [msgs[0]?.records[1]?.id, 1, 2],
      [msgs[0]?.records[1]?.id, 1, 2],
    ],
    // the second record of the seq (SQLite reports the row that met a conflict, PostgreSQL both)
    conflicts: expect.arrayContaining([
      { kind: 'seq', id: msgs[6]?.records[0]?.id, terminal_id: 'TERM0003', seq: 7 },
    ]) as unknown,
  });
  for (const m of msgs) await single.insert(m.fleet, m.records);
  const [x, y] = [await snapshot('batched'), await snapshot('single')];
  expect(x).toEqual(y);
  expect((x[0] as unknown[]).length).toBe(7);
  // again, all of it: every record a duplicate (a twice) or stale (b twice), nothing changes
  const again = (await batched.insertBatch?.(msgs)) as InsertResult;
  expect(again).toMatchObject({ inserted: 0, replaced: 0, duplicates: 8, conflicts: [] });
  expect(again.stale).toHaveLength(2);
  expect(await snapshot('batched')).toEqual(x);
}

function sqliteRows(file: string): Row[] {
  const db = new Database(file, { readonly: true });
  try {
    return (
      db
        .prepare('SELECT id, seq, terminal_id, fleet, rc, id_conflict, seq_conflict FROM failures')
        .all() as Array<
        Omit<Row, 'id_conflict' | 'seq_conflict'> & { id_conflict: number; seq_conflict: number }
      >
    ).map((r) => ({ ...r, id_conflict: r.id_conflict === 1, seq_conflict: r.seq_conflict === 1 }));
  } finally {
    db.close();
  }
}

/** A collector database as the collector made it before schema v3 (the agent schema, v1 and v2). */
function legacySqlite(file: string, recs: FailureRecord[]): void {
  const db = new Database(file);
  for (const m of MIGRATIONS.filter((x) => x.version <= 2)) db.exec(m.sql);
  db.pragma('user_version = 2');
  // the agent schema v2 had no `notes` (nor the outcome columns of v4)
  const cols = PRE_OUTCOME_COLUMNS.filter((c) => c !== 'notes');
  const stmt = db.prepare(
    `INSERT OR IGNORE INTO failures (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
  );
  for (const r of recs) stmt.run(...cols.map((c) => (c === 'synced_at' ? '2026-11-23T09:00:00.000Z' : r[c])));
  db.close();
}

describe('SQLite sink', () => {
  it('stores every genuine record: redeliveries once, seq and id conflicts kept and flagged', async () => {
    const file = join(tmp, 'conflicts.db');
    const sink = sqliteSink(file);
    await conflictScenario(sink, async () => sqliteRows(file));
    sink.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(COLLECTOR_SCHEMA_VERSION);
    const row = db.prepare('SELECT * FROM failures LIMIT 1').get() as Record<string, unknown>;
    expect(row.pan_last4).toBe(String(row.pan_masked).slice(-4));
    expect(typeof row.synced_at).toBe('string'); // stamped with the receive time
    db.close();
  });

  it('keeps the newest version of a record: replaces, ignores a stale one, flags a same-version conflict', async () => {
    const file = join(tmp, 'versions.db');
    const sink = sqliteSink(file);
    const db = new Database(file, { readonly: true });
    const stmt = db.prepare('SELECT id, seq, version, outcome, recovered_by FROM failures WHERE id = ?');
    await versionScenario(sink, async (id) => stmt.all(id) as VRow[]);
    db.close();
    sink.close();
  });

  it('stores a batch of messages in one transaction as it stores them one by one', async () => {
    const files = { batched: join(tmp, 'batch-1.db'), single: join(tmp, 'batch-2.db') };
    const [batched, single] = [sqliteSink(files.batched), sqliteSink(files.single)];
    await batchScenario(batched, single, async (which) => {
      const db = new Database(files[which], { readonly: true });
      try {
        return SNAPSHOT_SQL.map((sql) => normalize(db.prepare(sql).all() as Array<Record<string, unknown>>));
      } finally {
        db.close();
      }
    });
    batched.close();
    single.close();
  });

  it('creates the database, its -wal and -shm 0600', () => {
    const file = join(tmp, 'mode.db');
    const sink = sqliteSink(file); // the migrations have written: -wal and -shm exist now
    for (const f of [file, `${file}-wal`, `${file}-shm`])
      expect((statSync(f).mode & 0o777).toString(8)).toBe('600');
    sink.close();
  });

  it('migrates a collector database of the old schema (UNIQUE terminal_id, seq) without losing a row', () => {
    const file = join(tmp, 'legacy.db');
    const old = run(0, 4, 'TERM0001');
    legacySqlite(file, old);
    const sink = sqliteSink(file);
    // a redelivery of an old record is recognized (digests were computed by the migration)
    expect(sink.insert('A', [old[0] as FailureRecord])).toEqual({
      inserted: 0,
      replaced: 0,
      duplicates: 1,
      stale: [],
      conflicts: [],
    });
    // what the old table refused: a new id on an existing (terminal, seq)
    const wiped = run(50, 2, 'TERM0001');
    const res = sink.insert('A', wiped);
    expect(res.inserted).toBe(2);
    expect(res.conflicts.map((c) => c.kind)).toEqual(['seq', 'seq']);
    sink.close();
    const rows = sqliteRows(file);
    expect(rows).toHaveLength(6);
    expect(rows.filter((r) => r.fleet === null).map((r) => r.id)).toEqual(old.map((r) => r.id));
    expect(rows.filter((r) => r.seq_conflict)).toHaveLength(4);
    // reopening applies nothing twice
    sqliteSink(file).close();
    expect(sqliteRows(file)).toHaveLength(6);
  });

  it("refuses an agent's own store instead of converting it", () => {
    const file = join(tmp, 'agent.db');
    legacySqlite(file, run(0, 2, 'T1'));
    const db = new Database(file);
    db.prepare("INSERT INTO meta (key, value) VALUES ('created_at', '2026-11-23T08:00:00.000Z')").run();
    db.close();
    expect(() => sqliteSink(file)).toThrow(expect.objectContaining({ code: 'E_SINK_SCHEMA' }));
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(2);
    after.close();
  });
});

const pgAvailable = havePostgres(); // throws under CI=true when PostgreSQL is missing
describe.skipIf(!pgAvailable)('PostgreSQL sink against a real server', () => {
  let pg: Postgres;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await pg?.close();
  });
  /** A fresh schema per test (one database: CREATE DATABASE is slow). */
  const fresh = () => freshSchemaUrl(pg);
  async function pgRows(pool: PgQueryable): Promise<Row[]> {
    const r = await pool.query(
      'SELECT id, seq, terminal_id, fleet, rc, id_conflict, seq_conflict FROM failures',
    );
    return r.rows.map((x) => ({ ...x, seq: Number(x.seq) }) as unknown as Row);
  }

  it('stores every genuine record: redeliveries once, seq and id conflicts kept and flagged', async () => {
    const url = await fresh();
    const sink = await pgSink(await openPgPool(url));
    const reader = await openPgPool(url);
    await conflictScenario(sink, () => pgRows(reader));
    await sink.close();
    await reader.end();
  });

  it('keeps the newest version of a record: replaces, ignores a stale one, flags a same-version conflict', async () => {
    const url = await fresh();
    const sink = await pgSink(await openPgPool(url));
    const reader = await openPgPool(url);
    await versionScenario(sink, async (id) => {
      const r = await reader.query(
        `SELECT id, seq, version, outcome, recovered_by FROM failures WHERE id = $1`,
        [id],
      );
      return r.rows.map((x) => ({ ...x, seq: Number(x.seq), version: Number(x.version) }) as VRow);
    });
    await sink.close();
    await reader.end();
  });

  it('migrates a table of the old schema (id primary key) and two collectors start together', async () => {
    const url = await fresh();
    const pool = await openPgPool(url);
    await pool.query(pgV1Sql());
    const old = run(0, 4, 'TERM0001');
    // as the old adapter inserted: ON CONFLICT (id) DO NOTHING, synced_at = receive time
    for (const r of old) {
      await pool.query(
        `INSERT INTO failures (${PRE_OUTCOME_COLUMNS.join(', ')}) VALUES (${PRE_OUTCOME_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT (id) DO NOTHING`,
        PRE_OUTCOME_COLUMNS.map((c) => (c === 'synced_at' ? '2026-11-23T09:00:00.000Z' : r[c])),
      );
    }
    const [a, b] = await Promise.all([pgSink(await openPgPool(url)), pgSink(await openPgPool(url))]);
    expect(await a.insert('A', [old[0] as FailureRecord])).toEqual({
      inserted: 0,
      replaced: 0,
      duplicates: 1,
      stale: [],
      conflicts: [],
    });
    const res = await b.insert('A', run(50, 2, 'TERM0001'));
    expect(res.inserted).toBe(2);
    expect(res.conflicts.map((c) => c.kind)).toEqual(['seq', 'seq']);
    const rows = await pgRows(pool);
    expect(rows).toHaveLength(6);
    expect(
      rows
        .filter((r) => r.fleet === null)
        .map((r) => r.id)
        .sort(),
    ).toEqual(old.map((r) => r.id).sort());
    expect(rows.filter((r) => r.seq_conflict)).toHaveLength(4);
    const v = await pool.query("SELECT version FROM pos_collector_schema WHERE table_name = 'failures'");
    expect(v.rows).toEqual([{ version: PG_SCHEMA_VERSION }]);
    await a.close();
    await b.close();
    await pool.end();
  });

  it('two collectors on one database flag a seq conflict even when they store it at the same moment', async () => {
    const url = await fresh();
    const a = await pgSink(await openPgPool(url));
    const b = await pgSink(await openPgPool(url));
    const rounds = 30;
    for (let i = 0; i < rounds; i++) {
      const [x, y] = run(1000 + 2 * i, 2, 'TERM0001', i + 1).map((r) => ({ ...r, seq: i + 1 }));
      await Promise.all([a.insert('A', [x as FailureRecord]), b.insert('A', [y as FailureRecord])]);
    }
    const reader = await openPgPool(url);
    const rows = await pgRows(reader);
    expect(rows).toHaveLength(2 * rounds);
    expect(rows.filter((r) => !r.seq_conflict)).toEqual([]);
    await Promise.all([a.close(), b.close(), reader.end()]);
  });

  it('stores a batch of messages in one transaction as it stores them one by one', async () => {
    const urls = { batched: await fresh(), single: await fresh() };
    const [batched, single] = [
      await pgSink(await openPgPool(urls.batched)),
      await pgSink(await openPgPool(urls.single)),
    ];
    const readers = { batched: await openPgPool(urls.batched), single: await openPgPool(urls.single) };
    await batchScenario(batched, single, async (which) => {
      const out: unknown[] = [];
      for (const sql of SNAPSHOT_SQL) {
        const rows = (await readers[which].query(sql)).rows.map((r) =>
          Object.fromEntries(
            Object.entries(r).map(([k, v]) => [k, /^(version|seq|failures)$/.test(k) ? Number(v) : v]),
          ),
        );
        out.push(normalize(rows));
      }
      return out;
    });
    await Promise.all([batched.close(), single.close(), readers.batched.end(), readers.single.end()]);
  });

  it('stores a batch all or nothing: one bad record rolls back the batch', async () => {
    const url = await fresh();
    const sink = await pgSink(await openPgPool(url));
    const bad = { ...makeRecord(1, { terminal_id: 'TERM0002' }), occurred_at: 'not a time' } as FailureRecord;
    await expect(
      sink.insertBatch([
        { fleet: 'A', records: run(0, 3, 'TERM0001') },
        { fleet: 'A', records: [bad] },
      ]),
    ).rejects.toThrow();
    const pool = await openPgPool(url);
    for (const t of ['failures', 'cases', 'terminals'])
      expect((await pool.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0]).toEqual({ n: 0 });
    await Promise.all([sink.close(), pool.end()]);
  });

  it("takes a batch's advisory locks in one statement, in the order given", async () => {
    expect(pgBeginLockedSql([])).toBe('BEGIN');
    expect(pgBeginLockedSql(['-5', '7'])).toBe(
      "BEGIN; SELECT count(pg_advisory_xact_lock(k)) FROM unnest('{-5,7}'::bigint[]) AS k",
    );
    expect(() => pgBeginLockedSql(['1; DROP TABLE failures'])).toThrow(RangeError);
    // two batches over the same terminals, from two sinks at once, many times: no deadlock, all stored
    const url = await fresh();
    const [a, b] = [await pgSink(await openPgPool(url)), await pgSink(await openPgPool(url))];
    const terms = ['TERM0001', 'TERM0002', 'TERM0003', 'TERM0004'];
    for (let i = 0; i < 20; i++) {
      const batch = (base: number, order: string[]) =>
        order.map((t, k) => ({ fleet: 'A', records: run(base + k, 1, t, base + k) }));
      await Promise.all([
        a.insertBatch(batch(10_000 + 10 * i, terms)),
        b.insertBatch(batch(20_000 + 10 * i, [...terms].reverse())),
      ]);
    }
    const pool = await openPgPool(url);
    expect((await pool.query('SELECT count(*)::int AS n FROM failures')).rows[0]).toEqual({ n: 160 });
    await Promise.all([a.close(), b.close(), pool.end()]);
  });

  it('chunks a big batch below the parameter limit and passes values only as parameters', async () => {
    const url = await fresh();
    const sink = await pgSink(await openPgPool(url));
    const evil = "x'); DROP TABLE failures; --";
    const many = Array.from({ length: PG_MAX_ROWS_PER_INSERT + 5 }, (_, i) =>
      makeRecord(i, { merchant_id: evil, seq: i + 1 }),
    );
    expect(PG_MAX_ROWS_PER_INSERT * COLLECTOR_COLUMNS.length).toBeLessThan(65_535);
    expect(pgInsertSql(2)).not.toContain(evil);
    const res = await sink.insert('A', many);
    expect(res).toMatchObject({ inserted: many.length, duplicates: 0 });
    await sink.close();
    const pool = await openPgPool(url);
    const r = await pool.query(`SELECT count(*)::int AS n, min(merchant_id) AS m FROM failures`);
    expect(r.rows[0]).toEqual({ n: many.length, m: evil });
    await pool.end();
  });
});

describe('record digest', () => {
  it('is the same for a record and its row read back from either store', () => {
    const r = makeRecord(7);
    const d = recordDigest(DIGEST_COLUMNS.map((c) => r[c]));
    const back = DIGEST_COLUMNS.map((c) =>
      c === 'occurred_at' ? new Date(r.occurred_at) : c === 'seq' ? String(r.seq) : r[c],
    );
    expect(recordDigest(back)).toBe(d);
    expect(recordDigest(DIGEST_COLUMNS.map((c) => (c === 'rc' ? '05' : r[c])))).not.toBe(d);
  });
});

describe('parseFailuresMessage', () => {
  const ok = failures('shop', 'T1', [makeRecord(1), makeRecord(2)]);
  it('accepts a v1 failures payload', () => {
    const p = parseFailuresMessage('pos/v1/shop/T1/failures', Buffer.from(JSON.stringify(ok)));
    expect(p.records.map((r) => r.id)).toEqual(ok.records.map((r) => r.id));
    expect(p.reason).toBeUndefined();
  });
  it('keeps the good records of a payload with a bad one', () => {
    const bad = { ...ok, records: [...ok.records, { ...makeRecord(3), pan_masked: '4761739001010119' }] };
    const p = parseFailuresMessage('pos/v1/shop/T1/failures', Buffer.from(JSON.stringify(bad)));
    expect(p.records).toHaveLength(2);
    expect(p.invalid).toBe(1);
  });
  it('masks a PAN in any text field of a record it stores (a client other than our agent)', () => {
    const leaky = failures('shop', 'T1', [
      makeRecord(1, {
        terminal_id: 'T1',
        merchant_id: '4111-1111-1111-1111',
        card_brand: '4111111111111111',
        notes: 'card 4111 1111 1111 1111',
      }),
    ]);
    const p = parseFailuresMessage('pos/v1/shop/T1/failures', Buffer.from(JSON.stringify(leaky)));
    expect(p.records).toHaveLength(1);
    expect(findPans(JSON.stringify(p.records))).toEqual([]);
    expect(p.records[0]?.card_brand).toBe('411111******1111');
    expect(p.records[0]?.merchant_id).toBe('4111-11**-****-1111');
  });
  it('keeps a zero-padded merchant id as it is: no card number begins with 0', () => {
    // docs/fleet-server.md's own example: masked, the record went to a merchant nobody is
    for (const merchant_id of ['M00000000000042', '000000000000042']) {
      const body = failures('shop', 'T1', [makeRecord(1, { merchant_id })]);
      const p = parseFailuresMessage('pos/v1/shop/T1/failures', Buffer.from(JSON.stringify(body)));
      expect(p.records[0]?.merchant_id).toBe(merchant_id);
    }
  });
  it('empties an optional field holding track data or a CVV, naming it in notes; refuses a record with them in a required field', () => {
    const track2 = ';4111111111111111=25121010000012300000?';
    const leaky = failures('shop', 'T1', [
      makeRecord(1, { notes: `swiped ${track2}`, rrn: '1111=2512101' }),
      makeRecord(2, { auth_code: 'cvv 123', card_brand: 'B^DOE/JOHN^2512101' }),
      makeRecord(3, { merchant_id: 'M1 =2512101000' }),
      makeRecord(4, { rc: 'CVC2: 987' }),
      makeRecord(5),
    ]);
    const p = parseFailuresMessage('pos/v1/shop/T1/failures', Buffer.from(JSON.stringify(leaky)));
    expect(p.records.map((r) => r.id)).toEqual([1, 2, 5].map((i) => makeRecord(i).id));
    expect(p.invalid).toBe(2);
    const [a, b] = p.records;
    expect(a).toMatchObject({ rrn: null });
    expect(a?.notes?.split('; ').sort()).toEqual([
      'notes: held track data, emptied by the collector',
      'rrn: held track data, emptied by the collector',
    ]);
    expect(b).toMatchObject({ auth_code: null, card_brand: null });
    expect(b?.notes).toContain('auth_code: held a card security code');
    const stored = JSON.stringify(p.records);
    expect(stored).not.toMatch(/2512|987|\b123\b|DOE/);
    // the seed's merchant id M00000000000042 holds a zero-padded Luhn window, not a card number
    expect(findPans(stored).filter((pan) => pan[0] !== '0')).toEqual([]);
    const named = (p.cardData ?? []).map((c) => ({
      ...c,
      fields: c.fields.map((f) => f.split(':')[0]).sort(),
    }));
    expect(named).toEqual([
      { id: makeRecord(1).id, fields: ['notes', 'rrn'], refused: false },
      { id: makeRecord(2).id, fields: ['auth_code', 'card_brand'], refused: false },
      { id: makeRecord(3).id, fields: ['merchant_id'], refused: true },
      { id: makeRecord(4).id, fields: ['rc'], refused: true },
    ]);
    expect(p.cardData?.[2]?.fields).toEqual(['merchant_id: holds track data']);
    expect(p.cardData?.[3]?.fields).toEqual(['rc: holds a card security code']);
    // the log names fields, never the values
    expect(JSON.stringify(p.cardData)).not.toMatch(/2512|987|4111/);
  });
  it('empties an amount that is a card number (old agents sent amounts unlimited), naming it in notes', () => {
    const body = failures('shop', 'T1', [
      makeRecord(1, { amount_minor: 4111111111111111 }),
      makeRecord(2, { amount_minor: 1_000_000_000_000 }), // 13 digits, not a card number: kept
    ]);
    const p = parseFailuresMessage('pos/v1/shop/T1/failures', Buffer.from(JSON.stringify(body)));
    expect(p.records.map((r) => r.amount_minor)).toEqual([null, 1_000_000_000_000]);
    expect(p.records[0]?.notes).toContain('amount_minor: held a card number, emptied by the collector');
    // the seed's merchant id M00000000000042 holds a zero-padded Luhn window, not a card number
    expect(findPans(JSON.stringify(p.records)).filter((pan) => pan[0] !== '0')).toEqual([]);
  });
  it('refuses a failures message whose topic names a fleet or terminal holding card data', () => {
    for (const [fleet, terminal] of [
      ['4761739001010119', 'T1'],
      ['shop', '4761739001010119'],
    ] as const) {
      const body = failures(fleet, terminal, [makeRecord(1, { terminal_id: terminal })]);
      const p = parseFailuresMessage(
        `pos/v1/${fleet}/${terminal}/failures`,
        Buffer.from(JSON.stringify(body)),
      );
      expect(p).toMatchObject({ records: [], refuse: RC_PAYLOAD_INVALID });
      expect(p.reason).not.toMatch(/4761/);
    }
  });
  it('gives digests no card-data scan flags (base64, not hex)', () => {
    for (let i = 0; i < 2000; i++) expect(findPans(recordDigest([String(i)]))).toEqual([]);
  });
  it('refuses a payload naming another fleet or terminal than its topic, and records of another terminal', () => {
    const spoof = (topic: string, body: unknown) =>
      parseFailuresMessage(topic, Buffer.from(JSON.stringify(body)));
    // envelope says T2, topic says T1
    const a = spoof('pos/v1/shop/T1/failures', failures('shop', 'T2', [makeRecord(1)]));
    expect(a).toMatchObject({ records: [], refuse: RC_NOT_AUTHORIZED, mismatched: 1 });
    // envelope of another fleet
    expect(spoof('pos/v1/shop/T1/failures', failures('other', 'T1', [makeRecord(1)])).refuse).toBe(
      RC_NOT_AUTHORIZED,
    );
    // envelope right, one record of another terminal: the whole message is refused
    const mixed = {
      ...ok,
      records: [...ok.records, { ...makeRecord(3), terminal_id: 'T9', synced_at: null }],
    };
    const m = spoof('pos/v1/shop/T1/failures', mixed);
    expect(m).toMatchObject({ records: [], refuse: RC_NOT_AUTHORIZED, mismatched: 1 });
    expect(m.mismatchedIds).toEqual([makeRecord(3).id]);
  });
  it('refuses a payload over the size limit before parsing it', () => {
    const big = Buffer.alloc(DEFAULT_MAX_PACKET_BYTES + 1, 0x7b); // "{{{{…": would not even parse
    expect(parseFailuresMessage('pos/v1/shop/T1/failures', big)).toMatchObject({
      records: [],
      refuse: RC_QUOTA_EXCEEDED,
    });
    expect(parseFailuresMessage('pos/v1/shop/T1/failures', Buffer.from(JSON.stringify(ok)), 100).refuse).toBe(
      RC_QUOTA_EXCEEDED,
    );
  });
  it('rejects junk', () => {
    expect(parseFailuresMessage('pos/v1/shop/T1/failures', Buffer.from('{')).records).toEqual([]);
    expect(parseFailuresMessage('pos/v1/shop/T1/status', Buffer.from(JSON.stringify(ok))).reason).toMatch(
      /not a failures topic/,
    );
    expect(
      parseFailuresMessage('pos/v1/shop/T1/failures', Buffer.from('{"v":2,"records":[]}')).reason,
    ).toMatch(/v1/);
  });
});

describe('parseHealthMessage', () => {
  const at = '2026-11-23T08:00:01.000Z';
  const parse = (kind: 'status' | 'metrics', body: unknown) =>
    parseHealthMessage(`pos/v1/shop/T1/${kind}`, Buffer.from(JSON.stringify(body)), at);
  it("accepts a status and a metrics message of the topic's terminal", () => {
    expect(parse('status', status('shop', 'T1', 'online'))).toMatchObject({ fleet: 'shop' });
    expect(parse('metrics', metrics('shop', 'T1', 3))).toMatchObject({ fleet: 'shop' });
  });
  it('keeps a status whose config hash (16 hex digits) holds a Luhn-valid run by chance, the run masked', () => {
    // about one config in 500: refusing it would refuse that terminal's status for good
    const p = parse('status', { ...status('shop', 'T1', 'online'), config_hash: 'a378282246310005' });
    expect(p).toMatchObject({ fleet: 'shop', update: { payload: { config_hash: 'a378282*****0005' } } });
  });
  it('refuses one with card data in any text (a PAN, track data, a CVV), naming the key only; and an alarm list too long', () => {
    const bad: Array<['status' | 'metrics', unknown, string]> = [
      ['status', { ...status('shop', 'T1', 'online'), version: '4111111111111111' }, 'status.version'],
      [
        'status',
        { ...status('shop', 'T1', 'online'), boot_id: ';4111111111111111=2512101?' },
        'status.boot_id',
      ],
      [
        'status',
        { ...status('shop', 'T1', 'online'), config_hash: '4111-1111-1111-1111' },
        'status.config_hash',
      ],
      ['metrics', { ...metrics('shop', 'T1', 3), alarms: ['ok', 'cvv 123'] }, 'metrics.alarms.1'],
      ['metrics', { ...metrics('shop', 'T1', 3), boot_id: '1111=2512101000' }, 'metrics.boot_id'],
    ];
    for (const [alarms, what] of [
      [Array.from({ length: 65 }, (_, i) => `a${i}`), '65 alarms'],
      [['z'.repeat(100_000)], 'a name of 100,000 characters'],
    ] as const) {
      expect(parse('metrics', { ...metrics('shop', 'T1', 3), alarms }), what).toMatchObject({
        refuse: RC_PAYLOAD_INVALID,
        reason: 'metrics.alarms: at most 64 names of at most 64 characters',
      });
    }
    for (const [kind, body, key] of bad) {
      const p = parse(kind, body);
      expect(p, key).toEqual({
        refuse: RC_PAYLOAD_INVALID,
        reason: `card data in ${key}`,
        code: 'E_PAYLOAD',
      });
    }
  });
});
