/** Test helpers: a temporary failure store created with the real MIGRATIONS, and record factories. */
import Database from 'better-sqlite3';
import type { FailureRecord } from '../../agent/record.js';
import { MIGRATIONS, RECORD_COLUMNS } from '../../agent/store/schema.js';

export function createStore(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (const m of MIGRATIONS) db.exec(m.sql);
  db.pragma(`user_version = ${MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0}`);
  return db;
}

/** A plausible record; `i` makes id, seq, stan and rrn unique. */
export function makeRecord(i: number, over: Partial<FailureRecord> = {}): FailureRecord {
  const t = Date.UTC(2026, 10, 23, 8, 0, 0) + i * 60_000;
  return {
    // ULID-shaped, sortable, and free of long digit runs (so PAN scans of the output stay clean)
    id: `01JD${String(i)
      .padStart(22, '0')
      .replace(/\d/g, (d) => 'ABCDEFGHJK'[Number(d)] as string)}`,
    seq: i + 1,
    boot_id: 'boot-1',
    terminal_id: `T${String(1 + (i % 3)).padStart(7, '0')}`,
    merchant_id: 'M00000000000042',
    occurred_at: new Date(t).toISOString(),
    utc_offset_min: 60,
    mti: '0210',
    processing_code: '000000',
    amount_minor: 1000 + i,
    currency: '978',
    pan_masked: `476173******${String(i % 10000).padStart(4, '0')}`,
    card_brand: 'visa',
    entry_mode: '051',
    stan: String(i % 1_000_000).padStart(6, '0'),
    rrn: String(100000000000 + i),
    auth_code: null,
    rc: '51',
    rc_source: 'issuer',
    category: 'insufficient_funds',
    retry: 'retry_later',
    notes: null,
    version: 1,
    outcome: 'declined',
    outcome_at: null,
    linked_id: null,
    recovered_by: null,
    synced_at: null,
    ...over,
  };
}

export function insertRecords(db: Database.Database, records: Iterable<FailureRecord>): number {
  const cols = RECORD_COLUMNS.join(', ');
  const stmt = db.prepare(
    `INSERT INTO failures (${cols}) VALUES (${RECORD_COLUMNS.map((c) => `@${c}`).join(', ')})`,
  );
  let n = 0;
  const tx = db.transaction((rows: Iterable<FailureRecord>) => {
    for (const r of rows) {
      stmt.run(r);
      n++;
    }
  });
  tx(records);
  return n;
}
