/**
 * The fleet store's two backends for tests that must hold on both: SQLite (a file in a temp dir)
 * and PostgreSQL (a throwaway cluster started on first use and stopped after the file, a fresh
 * schema per database). A database is named by where it lives, so a test can open it twice (two
 * senders, or a restart after a crash). PostgreSQL is skipped where it is not installed, and
 * missing under CI=true is an error (havePostgres).
 */
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { storeOutbox } from '../../agent/fleet/alerts/outbox-store.js';
import type { AlertOutbox } from '../../agent/fleet/alerts/outbox.js';
import { openPgFleetStore } from '../../agent/fleet/store/postgres.js';
import { sqliteFleetStore } from '../../agent/fleet/store/sqlite.js';
import type { FleetStore } from '../../agent/fleet/store/types.js';
import { freshSchemaUrl, havePostgres, type Postgres, startPostgres } from './postgres.js';
import { tempDir } from './tmp.js';

export interface StoreBackend {
  name: 'SQLite' | 'PostgreSQL';
  available: boolean;
  /** A new, empty database: a file path or a postgres:// URL. */
  fresh(): Promise<string>;
  /** A store on that database (migrated on open); each call is another connection to it. */
  open(where: string): Promise<FleetStore>;
}

/** The backends; call at the top of a test file (it registers the cluster's stop after the file). */
export function storeBackends(prefix: string): StoreBackend[] {
  const pgAvailable = havePostgres();
  let pg: Promise<Postgres> | undefined;
  afterAll(async () => {
    if (pg) await (await pg).close();
  });
  let files = 0;
  let dir: string | undefined;
  return [
    {
      name: 'SQLite',
      available: true,
      fresh: async () => join((dir ??= tempDir(`${prefix}-`)), `fleet-${++files}.db`),
      open: async (file) => sqliteFleetStore(file),
    },
    {
      name: 'PostgreSQL',
      available: pgAvailable,
      fresh: async () => freshSchemaUrl(await (pg ??= startPostgres()), prefix.replace(/\W/g, '_')),
      open: (url) => openPgFleetStore(url),
    },
  ];
}

/** The alerts' outbox on a store of its own on `where`; its close() closes that store. */
export async function openOutbox(backend: StoreBackend, where: string): Promise<AlertOutbox> {
  const store = await backend.open(where);
  return storeOutbox(store, { close: () => store.close() });
}
