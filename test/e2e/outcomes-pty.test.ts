/**
 * Issue 12, "Done means": the running agent (the built CLI) over a real pty pair, its console
 * display on stdout, its SQLite store, a real Mosquitto and `pos-agent fleet collect`:
 * - timeout, reversal, 0410 approved: the cashier sees "do not retry yet", then "safe to retry";
 * - timeout, late 0210 approved: "do not charge again", the record becomes `approved_late`;
 * - the same 0210 retransmitted: one record;
 * - two approvals for one card and amount: the double-charge screen, alarm, and record;
 * - a decline, then an approval with another card for the same amount: recovered, linked;
 * and each outcome change reaches the collector, which keeps the newest version.
 */
import Database from 'better-sqlite3';
import { closeSync, constants, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findPans } from '../../protocol/card/pan.js';
import { encodeEventLine, encodeMessageLine } from '../../protocol/framing/index.js';
import { DIALECTS, encodeMessage } from '../../protocol/iso8583/index.js';
import { exitWithin, logEvents, spawnCli, type CliProc } from '../helpers/cli.js';
import { haveMosquitto, mosquittoForFile } from '../helpers/mosquitto.js';
import { createPtyPair, type PtyPair, requireSocat } from '../helpers/socat.js';
import { tempDir } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';

const HAVE_SOCAT = requireSocat();
const HAVE_MOSQUITTO = haveMosquitto();
const broker = mosquittoForFile();
const PAN = '4761739001010119';
const OTHER_PAN = '5555554701643789';

let pair: PtyPair | null = null;
const procs: CliProc[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.child.kill('SIGTERM');
    await exitWithin(p, 10_000);
  }
  await pair?.stop();
  pair = null;
});

const sale = (stan: string, pan = PAN, amount = '000000004250') => ({
  2: pan,
  3: '000000',
  4: amount,
  7: '1203100000',
  11: stan,
  41: 'TERM0042',
  49: '978',
});
const f90 = (stan: string) => `0200${stan}1203100000${'0'.repeat(22)}`;

/**
 * The built agent on the pty pair with `config` (a JSON file), once its link is open, and a way
 * to send it frames as the payment module would: `msg(kind, mti, fields)` in `dialect`.
 */
async function agentOnPty(config: string, dialect: 'ascii' | 'iso93-ascii' = 'ascii') {
  const agent = spawnCli(['run', '--config', config, '--serial', pair!.a]);
  procs.push(agent);
  await waitUntil(
    () => logEvents(agent.stderr()).some((e) => e.event === 'link_state' && e.state === 'open'),
    20_000,
    'agent link open',
  );
  const fd = openSync(pair!.b, constants.O_RDWR | constants.O_NOCTTY);
  const send = (b: Buffer) => {
    let off = 0;
    while (off < b.length) off += writeSync(fd, b, off);
  };
  return {
    agent,
    send,
    msg: (kind: 'REQ' | 'RSP', mti: string, fields: Record<number, string>) =>
      send(encodeMessageLine(kind, encodeMessage(DIALECTS[dialect], { mti, fields }))),
    close: () => closeSync(fd),
  };
}

describe.skipIf(!HAVE_SOCAT || !HAVE_MOSQUITTO)('uncertain outcomes over a pty, to the fleet', () => {
  it('reversal, late approval, retransmission, double charge and a recovered sale, each to the screen, the store and the collector', async () => {
    const dir = tempDir('outcomes-pty-');
    pair = await createPtyPair(dir);
    const db = join(dir, 'agent.db');
    const fleetDb = join(dir, 'fleet.db');
    const config = join(dir, 'agent.json');
    writeFileSync(
      config,
      JSON.stringify({
        terminal: { id: 'TERM0042' },
        fleet: 'outc',
        broker: { url: broker().url },
        display: { driver: 'console' },
        pipeline: { host_timeout_ms: 60_000 },
        store: { path: db },
      }),
    );
    const collector = spawnCli([
      'fleet',
      'collect',
      '--broker',
      broker().url,
      '--fleet',
      'outc',
      '--db',
      fleetDb,
    ]);
    procs.push(collector);
    // subscribed before the agent publishes: a first session gets nothing sent before it
    await waitUntil(
      () => logEvents(collector.stderr()).some((e) => e.event === 'collect_subscribed'),
      20_000,
      'collector subscribed',
    );
    const { agent, send, msg, close } = await agentOnPty(config);
    const screens = () => agent.stdout();
    const outcomes = () =>
      logEvents(agent.stderr())
        .filter(
          (e) => e.event === 'sale_outcome' || e.event === 'sale_recovered' || e.event === 'double_charge',
        )
        .map((e) => `${e.event}:${e.event === 'sale_recovered' ? e.by : (e.outcome ?? '')}`);
    try {
      // 1. timeout, reversal, 0410 approved
      msg('REQ', '0200', sale('000201'));
      send(encodeEventLine('HOST_TIMEOUT', { stan: '000201' }));
      await waitUntil(() => screens().includes("No answer | Don't retry yet"), 10_000, 'timeout screen');
      msg('REQ', '0400', { ...sale('000202'), 90: f90('000201') });
      msg('RSP', '0410', { ...sale('000202'), 39: '00', 90: f90('000201') });
      await waitUntil(() => screens().includes('Reversed | Safe to retry'), 10_000, 'reversed screen');
      // 2. timeout, late 0210 approved, retransmitted
      msg('REQ', '0200', sale('000211', PAN, '000000001999'));
      send(encodeEventLine('HOST_TIMEOUT', { stan: '000211' }));
      const late = { ...sale('000211', PAN, '000000001999'), 37: '607312000211', 38: 'AUTH01', 39: '00' };
      msg('RSP', '0210', late);
      msg('RSP', '0210', late);
      await waitUntil(
        () => screens().includes('Approved late | No 2nd charge'),
        10_000,
        'approved late screen',
      );
      // 3. two approvals, one card, one amount
      for (const stan of ['000221', '000222']) {
        msg('REQ', '0200', sale(stan, OTHER_PAN, '000000000777'));
        msg('RSP', '0210', {
          ...sale(stan, OTHER_PAN, '000000000777'),
          37: `6073120${stan.slice(1)}`,
          39: '00',
        });
      }
      await waitUntil(
        () => screens().includes('Double charge? | Check last sales'),
        10_000,
        'double charge screen',
      );
      // 4. a decline, then another card for the same amount
      msg('REQ', '0200', sale('000231', PAN, '000000003300'));
      msg('RSP', '0210', { ...sale('000231', PAN, '000000003300'), 37: '607312000231', 39: '51' });
      msg('REQ', '0200', sale('000232', OTHER_PAN, '000000003300'));
      msg('RSP', '0210', { ...sale('000232', OTHER_PAN, '000000003300'), 37: '607312000232', 39: '00' });
      await waitUntil(() => outcomes().includes('sale_recovered:other_card'), 10_000, 'recovered');
    } finally {
      close();
    }
    expect(outcomes()).toEqual([
      'sale_outcome:reversal_sent',
      'sale_outcome:reversed',
      'sale_outcome:approved_late',
      'double_charge:',
      'sale_recovered:other_card',
    ]);
    const dup = logEvents(agent.stderr()).filter((e) => e.event === 'response_duplicate');
    expect(dup).toHaveLength(1);

    // the store: one record per failed sale, at its newest version
    await waitUntil(
      () => {
        const d = new Database(db, { readonly: true });
        try {
          const n = d.prepare("SELECT count(*) AS n FROM failures WHERE outcome = 'recovered'").get() as {
            n: number;
          };
          return n.n === 1;
        } finally {
          d.close();
        }
      },
      10_000,
      'recovered in the store',
    );
    const d = new Database(db, { readonly: true });
    const rows = d
      .prepare('SELECT stan, rc, outcome, version, linked_id, recovered_by FROM failures ORDER BY stan')
      .all() as Array<Record<string, unknown>>;
    d.close();
    expect(rows).toEqual([
      {
        stan: '000201',
        rc: 'L_TIMEOUT',
        outcome: 'reversed',
        version: 3,
        linked_id: null,
        recovered_by: null,
      },
      {
        stan: '000211',
        rc: 'L_TIMEOUT',
        outcome: 'approved_late',
        version: 2,
        linked_id: expect.stringMatching(/^[0-9A-Z]{26}$/),
        recovered_by: 'late_approval',
      },
      {
        stan: '000222',
        rc: 'L_DOUBLE_CHARGE',
        outcome: 'possible_double_charge',
        version: 1, // made once, linked to the first approval from the start
        linked_id: expect.stringMatching(/^[0-9A-Z]{26}$/),
        recovered_by: null,
      },
      {
        stan: '000231',
        rc: '51',
        outcome: 'recovered',
        version: 2,
        linked_id: expect.stringMatching(/^[0-9A-Z]{26}$/),
        recovered_by: 'other_card',
      },
    ]);

    // the collector keeps the newest version of each
    const want = JSON.stringify(rows.map((r) => ({ stan: r.stan, outcome: r.outcome, version: r.version })));
    let fleetRows = '';
    await waitUntil(
      () => {
        try {
          const f = new Database(fleetDb, { readonly: true });
          try {
            fleetRows = JSON.stringify(
              f.prepare('SELECT stan, outcome, version FROM failures ORDER BY stan').all(),
            );
          } finally {
            f.close();
          }
        } catch {
          // not created yet
        }
        return fleetRows === want;
      },
      20_000,
      () =>
        `the newest versions at the collector: ${fleetRows}; collector: ${collector.stderr().slice(-1500)}`,
    );
    // no full card number on the screen, in the logs or at the collector
    expect(findPans(agent.stdout() + agent.stderr() + collector.stderr())).toEqual([]);
  });

  it('ISO 8583:1993 over the pty: a 1210 with 000 is an approval, with 116 insufficient funds', async () => {
    const dir = tempDir('outcomes-pty93-');
    pair = await createPtyPair(dir);
    const db = join(dir, 'agent93.db');
    const config = join(dir, 'agent93.json');
    writeFileSync(
      config,
      JSON.stringify({
        terminal: { id: 'TERM0042' },
        broker: { url: 'none' },
        display: { driver: 'console' },
        dialect: 'iso93-ascii',
        store: { path: db },
      }),
    );
    const { agent, msg, close } = await agentOnPty(config, 'iso93-ascii');
    try {
      msg('REQ', '1200', sale('000301'));
      msg('RSP', '1210', { ...sale('000301'), 39: '000' });
      await waitUntil(() => agent.stdout().includes('[APPROVED]'), 10_000, 'approval screen');
      msg('REQ', '1200', sale('000302'));
      msg('RSP', '1210', { ...sale('000302'), 39: '116' });
      await waitUntil(() => agent.stdout().includes('116'), 10_000, 'decline screen');
      await waitUntil(
        () => {
          const d = new Database(db, { readonly: true });
          try {
            return (d.prepare('SELECT count(*) AS n FROM failures').get() as { n: number }).n === 1;
          } finally {
            d.close();
          }
        },
        10_000,
        'the decline stored',
      );
    } finally {
      close();
    }
    const d = new Database(db, { readonly: true });
    const rows = d.prepare('SELECT mti, stan, rc, category, outcome FROM failures').all();
    d.close();
    expect(rows).toEqual([
      { mti: '1210', stan: '000302', rc: '116', category: 'insufficient_funds', outcome: 'declined' },
    ]);
    expect(logEvents(agent.stderr()).filter((e) => e.event === 'response_malformed')).toEqual([]);
  });
});
