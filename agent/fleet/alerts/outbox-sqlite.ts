/**
 * The alert outbox (outbox.ts) in SQLite with better-sqlite3: the table alert_outbox, made if
 * missing, in its own file or beside the collector's tables (it leaves user_version alone, which
 * the collector's migrations own, and is not the fleet store's alert_outbox). Small on purpose:
 * the fleet store's adapters take it over with their versioned migrations; its columns are the
 * port's fields.
 */
import Database from 'better-sqlite3';
import {
  type AlertOutbox,
  type Delivery,
  DELIVERY_STATES,
  type DeliveryState,
  type NewDelivery,
} from './outbox.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alert_outbox (
  key        TEXT PRIMARY KEY,
  channel    TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  target     TEXT NOT NULL,
  rule_id    TEXT NOT NULL,
  payload    TEXT NOT NULL,
  digest_day TEXT,
  state      TEXT NOT NULL CHECK (state IN ('held', 'pending', 'sending', 'delivered', 'failed', 'digested')),
  attempts   INTEGER NOT NULL DEFAULT 0,
  next_at    INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER
) STRICT;
CREATE INDEX IF NOT EXISTS alert_outbox_due ON alert_outbox (state, next_at);
CREATE INDEX IF NOT EXISTS alert_outbox_held ON alert_outbox (state, digest_day);
`;

/** Longest error text kept per delivery. */
const MAX_ERROR = 500;

/** Opens (or creates) the outbox in `file`, or in an open database the caller keeps and closes. */
export function openSqliteOutbox(file: string | Database.Database): AlertOutbox {
  const own = typeof file === 'string';
  const db = own ? new Database(file) : file;
  if (own) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
  }
  db.exec(SCHEMA);
  const insert = db.prepare(
    `INSERT INTO alert_outbox (key, channel, target, rule_id, payload, digest_day, state, next_at, created_at)
     VALUES (@key, @channel, @target, @rule_id, @payload, @digest_day, @state, @now, @now)
     ON CONFLICT (key) DO NOTHING`,
  );
  const enqueueTx = db.transaction((items: readonly NewDelivery[], now: number) => {
    let n = 0;
    for (const it of items)
      n += insert.run({ ...it, state: it.digest_day === null ? 'pending' : 'held', now }).changes;
    return n;
  });
  const due = db.prepare(
    `SELECT * FROM alert_outbox WHERE state IN ('pending', 'sending') AND next_at <= ?
     ORDER BY next_at, key LIMIT ?`,
  );
  const take = db.prepare(
    `UPDATE alert_outbox SET state = 'sending', attempts = attempts + 1, next_at = ? WHERE key = ?`,
  );
  // one write transaction (BEGIN IMMEDIATE): two processes never take the same item
  const claimTx = db.transaction((now: number, limit: number, leaseMs: number) => {
    const rows = due.all(now, limit) as Delivery[];
    return rows.map((r) => {
      take.run(now + leaseMs, r.key);
      return {
        ...r,
        reclaimed: r.state === 'sending',
        state: 'sending' as const,
        attempts: r.attempts + 1,
        next_at: now + leaseMs,
      };
    });
  });
  const delivered = db.prepare(
    `UPDATE alert_outbox SET state = 'delivered', delivered_at = ?, last_error = NULL WHERE key = ?`,
  );
  const retry = db.prepare(
    `UPDATE alert_outbox SET state = 'pending', next_at = ?, last_error = ? WHERE key = ? AND state = 'sending'`,
  );
  const giveUp = db.prepare(`UPDATE alert_outbox SET state = 'failed', last_error = ? WHERE key = ?`);
  const held = db.prepare(
    `SELECT * FROM alert_outbox WHERE state = 'held' AND digest_day < ? ORDER BY digest_day, created_at, key`,
  );
  const digested = db.prepare(`UPDATE alert_outbox SET state = 'digested' WHERE key = ? AND state = 'held'`);
  const replaceTx = db.transaction((digest: NewDelivery, keys: readonly string[], now: number) => {
    insert.run({ ...digest, state: digest.digest_day === null ? 'pending' : 'held', now });
    for (const k of keys) digested.run(k);
  });
  const get = db.prepare(`SELECT * FROM alert_outbox WHERE key = ?`);
  const counts = db.prepare(`SELECT state, COUNT(*) AS n FROM alert_outbox GROUP BY state`);
  return {
    enqueue: async (items, now) => enqueueTx(items, now),
    claimDue: async (now, limit, leaseMs) => claimTx.immediate(now, limit, leaseMs),
    markDelivered: async (key, now) => void delivered.run(now, key),
    markFailed: async (key, error, nextAt) => {
      const e = error.slice(0, MAX_ERROR);
      if (nextAt === null) giveUp.run(e, key);
      else retry.run(nextAt, e, key);
    },
    held: async (beforeDay) => held.all(beforeDay) as Delivery[],
    replaceHeld: async (digest, keys, now) => replaceTx(digest, keys, now),
    get: async (key) => get.get(key) as Delivery | undefined,
    counts: async () => {
      const out = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
      for (const r of counts.all() as Array<{ state: DeliveryState; n: number }>) out[r.state] = r.n;
      return out;
    },
    close: async () => {
      if (own) db.close();
    },
  };
}
