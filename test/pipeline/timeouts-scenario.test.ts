/**
 * The simulator's `timeouts` scenario (reversals confirmed and refused, late approvals,
 * retransmissions, customers back with another card or the same one, a double approval) played
 * through the pipeline and the outcome keeper: every sale ends in the state the script expects of
 * it, in both the 1987 and the 1993 ASCII dialects. The keeper runs on an in-memory store here
 * (the real store's side: test/e2e/outcomes-pty.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { buildScript } from '../../hardware/simulator/index.js';
import { createFramer } from '../../protocol/framing/index.js';
import { DIALECTS } from '../../protocol/iso8583/index.js';
import { MemoryOutcomeStore, testKeeper } from '../helpers/memory-outcome-store.js';
import { testPipeline } from '../helpers/pipeline.js';

describe.each(['ascii', 'iso93-ascii'] as const)('the timeouts scenario (%s)', (dialect) => {
  it('every sale ends where the script says: reversed, refused, approved late, recovered, double charge', async () => {
    const store = new MemoryOutcomeStore();
    let now = Date.parse('2026-12-03T10:00:00Z');
    const keeper = testKeeper(store, () => now);
    const pipeline = testPipeline({
      dialect: DIALECTS[dialect],
      hostTimeoutMs: 60_000, // the script says when the host timed out (EVT HOST_TIMEOUT)
      now: () => now,
      record: (f, facts) => keeper.failure(f, facts),
      approval: (a) => keeper.approval(a),
      outcome: (m) => keeper.outcome(m),
    });
    const framer = createFramer({ framing: 'line' }, (e) => pipeline.onLinkEvent(e));
    const steps = buildScript({ scenario: 'timeouts', framing: 'line', seed: 7, dialect }, 160);
    const expects = new Map<string, string>(); // STAN → the last state expected of its sale
    for (const step of steps) {
      framer.push(step.bytes);
      framer.idle();
      now += 500;
      await keeper.settled(); // the store answers before the next frame, as it does within ms
      if (step.expect) expects.set(step.expect.stan, step.expect.state);
    }
    expect(new Set(expects.values())).toEqual(
      new Set(['reversed', 'reversal_failed', 'approved_late', 'recovered', 'possible_double_charge']),
    );
    for (const [stan, state] of expects) {
      const rec = store.byStan(stan);
      expect([stan, rec?.outcome]).toEqual([stan, state]);
      if (state === 'recovered') expect(rec!.linked_id).toMatch(/^A/);
      if (state === 'approved_late') expect(rec!.recovered_by).toBe('late_approval');
    }
    expect(keeper.alarms()).toEqual(['possible_double_charge']);
  });
});
