/**
 * An approval, from the chunk the serial stream hands over to the prompt shown, allocates nothing
 * after warm-up, through the production framing (frameStream, line and binary). Counted as GCs over
 * 200,000 responses (test/helpers/gc.ts); bytes per response are measured by `npm run bench:alloc`.
 * The line path used to split lines with a stream Transform: ~225 bytes per line, and GCs here.
 */
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createCatalog, DeclineTracker } from '../../agent/guidance/index.js';
import { silentLogger } from '../../agent/log.js';
import { Pipeline } from '../../agent/pipeline/pipeline.js';
import { ScreenBook } from '../../agent/pipeline/screens.js';
import { frameStream } from '../../hardware/serial/index.js';
import { encodeBinaryFrame, encodeMessageLine, FRAMINGS } from '../../protocol/framing/index.js';
import { DIALECTS, encodeMessage } from '../../protocol/iso8583/index.js';
import { createCodeTable } from '../../protocol/response-codes/index.js';
import { typical0210 } from '../../scripts/sample-messages.js';
import { gcDuring } from '../helpers/gc.js';

const DISTINCT = 1000; // more than the pipeline's retransmission ring (256): none is a duplicate
const ROUNDS = 200;

describe.each(FRAMINGS)('frameStream (%s) → pipeline, approvals', (framing) => {
  it('no GC over 200,000 approvals after warm-up', async () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < DISTINCT; i++) {
      const m = typical0210('00');
      const fields = { ...m.fields, 11: String(i + 1).padStart(6, '0'), 37: String(i + 1).padStart(12, '0') };
      const bytes = encodeMessage(DIALECTS.ascii, { ...m, fields });
      chunks.push(framing === 'line' ? encodeMessageLine('RSP', bytes) : encodeBinaryFrame(bytes));
    }
    let prompts = 0;
    const pipeline = new Pipeline({
      dialect: DIALECTS.ascii,
      codes: createCodeTable(),
      screens: new ScreenBook(createCatalog(), { width: 20, height: 4 }),
      display: { show: () => void prompts++ },
      record: () => {
        throw new Error('an approval was recorded');
      },
      tracker: new DeclineTracker(),
      cardKey: Buffer.alloc(32, 7),
      terminalId: 'TERM0001',
      merchantId: 'MERCHANT0000001',
      cashierLang: 'en',
      customerFollowsCard: true,
      hostTimeoutMs: 30_000,
      logger: silentLogger(),
    });
    // frameStream only subscribes to 'data': the test calls the listener as the stream would
    let onData: (c: Buffer) => void = () => {};
    const stream = { on: (_: string, fn: typeof onData) => void (onData = fn), off: () => {} };
    const framed = frameStream(stream as unknown as Readable, { framing }, (e) => pipeline.onLinkEvent(e));
    const run = (rounds: number) => {
      for (let r = 0; r < rounds; r++) for (let i = 0; i < DISTINCT; i++) onData(chunks[i]!);
    };
    run(20); // warm-up
    const gcs = await gcDuring(() => run(ROUNDS));
    framed.detach();
    expect(prompts).toBe(DISTINCT * (20 + ROUNDS));
    expect(pipeline.counters.approvals).toBe(prompts);
    expect(gcs).toBe(0);
  });
});
