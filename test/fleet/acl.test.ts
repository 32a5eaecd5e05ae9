/**
 * The broker ACL of docs/security.md, run for real: the `acl` block is read from the document and
 * given to Mosquitto, so the document and the test cannot drift apart. A terminal (user
 * FLEET/TERMINAL) publishes under its own topics only; the collector, a plain or a shared
 * subscriber, receives exactly those, and fleet serve's collector its status and metrics too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector } from '../../agent/fleet/collector.js';
import { sqliteSink } from '../../agent/fleet/sinks.js';
import { silentLogger } from '../../agent/log.js';
import { makeRecord } from '../export/seed.js';
import { failureRows } from '../helpers/db.js';
import { tempDir } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';
import { haveMosquitto, type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import type { HealthUpdate } from '../../agent/fleet/store/types.js';
import { failures, metrics, status } from './payloads.js';

const available = haveMosquitto();
const tmp = tempDir('pos-fleet-acl-');
let broker: Mosquitto;

function docAcl(): string {
  const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
  const m = /```acl\n([\s\S]*?)```/.exec(doc);
  if (!m?.[1]) throw new Error('docs/security.md has no ```acl block');
  return m[1];
}

beforeAll(async () => {
  if (!available) return;
  const acl = join(tmp, 'acl');
  writeFileSync(acl, docAcl());
  // anonymous logins with a user name: the ACL (not the password check) is under test here
  broker = await startMosquitto({ extra: [`acl_file ${acl}`] });
});
afterAll(async () => {
  await broker?.close();
});

async function terminal(username: string) {
  return mqtt.connectAsync(broker.url, {
    protocolVersion: 5,
    username,
    clientId: `acl-${username.replace(/\W/g, '-')}-${Math.random().toString(16).slice(2, 8)}`,
  });
}

describe.skipIf(!available)('Mosquitto ACL of docs/security.md', () => {
  it('lets a terminal publish under pos/v1/FLEET/TERMINAL only', async () => {
    const file = join(tmp, 'acl.db');
    const mk = (shareGroup?: string, f = file) =>
      startCollector({
        broker: broker.url,
        fleet: '+',
        clientId: `acl-collect-${shareGroup ?? 'plain'}`,
        sink: sqliteSink(f),
        log: silentLogger(),
        mqtt: { username: 'pos-collector' },
        ...(shareGroup ? { shareGroup } : {}),
      });
    const plain = mk();
    const sharedFile = join(tmp, 'acl-shared.db');
    const shared = mk('grp', sharedFile);
    await Promise.all([plain.ready, shared.ready]);

    const t1 = await terminal('fa/TERM0001');
    const rec = (i: number, terminalId: string) => makeRecord(i, { terminal_id: terminalId, seq: i + 1 });
    const codes: Array<number | undefined> = [];
    const pub = async (topic: string, fleet: string, term: string, i: number) => {
      const res = await t1.publishAsync(topic, JSON.stringify(failures(fleet, term, [rec(i, term)])), {
        qos: 1,
      });
      codes.push((res as { reasonCode?: number } | undefined)?.reasonCode ?? 0);
    };
    await pub('pos/v1/fa/TERM0001/failures', 'fa', 'TERM0001', 1); // its own topic
    await pub('pos/v1/fa/TERM0002/failures', 'fa', 'TERM0002', 2).catch((e: { code?: number }) => {
      codes.push(e.code);
    }); // another terminal of its fleet
    await pub('pos/v1/fb/TERM0001/failures', 'fb', 'TERM0001', 3).catch((e: { code?: number }) => {
      codes.push(e.code);
    }); // the same terminal id in another fleet
    await t1.publishAsync('pos/v1/fa/TERM0001/status', 'x', { qos: 1 });
    // a marker after them: the broker had refused each (PUBACK 0x87) before it took this one, so a
    // denied message passed on anyway would reach the collectors before the marker
    await pub('pos/v1/fa/TERM0001/failures', 'fa', 'TERM0001', 5);
    // the same terminal id in fleet fb, as its own user
    const t2 = await terminal('fb/TERM0001');
    await t2.publishAsync(
      'pos/v1/fb/TERM0001/failures',
      JSON.stringify(failures('fb', 'TERM0001', [rec(4, 'TERM0001')])),
      {
        qos: 1,
      },
    );
    await t1.endAsync();
    await t2.endAsync();
    const allowed = [rec(1, 'TERM0001'), rec(4, 'TERM0001'), rec(5, 'TERM0001')].map((r) => r.id);
    const stored = (f: string) => failureRows(f).map((r) => r.id as string);
    await waitUntil(
      () => [file, sharedFile].every((f) => allowed.every((id) => stored(f).includes(id))),
      10_000,
      () =>
        `the three allowed records at both collectors (plain ${stored(file).length}, shared ${stored(sharedFile).length})`,
    );
    await plain.stop();
    await shared.stop();
    expect(codes).toEqual([0, 0x87, 0x87, 0]);
    for (const c of [plain, shared]) {
      expect(c.stats).toMatchObject({ messages: 3, inserted: 3, rejectedMessages: 0 });
    }
  });

  it("lets fleet serve's collector (user pos-collector, a shared group) read each terminal's status and metrics", async () => {
    const health: string[] = [];
    const sink = Object.assign(sqliteSink(join(tmp, 'acl-health.db')), {
      health: async (fleet: string, u: HealthUpdate) => {
        health.push(`${fleet}/${u.payload.terminal}/${u.kind}`);
      },
    });
    const c = startCollector({
      broker: broker.url,
      fleet: '+',
      clientId: 'acl-collect-health',
      sink,
      log: silentLogger(),
      mqtt: { username: 'pos-collector' },
      shareGroup: 'serve',
    });
    await c.ready;
    const t = await terminal('fa/TERM0003');
    await t.publishAsync('pos/v1/fa/TERM0003/status', JSON.stringify(status('fa', 'TERM0003', 'online')), {
      qos: 1,
    });
    await t.publishAsync('pos/v1/fa/TERM0003/metrics', JSON.stringify(metrics('fa', 'TERM0003', 4)), {
      qos: 1,
    });
    await t.endAsync();
    await waitUntil(
      () => health.length >= 2,
      10_000,
      () => `status and metrics at the collector (got ${JSON.stringify(health)})`,
    );
    await c.stop();
    expect(health.sort()).toEqual(['fa/TERM0003/metrics', 'fa/TERM0003/status']);
    expect(c.stats).toMatchObject({ healthMessages: 2, healthRefused: 0 });
  });
});
