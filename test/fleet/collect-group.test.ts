/**
 * Collectors scale out on the broker: two built `fleet collect --group` processes share one stream
 * from Mosquitto into one PostgreSQL; one is SIGKILLed mid-stream and started again (as its
 * service manager would): every record published is stored exactly once, at its newest version,
 * with one case each. Also: health telemetry reaches the terminals table, and spoofed or broken
 * health messages are refused, logged with a code, and store nothing.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailureRecord } from '../../agent/record.js';
import { openPgPool, type PgQueryable } from '../../agent/fleet/sinks.js';
import { openPgFleetStore } from '../../agent/fleet/store/postgres.js';
import { OPERATOR } from '../../agent/fleet/store/types.js';
import { makeRecord } from '../export/seed.js';
import { type CliProc, killAll, logEvents, spawnCli } from '../helpers/cli.js';
import { haveMosquitto, type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { freshSchemaUrl, havePostgres, type Postgres, startPostgres } from '../helpers/postgres.js';
import { waitUntil } from '../helpers/wait.js';
import { failures, metrics, status } from './payloads.js';

const available = haveMosquitto() && havePostgres(); // each throws under CI=true when missing
let broker: Mosquitto;
let pg: Postgres;
beforeAll(async () => {
  if (!available) return;
  [broker, pg] = await Promise.all([startMosquitto(), startPostgres()]);
}, 60_000);
afterAll(async () => {
  killAll();
  await Promise.all([broker?.close(), pg?.close()]);
});

/** A built collector in share group g1 writing to `url`. */
function spawnClient(url: string, id: string, fleet: string): CliProc {
  return spawnCli([
    'fleet',
    'collect',
    '--broker',
    broker.url,
    '--fleet',
    fleet,
    '--pg',
    url,
    '--group',
    'g1',
    '--client-id',
    id,
    '--stats-interval',
    '0',
  ]);
}

const subscribed = (p: CliProc) => () => logEvents(p.stderr()).some((e) => e.event === 'collect_subscribed');

async function count(pool: PgQueryable, sql: string): Promise<number> {
  return Number((await pool.query(sql)).rows[0]?.n);
}

describe.skipIf(!available)('fleet collect --group: two collectors, one killed mid-stream', () => {
  it('stores every record exactly once, newest version, with its case', async () => {
    const url = await freshSchemaUrl(pg, 'grp');
    const pool = await openPgPool(url);
    const fleet = 'grp';
    const a = spawnClient(url, 'collect-a', fleet);
    const b = spawnClient(url, 'collect-b', fleet);
    await waitUntil(
      () => subscribed(a)() && subscribed(b)(),
      20_000,
      () => a.stderr() + b.stderr(),
    );
    const pub: MqttClient = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'grp-pub' });
    const terminals = 40;
    const perMessage = 4;
    const messages = 200; // 800 records
    const all: FailureRecord[] = [];
    const send = async (from: number, to: number) => {
      const pending: Array<Promise<unknown>> = [];
      for (let m = from; m < to; m++) {
        const terminal = `T${String(m % terminals).padStart(3, '0')}`;
        const recs = Array.from({ length: perMessage }, (_, k) =>
          makeRecord(m * perMessage + k, { terminal_id: terminal, seq: m * perMessage + k + 1 }),
        );
        all.push(...recs);
        const topic = `pos/v1/${fleet}/${terminal}/failures`;
        pending.push(pub.publishAsync(topic, JSON.stringify(failures(fleet, terminal, recs)), { qos: 1 }));
        if (pending.length === 25) await Promise.all(pending.splice(0));
      }
      await Promise.all(pending);
    };
    await send(0, 60);
    await waitUntil(
      async () => (await count(pool, 'SELECT count(*) AS n FROM failures')) >= 150,
      15_000,
      'the first 150 rows',
      50,
    );
    b.child.kill('SIGKILL'); // mid-stream: messages in flight to b are neither lost nor doubled
    expect(await b.exited).toBe('SIGKILL');
    await send(60, messages);
    // newer versions of the first 50 records (paid after all), while b is still away
    const recovered = all.slice(0, 50).map((r, i) => ({
      ...r,
      version: 2,
      seq: 100_000 + i,
      outcome: 'recovered' as const,
      recovered_by: 'same_card' as const,
      outcome_at: r.occurred_at,
    }));
    for (const r of recovered) {
      await pub.publishAsync(
        `pos/v1/${fleet}/${r.terminal_id}/failures`,
        JSON.stringify(failures(fleet, r.terminal_id, [r])),
        {
          qos: 1,
        },
      );
    }
    const b2 = spawnClient(url, 'collect-b', fleet); // its session kept what the broker gave it meanwhile
    await waitUntil(
      async () =>
        (await count(pool, 'SELECT count(DISTINCT id) AS n FROM failures')) === messages * perMessage &&
        (await count(pool, "SELECT count(*) AS n FROM cases WHERE status = 'recovered'")) === 50,
      30_000,
      async () =>
        `stored ${await count(pool, 'SELECT count(*) AS n FROM failures')}\n${a.stderr().slice(-1500)}`,
      50,
    );
    await pub.endAsync();
    expect(await count(pool, 'SELECT count(*) AS n FROM failures')).toBe(messages * perMessage);
    expect(await count(pool, 'SELECT count(*) AS n FROM failures WHERE id_conflict OR seq_conflict')).toBe(0);
    expect(await count(pool, 'SELECT count(*) AS n FROM failures WHERE version = 2')).toBe(50);
    expect(await count(pool, 'SELECT count(*) AS n FROM cases')).toBe(messages * perMessage);
    const ids = (await pool.query('SELECT id FROM failures ORDER BY id')).rows.map((r) => r.id);
    expect(ids).toEqual(all.map((r) => r.id).sort());
    // both shared the work: a stored, and b (before or after the kill) stored
    const aStats = logEvents(a.stderr()).filter((e) => e.event === 'collect_connected');
    expect(aStats.length).toBeGreaterThan(0);
    expect(logEvents(b2.stderr()).find((e) => e.event === 'collect_connected')).toMatchObject({
      sessionPresent: true,
    });
    a.child.kill('SIGTERM');
    b2.child.kill('SIGTERM');
    await Promise.all([a.exited, b2.exited]);
    await pool.end();
  }, 90_000);
});

describe.skipIf(!available)('fleet collect: health telemetry into the fleet store', () => {
  it('keeps status and metrics of each terminal; refuses spoofed and broken ones with a code', async () => {
    const url = await freshSchemaUrl(pg, 'health');
    const fleet = 'hl';
    const c = spawnClient(url, 'collect-health', fleet);
    await waitUntil(subscribed(c), 20_000, () => c.stderr());
    const pub: MqttClient = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'hl-pub' });
    await pub.publishAsync(`pos/v1/${fleet}/TA/status`, JSON.stringify(status(fleet, 'TA', 'online')), {
      qos: 1,
    });
    await pub.publishAsync(`pos/v1/${fleet}/TA/metrics`, JSON.stringify(metrics(fleet, 'TA', 7, 12)), {
      qos: 0,
    });
    // TB pretends to be TA (status and metrics), and sends junk: all refused
    await pub.publishAsync(`pos/v1/${fleet}/TB/status`, JSON.stringify(status(fleet, 'TA', 'offline')), {
      qos: 1,
    });
    await pub.publishAsync(`pos/v1/${fleet}/TB/metrics`, JSON.stringify(metrics(fleet, 'TA', 999)), {
      qos: 0,
    });
    await pub.publishAsync(`pos/v1/${fleet}/TC/status`, '{"v":1,"state":"exploded"}', {
      qos: 1,
    });
    const store = await openPgFleetStore(url);
    await waitUntil(
      async () => (await store.getTerminal(OPERATOR, fleet, 'TA'))?.outbox_depth === 7,
      15_000,
      () => c.stderr(),
      50,
    );
    await waitUntil(
      () => logEvents(c.stderr()).filter((e) => e.event === 'collect_health_refused').length === 3,
      5000,
      () => c.stderr(),
    );
    expect(await store.getTerminal(OPERATOR, fleet, 'TA')).toMatchObject({
      status: 'online',
      outbox_depth: 7,
      state: 'online',
    });
    expect(await store.getTerminal(OPERATOR, fleet, 'TB')).toBeNull();
    expect(await store.getTerminal(OPERATOR, fleet, 'TC')).toBeNull();
    const refused = logEvents(c.stderr()).filter((e) => e.event === 'collect_health_refused');
    expect(refused.map((e) => e.code).sort()).toEqual(['E_PAYLOAD', 'E_TOPIC_MISMATCH', 'E_TOPIC_MISMATCH']);
    await pub.endAsync();
    await store.close();
    c.child.kill('SIGTERM');
    await c.exited;
  }, 60_000);
});
