/**
 * A real Mosquitto broker for tests, benchmarks and fault runs: spawned on a free loopback port
 * with a generated config, its log captured, restartable on the same port (persistence on by
 * default, so a subscriber's queued QoS 1 messages survive a graceful restart).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = [
  process.env.MOSQUITTO_BIN,
  '/usr/sbin/mosquitto',
  '/usr/bin/mosquitto',
  '/usr/local/sbin/mosquitto',
  '/opt/homebrew/sbin/mosquitto',
];

/** Path of the mosquitto binary, or null. */
export function mosquittoBinary(): string | null {
  for (const c of CANDIDATES) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      const sock = createConnection({ port, host: '127.0.0.1' });
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > until) reject(new Error(`port ${port} not listening after ${timeoutMs} ms`));
        else setTimeout(tryOnce, 20);
      });
    };
    tryOnce();
  });
}

export interface MosquittoOptions {
  port?: number;
  /** Keep sessions and queued messages across graceful restarts (default true). */
  persistence?: boolean;
  /** allow_anonymous (default true). */
  anonymous?: boolean;
  /** Extra config lines (e.g. password_file, acl_file, listener options). */
  extra?: string[];
}

export interface Mosquitto {
  url: string;
  port: number;
  dir: string;
  /** Everything Mosquitto logged so far (all runs). */
  log(): string;
  /** Graceful stop (SIGTERM, persistence saved) then start again on the same port. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGHUP: Mosquitto reloads password and ACL files. */
  reload(): void;
  /** Stops and deletes the working directory. */
  close(): Promise<void>;
}

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<Mosquitto> {
  const bin = mosquittoBinary();
  if (!bin) throw new Error('mosquitto binary not found');
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'mosq-'));
  const conf = join(dir, 'mosquitto.conf');
  const lines = [
    `listener ${port} 127.0.0.1`,
    `allow_anonymous ${opts.anonymous === false ? 'false' : 'true'}`,
    `persistence ${opts.persistence === false ? 'false' : 'true'}`,
    `persistence_location ${dir}/`,
    'autosave_interval 0',
    'user root',
    'log_dest stdout',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'connection_messages true',
    'max_queued_messages 0',
    'max_queued_bytes 0',
    ...(opts.extra ?? []),
  ];
  writeFileSync(conf, `${lines.join('\n')}\n`);
  let logText = '';
  let child: ChildProcess | null = null;

  async function start(): Promise<void> {
    const c = spawn(bin as string, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    c.stdout?.on('data', (d) => {
      logText += String(d);
    });
    c.stderr?.on('data', (d) => {
      logText += String(d);
    });
    const exited = new Promise<never>((_, reject) =>
      c.once('exit', (code) =>
        reject(new Error(`mosquitto exited (${code}) at start:\n${logText.slice(-2000)}`)),
      ),
    );
    exited.catch(() => {});
    await Promise.race([waitForPort(port), exited]);
  }

  async function stop(): Promise<void> {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 3000).unref();
    });
  }

  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    dir,
    log: () => logText,
    start,
    stop,
    async restart(downMs = 0) {
      await stop();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    reload() {
      (child as ChildProcess | null)?.kill('SIGHUP');
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
