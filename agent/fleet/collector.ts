/**
 * `fleet collect`: subscribes to the failures topics of a fleet (optionally as an MQTT 5 shared
 * subscription, so several collectors split the stream) and stores each record once, keyed by its
 * id, in a RecordSink.
 *
 * Loss-free by construction:
 * - MQTT 5, QoS 1, a persistent session (clean start off, a stable client id and a session expiry),
 *   so messages published while the collector is away are queued by the broker;
 * - the PUBACK of a message is sent only after its records are written (mqtt.js customHandleAcks);
 *   if the write fails, no PUBACK is sent and the collector stops, so the broker redelivers the
 *   message to this session (or another member of the share group) later;
 * - duplicates (redeliveries, agents re-sending after a lost PUBACK) are ignored by id.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { ExportError } from '../export/errors.js';
import { type Logger, redactUrl } from '../log.js';
import type { FailureRecord } from '../record.js';
import { recordPayloadSchema } from '../sync/payload-schema.js';
import type { RecordSink } from './sinks.js';
import { collectFilter, parseTopic } from './topics.js';

/** PUBACK reason code: payload format invalid (MQTT 5, 3.4.2.1). */
export const RC_PAYLOAD_INVALID = 0x99;

export interface CollectorOptions {
  broker: string;
  fleet: string;
  shareGroup?: string;
  clientId: string;
  sink: RecordSink;
  log: Logger;
  /** Broker-side session lifetime while the collector is away (default 7 days). */
  sessionExpirySec?: number;
  /** Extra mqtt.js options (TLS files, username, password). */
  mqtt?: Partial<IClientOptions>;
}

export interface CollectorStats {
  messages: number;
  records: number;
  inserted: number;
  duplicates: number;
  invalidRecords: number;
  rejectedMessages: number;
}

export interface Collector {
  client: MqttClient;
  stats: CollectorStats;
  /** Resolves at the first successful subscription. */
  ready: Promise<void>;
  /** Rejects when the collector had to stop (a write failed); never resolves otherwise. */
  failed: Promise<never>;
  stop(): Promise<void>;
}

/** A stable client id for a store: the same store reconnects to the same broker session. */
export function defaultClientId(storeKey: string, shareGroup?: string): string {
  const h = createHash('sha256')
    .update(`${hostname()}\0${storeKey}\0${shareGroup ?? ''}`)
    .digest('hex')
    .slice(0, 12);
  return `pos-agent-collect-${h}`;
}

export interface ParsedFailures {
  records: FailureRecord[];
  invalid: number;
  reason?: string;
}

/**
 * Validates a failures message: the envelope must be a v1 failures payload for the topic's
 * terminal; each record is checked on its own so one bad record does not drop the good ones.
 * Pure.
 */
export function parseFailuresMessage(topic: string, payload: Uint8Array): ParsedFailures {
  const t = parseTopic(topic);
  if (t?.kind !== 'failures') return { records: [], invalid: 0, reason: `not a failures topic: ${topic}` };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return { records: [], invalid: 0, reason: 'payload is not JSON' };
  }
  const env = body as { v?: unknown; records?: unknown };
  if (typeof env !== 'object' || env === null || env.v !== 1 || !Array.isArray(env.records)) {
    return { records: [], invalid: 0, reason: 'not a v1 failures payload' };
  }
  const records: FailureRecord[] = [];
  let invalid = 0;
  for (const r of env.records) {
    const p = recordPayloadSchema.safeParse(r);
    if (p.success) records.push(p.data as FailureRecord);
    else invalid++;
  }
  return invalid ? { records, invalid, reason: 'invalid records in payload' } : { records, invalid };
}

export function startCollector(opts: CollectorOptions): Collector {
  const stats: CollectorStats = {
    messages: 0,
    records: 0,
    inserted: 0,
    duplicates: 0,
    invalidRecords: 0,
    rejectedMessages: 0,
  };
  const log = opts.log;
  let fail: (e: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});
  let stopping = false;

  const client = mqtt.connect(opts.broker, {
    protocolVersion: 5,
    clientId: opts.clientId,
    clean: false,
    properties: { sessionExpiryInterval: opts.sessionExpirySec ?? 7 * 24 * 3600 },
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    resubscribe: true,
    ...opts.mqtt,
    customHandleAcks(topic, message, _packet, done) {
      stats.messages++;
      const parsed = parseFailuresMessage(topic, message);
      if (parsed.reason) {
        log.warn(
          { event: 'collect_payload_invalid', code: 'E_PAYLOAD', topic, invalid: parsed.invalid },
          parsed.reason,
        );
      }
      stats.invalidRecords += parsed.invalid;
      if (parsed.records.length === 0) {
        stats.rejectedMessages++;
        done(RC_PAYLOAD_INVALID);
        return;
      }
      Promise.resolve()
        .then(() => opts.sink.insert(parsed.records))
        .then(
          (n) => {
            stats.records += parsed.records.length;
            stats.inserted += n;
            stats.duplicates += parsed.records.length - n;
            done(0); // PUBACK only now: the rows are committed
          },
          (err: Error) => {
            log.error(
              { event: 'collect_store_failed', code: 'E_SINK', err },
              'storing records failed; not acknowledging',
            );
            // No PUBACK: the broker keeps the message for this session and redelivers it.
            done(err);
            if (!stopping) {
              stopping = true;
              client.end(true, () =>
                fail(new ExportError('E_SINK', `storing records failed: ${err.message}`)),
              );
            }
          },
        );
    },
  });

  const filter = collectFilter(opts.fleet, opts.shareGroup);
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((r) => {
    resolveReady = r;
  });
  client.on('connect', (connack) => {
    log.info(
      {
        event: 'collect_connected',
        broker: opts.broker,
        clientId: opts.clientId,
        sessionPresent: connack.sessionPresent,
      },
      'connected',
    );
    client.subscribe(filter, { qos: 1 }, (err, granted) => {
      if (err) {
        log.error({ event: 'collect_subscribe_failed', err, filter }, 'subscribe failed');
        return;
      }
      const code = granted?.[0]?.qos;
      if (code !== undefined && code >= 0x80) {
        log.error(
          { event: 'collect_subscribe_refused', filter, reasonCode: code },
          'broker refused the subscription',
        );
        return;
      }
      log.info({ event: 'collect_subscribed', filter }, 'subscribed');
      resolveReady();
    });
  });
  client.on('error', (err) => {
    if (stopping) return;
    // MQTT 3.1.1-only brokers (the demo's embedded one, old Mosquitto) refuse an MQTT 5 CONNECT:
    // stop with a clear error instead of retrying for ever
    const rc = (err as { code?: unknown }).code;
    if (rc === 1 || rc === 132 || /protocol version/i.test(err.message)) {
      stopping = true;
      const e = new ExportError(
        'E_BROKER_PROTOCOL',
        `${String(redactUrl(opts.broker))} refused MQTT 5 (${err.message}); fleet collect needs an MQTT 5 broker such as Mosquitto 1.6 or later (the demo's embedded broker speaks 3.1.1 only)`,
        1,
      );
      log.error({ event: 'collect_broker_protocol', code: e.code, broker: opts.broker }, e.message);
      client.end(true, () => fail(e));
      return;
    }
    log.warn({ event: 'collect_mqtt_error', err }, 'mqtt error');
  });
  client.on('offline', () =>
    log.warn({ event: 'collect_offline', broker: opts.broker }, 'broker unreachable; retrying'),
  );

  return {
    client,
    stats,
    ready,
    failed,
    async stop() {
      stopping = true;
      await client.endAsync(false).catch(() => {});
      await opts.sink.close();
    },
  };
}
