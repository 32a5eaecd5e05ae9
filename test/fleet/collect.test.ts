/**
 * `fleet collect` against a real Mosquitto: duplicates across reconnects are stored once, two
 * collectors in a shared-subscription group split the stream with nothing lost, a message is
 * acknowledged only after its rows are written (a failed write is redelivered), and an outcome
 * change sent by an agent's sync replaces the stored version (a stale one is ignored).
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Collector, startCollector } from '../../agent/fleet/collector.js';
import { type RecordSink, sqliteSink } from '../../agent/fleet/sinks.js';
import { startWatch } from '../../agent/fleet/watch.js';
import { silentLogger } from '../../agent/log.js';
import { startEmbeddedBroker } from '../../agent/sync/broker.js';
import type { FailureRecord } from '../../agent/record.js';
import { makeRecord } from '../export/seed.js';
import { captureLogger } from '../helpers/log.js';
import { tempDir } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';
import { exitWithin, spawnCli } from '../helpers/cli.js';
import { openStore } from '../../agent/store/index.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import { startTestSync } from '../helpers/sync.js';
import { haveMosquitto, type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { failures, metrics, recordAt, status } from './payloads.js';

const available = haveMosquitto(); // throws under CI=true when the binary is missing
const tmp = tempDir('pos-fleet-collect-');
let broker: Mosquitto;

beforeAll(async () => {
  if (available) broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.close();
});

/** waitUntil with the broker's log tail in the timeout message. */
const waitFor = (pred: () => boolean, what: string, timeoutMs = 15_000) =>
  waitUntil(pred, timeoutMs, () => `${what}\n${broker.log().slice(-1500)}`, 25);

async function publisher(): Promise<MqttClient> {
  const c = await mqtt.connectAsync(broker.url, {
    protocolVersion: 5,
    clientId: `pub-${Math.random().toString(16).slice(2)}`,
  });
  return c;
}

async function publishBatches(
  pub: MqttClient,
  fleet: string,
  batches: Array<{ terminal: string; records: FailureRecord[] }>,
) {
  for (const b of batches) {
    await pub.publishAsync(
      `pos/v1/${fleet}/${b.terminal}/failures`,
      JSON.stringify(failures(fleet, b.terminal, b.records)),
      { qos: 1 },
    );
  }
}

function ids(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT id FROM failures ORDER BY id').all() as Array<{ id: string }>).map(
      (r) => r.id,
    );
  } finally {
    db.close();
  }
}

function collector(clientId: string, sink: RecordSink, fleet: string, shareGroup?: string): Collector {
  return startCollector({
    broker: broker.url,
    fleet,
    clientId,
    sink,
    log: silentLogger(),
    ...(shareGroup ? { shareGroup } : {}),
  });
}

/** batches of `per` records for `terminals` terminals, ids unique from `start`. */
function makeBatches(start: number, count: number, per: number, terminals: number) {
  const out: Array<{ terminal: string; records: FailureRecord[] }> = [];
  let i = start;
  for (let b = 0; b < count; b++) {
    const terminal = `T${String(b % terminals).padStart(3, '0')}`;
    out.push({
      terminal,
      records: Array.from({ length: per }, () => makeRecord(i++, { terminal_id: terminal, seq: i })),
    });
  }
  return out;
}

describe.skipIf(!available)('fleet collect with Mosquitto', () => {
  it('stores duplicates across collector reconnects and a broker restart once', async () => {
    const file = join(tmp, 'dedup.db');
    const fleet = 'dedup';
    const first = makeBatches(0, 10, 5, 3);
    const second = makeBatches(50, 10, 5, 3);
    const pub = await publisher();
    let c = collector('collect-dedup', sqliteSink(file), fleet);
    await c.ready;
    await publishBatches(pub, fleet, first);
    await waitFor(() => c.stats.inserted === 50, 'first 50 records');
    await c.stop(); // graceful: the broker keeps the session (clean start off, session expiry)
    await pub.endAsync();

    await broker.restart(); // persisted sessions survive
    const pub2 = await publisher();
    await publishBatches(pub2, fleet, [...first, ...second]); // an agent re-sending + new records, collector away
    await pub2.endAsync();

    c = collector('collect-dedup', sqliteSink(file), fleet);
    await waitFor(() => c.stats.records === 100, 'queued messages after reconnect');
    expect(c.stats.inserted).toBe(50);
    expect(c.stats.duplicates).toBe(50);
    await c.stop();
    const stored = ids(file);
    expect(stored).toHaveLength(100);
    expect(new Set(stored).size).toBe(100);
    expect(stored).toEqual([...first, ...second].flatMap((b) => b.records.map((r) => r.id)).sort());
  });

  it('two collectors in a shared subscription split the stream with nothing lost', async () => {
    const fleet = 'shared';
    const f1 = join(tmp, 'share-1.db');
    const f2 = join(tmp, 'share-2.db');
    const c1 = collector('collect-share-1', sqliteSink(f1), fleet, 'grp');
    const c2 = collector('collect-share-2', sqliteSink(f2), fleet, 'grp');
    await Promise.all([c1.ready, c2.ready]);
    const batches = makeBatches(1000, 200, 5, 20);
    const pub = await publisher();
    await publishBatches(pub, fleet, batches);
    await pub.endAsync();
    await waitFor(() => c1.stats.records + c2.stats.records >= 1000, 'all 1000 records');
    await c1.stop();
    await c2.stop();
    const a = ids(f1);
    const b = ids(f2);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    const all = new Set([...a, ...b]);
    expect(all.size).toBe(1000);
    expect(a.length + b.length).toBe(1000); // each message went to one member only
    expect([...all].sort()).toEqual(batches.flatMap((x) => x.records.map((r) => r.id)).sort());
  });

  it('acknowledges only after the write: a failed write is redelivered', async () => {
    const fleet = 'ackwrite';
    const file = join(tmp, 'ack.db');
    let calls = 0;
    const failing: RecordSink = {
      kind: 'sqlite',
      insert() {
        calls++;
        throw new Error('disk full (simulated)');
      },
      close() {},
    };
    const c = collector('collect-ack', failing, fleet);
    await c.ready;
    const pub = await publisher();
    const batches = makeBatches(5000, 3, 4, 1);
    await publishBatches(pub, fleet, batches);
    await pub.endAsync();
    await expect(c.failed).rejects.toMatchObject({ code: 'E_SINK' });
    expect(calls).toBeGreaterThan(0);
    await c.stop();
    // the same session with a working store gets every message again
    const again = collector('collect-ack', sqliteSink(file), fleet);
    await waitFor(() => again.stats.inserted === 12, 'redelivered records');
    await again.stop();
    expect(ids(file)).toEqual(batches.flatMap((x) => x.records.map((r) => r.id)).sort());
  });
});

/** `n` records of one terminal, seq from 1, ids from `idBase`. */
function seqRun(idBase: number, n: number, terminal: string): FailureRecord[] {
  return Array.from({ length: n }, (_, i) => makeRecord(idBase + i, { terminal_id: terminal, seq: i + 1 }));
}

function batchesOf(terminal: string, recs: FailureRecord[], per = 5) {
  const out: Array<{ terminal: string; records: FailureRecord[] }> = [];
  for (let i = 0; i < recs.length; i += per) out.push({ terminal, records: recs.slice(i, i + per) });
  return out;
}

describe.skipIf(!available)('fleet collect: no genuine record dropped (issue 9 item 8)', () => {
  it('--fleet +: a wiped agent database (seq back at 1) and two fleets sharing TERM0001 are all stored', async () => {
    const file = join(tmp, 'seq.db');
    const { lines, logger: log } = captureLogger({ level: 'info' });
    const c = startCollector({
      broker: broker.url,
      fleet: '+',
      clientId: 'collect-seq',
      sink: sqliteSink(file),
      log,
    });
    await c.ready;
    const before = seqRun(7000, 20, 'TERM0001'); // fleet ka, before the wipe
    const after = seqRun(7100, 20, 'TERM0001'); // fleet ka, database wiped: seq 1..20 again, new ids
    const other = seqRun(7200, 20, 'TERM0001'); // fleet kb, the same default terminal id
    const pub = await publisher();
    await publishBatches(pub, 'ka', batchesOf('TERM0001', before));
    await publishBatches(pub, 'kb', batchesOf('TERM0001', other));
    await publishBatches(pub, 'ka', batchesOf('TERM0001', after));
    await publishBatches(pub, 'ka', batchesOf('TERM0001', after)); // and a re-send
    await pub.endAsync();
    await waitFor(() => c.stats.records === 80, 'all 80 records');
    await c.stop();
    expect(c.stats).toMatchObject({ inserted: 60, duplicates: 20, seqConflicts: 20, idConflicts: 0 });
    expect(c.alarms()).toEqual(['seq_conflict']);
    expect(ids(file)).toEqual([...before, ...after, ...other].map((r) => r.id).sort());
    const db = new Database(file, { readonly: true });
    const flagged = db
      .prepare('SELECT fleet, count(*) AS n FROM failures WHERE seq_conflict = 1 GROUP BY fleet')
      .all();
    db.close();
    expect(flagged).toEqual([{ fleet: 'ka', n: 40 }]); // kb's TERM0001 is another terminal
    const alarm = lines.filter((l) => l.includes('"event":"alarm_raised"'));
    expect(alarm).toHaveLength(1);
    expect(alarm[0]).toContain('"code":"seq_conflict"');
    expect(lines.filter((l) => l.includes('"event":"collect_seq_conflict"')).length).toBeGreaterThan(0);
  });

  it("an agent's outcome change reaches the collector as the record's next version; a stale one is ignored", async () => {
    const file = join(tmp, 'versions.db');
    const { lines, logger: log } = captureLogger({ level: 'info' });
    const c = startCollector({
      broker: broker.url,
      fleet: 'ov',
      clientId: 'collect-ov',
      sink: sqliteSink(file),
      log,
    });
    await c.ready;
    const store = openStore({ path: join(tmp, 'agent-ov.db'), bootId: 'b1', synchronous: 'normal' });
    const sync = startTestSync({ url: broker.url, fleet: 'ov', terminal: 'T0001', store });
    const key = createHmac('sha256', 'k').update('4761739001010119').digest('hex').slice(0, 32);
    const first = await store.record({ ...syntheticFailure(4), card_key: key }); // L_TIMEOUT
    const other = await store.record(syntheticFailure(1));
    sync.notify();
    await waitFor(() => c.stats.inserted === 2, 'version 1 of both records at the collector');
    await waitFor(() => store.stats().outboxDepth === 0, 'both marked synced at the agent');
    const changed = await store.update(first.id, {
      outcome: 'approved_late',
      at: new Date().toISOString(),
      linked_id: '01JD6ZQ3R5W7Y9A1C3E5G7J9KN',
      recovered_by: 'late_approval',
    });
    expect(changed).toMatchObject({ version: 2, seq: 3 });
    sync.notify();
    await waitFor(() => c.stats.replaced === 1, 'version 2 replacing version 1');
    await waitFor(() => store.stats().outboxDepth === 0, 'version 2 marked synced at the agent');
    // a late re-send of version 1 (another publisher: a copy of the agent's first message)
    const pub = await publisher();
    await publishBatches(pub, 'ov', [{ terminal: 'T0001', records: [{ ...first, synced_at: null }] }]);
    await pub.endAsync();
    await waitFor(() => c.stats.stale === 1, 'the stale version 1 counted');
    await sync.stop();
    await store.close();
    await c.stop();
    expect(c.stats).toMatchObject({ inserted: 2, replaced: 1, stale: 1, idConflicts: 0, seqConflicts: 0 });
    const db = new Database(file, { readonly: true });
    const rows = db
      .prepare('SELECT id, seq, version, outcome, linked_id, recovered_by FROM failures ORDER BY seq')
      .all();
    db.close();
    expect(rows).toEqual([
      { id: other.id, seq: 2, version: 1, outcome: 'declined', linked_id: null, recovered_by: null },
      {
        id: first.id,
        seq: 3,
        version: 2,
        outcome: 'approved_late',
        linked_id: '01JD6ZQ3R5W7Y9A1C3E5G7J9KN',
        recovered_by: 'late_approval',
      },
    ]);
    const stale = lines.find((l) => l.includes('"event":"collect_stale_version"')) ?? '';
    expect(stale).toContain(first.id);
    expect(stale).toContain('1<2');
    // the agent's local card key never left it
    for (const f of [file, `${file}-wal`]) {
      try {
        expect(readFileSync(f).includes(Buffer.from(key))).toBe(false);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    expect(lines.join('\n')).not.toContain(key);
  });

  it('refuses records naming another terminal or fleet than their topic with PUBACK 0x87, and logs them', async () => {
    const file = join(tmp, 'spoof.db');
    const { lines, logger: log } = captureLogger({ level: 'info' });
    const c = startCollector({
      broker: broker.url,
      fleet: '+',
      clientId: 'collect-spoof',
      sink: sqliteSink(file),
      log,
    });
    const acks: number[] = [];
    c.client.on('packetsend', (p) => {
      if (p.cmd === 'puback') acks.push((p as { reasonCode?: number }).reasonCode ?? 0);
    });
    await c.ready;
    const pub = await publisher();
    const victim = seqRun(7300, 3, 'TERM0001');
    // a client allowed on TERM0002's topic publishes TERM0001's records (envelope and records)
    await pub.publishAsync(
      'pos/v1/sp/TERM0002/failures',
      JSON.stringify(failures('sp', 'TERM0001', victim)),
      {
        qos: 1,
      },
    );
    // right envelope, but a record of another terminal inside
    const own = seqRun(7400, 2, 'TERM0002');
    const mixed = failures('sp', 'TERM0002', own);
    mixed.records.push({ ...makeRecord(7500, { terminal_id: 'TERM0001', seq: 9 }), synced_at: null });
    await pub.publishAsync('pos/v1/sp/TERM0002/failures', JSON.stringify(mixed), { qos: 1 });
    // another fleet's name in the envelope
    await pub.publishAsync(
      'pos/v1/sp/TERM0002/failures',
      JSON.stringify(failures('other', 'TERM0002', own)),
      {
        qos: 1,
      },
    );
    // and a genuine message
    const genuine = seqRun(7600, 2, 'TERM0002');
    await publishBatches(pub, 'sp', [{ terminal: 'TERM0002', records: genuine }]);
    await pub.endAsync();
    await waitFor(() => c.stats.messages === 4 && acks.length === 4, 'four messages acknowledged');
    await c.stop();
    expect(acks).toEqual([0x87, 0x87, 0x87, 0]);
    expect(c.stats).toMatchObject({ inserted: 2, rejectedMessages: 3, refusedRecords: 3 + 3 + 2 });
    expect(ids(file)).toEqual(genuine.map((r) => r.id).sort());
    const refused = lines.filter((l) => l.includes('"event":"collect_refused"'));
    expect(refused).toHaveLength(3);
    expect(refused[0]).toContain('"code":"E_TOPIC_MISMATCH"');
    expect(refused[0]).toContain(victim[0]?.id);
    expect(c.alarms()).toEqual(['topic_mismatch']);
  });
});

describe.skipIf(!available)('fleet collect: maximum packet size (issue 9 item 17)', () => {
  it('announces a maximum packet size: the broker never sends it a bigger message', async () => {
    const file = join(tmp, 'big.db');
    const c = startCollector({
      broker: broker.url,
      fleet: 'big',
      clientId: 'collect-big',
      sink: sqliteSink(file),
      log: silentLogger(), // the default maximum packet size: 256 KiB
    });
    await c.ready;
    const pub = await publisher();
    // a valid payload of ~2 MB (an agent never sends more than its batch size, 128 KiB by default)
    const huge = seqRun(8000, 4000, 'T1');
    const payload = JSON.stringify(failures('big', 'T1', huge));
    expect(payload.length).toBeGreaterThan(1_000_000);
    await pub.publishAsync('pos/v1/big/T1/failures', payload, { qos: 1 });
    const small = seqRun(9000, 3, 'T1').map((r) => ({ ...r, seq: r.seq + 5000 }));
    await publishBatches(pub, 'big', [{ terminal: 'T1', records: small }]);
    await pub.endAsync();
    await waitFor(() => c.stats.inserted === 3, 'the small message');
    // published after the big one on the same topic and QoS: had the big one arrived, it came first
    await c.stop();
    expect(c.stats.messages).toBe(1); // the big one never arrived
    expect(ids(file)).toEqual(small.map((r) => r.id).sort());
  });
});

describe.skipIf(!available)('fleet watch with Mosquitto', () => {
  it('shows a terminal live: status, failures, backlog, then its Last Will', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => {
      text += d.toString();
    });
    const w = startWatch({
      broker: broker.url,
      fleet: 'live',
      out,
      log: silentLogger(),
      intervalMs: 200,
      plain: true,
    });
    await waitFor(() => w.client.connected, 'watch connected');
    // a terminal with a Last Will, as agent/sync connects
    const term = await mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      clientId: 'terminal-live-T1',
      will: {
        topic: 'pos/v1/live/T1/status',
        payload: Buffer.from(JSON.stringify(status('live', 'T1', 'offline'))),
        qos: 1,
        retain: true,
      },
    });
    await term.publishAsync('pos/v1/live/T1/status', JSON.stringify(status('live', 'T1', 'online')), {
      qos: 1,
      retain: true,
    });
    // retained: it reaches the watch once its subscription is in place, late or not
    await waitFor(() => w.state().terminals.get('live/T1')?.status === 'online', 'the watch subscribed');
    const now = Date.now();
    await term.publishAsync(
      'pos/v1/live/T1/failures',
      JSON.stringify(
        failures('live', 'T1', [
          recordAt(1, now - 1000, { category: 'network' }),
          recordAt(2, now - 500, { category: 'network' }),
        ]),
      ),
      { qos: 1 },
    );
    await term.publishAsync('pos/v1/live/T1/metrics', JSON.stringify(metrics('live', 'T1', 7, 12)), {
      qos: 0,
    });
    await waitFor(() => /online=1 .*network=0\.4 backlog=7/.test(text), 'a line with the live terminal');
    // kill the terminal's connection without DISCONNECT: the broker publishes its Last Will
    term.stream.destroy();
    await waitFor(() => w.state().terminals.get('live/T1')?.status === 'offline', 'Last Will');
    await waitFor(() => /offline=1/.test(text), 'a line with the terminal offline');
    await w.stop();
    await term.endAsync(true).catch(() => {});
  });
});

describe('fleet collect against an MQTT 3.1.1-only broker', () => {
  it('stops with E_BROKER_PROTOCOL instead of retrying for ever (the demo embedded broker)', async () => {
    const embedded = await startEmbeddedBroker({ port: 0 });
    const c = startCollector({
      broker: embedded.url,
      fleet: 'demo',
      clientId: 'collect-v311',
      sink: sqliteSink(join(tmp, 'v311.db')),
      log: silentLogger(),
    });
    try {
      const err = await c.failed.then(
        () => null,
        (e: { code?: string; message: string }) => e,
      );
      expect(err?.code).toBe('E_BROKER_PROTOCOL');
      expect(err?.message).toContain('MQTT 5');
    } finally {
      await c.stop().catch(() => {});
      await embedded.close();
    }
  });
});

describe('fleet collect told to speak MQTT 3.1.1 (fleet serve --demo)', () => {
  it('acknowledges only after the write there too: a failed write is redelivered; a spoofed message is not stored', async () => {
    const embedded = await startEmbeddedBroker({ port: 0 });
    const file = join(tmp, 'v311-ack.db');
    const start = (sink: RecordSink) =>
      startCollector({
        broker: embedded.url,
        fleet: 'demo',
        clientId: 'collect-v311-ack',
        sink,
        log: silentLogger(),
        mqtt: { protocolVersion: 4, properties: undefined },
      });
    let calls = 0;
    const c = start({
      kind: 'sqlite',
      insert() {
        calls++;
        throw new Error('disk full (simulated)');
      },
      close() {},
    });
    try {
      await c.ready;
      const pub = await mqtt.connectAsync(embedded.url, { protocolVersion: 4 });
      const batches = makeBatches(7000, 3, 2, 1);
      for (const b of batches)
        await pub.publishAsync(
          `pos/v1/demo/${b.terminal}/failures`,
          JSON.stringify(failures('demo', b.terminal, b.records)),
          {
            qos: 1,
          },
        );
      const spoofed = makeRecord(7100, { terminal_id: 'T999' });
      await pub.publishAsync(
        'pos/v1/demo/T000/failures',
        JSON.stringify(failures('demo', 'T999', [spoofed])),
        {
          qos: 1,
        },
      );
      await pub.endAsync();
      await expect(c.failed).rejects.toMatchObject({ code: 'E_SINK' });
      expect(calls).toBeGreaterThan(0);
      await c.stop();
      // the same persistent session with a working store gets every message again
      const again = start(sqliteSink(file));
      await waitUntil(
        () => again.stats.inserted === 6 && again.stats.rejectedMessages === 1,
        15_000,
        'redelivered',
      );
      await again.stop();
      expect(ids(file)).toEqual(batches.flatMap((x) => x.records.map((r) => r.id)).sort());
    } finally {
      await c.stop().catch(() => {});
      await embedded.close();
    }
  });
});

describe('fleet watch without a broker', () => {
  it('logs the repeated connection error once and reports that it never connected', async () => {
    const { lines, logger: log } = captureLogger({ level: 'info' });
    const w = startWatch({
      broker: 'mqtt://127.0.0.1:1', // nothing listens on port 1
      fleet: 'none',
      out: new PassThrough(),
      log,
      plain: true,
      durationMs: 2500,
      mqtt: { reconnectPeriod: 200 },
    });
    await w.done;
    await w.stop();
    expect(w.everConnected()).toBe(false);
    const errors = lines.filter((l) => l.includes('"event":"watch_mqtt_error"'));
    expect(errors.length).toBe(1);
    expect(errors[0]).not.toContain('"stack"');
  });
});

describe('fleet collect --pg with a URL that does not parse', () => {
  it('is a usage error, exit 2, without the password (fresh-clone review)', async () => {
    const p = spawnCli([
      'fleet',
      'collect',
      '--broker',
      'mqtt://127.0.0.1:1',
      '--pg',
      'postgres://u:pw5ecret@[bad',
    ]);
    expect(await exitWithin(p, 20_000)).toBe(2);
    expect(p.stderr()).toContain('E_USAGE: --pg');
    expect(p.stderr()).not.toContain('pw5ecret');
  }, 30_000);
});
