/**
 * The simulator and the link together over real transports: the simulator's stream written into a
 * socat pty pair (as `pos-agent simulate --pty` does) and read by openSerialLink with the real
 * serialport bindings; and served over TCP to openTcpLink. What arrives must match the script.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

async function until(cond: () => boolean, ms = 10_000, what: () => string = () => ''): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function phase<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what()}`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
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
    { scenario: 'noise', framing: 'binary', tpdu: true, dialect: 'bcd', seed: 5, idleGapMs: 400 },
  ] as ScriptOptions[]) {
    it(`${opts.framing}: every frame of the script arrives as the script says`, async () => {
      const COUNT = 150;
      const path = join(mkdtempSync(join(tmpdir(), 'pos-sim-')), 'module');
      pair = await startPtyPair(path);
      link = openSerialLink({
        path,
        baudRate: 115200,
        framing: opts.framing,
        tpdu: opts.tpdu ?? false,
        logger: silentLogger(),
      });
      const seen = tally(link);
      const l = link;
      const where = () =>
        `bytes in ${l.stats.bytesIn}, opens ${l.stats.opens}, disconnects ${l.stats.disconnects}`;
      // each phase has its own deadline under the test's 30 s, so a failure says which one stalled
      await phase(link.whenOpen(), 5_000, () => `link open (${where()})`);
      await phase(
        pumpToTty(createSimulatorStream({ ...opts, rate: 300, count: COUNT }), pair.simPath, silentLogger()),
        10_000,
        () => `simulator writing into ${pair?.simPath} (${where()})`,
      );
      const want = expectedFor(opts, COUNT);
      const total = buildScript(opts, COUNT).reduce((n, s) => n + s.bytes.length, 0);
      // generous: the whole suite shares two cores; the message says what did arrive
      await until(
        () => link!.stats.bytesIn >= total,
        10_000,
        () =>
          `after ${link!.stats.bytesIn}/${total} bytes; opens ${link!.stats.opens}, disconnects ${link!.stats.disconnects}`,
      );
      await new Promise((r) => setTimeout(r, 100)); // idle timer for a trailing partial frame
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
    await until(() => seen.length === COUNT);
    expect(seen.filter((s) => s.startsWith('reject')).length).toBe(0);
    expect(seen.map((s) => s.split(':')[0])).toEqual(buildScript(opts, COUNT).map((s) => s.link.kind));
    // server goes away: the link notices and keeps trying; a new server on the same port resumes
    await srv.close();
    await until(() => link!.state !== 'open');
    srv = await serveTcp(
      port,
      () => createSimulatorStream({ ...opts, rate: 2000, count: 10 }),
      silentLogger(),
    );
    await until(() => seen.length === COUNT + 10);
    expect(link.stats.opens).toBeGreaterThanOrEqual(2);
  });
});
