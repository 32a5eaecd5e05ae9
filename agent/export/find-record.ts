/**
 * Finds the one failure record `pos-agent script` prints the issuer script for: by id, STAN,
 * RRN, or the newest. STANs (6 digits, per terminal) wrap and repeat and an RRN may too, so a
 * STAN or RRN can match several records: the newest is taken and the others are returned, for
 * the command to list. Newest = latest occurred_at, then the latest id (the export's order).
 */
import type { FailureRecord } from '../record.js';
import { RECORD_COLUMNS } from '../store/schema.js';
import { all, type ReadDb } from './db.js';
import { ExportError, usageError } from './errors.js';

export type RecordSelector =
  { by: 'id'; id: string } | { by: 'stan'; stan: string } | { by: 'rrn'; rrn: string } | { by: 'last' };

export interface Found {
  record: FailureRecord;
  /** Other records that matched (a repeated STAN or RRN), newest first; at most 20. */
  others: FailureRecord[];
  /** More records matched than `others` lists. */
  more: boolean;
}

const SELECT = `SELECT ${RECORD_COLUMNS.join(', ')} FROM failures`;
const NEWEST = 'ORDER BY occurred_at DESC, id DESC';
const MAX_LISTED = 20;

/** A STAN as stored: 6 digits (leading zeros may be left out when typed). */
function normalStan(s: string): string {
  const t = s.trim();
  if (!/^\d{1,6}$/.test(t)) throw usageError('--stan', `"${s}" is not a STAN (1 to 6 digits)`);
  return t.padStart(6, '0');
}

function normalRrn(s: string): string {
  const t = s.trim();
  if (!/^[A-Za-z0-9]{1,12}$/.test(t))
    throw usageError('--rrn', `"${s}" is not an RRN (up to 12 letters or digits)`);
  return t;
}

function describe(sel: RecordSelector): string {
  if (sel.by === 'id') return `id ${sel.id}`;
  if (sel.by === 'stan') return `STAN ${sel.stan}`;
  if (sel.by === 'rrn') return `RRN ${sel.rrn}`;
  return 'any record';
}

export function findRecord(db: ReadDb, sel: RecordSelector): Found {
  let rows: FailureRecord[];
  if (sel.by === 'id') {
    const id = sel.id.trim();
    if (!/^[0-9A-Za-z]{1,64}$/.test(id)) throw usageError('<record id>', `"${sel.id}" is not a record id`);
    rows = all<FailureRecord>(db, { sql: `${SELECT} WHERE id = ?`, params: [id.toUpperCase()] });
  } else if (sel.by === 'stan') {
    const stan = normalStan(sel.stan);
    rows = all<FailureRecord>(db, {
      sql: `${SELECT} WHERE stan IN (?, ?) ${NEWEST} LIMIT ?`,
      params: [stan, sel.stan.trim(), MAX_LISTED + 2],
    });
  } else if (sel.by === 'rrn') {
    rows = all<FailureRecord>(db, {
      sql: `${SELECT} WHERE rrn = ? ${NEWEST} LIMIT ?`,
      params: [normalRrn(sel.rrn), MAX_LISTED + 2],
    });
  } else {
    rows = all<FailureRecord>(db, { sql: `${SELECT} ${NEWEST} LIMIT 1`, params: [] });
  }
  const [record, ...others] = rows;
  if (!record) {
    throw new ExportError(
      'E_NOT_FOUND',
      sel.by === 'last' ? 'the store holds no failure records' : `no failure record with ${describe(sel)}`,
    );
  }
  return { record, others: others.slice(0, MAX_LISTED), more: others.length > MAX_LISTED };
}
