/**
 * What the hot-path measurements share (scripts/bench-alloc.ts, test/hardware/hot-path-framing.test.ts,
 * the card-data fuzz): a pipeline with the usual test terminal's settings, host responses framed
 * one to a chunk, and a stream stand-in whose 'data' listener the caller invokes itself.
 */
import type { Readable } from 'node:stream';
import { createCatalog, DeclineTracker } from '../../agent/guidance/index.js';
import { silentLogger } from '../../agent/log.js';
import { Pipeline, type PipelineOptions } from '../../agent/pipeline/pipeline.js';
import { ScreenBook } from '../../agent/pipeline/screens.js';
import { encodeBinaryFrame, encodeMessageLine, type FramingName } from '../../protocol/framing/index.js';
import { DIALECTS, encodeMessage } from '../../protocol/iso8583/index.js';
import { createCodeTable } from '../../protocol/response-codes/index.js';
import { typical0210 } from '../sample-messages.js';

/** A Pipeline for TERM0001 (ascii dialect, English, 20x4 display, silent log) unless overridden. */
export function testPipeline(
  o: Pick<PipelineOptions, 'display' | 'record'> & Partial<PipelineOptions>,
): Pipeline {
  return new Pipeline({
    dialect: DIALECTS.ascii,
    codes: createCodeTable(),
    screens: new ScreenBook(createCatalog(), { width: 20, height: 4 }),
    tracker: new DeclineTracker(),
    cardKey: Buffer.alloc(32, 7),
    terminalId: 'TERM0001',
    merchantId: 'MERCHANT0000001',
    cashierLang: 'en',
    customerFollowsCard: true,
    hostTimeoutMs: 30_000,
    logger: silentLogger(),
    ...o,
  });
}

/** `n` typical 0210 responses with this response code, STAN and RRN from `first` on, one chunk each. */
export function responseChunks(framing: FramingName, rc: string, n: number, first = 1): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const m = typical0210(rc);
    const id = first + i;
    const fields = {
      ...m.fields,
      11: String(id % 1_000_000).padStart(6, '0'),
      37: String(id).padStart(12, '0'),
    };
    const bytes = encodeMessage(DIALECTS.ascii, { ...m, fields });
    out.push(framing === 'line' ? encodeMessageLine('RSP', bytes) : encodeBinaryFrame(bytes));
  }
  return out;
}

/** A stream stand-in for frameStream, which only subscribes to 'data': `emit` calls the listener. */
export function directStream(): { stream: Readable; emit: (c: Buffer) => void } {
  let listener: (c: Buffer) => void = () => {};
  const stream = {
    on(_: string, fn: (c: Buffer) => void) {
      listener = fn;
      return stream;
    },
    off() {
      return stream;
    },
  };
  return { stream: stream as unknown as Readable, emit: (c) => listener(c) };
}
