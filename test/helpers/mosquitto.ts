/**
 * A real Mosquitto broker for tests: spawned on a free loopback port with a generated config, its
 * log captured, restartable on the same port (persistence on by default, so a subscriber's queued
 * QoS 1 messages survive a graceful restart). Missing binary: fail under CI=true, skip otherwise.
 * Also: `collect()`, a QoS 1 subscriber with a persistent session that gathers what arrives.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';

const CANDIDATES = [process.env.MOSQUITTO_BIN, '/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto', '/opt/homebrew/sbin/mosquitto'];

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

/** True when mosquitto is available; throws under CI=true when it is not (tests must not skip there). */
export function haveMosquitto(): boolean {
  const bin = mosquittoBinary();
  if (!bin && process.env.CI === 'true') {
    throw new Error('mosquitto binary not found (CI=true): install it (apt-get install -y mosquitto)');
  }
  return bin !== null;
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
      c.once('exit', (code) => reject(new Error(`mosquitto exited (${code}) at start:\n${logText.slice(-2000)}`))),
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

export interface Message {
  topic: string;
  payload: string;
  retain: boolean;
}

export interface Collector {
  messages: Message[];
  client: MqttClient;
  /** Parsed failures records in arrival order (duplicates kept). */
  records(): Array<{ id: string; seq: number; terminal_id: string } & Record<string, unknown>>;
  waitFor(pred: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

/** A QoS 1 subscriber with a persistent session (clean: false) so it misses nothing across restarts. */
export async function collect(url: string, filter: string, clientId = `collector-${process.pid}-${Date.now()}`): Promise<Collector> {
  const client = mqtt.connect(url, { clientId, clean: false, reconnectPeriod: 100, connectTimeout: 3000, protocolVersion: 4 });
  client.on('error', () => {});
  const messages: Message[] = [];
  client.on('message', (topic, payload, packet) => {
    messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain });
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('collector: no connection')), 5000);
    client.once('connect', () => {
      clearTimeout(t);
      resolve();
    });
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    messages,
    client,
    records() {
      const out: ReturnType<Collector['records']> = [];
      for (const m of messages) {
        if (!m.topic.endsWith('/failures')) continue;
        for (const r of JSON.parse(m.payload).records) out.push(r);
      }
      return out;
    },
    async waitFor(pred, timeoutMs = 15000, what = 'condition') {
      const until = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await client.endAsync(true).catch(() => {});
    },
  };
}
