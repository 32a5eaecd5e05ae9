/**
 * The FleetStore on PostgreSQL (a fleet): the collector's tables (pgMigrate, schema in
 * pos_collector_schema) over a pg Pool; the collector's write is pgSink's. Statements are written
 * with `?` placeholders and numbered here.
 */
import { inTransaction, openPgPool, type PgClient, type PgQueryable, pgSink } from '../sinks.js';
import { toPgParams } from './ingest.js';
import { type Backend, type Conn, sqlFleetStore } from './sql-store.js';
import type { FleetStore } from './types.js';

function conn(q: Pick<PgClient, 'query'>): Conn {
  return {
    async all(sql, params = []) {
      return (await q.query(toPgParams(sql), [...params])).rows;
    },
    async run(sql, params = []) {
      return (await q.query(toPgParams(sql), [...params])).rowCount ?? 0;
    },
  };
}

/** The store over an open pool (migrated on open; the pool is ended by close()). */
export async function pgFleetStore(pool: PgQueryable): Promise<FleetStore> {
  const sink = await pgSink(pool);
  const direct = conn(pool);
  const backend: Backend = {
    dialect: 'postgres',
    ...direct,
    tx: (fn) => inTransaction(pool, (c) => fn(conn(c))),
    insert: (fleet, records) => sink.insert(fleet, records),
    insertBatch: (batch) => sink.insertBatch(batch),
    isUniqueViolation: (e) => (e as { code?: string }).code === '23505',
    close: async () => {
      await sink.close();
    },
  };
  return sqlFleetStore(backend);
}

/** Opens a pool for a postgres:// URL and the store over it. */
export async function openPgFleetStore(url: string, poolSize = 4): Promise<FleetStore> {
  return pgFleetStore(await openPgPool(url, poolSize));
}
