/**
 * The FleetStore on SQLite (one box, the demo): the collector database of `fleet collect --db`
 * (same file, same migrations), one better-sqlite3 connection. Its calls are synchronous under
 * the promises, so a transaction that awaits is kept whole by a queue: one store call at a time.
 * The queue is the file's, shared by every store this process opens on it: a second connection's
 * BEGIN IMMEDIATE between the awaits of another's transaction would block the one thread both run
 * on until the busy timeout, and fail (other processes wait their turn as usual).
 */
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { openCollectorDb, sqliteSinkOn } from '../sinks.js';
import { type Backend, type Conn, sqlFleetStore } from './sql-store.js';
import type { FleetStore } from './types.js';

/** better-sqlite3 binds no booleans: 1 and 0 as SQLite stores them. */
const bind = (params: readonly unknown[]) => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));

/** One queue of calls per database file of this process. */
const queues = new Map<string | symbol, { tail: Promise<unknown>; users: number }>();

export function sqliteFleetStore(file: string): FleetStore {
  const db = openCollectorDb(file);
  const sink = sqliteSinkOn(db);
  const cache = new Map<string, Database.Statement>();
  const stmt = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const direct: Conn = {
    async all(sql, params = []) {
      const s = stmt(sql);
      if (!s.reader) {
        s.run(...bind(params));
        return [];
      }
      return s.all(...bind(params)) as Array<Record<string, unknown>>;
    },
    async run(sql, params = []) {
      return stmt(sql).run(...bind(params)).changes;
    },
  };
  const key = file === ':memory:' || file === '' ? Symbol(file) : resolve(file);
  const line = queues.get(key) ?? { tail: Promise.resolve() as Promise<unknown>, users: 0 };
  queues.set(key, line);
  line.users++;
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = line.tail.then(fn, fn);
    line.tail = next.catch(() => {});
    return next;
  };
  const backend: Backend = {
    dialect: 'sqlite',
    all: (sql, params) => serial(() => direct.all(sql, params)),
    run: (sql, params) => serial(() => direct.run(sql, params)),
    tx: (fn) =>
      serial(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn(direct);
          db.exec('COMMIT');
          return out;
        } catch (e) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw e;
        }
      }),
    insert: (fleet, records) => serial(async () => sink.insert(fleet, records)),
    insertBatch: (batch) => serial(async () => sink.insertBatch(batch)),
    isUniqueViolation: (e) => (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE',
    close: () =>
      serial(async () => {
        db.close();
        if (--line.users === 0) queues.delete(key);
      }),
  };
  return sqlFleetStore(backend);
}
