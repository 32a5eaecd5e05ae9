/**
 * The simulator and the link together over real transports: the simulator's stream written into a
 * socat pty pair (as `pos-agent simulate --pty` does) and read by openSerialLink with the real
 * serialport bindings; and served over TCP to openTcpLink. What arrives must match the script.
 */

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../agent/log.js';
import { type Link, openSerialLink, openTcpLink } from '../../hardware/serial/index.js';
import {
  buildScript,
  createSimulatorStream,
  type PtyPairHandle,
  pumpToTty,
  type ScriptOptions,
  serveTcp,
  startPtyPair,
  type TcpServerHandle,
} from '../../hardware/simulator/index.js';
import type { LinkEvent } from '../../protocol/framing/index.js';
import { requireSocat } from '../helpers/socat.js';
import { tempDir } from '../helpers/tmp.js';
import { waitUntil, within } from '../helpers/wait.js';

const HAVE_SOCAT = requireSocat();

function tally(link: Link) {
  const seen: string[] = [];
  link.onEvent((e: LinkEvent) => {
    if (e.kind === 'reject') seen.push(`reject:${e.bytes}`);
    else if (e.kind === 'event') seen.push(`event:${e.name}`);
    else seen.push(`${e.kind}:${e.buf.toString('hex', e.offset, e.offset + e.length)}`);
  });
  return seen;
}

/** What the script says should arrive, in the same shape (rejects merged per step). */
function expectedFor(opts: ScriptOptions, count: number): string[] {
  return buildScript(opts, count).map((s) => {
    if (s.link.kind === 'reject') return `reject:${s.link.bytes}`;
    if (s.link.kind === 'event') return `event:${s.link.name}`;
    // message bytes: strip the framing with the framer's own view of the step
    return `${s.link.kind}:`;
  });
}

function mergeRejects(seen: string[]): string[] {
  const out: string[] = [];
  for (const s of seen) {
    const last = out[out.length - 1];
    if (s.startsWith('reject:') && last?.startsWith('reject:'))
      out[out.length - 1] = `reject:${Number(last.slice(7)) + Number(s.slice(7))}`;
    else out.push(s);
  }
  return out;
}

let link: Link | null = null;
let pair: PtyPairHandle | null = null;
let srv: TcpServerHandle | null = null;
afterEach(async () => {
  await link?.close();
  link = null;
  await pair?.stop();
  pair = null;
  await srv?.close();
  srv = null;
});

describe.skipIf(!HAVE_SOCAT)('simulator → pty (socat) → serial link', () => {
  for (const opts of [
    { scenario: 'noise', framing: 'line', seed: 5 },
    // its 3 quiet gaps after a truncated frame: 1 s, so a machine loaded enough to hold back a
    // write or a read for 700 ms still sees the gap (at 400 ms, one run in ten at load 12 did not)
    { scenario: 'noise', framing: 'binary', tpdu: true, dialect: 'bcd', seed: 5, idleGapMs: 1000 },
  ] as ScriptOptions[]) {
    it(`${opts.framing}: every frame of the script arrives as the script says`, async () => {
      const COUNT = 150;
      const path = join(tempDir('pos-sim-'), 'module');
      pair = await startPtyPair(path);
      link = openSerialLink({
        path,
        baudRate: 115200,
        framing: opts.framing,
        tpdu: opts.tpdu ?? false,
        // a frame's bytes must not be dropped as idle when a loaded machine delays them; still well
        // under the noise scenario's idle gaps (1 s), which must drop what they interrupt
        idleMs: 300,
        logger: silentLogger(),
      });
      const seen = tally(link);
      const l = link;
      const where = () =>
        `bytes in ${l.stats.bytesIn}, opens ${l.stats.opens}, disconnects ${l.stats.disconnects}`;
      // each phase has its own deadline under the test's 30 s, so a failure says which one stalled
      await within(link.whenOpen(), 5_000, () => `link open (${where()})`);
      await within(
        pumpToTty(createSimulatorStream({ ...opts, rate: 300, count: COUNT }), pair.simPath, silentLogger()),
        10_000,
        () => `simulator writing into ${pair?.simPath} (${where()})`,
      );
      const want = expectedFor(opts, COUNT);
      const total = buildScript(opts, COUNT).reduce((n, s) => n + s.bytes.length, 0);
      // generous: the whole suite shares two cores; the message says what did arrive
      await waitUntil(
        () => link!.stats.bytesIn >= total,
        10_000,
        () =>
          `after ${link!.stats.bytesIn}/${total} bytes; opens ${link!.stats.opens}, disconnects ${link!.stats.disconnects}`,
      );
      // every step but the last framed (the last may be noise still pending in the framer)
      await waitUntil(
        () => mergeRejects(seen).length >= want.length - 1,
        5_000,
        () => `${want.length - 1} steps framed, got ${mergeRejects(seen).length}`,
      );
      const got = mergeRejects(seen).map((s) =>
        s.startsWith('response:') || s.startsWith('request:') ? `${s.split(':')[0]}:` : s,
      );
      // the last step may be noise still pending in the framer when we stop
      expect(got.slice(0, want.length - 1)).toEqual(want.slice(0, want.length - 1));
      expect(link.stats.bytesIn).toBe(total);
    });
  }
});

describe('simulator → TCP → tcp link', () => {
  it('a burst over TCP arrives complete, and the link reconnects when the server comes back', async () => {
    const opts: ScriptOptions = { scenario: 'burst', framing: 'binary', seed: 8 };
    const COUNT = 400;
    srv = await serveTcp(
      0,
      () => createSimulatorStream({ ...opts, rate: 2000, count: COUNT }),
      silentLogger(),
    );
    const port = srv.port;
    link = openTcpLink({
      port,
      framing: 'binary',
      logger: silentLogger(),
      reconnect: { minMs: 20, maxMs: 100 },
    });
    const seen = tally(link);
    // the server ends each connection after its frames and the link may reconnect at once (full
    // jitter can draw 0 ms) for another round: check the first round
    await waitUntil(
      () => seen.length >= COUNT,
      10_000,
      () => `${COUNT} frames, got ${seen.length}`,
    );
    const first = seen.slice(0, COUNT);
    expect(first.filter((s) => s.startsWith('reject')).length).toBe(0);
    expect(first.map((s) => s.split(':')[0])).toEqual(buildScript(opts, COUNT).map((s) => s.link.kind));
    // server goes away: the link notices and keeps trying; a new server on the same port resumes
    await srv.close();
    await waitUntil(() => link!.state !== 'open', 10_000, 'the link to notice the server is gone');
    const before = seen.length;
    srv = await serveTcp(
      port,
      () => createSimulatorStream({ ...opts, rate: 2000, count: 10 }),
      silentLogger(),
    );
    // the server ends each connection after its 10 frames and the link reconnects at once (full
    // jitter may draw 0 ms), so more rounds of 10 can arrive before the check: at least one round
    await waitUntil(
      () => seen.length >= before + 10,
      10_000,
      () => `${before + 10} frames, got ${seen.length}`,
    );
    expect(seen.slice(before, before + 10).map((s) => s.split(':')[0])).toEqual(
      buildScript(opts, 10).map((s) => s.link.kind),
    );
    expect(link.stats.opens).toBeGreaterThanOrEqual(2);
  });
});
