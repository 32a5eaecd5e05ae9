/**
 * Every scenario produces the frames its script says: the script's bytes go through the real
 * framers, and each step's expectation (frame kind, MTI, STAN, response code, reject bytes and
 * codes) is checked against what comes out, with the ISO 8583 bytes decoded by the real codec.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../agent/log.js';
import {
  buildScript,
  createSimulatorStream,
  pumpToTty,
  SCENARIO_NAMES,
  type ScriptOptions,
  type ScriptStep,
  summarize,
  TEST_PANS,
} from '../../hardware/simulator/index.js';
import { findPans, luhnValid } from '../../protocol/card/pan.js';
import { createFramer, type LinkEvent } from '../../protocol/framing/index.js';
import { DIALECTS, decodeInto, MessageView } from '../../protocol/iso8583/index.js';

type Got =
  | { kind: 'response' | 'request'; mti: string; stan: string | null; rc: string | null; ok: boolean }
  | { kind: 'event'; name: string; stan: string | null }
  | { kind: 'reject'; code: string; bytes: number };

function runThroughFramer(steps: ScriptStep[], opts: ScriptOptions): Got[] {
  const got: Got[] = [];
  const view = new MessageView();
  const dialect = DIALECTS[opts.dialect ?? 'ascii'];
  const sink = (e: LinkEvent) => {
    if (e.kind === 'reject') got.push({ kind: 'reject', code: e.code, bytes: e.bytes });
    else if (e.kind === 'event') got.push({ kind: 'event', name: e.name, stan: e.stan });
    else {
      const ok = decodeInto(dialect, e.buf, e.offset, e.offset + e.length, view);
      got.push({
        kind: e.kind,
        ok,
        mti: view.mti(),
        stan: ok ? (view.get(11) ?? null) : null,
        rc: ok ? (view.get(39) ?? null) : null,
      });
    }
  };
  const f = createFramer({ framing: opts.framing, tpdu: opts.tpdu ?? false }, sink);
  for (const s of steps) {
    f.push(s.bytes);
    if (s.gapAfterMs > 0) f.idle();
  }
  f.reset();
  return got;
}

/** Walks steps and outputs together; fails with the step's label on the first mismatch. */
function matchScript(steps: ScriptStep[], got: Got[]): void {
  let g = 0;
  for (const s of steps) {
    const where = `step ${s.index} ${s.label}`;
    if (s.link.kind === 'reject') {
      let bytes = 0;
      while (bytes < s.link.bytes) {
        const r = got[g++];
        expect(r?.kind, where).toBe('reject');
        if (r?.kind !== 'reject') return;
        // a partial frame at the very end of a finite script is dropped at reset as truncated
        const allowed = s.index === steps.length - 1 ? [...s.link.codes, 'E_FRAME_TRUNCATED'] : s.link.codes;
        expect(allowed, where).toContain(r.code);
        bytes += r.bytes;
      }
      expect(bytes, where).toBe(s.link.bytes);
      continue;
    }
    const r = got[g++];
    if (s.link.kind === 'event') {
      expect(r, where).toEqual({ kind: 'event', name: s.link.name, stan: s.link.stan });
      continue;
    }
    expect(r?.kind, where).toBe(s.link.kind);
    if (r?.kind !== 'response' && r?.kind !== 'request') return;
    if (s.outcome?.via === 'decode') {
      expect(r.ok, `${where}: must not decode`).toBe(false);
      continue;
    }
    expect(r.ok, where).toBe(true);
    expect({ mti: r.mti, stan: r.stan, rc: r.rc }, where).toEqual({
      mti: s.link.mti,
      stan: s.link.stan,
      rc: s.link.rc,
    });
    if (s.outcome && !s.outcome.rc.startsWith('L_')) expect(s.outcome.rc, where).toBe(r.rc);
  }
  expect(got.length - g, 'nothing extra after the script').toBe(0);
}

const VARIANTS: ScriptOptions[] = [];
for (const scenario of SCENARIO_NAMES) {
  VARIANTS.push({ scenario, framing: 'line', seed: 7 });
  VARIANTS.push({ scenario, framing: 'binary', tpdu: true, dialect: 'bcd', seed: 7 });
  // the 1993 forms: 1xxx MTIs, three-digit action codes (hardware/simulator/forms.ts)
  VARIANTS.push({ scenario, framing: 'line', dialect: 'iso93-ascii', seed: 7 });
  VARIANTS.push({ scenario, framing: 'binary', tpdu: true, dialect: 'iso93-bcd', seed: 7 });
}
VARIANTS.push({ scenario: 'noise', framing: 'binary', tpdu: false, dialect: 'ascii', seed: 99 });
VARIANTS.push({ scenario: 'noise', framing: 'line', dialect: 'bcd', seed: 99 });

describe('simulator scripts through the framers', () => {
  for (const v of VARIANTS) {
    it(`${v.scenario} / ${v.framing}${v.tpdu ? '+tpdu' : ''} / ${v.dialect ?? 'ascii'}`, () => {
      const steps = buildScript(v, 800);
      matchScript(steps, runThroughFramer(steps, v));
    });
  }
});

describe('scenario contents', () => {
  const N = 3000;
  const sum = (scenario: (typeof SCENARIO_NAMES)[number]) =>
    summarize(buildScript({ scenario, framing: 'line', seed: 3 }, N));

  it('shift: mostly approvals and the listed declines and host timeouts', () => {
    const s = sum('shift');
    const approvals = s.outcomes['00'] ?? 0;
    const decided = Object.values(s.outcomes).reduce((a, b) => a + b, 0);
    expect(approvals / decided).toBeGreaterThan(0.7);
    for (const rc of ['51', '05', '55', '54', '91', '1A', '61', '65', '14', '96', 'L_TIMEOUT'])
      expect(s.outcomes[rc], rc).toBeGreaterThan(0);
    expect(s.link['reject'] ?? 0).toBe(0);
  });

  it('outage: link down/up, host timeouts (event and silent), reversals, a retransmission', () => {
    const steps = buildScript({ scenario: 'outage', framing: 'line', seed: 3 }, N);
    const s = summarize(steps);
    expect(s.outcomes['L_LINK_DOWN']).toBeGreaterThan(0);
    expect(s.outcomes['L_TIMEOUT']).toBeGreaterThan(0);
    expect(steps.some((x) => x.outcome?.via === 'timeout')).toBe(true);
    expect(steps.some((x) => x.link.kind === 'event' && x.link.name === 'REVERSAL_SENT')).toBe(true);
    expect(steps.some((x) => x.link.kind === 'event' && x.link.name === 'LINK_UP')).toBe(true);
    expect(s.duplicates).toBeGreaterThan(0);
    const dup = steps.find((x) => x.outcome?.duplicate)!;
    const orig = steps.find(
      (x) =>
        x.outcome &&
        !x.outcome.duplicate &&
        x.outcome.stan === dup.outcome!.stan &&
        x.link.kind === 'response',
    )!;
    expect(dup.bytes.equals(orig.bytes)).toBe(true);
  });

  it('card-problems: read errors, 14, 54, 33, early removals, PIN timeouts', () => {
    const s = sum('card-problems');
    for (const rc of ['L_CARD_READ', '14', '54', '33', 'L_CARD_REMOVED', 'L_PIN_TIMEOUT'])
      expect(s.outcomes[rc], rc).toBeGreaterThan(0);
  });

  it('noise: every kind of broken frame appears, and valid frames still dominate', () => {
    const steps = buildScript({ scenario: 'noise', framing: 'line', seed: 3 }, N);
    const labels = new Set(
      steps
        .filter((x) => x.label.startsWith('noise') || x.label.includes('malformed'))
        .map((x) => x.label.split(' ')[1]),
    );
    expect([...labels].sort()).toEqual(
      ['bad_hex', 'corrupt_check', 'garbage', 'malformed', 'oversize', 'truncated', 'unknown_kind']
        .sort()
        .map((l) => (l === 'malformed' ? 'malformed' : l)),
    );
    const s = summarize(steps);
    expect(s.link['reject']).toBeGreaterThan(50);
    expect(s.link['response']!).toBeGreaterThan(s.link['reject']!);
  });

  it('test PANs are Luhn-valid; labels carry no card number', () => {
    for (const p of TEST_PANS) expect(luhnValid(p), p).toBe(true);
    for (const sc of SCENARIO_NAMES) {
      const labels = buildScript({ scenario: sc, framing: 'line', seed: 5 }, 500)
        .map((x) => x.label)
        .join('\n');
      expect(findPans(labels)).toEqual([]);
    }
  });

  it('is deterministic for a seed, different across seeds', () => {
    const a = Buffer.concat(
      buildScript({ scenario: 'shift', framing: 'binary', seed: 42 }, 200).map((s) => s.bytes),
    );
    const b = Buffer.concat(
      buildScript({ scenario: 'shift', framing: 'binary', seed: 42 }, 200).map((s) => s.bytes),
    );
    const c = Buffer.concat(
      buildScript({ scenario: 'shift', framing: 'binary', seed: 43 }, 200).map((s) => s.bytes),
    );
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  it('bad options are typed errors', () => {
    expect(() => buildScript({ scenario: 'nope' as 'shift', framing: 'line' }, 1)).toThrowError(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
    expect(() => buildScript({ scenario: 'shift', framing: 'line', tpdu: true }, 1)).toThrowError(/binary/);
  });
});

describe('simulator stream', () => {
  it('emits exactly the script bytes, paced, and ends after count', async () => {
    const opts: ScriptOptions = { scenario: 'burst', framing: 'line', seed: 11 };
    const s = createSimulatorStream({ ...opts, rate: 2000, count: 300 });
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(Buffer.concat(buildScript(opts, 300).map((x) => x.bytes)))).toBe(
      true,
    );
    expect(s.sent).toBe(300);
  });

  it('keeps the line quiet after a truncated binary frame', async () => {
    const opts: ScriptOptions = { scenario: 'noise', framing: 'binary', seed: 99, idleGapMs: 80 };
    const steps = buildScript(opts, 400);
    const k = steps.findIndex((x) => x.gapAfterMs > 0);
    expect(k).toBeGreaterThanOrEqual(0);
    const times: number[] = [];
    const s = createSimulatorStream({
      ...opts,
      rate: 5000,
      count: k + 2,
      onStep: () => times.push(performance.now()),
    });
    for await (const _ of s) void _;
    expect(times[k + 1]! - times[k]!).toBeGreaterThanOrEqual(75);
  });

  it('keeps that quiet gap also when it runs behind its schedule (a busy event loop)', async () => {
    const opts: ScriptOptions = { scenario: 'noise', framing: 'binary', seed: 99, idleGapMs: 80 };
    const steps = buildScript(opts, 400);
    const k = steps.findIndex((x) => x.gapAfterMs > 0);
    const times: number[] = [];
    const s = createSimulatorStream({
      ...opts,
      rate: 5000,
      count: k + 2,
      onStep: () => {
        if (times.length === 0) {
          // the first step holds the event loop well past the truncated frame's due time
          const until = performance.now() + 150;
          while (performance.now() < until);
        }
        times.push(performance.now());
      },
    });
    for await (const _ of s) void _;
    expect(times[k + 1]! - times[k]!).toBeGreaterThanOrEqual(75);
  });
});

describe('pumpToTty', () => {
  it('writes every chunk, also when the stream ends while the last write is still in flight', async () => {
    // push(chunk) then push(null) in one tick: 'end' arrives before the write of the chunk is
    // through. The pump must finish after it, not close the descriptor under it.
    const dir = mkdtempSync(join(tmpdir(), 'pump-'));
    try {
      for (let i = 0; i < 20; i++) {
        const file = join(dir, `out${i}`);
        writeFileSync(file, '');
        const src = new Readable({ read() {} });
        const done = pumpToTty(src, file, silentLogger());
        src.push(Buffer.alloc(1000, 0x41));
        src.push(Buffer.alloc(500, 0x42));
        src.push(null);
        expect((await done).bytes).toBe(1500);
        expect(readFileSync(file)).toEqual(
          Buffer.concat([Buffer.alloc(1000, 0x41), Buffer.alloc(500, 0x42)]),
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
