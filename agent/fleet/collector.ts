/**
 * `fleet collect`: subscribes to the failures topics of a fleet (optionally as an MQTT 5 shared
 * subscription, so several collectors split the stream) and stores each record in a RecordSink.
 *
 * Loss-free by construction:
 * - MQTT 5, QoS 1, a persistent session (clean start off, a stable client id and a session expiry),
 *   so messages published while the collector is away are queued by the broker;
 * - the PUBACK of a message is sent only after its records are committed (held-acks.ts); if the
 *   write fails, no PUBACK is sent and the collector stops, so the broker redelivers the message
 *   to this session (or another member of the share group) later;
 * - messages are stored by group commit (group-commit.ts): the messages that arrive while one
 *   transaction runs share the next (the sink's insertBatch), up to the Receive Maximum the
 *   collector announces (the unacknowledged messages the broker may send it);
 * - a record is identified by its id and the newest version is kept: a higher version replaces the
 *   stored one, a lower one is stale (ignored, counted, logged); redeliveries (same id, version
 *   and content) are stored once, and a record that reuses another's (fleet, terminal, seq), or an
 *   id and version with different content, is stored and flagged
 *   (agent/fleet/collector-schema.ts), with an alarm, a counter and a log line.
 * Fleet and terminal come from the topic: a message whose payload names another fleet or terminal
 * (a terminal publishing another's records) is refused whole with PUBACK reason 0x87 and logged.
 * With a sink that keeps terminal health (the fleet store), the collector also subscribes to the
 * status and metrics topics (shared the same way) and stores each after the same checks: size,
 * schema, and the payload's fleet and terminal against the topic's.
 * The collector announces an MQTT 5 maximum packet size, so a compliant broker never sends it a
 * bigger message, and refuses a bigger payload before parsing it.
 * Given `mqtt: { protocolVersion: 4 }` (a broker without MQTT 5: the embedded one of `fleet serve
 * --demo`), the PUBACK still waits for the write; a refused message is acknowledged (3.1.1 has no
 * reason codes) and logged the same; no shared subscription and no maximum packet size there.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { ExportError } from '../export/errors.js';
import { type Logger, redactUrl } from '../log.js';
import type { FailureRecord } from '../record.js';
import { withOutcomeDefaults } from '../store/record-schema.js';
import { metricsPayloadSchema, recordPayloadSchema, statusPayloadSchema } from '../sync/payload-schema.js';
import { cleanHealth, cleanRecord } from './card-data.js';
import { holdsCardData } from '../../protocol/card/card-data.js';
import { groupCommit } from './group-commit.js';
import { holdAcks } from './held-acks.js';
import {
  addResult,
  type Conflict,
  emptyResult,
  type InsertResult,
  type RecordSink,
  type Stale,
} from './sinks.js';
import type { HealthUpdate } from './store/types.js';
import { collectFilter, healthFilters, parseTopic } from './topics.js';

/** PUBACK reason code: payload format invalid (MQTT 5, 3.4.2.1). */
export const RC_PAYLOAD_INVALID = 0x99;
/** PUBACK reason code: not authorized (the payload names another fleet or terminal than its topic). */
export const RC_NOT_AUTHORIZED = 0x87;
/** PUBACK reason code: quota exceeded (a payload over the size limit). */
export const RC_QUOTA_EXCEEDED = 0x97;

/** Default maximum packet size announced to the broker (bytes); the agent's batches are 128 KiB. */
export const DEFAULT_MAX_PACKET_BYTES = 256 * 1024;

/**
 * Default MQTT 5 Receive Maximum: unacknowledged messages the broker may send the collector, so
 * the most messages one transaction can hold (and at most this many payloads held in memory).
 */
export const DEFAULT_RECEIVE_MAXIMUM = 256;

/** Records at most in one transaction (a message is never split). */
export const MAX_BATCH_RECORDS = 4000;

export interface CollectorOptions {
  broker: string;
  fleet: string;
  shareGroup?: string;
  clientId: string;
  /** Where records go; a sink with health() (the fleet store) gets status and metrics too. */
  sink: RecordSink & { health?: (fleet: string, u: HealthUpdate) => Promise<void> };
  log: Logger;
  /** Broker-side session lifetime while the collector is away (default 7 days). */
  sessionExpirySec?: number;
  /** MQTT 5 maximum packet size announced in CONNECT, and the payload limit (default 256 KiB). */
  maxPacketBytes?: number;
  /** MQTT 5 Receive Maximum announced in CONNECT (default DEFAULT_RECEIVE_MAXIMUM). */
  receiveMaximum?: number;
  /** Extra mqtt.js options (TLS files, username, password). */
  mqtt?: Partial<IClientOptions>;
}

export interface CollectorStats {
  messages: number;
  records: number;
  inserted: number;
  /** Newer versions of stored records (outcome changes) that replaced them. */
  replaced: number;
  duplicates: number;
  /** Records older than the version stored for their id (ignored). */
  stale: number;
  invalidRecords: number;
  rejectedMessages: number;
  /** Records refused because their payload named another fleet or terminal than the topic. */
  refusedRecords: number;
  /** Payloads over the size limit (refused before parsing). */
  oversizeMessages: number;
  /** Stored records that share (fleet, terminal, seq) with another id. */
  seqConflicts: number;
  /** Stored records whose id was already stored with different content. */
  idConflicts: number;
  /** Status and metrics messages stored. */
  healthMessages: number;
  /** Status and metrics messages refused (malformed, oversized, another terminal's). */
  healthRefused: number;
  /** Transactions that stored records (messages / batches: messages per transaction). */
  batches: number;
}

export interface Collector {
  client: MqttClient;
  stats: CollectorStats;
  /** Alarms raised since start: 'seq_conflict', 'id_conflict', 'topic_mismatch'. */
  alarms(): string[];
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
  /** Set when the whole message is refused: the PUBACK reason code to send. */
  refuse?: number;
  /** Records of another fleet or terminal than the topic's. */
  mismatched?: number;
  /** Valid records refused with the message (the mismatched ones and the rest of their message). */
  refused?: number;
  /** Ids of the mismatched records (at most 10, for the log). */
  mismatchedIds?: string[];
  /** Records stored with fields emptied, or refused, for card data in them (at most 10, for the log). */
  cardData?: Array<{ id: string; fields: string[]; refused: boolean }>;
}

/**
 * Validates a failures message: at most `maxBytes` (checked before parsing), a v1 failures payload
 * whose fleet and terminal, and every record's terminal_id, are the topic's (otherwise the whole
 * message is refused: a terminal may publish only its own records); each record is checked on its
 * own so one malformed record does not drop the good ones. Pure.
 */
export function parseFailuresMessage(
  topic: string,
  payload: Uint8Array,
  maxBytes = DEFAULT_MAX_PACKET_BYTES,
): ParsedFailures {
  const t = parseTopic(topic);
  if (t?.kind !== 'failures')
    return { records: [], invalid: 0, reason: `not a failures topic: ${topic}`, refuse: RC_PAYLOAD_INVALID };
  // the fleet's and the terminal's names are stored with every record: card data in either refuses
  // the message, as it refuses a status or metrics message
  if (holdsCardData(t.fleet) || holdsCardData(t.terminal))
    return {
      records: [],
      invalid: 0,
      reason: 'the topic names a fleet or terminal that holds card data',
      refuse: RC_PAYLOAD_INVALID,
    };
  if (payload.length > maxBytes) {
    return {
      records: [],
      invalid: 0,
      reason: `payload of ${payload.length} bytes is over the limit of ${maxBytes}`,
      refuse: RC_QUOTA_EXCEEDED,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return { records: [], invalid: 0, reason: 'payload is not JSON', refuse: RC_PAYLOAD_INVALID };
  }
  const env = body as { v?: unknown; fleet?: unknown; terminal?: unknown; records?: unknown };
  if (typeof env !== 'object' || env === null || env.v !== 1 || !Array.isArray(env.records)) {
    return { records: [], invalid: 0, reason: 'not a v1 failures payload', refuse: RC_PAYLOAD_INVALID };
  }
  const records: FailureRecord[] = [];
  let invalid = 0;
  let mismatched = 0;
  const mismatchedIds: string[] = [];
  const cardData: NonNullable<ParsedFailures['cardData']> = [];
  const envelopeOk = env.fleet === t.fleet && env.terminal === t.terminal;
  for (const r of env.records) {
    // a record of an agent from before record versions counts as version 1
    const p = recordPayloadSchema.safeParse(withOutcomeDefaults(r));
    if (!p.success) invalid++;
    else if (!envelopeOk || p.data.terminal_id !== t.terminal) {
      mismatched++;
      if (mismatchedIds.length < 10) mismatchedIds.push(p.data.id);
    } else {
      // PANs masked; track data or a security code emptied, or the record refused (card-data.ts)
      const clean = cleanRecord(p.data as FailureRecord);
      if (clean.record) records.push(clean.record);
      else invalid++;
      const fields = clean.record ? clean.emptied : [clean.refused];
      if (fields.length > 0 && cardData.length < 10)
        cardData.push({ id: p.data.id, fields: [...fields], refused: clean.record === undefined });
    }
  }
  if (!envelopeOk || mismatched > 0) {
    return {
      records: [],
      invalid,
      mismatched,
      refused: mismatched + records.length,
      mismatchedIds,
      reason: envelopeOk
        ? `records of another terminal on ${t.fleet}/${t.terminal}'s topic`
        : `payload names fleet/terminal other than the topic's ${t.fleet}/${t.terminal}`,
      refuse: RC_NOT_AUTHORIZED,
    };
  }
  const card = cardData.length > 0 ? { cardData } : {};
  if (records.length === 0) {
    return { records, invalid, reason: 'no valid record in payload', refuse: RC_PAYLOAD_INVALID, ...card };
  }
  return invalid
    ? { records, invalid, reason: 'invalid records in payload', ...card }
    : { records, invalid, ...card };
}

/** Most alarms a metrics message may name, and the longest name. */
export const MAX_ALARMS = 64;
export const MAX_ALARM_NAME = 64;

export type ParsedHealth =
  | { update: HealthUpdate; fleet: string }
  | { refuse: number; reason: string; code: 'E_PAYLOAD' | 'E_TOPIC_MISMATCH' };

/**
 * Validates a status or metrics message: at most `maxBytes`, a v1 payload of its kind whose fleet
 * and terminal are the topic's (a terminal may report only its own health). Pure.
 */
export function parseHealthMessage(
  topic: string,
  payload: Uint8Array,
  receivedAt: string,
  maxBytes = DEFAULT_MAX_PACKET_BYTES,
): ParsedHealth {
  const t = parseTopic(topic);
  if (!t || t.kind === 'failures')
    return { refuse: RC_PAYLOAD_INVALID, reason: `not a health topic: ${topic}`, code: 'E_PAYLOAD' };
  if (payload.length > maxBytes) {
    return {
      refuse: RC_QUOTA_EXCEEDED,
      reason: `payload of ${payload.length} bytes is over the limit of ${maxBytes}`,
      code: 'E_PAYLOAD',
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return { refuse: RC_PAYLOAD_INVALID, reason: 'payload is not JSON', code: 'E_PAYLOAD' };
  }
  const p = t.kind === 'status' ? statusPayloadSchema.safeParse(body) : metricsPayloadSchema.safeParse(body);
  if (!p.success)
    return { refuse: RC_PAYLOAD_INVALID, reason: `not a v1 ${t.kind} payload`, code: 'E_PAYLOAD' };
  if (p.data.fleet !== t.fleet || p.data.terminal !== t.terminal) {
    return {
      refuse: RC_NOT_AUTHORIZED,
      reason: `payload names fleet/terminal other than the topic's ${t.fleet}/${t.terminal}`,
      code: 'E_TOPIC_MISMATCH',
    };
  }
  // alarms are names ('disk_full'): a long list or a long name is refused, not shown on every
  // terminal row of the portal
  if (
    'alarms' in p.data &&
    (p.data.alarms.length > MAX_ALARMS || p.data.alarms.some((a) => a.length > MAX_ALARM_NAME))
  ) {
    return {
      refuse: RC_PAYLOAD_INVALID,
      reason: `metrics.alarms: at most ${MAX_ALARMS} names of at most ${MAX_ALARM_NAME} characters`,
      code: 'E_PAYLOAD',
    };
  }
  // every text of a health message is a name or an id: card data in one refuses the message
  const clean = cleanHealth(p.data);
  if ('refused' in clean)
    return {
      refuse: RC_PAYLOAD_INVALID,
      reason: `card data in ${t.kind}.${clean.refused}`,
      code: 'E_PAYLOAD',
    };
  const update = (
    t.kind === 'status'
      ? { kind: 'status', payload: clean.payload, receivedAt }
      : { kind: 'metrics', payload: clean.payload, receivedAt }
  ) as HealthUpdate;
  return { update, fleet: t.fleet };
}

/** At most `n` items, for a log line. */
function sample<T>(items: readonly T[], n = 20): T[] {
  return items.slice(0, n);
}

export function startCollector(opts: CollectorOptions): Collector {
  const stats: CollectorStats = {
    messages: 0,
    records: 0,
    inserted: 0,
    replaced: 0,
    duplicates: 0,
    stale: 0,
    invalidRecords: 0,
    rejectedMessages: 0,
    refusedRecords: 0,
    oversizeMessages: 0,
    seqConflicts: 0,
    idConflicts: 0,
    healthMessages: 0,
    healthRefused: 0,
    batches: 0,
  };
  const log = opts.log;
  const maxBytes = opts.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES;
  const alarms = new Set<string>();
  const raise = (name: string, detail: Record<string, unknown>) => {
    if (alarms.has(name)) return;
    alarms.add(name);
    log.error({ event: 'alarm_raised', code: name, ...detail }, `collector alarm raised: ${name}`);
  };
  const reportConflicts = (fleet: string, terminal: string, conflicts: readonly Conflict[]) => {
    for (const kind of ['seq', 'id'] as const) {
      const c = conflicts.filter((x) => x.kind === kind);
      if (c.length === 0) continue;
      if (kind === 'seq') stats.seqConflicts += c.length;
      else stats.idConflicts += c.length;
      const detail = {
        fleet,
        terminal,
        records: c.length,
        seqs: sample(c.map((x) => x.seq)),
        ids: sample(c.map((x) => x.id)),
      };
      raise(`${kind}_conflict`, detail);
      log.warn(
        {
          event: `collect_${kind}_conflict`,
          code: kind === 'seq' ? 'E_SEQ_CONFLICT' : 'E_ID_CONFLICT',
          ...detail,
        },
        kind === 'seq'
          ? 'records reuse a (fleet, terminal, seq) of other ids (a wiped agent database, or two terminals with one id): stored and flagged seq_conflict'
          : 'records reuse a stored id with different content: both kept, flagged id_conflict',
      );
    }
  };
  const reportStale = (fleet: string, terminal: string, stale: readonly Stale[]) => {
    stats.stale += stale.length;
    log.info(
      {
        event: 'collect_stale_version',
        fleet,
        terminal,
        records: stale.length,
        ids: sample(stale.map((x) => x.id)),
        versions: sample(stale.map((x) => `${x.version}<${x.stored_version}`)),
      },
      'records older than the version already stored (a late redelivery): ignored',
    );
  };
  let fail: (e: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});
  let stopping = false;

  interface Batched {
    fleet: string;
    terminal: string;
    records: FailureRecord[];
  }
  /** Logs a batch's stale records and conflicts per terminal (its fleet from the batch). */
  const reportBatch = (items: readonly Batched[], res: InsertResult) => {
    const fleetOf = (terminal: string) =>
      [...new Set(items.filter((i) => i.terminal === terminal).map((i) => i.fleet))].join(',');
    const byTerminal = <T extends { terminal_id: string }>(list: readonly T[]) => {
      const m = new Map<string, T[]>();
      for (const x of list) m.set(x.terminal_id, [...(m.get(x.terminal_id) ?? []), x]);
      return m;
    };
    for (const [terminal, stale] of byTerminal(res.stale)) reportStale(fleetOf(terminal), terminal, stale);
    for (const [terminal, c] of byTerminal(res.conflicts)) reportConflicts(fleetOf(terminal), terminal, c);
  };
  const sink = opts.sink;
  const commits = groupCommit<Batched>({
    weight: (i) => i.records.length,
    maxWeight: MAX_BATCH_RECORDS,
    async write(items) {
      let res: InsertResult;
      try {
        const batch = items.map(({ fleet, records }) => ({ fleet, records }));
        if (sink.insertBatch) res = await sink.insertBatch(batch);
        else {
          // a sink without batches: message by message (each acknowledged once all are stored)
          res = emptyResult();
          for (const b of batch) addResult(res, await sink.insert(b.fleet, b.records));
        }
      } catch (e) {
        const err = e as Error;
        log.error(
          { event: 'collect_store_failed', code: 'E_SINK', messages: items.length, err },
          'storing records failed; not acknowledging',
        );
        // No PUBACK: the broker keeps the messages for this session and redelivers them.
        if (!stopping) {
          stopping = true;
          client.end(true, () => fail(new ExportError('E_SINK', `storing records failed: ${err.message}`)));
        }
        throw err;
      }
      stats.batches++;
      for (const i of items) stats.records += i.records.length;
      stats.inserted += res.inserted;
      stats.replaced += res.replaced;
      stats.duplicates += res.duplicates;
      reportBatch(items, res);
    },
  });

  /** A failures message: the PUBACK reason code once stored or refused; rejects if not stored. */
  async function handleFailures(topic: string, message: Uint8Array): Promise<number> {
    stats.messages++;
    const parsed = parseFailuresMessage(topic, message, maxBytes);
    stats.invalidRecords += parsed.invalid;
    if (parsed.cardData) {
      log.warn(
        { event: 'collect_card_data', code: 'E_CARD_DATA', topic, records: parsed.cardData },
        'card data in a received record: the field emptied, or the record refused',
      );
    }
    if (parsed.refuse !== undefined) {
      stats.rejectedMessages++;
      if (parsed.refuse === RC_NOT_AUTHORIZED) {
        stats.refusedRecords += parsed.refused ?? 0;
        const t = parseTopic(topic);
        const detail = {
          topic,
          records: parsed.refused ?? 0,
          mismatched: parsed.mismatched ?? 0,
          ids: parsed.mismatchedIds ?? [],
        };
        raise('topic_mismatch', { fleet: t?.fleet, terminal: t?.terminal });
        log.error(
          { event: 'collect_refused', code: 'E_TOPIC_MISMATCH', reasonCode: parsed.refuse, ...detail },
          `refused: ${parsed.reason ?? 'payload does not match its topic'}`,
        );
      } else {
        if (parsed.refuse === RC_QUOTA_EXCEEDED) stats.oversizeMessages++;
        log.warn(
          {
            event: 'collect_payload_invalid',
            code: 'E_PAYLOAD',
            topic,
            invalid: parsed.invalid,
            reasonCode: parsed.refuse,
          },
          parsed.reason ?? 'invalid payload',
        );
      }
      return parsed.refuse;
    }
    if (parsed.reason) {
      log.warn(
        { event: 'collect_payload_invalid', code: 'E_PAYLOAD', topic, invalid: parsed.invalid },
        parsed.reason,
      );
    }
    // stopping: not stored, not acknowledged; the broker sends it again to this session later
    if (stopping) throw new Error('collector stopping');
    const t = parseTopic(topic) as { fleet: string; terminal: string };
    await commits.add({ fleet: t.fleet, terminal: t.terminal, records: parsed.records });
    return 0; // PUBACK only now: the rows are committed
  }

  const handle = (topic: string, message: Uint8Array): Promise<number> =>
    parseTopic(topic)?.kind !== 'failures' && opts.sink.health
      ? handleHealth(topic, message)
      : handleFailures(topic, message);

  const client = mqtt.connect(opts.broker, {
    protocolVersion: 5,
    clientId: opts.clientId,
    clean: false,
    properties: {
      sessionExpiryInterval: opts.sessionExpirySec ?? 7 * 24 * 3600,
      // a compliant broker (Mosquitto) drops a bigger message for this client instead of sending it
      maximumPacketSize: maxBytes,
      receiveMaximum: opts.receiveMaximum ?? DEFAULT_RECEIVE_MAXIMUM,
    },
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    resubscribe: true,
    ...opts.mqtt,
    customHandleAcks(topic, message, packet, done) {
      if (packet.qos !== 1) {
        // QoS 2 (never granted: the subscription is QoS 1): one message at a time
        handle(topic, message).then(
          (rc) => done(rc),
          (err: Error) => done(err),
        );
        return;
      }
      const ack = acks.hold(packet);
      done(0); // mqtt.js goes on with the next message; the PUBACK waits for ack.settle
      handle(topic, message).then(
        (rc) => ack.settle(rc),
        () => {}, // not stored: never acknowledged
      );
    },
  });
  const acks = holdAcks(client);

  /** Stores a status or metrics message; resolves to the PUBACK reason code (never rejects). */
  async function handleHealth(topic: string, message: Uint8Array): Promise<number> {
    const parsed = parseHealthMessage(topic, message, new Date().toISOString(), maxBytes);
    if ('refuse' in parsed) {
      stats.healthRefused++;
      if (parsed.code === 'E_TOPIC_MISMATCH') {
        const t = parseTopic(topic);
        raise('topic_mismatch', { fleet: t?.fleet, terminal: t?.terminal });
      }
      log.warn(
        { event: 'collect_health_refused', code: parsed.code, topic, reasonCode: parsed.refuse },
        `refused: ${parsed.reason}`,
      );
      return parsed.refuse;
    }
    try {
      await opts.sink.health?.(parsed.fleet, parsed.update);
      stats.healthMessages++;
      return 0;
    } catch (err) {
      // health is the latest state, not a record: the next message replaces it; acknowledged so
      // one failing write does not stall the records behind it
      log.error({ event: 'collect_health_failed', code: 'E_SINK', topic, err }, 'storing health failed');
      return 0;
    }
  }

  const filter = [
    collectFilter(opts.fleet, opts.shareGroup),
    ...(opts.sink.health ? healthFilters(opts.fleet, opts.shareGroup) : []),
  ];
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
      const code = granted?.find((g) => g.qos >= 0x80)?.qos;
      if (code !== undefined) {
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
  // MQTT 3.1.1 (a broker without MQTT 5, such as the demo's embedded one, with mqtt: { protocolVersion:
  // 4 }): mqtt.js calls customHandleAcks for MQTT 5 only; there the PUBACK waits for handleMessage's
  // callback, so a record is still acknowledged only once stored (no PUBACK after a failed write).
  // 3.1.1 has no reason codes: a refused message is acknowledged, and logged as under MQTT 5.
  if (client.options.protocolVersion !== 5) {
    client.handleMessage = (packet, cb) => {
      if (packet.qos === 0) return cb();
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      // one message at a time (3.1.1 has no receive maximum to hold acknowledgements against)
      handle(packet.topic, payload).then(
        () => cb(),
        (err: Error) => cb(err),
      );
    };
  }
  // metrics are QoS 0 (no acknowledgement, no customHandleAcks): stored as they come
  client.on('message', (topic, message, packet) => {
    if (packet.qos === 0 && opts.sink.health && parseTopic(topic)?.kind !== 'failures') {
      void handleHealth(topic, message);
    }
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
    alarms: () => [...alarms].sort(),
    ready,
    failed,
    async stop() {
      stopping = true;
      await commits.drain(); // what is being stored is committed and acknowledged first
      await client.endAsync(false).catch(() => {});
      await opts.sink.close();
    },
  };
}
