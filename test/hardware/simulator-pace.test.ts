/**
 * The simulator at a cashier's pace (scenarios.ts SalePace): sale by sale with a pause between
 * sales and short gaps within one, the same bytes as at any rate; the demo's shift is paced by
 * default, the other scenarios and any explicit rate are not.
 */
import { describe, expect, it } from 'vitest';
import {
  buildScript,
  CASHIER_PACE,
  createSimulatorStream,
  type ScriptOptions,
  type ScriptStep,
} from '../../hardware/simulator/index.js';

const PACE = { betweenSalesS: [0.25, 0.35], frameGapMs: [20, 40] } as const;

describe('simulator pace', () => {
  it('pauses between sales, not within one; emits the script bytes', async () => {
    const opts: ScriptOptions = { scenario: 'shift', framing: 'line', seed: 7 };
    const seen: { step: ScriptStep; at: number }[] = [];
    const s = createSimulatorStream({
      ...opts,
      pace: PACE,
      count: 14,
      onStep: (step) => seen.push({ step, at: performance.now() }),
    });
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(Buffer.concat(buildScript(opts, 14).map((x) => x.bytes)))).toBe(true);
    let sales = 0;
    for (let i = 1; i < seen.length; i++) {
      const gap = seen[i]!.at - seen[i - 1]!.at;
      const newSale = seen[i]!.step.txn !== seen[i - 1]!.step.txn;
      // timers never fire early (a ms of rounding allowed); late is the machine's load
      if (newSale) {
        sales++;
        expect(gap, `before sale ${seen[i]!.step.txn}`).toBeGreaterThanOrEqual(
          PACE.betweenSalesS[0] * 1000 - 2,
        );
      } else expect(gap, `within sale ${seen[i]!.step.txn}`).toBeGreaterThanOrEqual(PACE.frameGapMs[0] - 2);
    }
    expect(sales).toBeGreaterThanOrEqual(3);
    // within a sale the frames come well before the pause ends (no load can make a frame early)
    const within = seen.slice(1).filter((x, i) => x.step.txn === seen[i]!.step.txn);
    expect(within.length).toBeGreaterThan(5);
  });

  it('the shift is paced by default; a rate overrides; other scenarios keep their rate', () => {
    const shift = createSimulatorStream({ scenario: 'shift', framing: 'line' });
    expect(shift.pace).toEqual(CASHIER_PACE);
    expect(shift.rate).toBeNull();
    const fast = createSimulatorStream({ scenario: 'shift', framing: 'line', rate: 40 });
    expect([fast.rate, fast.pace]).toEqual([40, null]);
    const burst = createSimulatorStream({ scenario: 'burst', framing: 'line' });
    expect([burst.rate, burst.pace]).toEqual([500, null]);
    for (const s of [shift, fast, burst]) s.destroy();
  });

  it('refuses a rate with a pace, and a range upside down', () => {
    expect(() => createSimulatorStream({ scenario: 'shift', framing: 'line', rate: 3, pace: PACE })).toThrow(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
    expect(() =>
      createSimulatorStream({
        scenario: 'shift',
        framing: 'line',
        pace: { betweenSalesS: [5, 2], frameGapMs: [10, 20] },
      }),
    ).toThrow(/MIN-MAX/);
  });

  it('the demo pace leaves a failure up for seconds: 2.5 s or more between sales', () => {
    expect(CASHIER_PACE.betweenSalesS[0]).toBeGreaterThanOrEqual(2.5);
    expect(CASHIER_PACE.frameGapMs[1]).toBeLessThan(1000);
  });
});
