/**
 * `pos-agent fleet serve --demo`: the fleet side whole on one machine with nothing to set up, so a
 * person can see the portal with data arriving. Everything lives in a fresh temp dir that is
 * removed at the end (Ctrl-C, SIGTERM, --duration, or a failed start):
 *   - the embedded MQTT broker (aedes, MQTT 3.1.1: the collector takes a plain subscription);
 *   - `fleet serve` over a SQLite fleet store (runServe: collector, live updates, portal);
 *   - a few simulated terminals: each a real agent (startAgent) reading the simulated payment module
 *     of `run --simulate`, with its own SQLite store, publishing failures, status and heartbeats;
 *   - a demo operator and a demo merchant, their random passwords printed once on stdout.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { hashPassword } from '../../fleet/portal/auth.js';
import { DEFAULT_LISTEN, parseServeConfig } from '../../fleet/portal/config.js';
import { runServe, type Served } from '../../fleet/portal/serve.js';
import type { Logger } from '../../log.js';
import { type Agent, startAgent } from '../../run/agent.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../sync/broker.js';
import { agentVersion } from '../../package.js';
import { linkOpener } from './run.js';

export const DEMO_FLEET = 'demo';

/** The simulated terminals: one row each (the scenario is the simulator's, the pace seconds between sales). */
export const DEMO_TERMINALS = [
  { id: 'CAFE-01', merchant: 'CAFE-DEMO', scenario: 'shift', pace: [2.5, 5], seed: 11 },
  { id: 'CAFE-02', merchant: 'CAFE-DEMO', scenario: 'card-problems', pace: [6, 12], seed: 12 },
  { id: 'BAKERY-1', merchant: 'BAKERY-DEMO', scenario: 'timeouts', pace: [3, 6], seed: 13 },
  { id: 'KIOSK-1', merchant: 'KIOSK-DEMO', scenario: 'outage', pace: [3, 6], seed: 14 },
] as const;

/** The demo's users: one row each (a merchant sees its merchant ids only). */
export const DEMO_USERS = [
  { name: 'demo-operator', role: 'operator', merchants: [] },
  { name: 'demo-cafe', role: 'merchant', merchants: ['CAFE-DEMO'] },
] as const;

export interface DemoUser {
  name: string;
  role: 'operator' | 'merchant';
  merchants: readonly string[];
  password: string;
}

export interface Demo {
  served: Served;
  broker: EmbeddedBroker;
  agents: Agent[];
  users: DemoUser[];
  dir: string;
  stop(): Promise<void>;
}

/** 16 random characters of base64url (96 bits): shown once, stored as an argon2id hash. */
function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}

function isAddrInUse(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'EADDRINUSE';
}

export async function startDemo(o: {
  /** HOST:PORT of the portal; default 127.0.0.1:8080, or a free port when that one is taken. */
  listen?: string;
  log: Logger;
  /** The agents' logger (default: `log`). */
  agentLog?: Logger;
}): Promise<Demo> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-agent-demo-'));
  const agents: Agent[] = [];
  let broker: EmbeddedBroker | null = null;
  let served: Served | null = null;
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // the agents first: each says offline and flushes; then the portal and collector, the broker
      await Promise.allSettled(agents.map((a) => a.stop()));
      await served?.stop();
      await broker?.close();
      rmSync(dir, { recursive: true, force: true });
    })());
  try {
    broker = await startEmbeddedBroker({ port: 0 });
    const serveAt = async (listen: string) =>
      runServe({
        config: parseServeConfig({
          fleet: { serve: { db: join(dir, 'fleet.db'), broker: broker!.url, fleet: DEMO_FLEET, listen } },
        }),
        log: o.log,
        // aedes speaks MQTT 3.1.1: no shared subscription, no MQTT 5 properties
        mqtt: { protocolVersion: 4, properties: undefined },
        shareGroup: null,
      });
    try {
      served = await serveAt(o.listen ?? DEFAULT_LISTEN);
    } catch (e) {
      if (o.listen !== undefined || !isAddrInUse(e)) throw e;
      o.log.warn({ event: 'demo_port_busy', listen: DEFAULT_LISTEN }, 'port in use, using a free port');
      served = await serveAt('127.0.0.1:0');
    }
    // QoS 1 messages nobody has subscribed to yet are dropped by the broker: subscribe first
    await served.collector!.ready;

    const users: DemoUser[] = [];
    for (const u of DEMO_USERS) {
      const password = randomPassword();
      await served.store.createUser({
        name: u.name,
        role: u.role,
        merchantIds: [...u.merchants],
        passwordHash: await hashPassword(password),
      });
      users.push({ ...u, password });
    }

    for (const t of DEMO_TERMINALS) {
      const cfg = loadConfig({
        env: {},
        flags: {
          simulate: { enabled: true, scenario: t.scenario, pace_s: [...t.pace], seed: t.seed },
          store: { path: join(dir, `${t.id}.db`) },
          display: { driver: 'none' },
          broker: { url: broker.url, heartbeat_s: 5 },
          fleet: DEMO_FLEET,
          terminal: { id: t.id, merchant_id: t.merchant },
        },
      });
      const log = (o.agentLog ?? o.log).child({ terminal: t.id });
      agents.push(await startAgent(cfg, { openLink: linkOpener(cfg), mqttProtocol: 4 }, log, agentVersion()));
    }
    return { served, broker, agents, users, dir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** What `fleet serve --demo` prints once on stdout: where to go, who to sign in as, what runs. */
export function demoBanner(d: Demo): string {
  const width = Math.max(...d.users.map((u) => u.name.length));
  const merchants = new Set(DEMO_TERMINALS.map((t) => t.merchant)).size;
  return [
    `pos-agent fleet serve: portal at ${d.served.url}`,
    ...d.users.map(
      (u) =>
        `  sign in as ${u.name.padEnd(width)}  password ${u.password}  (${u.role === 'operator' ? 'operator: every merchant' : `merchant: ${u.merchants.join(', ')}`})`,
    ),
    `demo: ${DEMO_TERMINALS.length} simulated terminals of ${merchants} merchants publish through the embedded MQTT broker at ${d.broker.url}`,
    `demo: the passwords are shown only now; the data lives in ${d.dir} and is removed at exit (Ctrl-C)`,
    '',
  ].join('\n');
}
