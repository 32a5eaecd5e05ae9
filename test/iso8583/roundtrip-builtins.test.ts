/**
 * Round trip for every built-in dialect: random valid messages built from the dialect's own field
 * specs (gen.ts messageArb: every field it defines, up to 192 with a tertiary bitmap) encode, decode
 * into a reused view and read back equal, card-data rules applied, and the decoder's fast and exact
 * walks agree. The suite runs ROUNDTRIP_N messages per dialect (default 250, seeded, so a failure
 * reproduces); `npm run roundtrip` runs 10,000 per dialect.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIALECT_DEFS } from '../../protocol/iso8583/dialects.js';
import { DIALECTS, decodeInto, encodeMessage, MessageView } from '../../protocol/iso8583/index.js';
import { expectDecodedEquals, expectWalksAgree, messageArb } from './gen.js';

const N = Number(process.env.ROUNDTRIP_N ?? 250);
const SEED = Number(process.env.ROUNDTRIP_SEED ?? 20261203);

describe.each(Object.keys(DIALECT_DEFS) as (keyof typeof DIALECT_DEFS)[])(
  'round trip, built-in %s',
  (name) => {
    it(`${N.toLocaleString('en')} random messages: encode then decode equals the input`, () => {
      const d = DIALECTS[name];
      const view = new MessageView();
      let count = 0;
      fc.assert(
        fc.property(messageArb(d, { maxVar: 40 }), (msg) => {
          const bytes = encodeMessage(d, msg);
          expect(decodeInto(d, bytes, 0, bytes.length, view), view.error()?.message).toBe(true);
          expectDecodedEquals(view, d, msg);
          // valid input is taken by the fast walk (a plain check: expect() per message is slow)
          if (view.plan === null) throw new Error('a valid message was left to the exact walk');
          if (count++ % 10 === 0) expectWalksAgree(d, bytes);
        }),
        { numRuns: N, seed: SEED },
      );
      expect(count).toBe(N);
    }, 120_000);
  },
);
