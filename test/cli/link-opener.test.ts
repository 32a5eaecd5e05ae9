/**
 * `pos-agent run`'s event source as configured: the in-process simulator speaks the configured
 * dialect and the scenario's own rate, and `serial.device = tcp://HOST:PORT` reads a module (here
 * `pos-agent simulate --tcp`) over TCP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { linkOpener } from '../../agent/cli/commands/run.js';
import { ConfigError, loadConfig } from '../../agent/config/index.js';
import type { LinkHandle } from '../../agent/run/agent.js';
import { createSimulatorStream, serveTcp, type TcpServerHandle } from '../../hardware/simulator/index.js';
import type { LinkEvent } from '../../protocol/framing/index.js';
import { DIALECTS, decodeInto, MessageView } from '../../protocol/iso8583/index.js';
import { captureLogger } from '../helpers/log.js';
import { waitUntil } from '../helpers/wait.js';

let link: LinkHandle | null = null;
let srv: TcpServerHandle | null = null;
afterEach(async () => {
  await link?.close();
  link = null;
  await srv?.close();
  srv = null;
});

function collectInto(events: LinkEvent[]) {
  return (e: LinkEvent) => {
    // frames point into reused buffers: keep a copy
    if (e.kind === 'response' || e.kind === 'request')
      events.push({ ...e, buf: Buffer.from(e.buf.subarray(e.offset, e.offset + e.length)), offset: 0 });
    else events.push(e);
  };
}

describe('run: where events come from', () => {
  it.each(['bcd', 'ascii-hex', 'iso93-bcd'] as const)(
    'the simulator speaks the configured dialect (%s)',
    async (dialect) => {
      const cfg = loadConfig({ flags: { simulate: { enabled: true, rate: 400 }, dialect } });
      const events: LinkEvent[] = [];
      link = await linkOpener(cfg)(collectInto(events), captureLogger().logger);
      await waitUntil(() => events.filter((e) => e.kind === 'response').length >= 20, 10_000, '20 responses');
      const view = new MessageView();
      for (const e of events) {
        if (e.kind !== 'response') continue;
        expect(decodeInto(DIALECTS[dialect], e.buf, 0, e.length, view)).toBe(true);
      }
    },
  );

  it('refuses a dialect file for the simulator, naming the key', () => {
    const cfg = loadConfig({ flags: { simulate: { enabled: true }, dialect: '/etc/pos-agent/host.json' } });
    expect(() => linkOpener(cfg)).toThrow(ConfigError);
    try {
      linkOpener(cfg);
    } catch (e) {
      expect((e as ConfigError).key).toBe('dialect');
    }
  });

  it('runs a scenario at its own rate or pace unless one is given; the demo shift at a cashier pace', async () => {
    for (const [scenario, timing, want, wantPace] of [
      ['burst', {}, 500, null],
      ['shift', {}, null, [2.5, 5]],
      ['shift', { rate: 40 }, 40, null],
      ['shift', { pace_s: [1, 2] }, null, [1, 2]],
      ['burst', { pace_s: 3 }, null, [3, 3]],
      ['burst', { rate: 7 }, 7, null],
    ] as const) {
      const { lines, logger } = captureLogger();
      const cfg = loadConfig({
        flags: { simulate: { enabled: true, scenario, ...timing } },
      });
      const l = await linkOpener(cfg)(() => {}, logger);
      await l.close();
      const started = lines.map((x) => JSON.parse(x)).find((x) => x.event === 'simulator_started');
      expect([started?.rate, started?.pace_s]).toEqual([want, wantPace]);
    }
  });

  it('reads a module over TCP when serial.device is tcp://HOST:PORT', async () => {
    srv = await serveTcp(
      0,
      () => createSimulatorStream({ scenario: 'burst', framing: 'line', seed: 3, rate: 1000, count: 50 }),
      captureLogger().logger,
    );
    const cfg = loadConfig({ flags: { serial: { device: `tcp://127.0.0.1:${srv.port}` } } });
    const events: LinkEvent[] = [];
    link = await linkOpener(cfg)(collectInto(events), captureLogger().logger);
    await waitUntil(() => events.length >= 50, 10_000, '50 frames over TCP');
    expect(events.filter((e) => e.kind === 'reject')).toEqual([]);
  });
});
