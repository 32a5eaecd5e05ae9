/**
 * An approval, from the chunk the serial stream hands over to the prompt shown, allocates nothing
 * after warm-up, through the production framing (frameStream, line and binary). Counted as GCs over
 * 200,000 responses (test/helpers/gc.ts); bytes per response are measured by `npm run bench:alloc`.
 * The line path used to split lines with a stream Transform: ~225 bytes per line, and GCs here.
 */
import { describe, expect, it } from 'vitest';
import { frameStream } from '../../hardware/serial/index.js';
import { FRAMINGS } from '../../protocol/framing/index.js';
import { directStream, responseChunks, testPipeline } from '../../scripts/lib/hot-path.js';
import { gcDuring } from '../helpers/gc.js';

const DISTINCT = 1000; // more than the pipeline's retransmission ring (256): none is a duplicate
const ROUNDS = 200;

describe.each(FRAMINGS)('frameStream (%s) → pipeline, approvals', (framing) => {
  it('no GC over 200,000 approvals after warm-up', async () => {
    const chunks = responseChunks(framing, '00', DISTINCT);
    let prompts = 0;
    const pipeline = testPipeline({
      display: { show: () => void prompts++ },
      record: () => {
        throw new Error('an approval was recorded');
      },
    });
    const { stream, emit: onData } = directStream();
    const framed = frameStream(stream, { framing }, (e) => pipeline.onLinkEvent(e));
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
