/**
 * The simulator's card population (hardware/simulator/cards.ts): hundreds of Luhn-valid test
 * cards made from the seed, walk-ins seen once, regulars coming back, a few problem cards tried
 * again; through the real pipeline and decline tracker the "do not retry this card" guard fires
 * on the repeated problem cards, as in a shop, not on most declines.
 */
import { describe, expect, it } from 'vitest';
import { testPipeline } from '../helpers/pipeline.js';
import { DeclineTracker } from '../../agent/guidance/index.js';
import {
  buildScript,
  CARD_BRANDS,
  CARD_GROUPS,
  CardPopulation,
  type ScriptStep,
} from '../../hardware/simulator/index.js';
import { luhnValid } from '../../protocol/card/pan.js';
import { createFramer } from '../../protocol/framing/index.js';
import { decodeInto, DIALECTS, MessageView } from '../../protocol/iso8583/index.js';
import { lookupCode } from '../../protocol/response-codes/index.js';

/** The PAN of each request step (field 2), by transaction. */
function pansOf(steps: readonly ScriptStep[]): Map<number, string> {
  const out = new Map<number, string>();
  const v = new MessageView();
  for (const s of steps) {
    if (s.link.kind !== 'request' || s.txn === null) continue;
    const hex = s.bytes.toString('latin1').trim().split(' ')[1]!.split('*')[0]!;
    const iso = Buffer.from(hex, 'hex');
    expect(decodeInto(DIALECTS.ascii, iso, 0, iso.length, v)).toBe(true);
    const at = v.offsetOf(2); // ascii dialect: the digits as text (get() masks a PAN)
    out.set(s.txn, iso.toString('latin1', at, at + v.byteLength(2)));
  }
  return out;
}

describe('card population', () => {
  it('has hundreds of distinct Luhn-valid cards of the major brands, the same for a seed', () => {
    const p = new CardPopulation(7);
    const all = [...p.cards.values()].flat();
    expect(p.size).toBe(CARD_GROUPS.reduce((n, g) => n + g.cards, 0));
    expect(p.size).toBeGreaterThanOrEqual(300);
    expect(new Set(all).size).toBe(all.length);
    for (const pan of all) {
      expect(luhnValid(pan), pan.slice(0, 6)).toBe(true);
      const brand = CARD_BRANDS.find((b) => b.iins.includes(pan.slice(0, 6)));
      expect(brand?.length, pan.slice(0, 6)).toBe(pan.length);
    }
    const brands = new Set(
      all.map((pan) => CARD_BRANDS.find((b) => b.iins.includes(pan.slice(0, 6)))!.brand),
    );
    expect([...brands].sort()).toEqual(CARD_BRANDS.map((b) => b.brand).sort());
    expect([...new CardPopulation(7).cards.values()].flat()).toEqual(all);
    expect([...new CardPopulation(8).cards.values()].flat()).not.toEqual(all);
  });

  it('deals walk-in cards once each; problem cards only for their outcomes', () => {
    const p = new CardPopulation(3);
    const walkIns = p.cards.get('walk_in')!;
    const seen = new Set<string>();
    for (let i = 0; i < walkIns.length; i++) {
      const c = p.draw('05', 0); // u = 0: the first group that carries 05, the walk-ins
      expect(c.group).toBe('walk_in');
      expect(seen.has(c.pan)).toBe(false);
      seen.add(c.pan);
    }
    expect(seen.size).toBe(walkIns.length);
    for (let i = 0; i < 200; i++) {
      const u = i / 200;
      expect(['walk_in', 'regular']).toContain(p.draw('00', u).group);
      expect(['walk_in', 'expired']).toContain(p.draw('54', u).group);
      expect(['walk_in', 'lost_stolen']).toContain(p.draw('43', u).group);
      expect(['walk_in', 'regular', 'short']).toContain(p.draw('51', u).group);
      expect(['walk_in']).toContain(p.draw('14', u).group);
    }
  });

  it('a shift: most cards seen once, regulars come back, the guard fires on repeated problem cards only', () => {
    const steps = buildScript({ scenario: 'shift', framing: 'line', seed: 7 }, 4000);
    const pans = pansOf(steps);
    const uses = new Map<string, number>();
    for (const pan of pans.values()) uses.set(pan, (uses.get(pan) ?? 0) + 1);
    const once = [...uses.values()].filter((n) => n === 1).length;
    const sales = pans.size;
    expect(sales).toBeGreaterThan(1000);
    expect(uses.size).toBeGreaterThan(300);
    expect(once / uses.size).toBeGreaterThan(0.6); // most cards are seen once
    const regulars = new Set(new CardPopulation(7).cards.get('regular'));
    const regularUses = [...uses].filter(([pan]) => regulars.has(pan)).map(([, n]) => n);
    expect(Math.min(...regularUses)).toBeGreaterThanOrEqual(2); // every regular came back

    // through the pipeline with the agent's own tracker (default: 10 declines a day)
    const tracker = new DeclineTracker();
    const verdicts: { stop: boolean; rc: string; count: number }[] = [];
    const pipeline = testPipeline({
      tracker: {
        note: (key, row, at) => {
          const v = tracker.note(key, row, at);
          if (row.category !== 'approved') verdicts.push({ stop: v.stop, rc: row.code, count: v.count });
          return v;
        },
      },
    });
    const framer = createFramer({ framing: 'line' }, (e) => pipeline.onLinkEvent(e));
    for (const s of steps) framer.push(s.bytes);
    const declines = verdicts.filter((v) => lookupCode(v.rc).standard !== 'local');
    // "do not retry this card" on a card declined before: the guard at work on a repeated card
    const repeats = declines.filter((v) => v.stop && v.count >= 2);
    // on first sight only where the network forbids any retry (Visa category 1, e.g. 14, 54)
    for (const v of declines.filter((d) => d.stop && d.count === 1))
      expect(lookupCode(v.rc).retry, v.rc).toBe('never_same_card');
    expect(declines.length).toBeGreaterThan(100);
    expect(repeats.length).toBeGreaterThan(0); // the guard does fire on a repeated card
    // ...on a few problem cards tried again, not on most declines
    expect(repeats.length / declines.length).toBeLessThan(0.1);
  });
});
