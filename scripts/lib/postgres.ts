/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temporary directory, started on a free
 * loopback port (socket in the same directory, trust authentication, fsync off), stopped and deleted
 * by close(). Run as root, the cluster belongs to the `postgres` user (PostgreSQL refuses to run as
 * root). Binaries: POSTGRES_BIN_DIR, the directory of the real pg_ctl on PATH, or
 * /usr/lib/postgresql/<version>/bin. (The tests' CI rule, fail under CI=true, is in
 * test/helpers/postgres.ts.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './mosquitto.js';

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The directory holding initdb and pg_ctl, or null. */
export function postgresBinDir(): string | null {
  const dirs: string[] = [];
  if (process.env.POSTGRES_BIN_DIR) dirs.push(process.env.POSTGRES_BIN_DIR);
  for (const p of (process.env.PATH ?? '').split(':').concat('/usr/local/bin', '/usr/bin')) {
    const ctl = join(p, 'pg_ctl');
    if (executable(ctl)) dirs.push(dirname(realpathSync(ctl)));
  }
  try {
    for (const v of readdirSync('/usr/lib/postgresql').sort().reverse())
      dirs.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    /* none */
  }
  return dirs.find((d) => executable(join(d, 'initdb')) && executable(join(d, 'pg_ctl'))) ?? null;
}

export interface Postgres {
  url: string;
  close(): Promise<void>;
}

export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found');
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'pg-'));
  const data = join(dir, 'data');
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const run = (exe: string, args: string[]) => {
    const [cmd, argv] = root
      ? ['runuser', ['-u', 'postgres', '--', join(bin, exe), ...args]]
      : [join(bin, exe), args];
    const r = spawnSync(cmd, argv as string[], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${exe} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  const port = await freePort();
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async close() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

let schemas = 0;

/**
 * A URL of `pg` whose connections work in a fresh, empty schema of their own (search_path), so
 * tests share one cluster without sharing tables (CREATE DATABASE is slow).
 */
export async function freshSchemaUrl(pg: Pick<Postgres, 'url'>, prefix = 't'): Promise<string> {
  const name = `${prefix}_${process.pid}_${++schemas}`;
  const { default: pgLib } = await import('pg');
  const c = new pgLib.Client({ connectionString: pg.url });
  await c.connect();
  try {
    await c.query(`CREATE SCHEMA "${name}"`);
  } finally {
    await c.end();
  }
  return `${pg.url}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
}
