/**
 * The serial path splits lines with @serialport/parser-delimiter (bounded); the pure LineFramer
 * splits them itself. Fed the same chunks, both must report the same frames and rejects.
 */
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameStream } from '../../hardware/serial/index.js';
import {
  encodeEventLine,
  encodeMessageLine,
  LineFramer,
  type LinkEvent,
} from '../../protocol/framing/index.js';

function summarize(e: LinkEvent): string {
  if (e.kind === 'reject') return `reject ${e.code} ${e.bytes}`;
  if (e.kind === 'event') return `event ${e.name} ${e.wire}`;
  return `${e.kind} ${e.buf.toString('hex', e.offset, e.offset + e.length)} ${e.wire}`;
}

const pieceArb = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 120 }).map((b) => encodeMessageLine('RSP', b)),
  fc.constant(encodeEventLine('PIN_TIMEOUT', { stan: '000042' })),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Buffer.from(b)),
  fc
    .integer({ min: 200, max: 700 })
    .map((n) => Buffer.concat([Buffer.from('RSP '), Buffer.alloc(n, 0x41), Buffer.from('\n')])),
);

describe('line splitting: delimiter path == pure LineFramer', () => {
  it('same events for the same chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(pieceArb, { maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 10 }),
        async (pieces, sizes) => {
          const wire = Buffer.concat(pieces);
          const chunks: Buffer[] = [];
          for (let i = 0, k = 0; i < wire.length; k++) {
            const n = sizes[k % sizes.length]!;
            chunks.push(wire.subarray(i, i + n));
            i += n;
          }
          const opts = { maxFrameBytes: 128 };
          const a: string[] = [];
          const pure = new LineFramer((e) => a.push(summarize(e)), opts);
          for (const c of chunks) pure.push(c);
          pure.reset();

          const b: string[] = [];
          const s = new PassThrough();
          const h = frameStream(s, { framing: 'line', ...opts }, (e) => b.push(summarize(e)));
          for (const c of chunks) s.write(c);
          await new Promise((r) => setImmediate(r));
          h.detach();
          expect(b).toEqual(a);
          expect(h.stats.bytesIn).toBe(wire.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('same events when chunks hold whole lines (several, or lines plus the start of the next)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(pieceArb, { minLength: 1, maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 8 }),
        async (pieces, perChunk, tail) => {
          // chunk ends on piece boundaries (`take` pieces a chunk), every other one `tail` bytes later
          const wire = Buffer.concat(pieces);
          const ends: number[] = [];
          for (let o = 0, j = 0; j < pieces.length; j++) ends.push((o += pieces[j]!.length));
          const chunks: Buffer[] = [];
          for (let at = 0, k = 0; at < wire.length; k++) {
            const first = ends.findIndex((e) => e > at);
            let end = ends[Math.min(ends.length - 1, first + perChunk[k % perChunk.length]! - 1)]!;
            if (k % 2 === 1) end = Math.min(wire.length, end + tail);
            chunks.push(wire.subarray(at, end));
            at = end;
          }
          const opts = { maxFrameBytes: 128 };
          const a: string[] = [];
          const pure = new LineFramer((e) => a.push(summarize(e)), opts);
          for (const c of chunks) pure.push(c);
          pure.reset();

          const b: string[] = [];
          const s = new PassThrough();
          const h = frameStream(s, { framing: 'line', ...opts }, (e) => b.push(summarize(e)));
          for (const c of chunks) s.write(c);
          await new Promise((r) => setImmediate(r));
          h.detach();
          expect(b).toEqual(a);
          expect(h.stats.bytesIn).toBe(wire.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
