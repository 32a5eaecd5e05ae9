/**
 * `pos-agent run --broker embedded` when the embedded broker's default port (1883) is taken, as on
 * any machine running a local Mosquitto (issue 9, item 15): the broker moves to a free port, and
 * SIGTERM or SIGINT still stop the agent within seconds with every failure it saw in the database,
 * with nothing left keeping the process alive.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/global-build.js';
import { exitWithin, logEvents, spawnCli } from '../helpers/cli.js';
import { failureCount } from '../helpers/db.js';
import { tempDir } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';

/** The embedded broker's default port (broker.embedded_port). */
const DEFAULT_PORT = 1883;

const dir = tempDir('pos-shutdown-');
let holder: Server | null = null;

beforeAll(async () => {
  ensureBuilt();
  // take the default port, unless something (a local Mosquitto?) already has it: taken either way
  holder = await new Promise<Server | null>((resolve, reject) => {
    const s = createServer((c) => c.destroy());
    s.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(null) : reject(e)));
    s.listen(DEFAULT_PORT, '127.0.0.1', () => resolve(s));
  });
}, 240_000);

afterAll(async () => {
  await new Promise<void>((r) => (holder ? holder.close(() => r()) : r()));
});

describe.concurrent('run --broker embedded with the default port taken', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: exits 0 within seconds, database flushed`, async ({ expect }) => {
      const db = join(dir, `${signal}.db`);
      const p = spawnCli(
        ['run', '--simulate', '--rate', '40', '--broker', 'embedded', '--display', 'none', '--db', db],
        {
          env: { POS_AGENT_LOG_LEVEL: 'info' },
        },
      );
      const events = () => logEvents(p.stderr());
      await waitUntil(
        () => events().some((e) => e.event === 'mqtt_connected'),
        40_000,
        'the agent connected',
      );
      expect(events().find((e) => e.event === 'embedded_broker_port_busy')).toMatchObject({
        port: DEFAULT_PORT,
      });
      // failures recorded before the signal
      await waitUntil(() => failureCount(db) >= 3, 10_000, 'three failures committed', 100);
      p.child.kill(signal);
      expect(await exitWithin(p, 5000)).toBe(0);
      // nothing at error level (an exit forced by leftover handles would be)
      expect(events().filter((e) => (e.level as number) >= 50)).toEqual([]);
      const stopped = events().find((e) => e.event === 'agent_stopped');
      expect(stopped).toBeDefined();
      expect(stopped!.failures as number).toBeGreaterThan(0);
      // the pipeline's failures, and a record for each possible double charge the keeper found
      expect(failureCount(db)).toBe((stopped!.failures as number) + (stopped!.double_charges as number));
    }, 60_000);
  }
});

describe('run --duration, stopped by a signal first', () => {
  it('SIGTERM: exits within seconds (the duration timer does not hold the process)', async () => {
    const db = join(dir, 'duration.db');
    const p = spawnCli([
      'run',
      '--simulate',
      '--duration',
      '3600',
      '--broker',
      'none',
      '--display',
      'none',
      '--db',
      db,
    ]);
    const events = () => logEvents(p.stderr());
    await waitUntil(() => events().some((e) => e.event === 'agent_started'), 40_000, 'the agent started');
    p.child.kill('SIGTERM');
    expect(await exitWithin(p, 5000)).toBe(0);
    expect(events().filter((e) => (e.level as number) >= 50)).toEqual([]);
    expect(events().some((e) => e.event === 'agent_stopped')).toBe(true);
  }, 60_000);
});

describe('run: a startup step that fails', () => {
  // The device key is checked before anything opens (a directory there is refused at once); a
  // step that fails later closes what it opened (startAgent's catch), so the process exits either way.
  it('exits with the error, names the file and opens nothing (the card key file is a directory)', async () => {
    const db = join(dir, 'badkey.db');
    mkdirSync(`${db}.key`);
    const config = join(dir, 'badkey.json');
    writeFileSync(config, JSON.stringify({ broker: { url: 'embedded', embedded_port: 0 } }));
    const p = spawnCli(['run', '--simulate', '--config', config, '--display', 'none', '--db', db]);
    const code = await exitWithin(p, 40_000);
    expect(code, p.stderr()).not.toBe('timeout');
    expect(code).not.toBe(0);
    expect(p.stderr()).toContain(`${db}.key`);
    const events = logEvents(p.stderr());
    expect(events.some((e) => e.event === 'embedded_broker')).toBe(false);
    expect(events.some((e) => e.event === 'store_opened')).toBe(false);
  }, 60_000);
});
