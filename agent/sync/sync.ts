/**
 * MQTT sync of the failure outbox to the fleet. The SQLite outbox is the queue; MQTT.js is only the
 * transport (docs/sources.md §MQTT pitfalls): it keeps unacknowledged messages in memory, has no
 * in-flight window, reconnects at a fixed interval and drops a message on an error PUBACK. So:
 *
 * - one MQTT.js client per connection attempt, auto-reconnect off (reconnectPeriod 0); our own
 *   capped exponential backoff with jitter (protocol/retry/backoff.ts) between attempts, each
 *   failure logged with its reason;
 * - publish only while connected; at most `inflight` QoS 1 batches unacknowledged (capped by the
 *   broker's Receive Maximum under MQTT 5);
 * - a row is marked synced only in a successful PUBACK callback; an error reason code keeps it,
 *   and the connection is recycled so the rows are sent again, in seq order, after backoff;
 * - every new connection (and every restart) reads the outbox again from the oldest unsynced row.
 * Delivery is at least once; receivers deduplicate by record `id` (docs/store-sync.md).
 */
import { readPem } from './pem.js';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { FailureStore } from '../store/types.js';
import { backoffDelay } from '../../protocol/retry/backoff.js';
import { type MetricsPayload, PAYLOAD_VERSION, type StatusPayload, topicFor } from './payloads.js';

export type SyncState = 'connecting' | 'online' | 'offline' | 'stopped';

export type AppMetrics = Omit<
  MetricsPayload,
  | 'v'
  | 'terminal'
  | 'fleet'
  | 'boot_id'
  | 'at'
  | 'outbox_depth'
  | 'oldest_unsynced_age_s'
  | 'db_bytes'
  | 'alarms'
>;

export interface SyncOptions {
  url: string;
  fleet: string;
  terminal: string;
  store: FailureStore;
  bootId: string;
  version: string;
  configHash: string;
  username?: string;
  password?: string;
  /** PEM text, or a path to a PEM file. */
  ca?: string;
  cert?: string;
  key?: string;
  /** Records per `failures` message (default 200). */
  batchSize?: number;
  /** Byte cap of one `failures` message (default 128 KiB; one record is always sent even if larger). */
  batchBytes?: number;
  /** Most unacknowledged `failures` messages (default 10; Mosquitto allows 20 by default). */
  inflight?: number;
  /** Alarms of other parts of the agent for the status (e.g. the outcome keeper's double charge). */
  alarms?: () => string[];
  /** Metrics heartbeat period (default 30 s). */
  heartbeatMs?: number;
  /** Reconnect backoff bounds (defaults 500 ms and 30 s). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** MQTT keepalive in seconds (default 30). */
  keepaliveS?: number;
  /** Give up a connection attempt after this long (default 10 s). */
  connectTimeoutMs?: number;
  /** Recycle the connection if a publish stays unacknowledged this long (default 30 s). */
  ackTimeoutMs?: number;
  /** Look at the outbox this often even without notify() (default 1 s). */
  pollMs?: number;
  /** MQTT protocol version (default 5; falls back to 3.1.1 if the broker refuses 5). */
  protocolVersion?: 4 | 5;
  /** Client id (default `pos-{fleet}-{terminal}`). */
  clientId?: string;
  metrics: () => AppMetrics;
  logger?: Logger;
}

export interface SyncCounters {
  published_batches: number;
  acked_records: number;
  rejected_batches: number;
  connects: number;
  connect_failures: number;
}

export interface SyncHandle {
  /** New committed records exist: publish soon. */
  notify(): void;
  state(): SyncState;
  counters(): SyncCounters;
  /** Alarms raised by sync itself ('publish_rejected'), besides the store's. */
  alarms(): string[];
  /** Publishes one metrics message now (when online). */
  publishMetrics(): void;
  /** Waits for in-flight acks (bounded), publishes the retained `offline` status, disconnects. */
  stop(): Promise<void>;
}

export class SyncError extends Error {
  constructor(
    readonly code: 'E_SYNC_CONFIG',
    message: string,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

interface Conn {
  client: MqttClient;
  up: boolean;
  dead: boolean;
  /** Highest seq handed to the client on this connection. */
  cursor: number;
  inflight: number;
  /** Send times of unacknowledged failures messages (oldest first). */
  sentAt: number[];
  window: number;
  watchdog: NodeJS.Timeout | null;
}

const UNSUPPORTED_PROTOCOL = new Set([1, 132]);

export function startSync(opts: SyncOptions): SyncHandle {
  const log = opts.logger ?? silentLogger();
  const store = opts.store;
  const batchSize = Math.max(1, opts.batchSize ?? 200);
  let batchBytes = Math.max(1024, opts.batchBytes ?? 128 * 1024);
  const maxInflight = Math.max(1, Math.min(opts.inflight ?? 10, 65000));
  const heartbeatMs = Math.max(100, opts.heartbeatMs ?? 30_000);
  const backoffMin = Math.max(1, opts.backoffMinMs ?? 500);
  const backoffMax = Math.max(backoffMin, opts.backoffMaxMs ?? 30_000);
  const connectTimeout = opts.connectTimeoutMs ?? 10_000;
  const ackTimeout = opts.ackTimeoutMs ?? 30_000;
  const pollMs = Math.max(50, opts.pollMs ?? 1000);
  let protocolVersion: 4 | 5 = opts.protocolVersion ?? 5;
  const clientId = opts.clientId ?? `pos-${opts.fleet}-${opts.terminal}`;
  const failuresTopic = topicFor(opts.fleet, opts.terminal, 'failures');
  const statusTopic = topicFor(opts.fleet, opts.terminal, 'status');
  const metricsTopic = topicFor(opts.fleet, opts.terminal, 'metrics');
  if (!/^[^/#+]+$/.test(opts.fleet) || !/^[^/#+]+$/.test(opts.terminal)) {
    throw new SyncError('E_SYNC_CONFIG', 'fleet and terminal must be non-empty and free of / # +');
  }
  const tls = { ca: readPem(opts.ca), cert: readPem(opts.cert), key: readPem(opts.key) };
  // payload head shared by every failures message: {"v":1,"fleet":..,"terminal":..,"boot_id":..,"records":[
  const head = `{"v":${PAYLOAD_VERSION},"fleet":${JSON.stringify(opts.fleet)},"terminal":${JSON.stringify(opts.terminal)},"boot_id":${JSON.stringify(opts.bootId)},"records":[`;
  const headBytes = Buffer.byteLength(head) + 2;

  let state: SyncState = 'connecting';
  let stopped = false;
  let conn: Conn | null = null;
  let attempt = 0;
  let rejectStreak = 0;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let lastError = '';
  /** Records acknowledged by the broker, each as the version sent (id and seq), to mark synced. */
  let markIds: Array<{ id: string; seq: number }> = [];
  let markTimer: NodeJS.Immediate | null = null;
  const syncAlarms = new Set<string>();
  const counters: SyncCounters = {
    published_batches: 0,
    acked_records: 0,
    rejected_batches: 0,
    connects: 0,
    connect_failures: 0,
  };

  function status(s: 'online' | 'offline', at: string): string {
    const p: StatusPayload = {
      v: PAYLOAD_VERSION,
      state: s,
      terminal: opts.terminal,
      fleet: opts.fleet,
      boot_id: opts.bootId,
      version: opts.version,
      config_hash: opts.configHash,
      at,
    };
    return JSON.stringify(p);
  }

  function metricsPayload(): MetricsPayload {
    const st = store.stats();
    const now = Date.now();
    const app = opts.metrics();
    return {
      v: PAYLOAD_VERSION,
      terminal: opts.terminal,
      fleet: opts.fleet,
      boot_id: opts.bootId,
      at: new Date(now).toISOString(),
      uptime_s: app.uptime_s,
      outbox_depth: st.outboxDepth,
      oldest_unsynced_age_s: st.oldestUnsyncedAt
        ? Math.max(0, Math.round((now - Date.parse(st.oldestUnsyncedAt)) / 1000))
        : 0,
      link: app.link,
      counts: app.counts,
      rss_mb: app.rss_mb,
      heap_used_mb: app.heap_used_mb,
      db_bytes: st.dbBytes,
      alarms: [...new Set([...store.alarms(), ...syncAlarms, ...(opts.alarms?.() ?? [])])].sort(),
    };
  }

  function flushMarks(): void {
    if (markTimer) clearImmediate(markTimer);
    markTimer = null;
    if (markIds.length === 0) return;
    const ids = markIds;
    markIds = [];
    try {
      store.markSynced(ids, new Date().toISOString());
    } catch (e) {
      // the rows stay unsynced and are sent again later: a duplicate, never a loss
      log.error(
        { event: 'sync_mark_failed', err: e, records: ids.length },
        'could not mark acknowledged records',
      );
    }
  }

  function onAck(c: Conn, ids: Array<{ id: string; seq: number }>, err: Error | undefined): void {
    c.inflight--;
    c.sentAt.shift();
    if (!err) {
      counters.acked_records += ids.length;
      for (const r of ids) markIds.push(r);
      if (!markTimer) markTimer = setImmediate(flushMarks); // coalesce PUBACKs read in one tick
      syncAlarms.delete('publish_rejected');
      rejectStreak = 0;
      if (c === conn) pump();
      return;
    }
    const rc = (err as Error & { code?: unknown }).code;
    if (typeof rc !== 'number') return; // connection ended under it: the rows are resent later
    counters.rejected_batches++;
    syncAlarms.add('publish_rejected');
    log.warn(
      { event: 'mqtt_publish_rejected', reason_code: rc, reason: err.message, records: ids.length },
      'broker refused a failures batch; rows kept, resending after reconnect',
    );
    if (rc === 0x95) batchBytes = Math.max(1024, Math.floor(batchBytes / 2)); // packet too large
    if (c === conn) {
      attempt = rejectStreak++; // a broker that keeps refusing gets ever longer pauses
      drop(c, `publish rejected (reason ${rc})`);
    }
  }

  /** Sends failures batches while connected and the window has room. */
  function pump(): void {
    const c = conn;
    if (!c || !c.up || c.dead || stopped) return;
    while (c.inflight < c.window) {
      // each row's JSON is built by SQLite (json_object): no JS object per record on this path
      const rows = store.unsyncedJson(batchSize, c.cursor, opts.terminal);
      if (rows.length === 0) return;
      const parts: string[] = [];
      const ids: Array<{ id: string; seq: number }> = [];
      let bytes = headBytes;
      let last = c.cursor;
      for (const r of rows) {
        const n = Buffer.byteLength(r.json) + 1;
        if (parts.length > 0 && bytes + n > batchBytes) break;
        parts.push(r.json);
        ids.push({ id: r.id, seq: r.seq });
        bytes += n;
        last = r.seq;
      }
      c.cursor = last;
      c.inflight++;
      c.sentAt.push(Date.now());
      counters.published_batches++;
      c.client.publish(failuresTopic, `${head}${parts.join(',')}]}`, { qos: 1 }, (err) => onAck(c, ids, err));
    }
  }

  function publishMetrics(): void {
    const c = conn;
    if (!c || !c.up || c.dead) return;
    try {
      c.client.publish(metricsTopic, JSON.stringify(metricsPayload()), { qos: 0 });
    } catch (e) {
      log.warn({ event: 'metrics_failed', err: e }, 'metrics heartbeat not sent');
    }
  }

  /** Ends a connection (idempotent) and schedules the next attempt. */
  function drop(c: Conn, reason: string): void {
    if (c.dead) return;
    c.dead = true;
    if (c.watchdog) clearTimeout(c.watchdog);
    c.client.end(true);
    flushMarks();
    if (c !== conn) return;
    conn = null;
    if (stopped) return;
    if (!c.up) counters.connect_failures++;
    state = 'offline';
    const delay = backoffDelay(attempt++, backoffMin, backoffMax);
    log.warn(
      {
        event: c.up ? 'mqtt_disconnected' : 'mqtt_connect_failed',
        reason,
        url: opts.url,
        attempt,
        retry_in_ms: delay,
        unacked_batches: c.inflight,
      },
      c.up ? 'broker connection lost' : 'broker connection failed',
    );
    reconnectTimer = setTimeout(connect, delay);
  }

  function connect(): void {
    reconnectTimer = null;
    if (stopped) return;
    state = 'connecting';
    lastError = '';
    const birthAt = new Date().toISOString();
    const options: IClientOptions = {
      clientId,
      clean: true,
      protocolVersion,
      reconnectPeriod: 0,
      connectTimeout,
      keepalive: opts.keepaliveS ?? 30,
      resubscribe: false,
      queueQoSZero: false,
      will: { topic: statusTopic, payload: Buffer.from(status('offline', birthAt)), qos: 1, retain: true },
      username: opts.username,
      password: opts.password,
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.cert ? { cert: tls.cert } : {}),
      ...(tls.key ? { key: tls.key } : {}),
      rejectUnauthorized: true,
    };
    let client: MqttClient;
    try {
      client = mqtt.connect(opts.url, options);
    } catch (e) {
      lastError = (e as Error).message;
      const delay = backoffDelay(attempt++, backoffMin, backoffMax);
      log.error(
        { event: 'mqtt_connect_failed', reason: lastError, retry_in_ms: delay },
        'bad broker settings',
      );
      state = 'offline';
      reconnectTimer = setTimeout(connect, delay);
      return;
    }
    const c: Conn = {
      client,
      up: false,
      dead: false,
      cursor: 0,
      inflight: 0,
      sentAt: [],
      window: maxInflight,
      watchdog: null,
    };
    conn = c;
    c.watchdog = setTimeout(() => drop(c, lastError || 'connect timeout'), connectTimeout + 1000);
    client.on('connect', (connack) => {
      if (c.dead) return;
      if (c.watchdog) clearTimeout(c.watchdog);
      c.watchdog = null;
      c.up = true;
      attempt = 0;
      counters.connects++;
      const rm = connack.properties?.receiveMaximum;
      if (typeof rm === 'number' && rm > 0) c.window = Math.min(maxInflight, rm);
      state = 'online';
      log.info(
        {
          event: 'mqtt_connected',
          url: opts.url,
          protocol: protocolVersion,
          window: c.window,
          outbox: store.stats().outboxDepth,
        },
        'connected to broker',
      );
      client.publish(statusTopic, status('online', birthAt), { qos: 1, retain: true }, (err) => {
        if (err && !c.dead)
          log.warn({ event: 'mqtt_birth_failed', reason: err.message }, 'birth status not acknowledged');
      });
      publishMetrics();
      pump();
    });
    client.on('error', (err: Error & { code?: unknown }) => {
      lastError = `${err.message}${err.code !== undefined ? ` (${String(err.code)})` : ''}`;
      if (
        !c.up &&
        protocolVersion === 5 &&
        typeof err.code === 'number' &&
        UNSUPPORTED_PROTOCOL.has(err.code)
      ) {
        protocolVersion = 4;
        log.warn(
          { event: 'mqtt_protocol_fallback', reason: err.message },
          'broker refuses MQTT 5; using 3.1.1',
        );
        attempt = 0;
      }
      if (!c.up) drop(c, lastError);
    });
    client.on('disconnect', (packet) => {
      lastError = `server DISCONNECT reason ${packet.reasonCode ?? 0}`;
    });
    client.on('close', () => drop(c, lastError || 'connection closed'));
  }

  const heartbeat = setInterval(publishMetrics, heartbeatMs);
  const poll = setInterval(() => {
    const c = conn;
    if (!c || !c.up || c.dead) return;
    const oldest = c.sentAt[0];
    if (oldest !== undefined && Date.now() - oldest > ackTimeout) {
      drop(c, `no PUBACK within ${ackTimeout} ms`);
      return;
    }
    pump();
  }, pollMs);
  heartbeat.unref?.();
  poll.unref?.();
  connect();

  return {
    notify(): void {
      pump();
    },
    state: () => state,
    counters: () => ({ ...counters }),
    alarms: () => [...syncAlarms],
    publishMetrics,
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      clearInterval(heartbeat);
      clearInterval(poll);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const c = conn;
      if (c && c.up && !c.dead) {
        const until = Date.now() + 2000;
        while (c.inflight > 0 && !c.dead && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
        flushMarks();
        if (!c.dead) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, 2000);
            c.client.publish(
              statusTopic,
              status('offline', new Date().toISOString()),
              { qos: 1, retain: true },
              () => {
                clearTimeout(t);
                resolve();
              },
            );
          });
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, 1000);
            c.client.end(false, {}, () => {
              clearTimeout(t);
              resolve();
            });
          });
        }
      }
      if (c) {
        c.dead = true;
        if (c.watchdog) clearTimeout(c.watchdog);
        c.client.end(true);
      }
      conn = null;
      flushMarks();
      state = 'stopped';
      log.info({ event: 'sync_stopped', ...counters }, 'sync stopped');
    },
  };
}

/** Process-level metrics for SyncOptions.metrics: uptime, memory, counts from the store. */
export function processMetrics(
  store: FailureStore,
  link: () => AppMetrics['link'] = () => 'unknown',
): () => AppMetrics {
  return () => {
    const m = process.memoryUsage();
    return {
      uptime_s: Math.round(process.uptime()),
      link: link(),
      counts: store.counts(),
      rss_mb: Math.round((m.rss / 1048576) * 10) / 10,
      heap_used_mb: Math.round((m.heapUsed / 1048576) * 10) / 10,
    };
  };
}
