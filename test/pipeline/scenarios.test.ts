/**
 * Every simulator scenario through the real framers, codec, code table, guidance and pipeline:
 * the failures recorded are exactly those the scenario's script says, with the right categories,
 * retransmitted responses recorded once, and every screen fitting the display.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { testPipeline } from '../helpers/pipeline.js';
import { createCatalog } from '../../agent/guidance/index.js';
import { ScreenBook } from '../../agent/pipeline/screens.js';
import type { Screen } from '../../hardware/display/types.js';
import type { NewFailure } from '../../agent/store/index.js';
import { buildScript, SCENARIO_NAMES, type ScenarioName } from '../../hardware/simulator/index.js';
import { findPans } from '../../protocol/card/pan.js';
import { createFramer } from '../../protocol/framing/index.js';
import { lookupCode } from '../../protocol/response-codes/index.js';

const HOST_TIMEOUT_MS = 30_000;

function harness(lang = 'en', geometry = { width: 20, height: 4 }) {
  let now = 1_700_000_000_000;
  const records: NewFailure[] = [];
  const screens: Screen[] = [];
  const pipeline = testPipeline({
    screens: new ScreenBook(createCatalog(), geometry),
    display: { show: (s) => screens.push(s) },
    record: (f) => records.push(f),
    cashierLang: lang,
    customerFollowsCard: true,
    hostTimeoutMs: HOST_TIMEOUT_MS,
    now: () => now,
  });
  return {
    pipeline,
    records,
    screens,
    advance(ms: number) {
      now += ms;
    },
  };
}

function sorted(xs: string[]): string[] {
  return [...xs].sort();
}

describe.each(['line', 'binary'] as const)('scenarios through the pipeline (%s framing)', (framing) => {
  it.each(SCENARIO_NAMES)('%s: records exactly the failures the script expects', (scenario: ScenarioName) => {
    const h = harness();
    const framer = createFramer({ framing }, (e) => h.pipeline.onLinkEvent(e));
    const all = buildScript({ scenario, framing, seed: 11 }, 600);
    // end the script at its last concluded step: a request cut off by the step count has no answer
    let last = all.length - 1;
    while (last > 0 && all[last]!.outcome === null) last--;
    const steps = all.slice(0, last + 1);
    for (const step of steps) {
      framer.push(step.bytes);
      if (step.gapAfterMs > 0) framer.idle();
      h.advance(20);
    }
    // let the silent timeouts expire
    h.advance(HOST_TIMEOUT_MS + 1);
    h.pipeline.expireRequests();

    const expected = steps
      .filter(
        (s) => s.outcome !== null && !s.outcome.duplicate && lookupCode(s.outcome.rc).category !== 'approved',
      )
      .map((s) => s.outcome!.rc);
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(h.records.map((r) => r.rc))).toEqual(sorted(expected));
    for (const r of h.records) {
      expect(r.category).toBe(lookupCode(r.rc).category);
      expect(r.terminal_id).toBe('TERM0001');
    }
    // responses carry their STAN and amount into the record
    const fromResponses = h.records.filter((r) => r.rc_source !== 'local');
    for (const r of fromResponses) {
      expect(r.stan).toMatch(/^\d{6}$/);
      expect(r.amount_minor).toBeGreaterThan(0);
      expect(r.pan_masked).toMatch(/^\d{6}\*+\d{4}$/);
    }
    const duplicates = steps.filter((s) => s.outcome?.duplicate).length;
    expect(h.pipeline.counters.duplicates).toBe(duplicates);
    // nothing recorded carries a full card number
    expect(findPans(JSON.stringify(h.records))).toEqual([]);
  });
});

describe('screens', () => {
  it.each([
    ['en', 16, 2],
    ['de', 20, 4],
    ['zh', 16, 2],
    ['zh', 20, 4],
    ['ru', 32, 8],
    ['fi', 20, 4],
    ['fr', 16, 2],
  ] as const)('%s on %ix%i: every screen fits the display', (lang, width, height) => {
    const h = harness(lang, { width, height });
    const framer = createFramer({ framing: 'line' }, (e) => h.pipeline.onLinkEvent(e));
    for (const step of buildScript({ scenario: 'shift', framing: 'line', seed: 3 }, 300))
      framer.push(step.bytes);
    expect(h.screens.length).toBeGreaterThan(50);
    for (const s of h.screens) {
      expect(stringWidth(s.title)).toBeLessThanOrEqual(width);
      for (const page of s.pages) {
        expect(page.length).toBeLessThanOrEqual(height - 1);
        for (const line of page) expect(stringWidth(line)).toBeLessThanOrEqual(width);
      }
    }
  });

  it('shows the same screen object for the same code and language (memoized hot path)', () => {
    const h = harness('de');
    const framer = createFramer({ framing: 'line' }, (e) => h.pipeline.onLinkEvent(e));
    for (const step of buildScript({ scenario: 'shift', framing: 'line', seed: 5 }, 400))
      framer.push(step.bytes);
    const byCode = new Map<string | undefined, Set<Screen>>();
    for (const s of h.screens) {
      if (!byCode.has(s.code)) byCode.set(s.code, new Set());
      byCode.get(s.code)!.add(s);
    }
    const approvals = byCode.get('');
    expect(approvals?.size).toBe(1);
  });
});
