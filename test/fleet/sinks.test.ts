import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFailuresMessage } from '../../agent/fleet/collector.js';
import {
  PG_MAX_ROWS_PER_INSERT,
  type PgQueryable,
  pgIdent,
  pgInsertParams,
  pgInsertSql,
  pgSchemaSql,
  pgSink,
  sqliteSink,
} from '../../agent/fleet/sinks.js';
import { RECORD_COLUMNS, SCHEMA_VERSION } from '../../agent/store/schema.js';
import { makeRecord, tempDir } from '../export/seed.js';
import { failures } from './payloads.js';

const tmp = tempDir('pos-fleet-sink-');
afterAll(() => tmp.cleanup());

describe('SQLite sink', () => {
  it('creates the agent schema and stores each id once', () => {
    const file = join(tmp.dir, 'fleet.db');
    const sink = sqliteSink(file);
    const recs = Array.from({ length: 10 }, (_, i) => makeRecord(i));
    expect(sink.insert(recs.slice(0, 6))).toBe(6);
    expect(sink.insert(recs)).toBe(4); // 0..5 are duplicates
    expect(sink.insert(recs)).toBe(0);
    sink.close();
    // reopening runs no migration twice and keeps the rows
    const again = sqliteSink(file);
    expect(again.insert([makeRecord(10)])).toBe(1);
    again.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT count(*) AS n FROM failures').get()).toEqual({ n: 11 });
    const row = db.prepare('SELECT * FROM failures WHERE id = ?').get(recs[3]?.id) as Record<string, unknown>;
    expect(row.pan_last4).toBe(recs[3]?.pan_masked?.slice(-4));
    expect(typeof row.synced_at).toBe('string'); // stamped with the receive time
    db.close();
  });
});

describe('PostgreSQL adapter (SQL generation; no server in this environment)', () => {
  it('generates an idempotent schema with the record columns', () => {
    const sql = pgSchemaSql();
    expect(sql).toMatch(/^CREATE TABLE IF NOT EXISTS "failures" \(/);
    for (const c of RECORD_COLUMNS) expect(sql).toMatch(new RegExp(`\\n  ${c} `));
    expect(sql).toContain('id text PRIMARY KEY');
    expect(sql).toContain('GENERATED ALWAYS AS (right(pan_masked, 4)) STORED');
    expect(sql.split(';\n').filter((s) => s.startsWith('CREATE INDEX IF NOT EXISTS'))).toHaveLength(4);
  });

  it('generates a parameterized multi-row insert that ignores duplicate ids', () => {
    const sql = pgInsertSql(2);
    const n = RECORD_COLUMNS.length;
    expect(sql.startsWith(`INSERT INTO "failures" (${RECORD_COLUMNS.join(', ')}) VALUES ($1, $2,`)).toBe(
      true,
    );
    expect(sql).toContain(`$${n}), ($${n + 1}, `);
    expect(sql.endsWith(`$${2 * n}) ON CONFLICT (id) DO NOTHING`)).toBe(true);
    expect(() => pgInsertSql(0)).toThrow(RangeError);
    expect(() => pgIdent('failures; DROP TABLE x')).toThrow(/identifier/);
    // below PostgreSQL's 65,535-parameter limit
    expect(PG_MAX_ROWS_PER_INSERT * n).toBeLessThan(65_535);
  });

  it('passes values as parameters, in column order, and chunks big batches', async () => {
    const calls: Array<{ sql: string; params?: unknown[] }> = [];
    const pool: PgQueryable = {
      async query(sql, params) {
        calls.push({ sql, ...(params ? { params } : {}) });
        return { rowCount: params ? params.length / RECORD_COLUMNS.length - 1 : null };
      },
      async end() {},
    };
    const sink = await pgSink(pool);
    expect(calls[0]?.sql).toBe(pgSchemaSql());
    const evil = makeRecord(1, { merchant_id: "x'); DROP TABLE failures; --" });
    const params = pgInsertParams([evil], '2026-11-23T00:00:00.000Z');
    expect(params).toHaveLength(RECORD_COLUMNS.length);
    expect(params[RECORD_COLUMNS.indexOf('merchant_id')]).toBe(evil.merchant_id);
    expect(params[RECORD_COLUMNS.indexOf('synced_at')]).toBe('2026-11-23T00:00:00.000Z');
    const many = Array.from({ length: PG_MAX_ROWS_PER_INSERT + 5 }, (_, i) => makeRecord(i));
    const inserted = await sink.insert(many);
    expect(calls).toHaveLength(3);
    expect(calls[1]?.params).toHaveLength(PG_MAX_ROWS_PER_INSERT * RECORD_COLUMNS.length);
    expect(calls[2]?.params).toHaveLength(5 * RECORD_COLUMNS.length);
    for (const c of calls.slice(1)) expect(c.sql).not.toContain(evil.merchant_id);
    expect(inserted).toBe(PG_MAX_ROWS_PER_INSERT - 1 + 4);
    await sink.close();
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
