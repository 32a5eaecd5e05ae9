/**
 * Salvage after a quarantine: copies every row still readable in the quarantined database file into
 * the new one, keeping id, seq, boot id, version and synced_at (so unsynced rows are sent, synced
 * ones are not sent again) and the local card key; rows of a file from before outcomes get version 1
 * and the outcome their rc implies. The approval ledger is not salvaged: it is a short-lived local
 * index for the outcome matcher, not a record. A row whose (terminal, seq) is taken gets the terminal's next seq. Reads by rowid
 * in chunks; a chunk that hits a damaged page is read row by row, and a damaged range is skipped by
 * probing further ahead, so one bad page does not cost the rows behind it. The quarantined file is
 * never modified (SQLite would delete the -wal of a 0-byte database on a read-write open). Rows that do not pass
 * the record schema (or would carry a full PAN) count as lost. Rare path: runs once, at open.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { findPans } from '../../protocol/card/pan.js';
import type { FailureRecord } from '../record.js';
import { failureRecordSchema, withOutcomeDefaults } from './record-schema.js';
import { OUTCOME_COLUMNS, RECORD_COLUMNS } from './schema.js';

export interface SalvageResult {
  /** Rows the file held, when it can still tell (COUNT(*)); null when it cannot. */
  held: number | null;
  recovered: number;
  /** Of the recovered rows, how many got a new seq. */
  resequenced: number;
  /** Rows read but refused (schema or card data). */
  invalid: number;
  /** Why nothing could be read, if so. */
  error?: string;
}

const CHUNK = 256;
const MAX_FAULTS = 10_000;

function errCode(e: unknown): string {
  const c = (e as { code?: unknown })?.code;
  return typeof c === 'string' ? c : ((e as Error)?.message ?? 'error');
}

/**
 * A header page for an emptied database whose -wal survived: it declares WAL mode and the WAL's page
 * size, so SQLite reads the pages the WAL holds (page 1 and the schema among them, normally) instead
 * of discarding the WAL of a 0-byte database.
 */
function walOnlyHeader(wal: string): Buffer | null {
  const fd = openSync(wal, 'r');
  try {
    const h = Buffer.alloc(32);
    if (readSync(fd, h, 0, 32, 0) < 32 || (h.readUInt32BE(0) & 0xfffffffe) !== 0x377f0682) return null;
    const pageSize = h.readUInt32BE(8);
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return null;
    const p = Buffer.alloc(pageSize);
    p.write('SQLite format 3\0', 0, 'latin1');
    p.writeUInt16BE(pageSize === 65536 ? 1 : pageSize, 16);
    p.set([2, 2, 0, 64, 32, 32], 18); // WAL read/write versions, payload fractions
    p.writeUInt32BE(1, 24); // change counter
    p.writeUInt32BE(1, 28); // database size in pages
    p.writeUInt32BE(4, 44); // schema format
    p.writeUInt32BE(1, 56); // UTF-8
    p.writeUInt32BE(1, 92); // version-valid-for = change counter
    p[100] = 0x0d; // an empty table leaf (sqlite_schema), superseded by the WAL's page 1
    p.writeUInt16BE(pageSize === 65536 ? 0 : pageSize, 105);
    return p;
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens the quarantined file for reading, leaving it as it was: read-only in place when SQLite
 * allows, otherwise a working copy beside it (removed by the caller) that SQLite may write to. A
 * 0-byte database with a -wal gets a header page in its copy (walOnlyHeader).
 */
function openQuarantined(file: string): { db: Database.Database; copy: string | null } {
  const wal = `${file}-wal`;
  const hasWal = existsSync(wal) && statSync(wal).size > 0;
  const empty = statSync(file).size === 0;
  if (!empty) {
    try {
      return { db: new Database(file, { readonly: true, fileMustExist: true }), copy: null };
    } catch {
      // e.g. a WAL database without its -shm: read a copy instead
    }
  }
  const copy = mkdtempSync(join(dirname(file), '.salvage-'));
  try {
    const work = join(copy, 'db');
    if (empty) {
      const head = hasWal ? walOnlyHeader(wal) : null;
      if (!head) throw new Error('empty database and no usable WAL');
      writeFileSync(work, head, { mode: 0o600 });
    } else copyFileSync(file, work);
    if (hasWal) copyFileSync(wal, `${work}-wal`);
    return { db: new Database(work, { fileMustExist: true }), copy };
  } catch (e) {
    rmSync(copy, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Reads `file` (a quarantined database) into `into` (the new, empty one). A row that must be
 * re-sequenced gets a seq above `seqFloor` (no seq at or below it may be reused).
 */
export function salvageInto(file: string, into: Database.Database, seqFloor: number): SalvageResult {
  const res: SalvageResult = { held: null, recovered: 0, resequenced: 0, invalid: 0 };
  const hasWal = existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0;
  if (!existsSync(file) || (statSync(file).size === 0 && !hasWal)) return res;
  let src: Database.Database;
  let copy: string | null;
  try {
    ({ db: src, copy } = openQuarantined(file));
  } catch (e) {
    res.error = errCode(e);
    return res;
  }
  try {
    try {
      res.held = src.prepare('SELECT COUNT(*) FROM failures').pluck().get() as number;
    } catch {
      // the count goes through a damaged page: unknown
    }
    let read: Database.Statement;
    try {
      // a file of an older schema lacks the newer columns (notes, the outcome ones): read them as
      // NULL; a row without version gets the defaults (withOutcomeDefaults)
      const has = new Set(
        src.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('failures') as string[],
      );
      const cols = [...RECORD_COLUMNS, 'card_key'].map((c) => (has.has(c) ? c : `NULL AS ${c}`));
      read = src.prepare(
        `SELECT rowid AS rowid_, ${cols.join(', ')} FROM failures WHERE rowid > ? ORDER BY rowid LIMIT ?`,
      );
    } catch (e) {
      res.error = errCode(e); // no readable schema
      return res;
    }
    const insert = into.prepare(
      `INSERT INTO failures (${RECORD_COLUMNS.join(', ')}, card_key) VALUES (${RECORD_COLUMNS.map(() => '?').join(', ')}, ?)`,
    );
    const maxSeq = into.prepare('SELECT MAX(seq) FROM failures WHERE terminal_id = ?').pluck();
    type Kept = FailureRecord & { card_key: Buffer | null };
    const taken: Kept[] = [];
    const values = (r: Kept, seq = r.seq) => [
      ...RECORD_COLUMNS.map((c) => (c === 'seq' ? seq : r[c])),
      r.card_key,
    ];
    const put = (raw: Record<string, unknown>): void => {
      const { rowid_: _rowid, card_key: key, ...row } = raw;
      if (row.version === null) for (const c of OUTCOME_COLUMNS) delete row[c];
      const ok = failureRecordSchema().safeParse(withOutcomeDefaults(row));
      if (!ok.success || findPans(JSON.stringify(row)).length > 0) {
        res.invalid++;
        return;
      }
      const cardKey = key instanceof Buffer && key.length >= 16 && key.length <= 32 ? key : null;
      const r: Kept = { ...(ok.data as FailureRecord), card_key: cardKey };
      try {
        insert.run(...values(r));
        res.recovered++;
      } catch (e) {
        if (errCode(e) === 'SQLITE_CONSTRAINT_UNIQUE')
          taken.push(r); // (terminal, seq) taken
        else if (errCode(e) !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw e; // same id twice: once is enough
      }
    };
    into.transaction(() => {
      let after = 0;
      let faults = 0;
      let step = 1;
      for (;;) {
        let rows: Array<Record<string, unknown>>;
        try {
          rows = read.all(after, CHUNK) as Array<Record<string, unknown>>;
        } catch {
          if (++faults > MAX_FAULTS) break;
          // read the damaged chunk row by row; a failure on the next row skips ahead
          try {
            rows = read.all(after, 1) as Array<Record<string, unknown>>;
          } catch {
            after += step;
            step = Math.min(step * 2, 2 ** 40);
            continue;
          }
        }
        if (rows.length === 0) break;
        step = 1;
        for (const row of rows) {
          after = row.rowid_ as number;
          put(row);
        }
      }
      for (const r of taken) {
        const seq = Math.max((maxSeq.get(r.terminal_id) as number | null) ?? 0, seqFloor) + 1;
        insert.run(...values(r, seq));
        res.recovered++;
        res.resequenced++;
      }
      into.exec(
        `INSERT INTO terminal_seq (terminal_id, last_seq) SELECT terminal_id, MAX(seq) FROM failures GROUP BY terminal_id
         ON CONFLICT(terminal_id) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)`,
      );
    })();
  } finally {
    src.close();
    if (copy) rmSync(copy, { recursive: true, force: true });
  }
  return res;
}
