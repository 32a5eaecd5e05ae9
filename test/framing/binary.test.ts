import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BinaryFramer,
  encodeBinaryEvent,
  encodeBinaryFrame,
  type LinkEvent,
  messageStartKind,
} from '../../protocol/framing/index.js';
import { chunked } from '../helpers/chunks.js';

type Out = {
  kind: string;
  hex?: string;
  name?: string;
  code?: string;
  bytes?: number;
  wire?: number;
  dest?: number;
  src?: number;
};
function collector() {
  const out: Out[] = [];
  const sink = (e: LinkEvent) => {
    if (e.kind === 'response' || e.kind === 'request')
      out.push({
        kind: e.kind,
        hex: e.buf.toString('hex', e.offset, e.offset + e.length),
        wire: e.wire,
        dest: e.tpduDest,
        src: e.tpduSrc,
      });
    else if (e.kind === 'event') out.push({ kind: 'event', name: e.name, wire: e.wire });
    else if (e.kind === 'reject') out.push({ kind: 'reject', code: e.code, bytes: e.bytes });
  };
  return { out, sink };
}

const ASCII_0210 = Buffer.concat([
  Buffer.from('0210'),
  Buffer.from('7238000002800000', 'hex'),
  Buffer.from('164761739001010119000000000000012345'),
]);
const ASCII_0200 = Buffer.concat([
  Buffer.from('0200'),
  Buffer.from('7238000002800000', 'hex'),
  Buffer.from('164761739001010119000000000000012345'),
]);
const BCD_0210 = Buffer.from('02107238000002800000164761739001010119000000000000012345', 'hex');

describe('messageStartKind', () => {
  it('recognises ASCII and BCD MTIs and events', () => {
    expect(messageStartKind(Buffer.from('0210'), 0)).toBe(2);
    expect(messageStartKind(Buffer.from('0200'), 0)).toBe(1);
    expect(messageStartKind(Buffer.from('0410'), 0)).toBe(2);
    expect(messageStartKind(Buffer.from([0x02, 0x10]), 0)).toBe(2);
    expect(messageStartKind(Buffer.from([0x04, 0x00]), 0)).toBe(1);
    expect(messageStartKind(Buffer.from('EVT '), 0)).toBe(3);
    expect(messageStartKind(Buffer.from('0010'), 0)).toBe(0);
    expect(messageStartKind(Buffer.from([0xff, 0xff]), 0)).toBe(0);
    expect(messageStartKind(Buffer.from([0x02, 0x9a]), 0)).toBe(0);
  });
});

describe('binary framing', () => {
  it('frames requests, responses and events, with and without TPDU', () => {
    for (const tpdu of [false, true]) {
      const { out, sink } = collector();
      const f = new BinaryFramer(sink, { tpdu });
      const t = tpdu ? { dest: 0x0001, src: 0x8000 } : null;
      f.push(
        Buffer.concat([
          encodeBinaryFrame(ASCII_0200, t),
          encodeBinaryFrame(BCD_0210, t),
          encodeBinaryEvent('LINK_DOWN', { reason: 'dial' }, t),
        ]),
      );
      expect(out).toEqual([
        {
          kind: 'request',
          hex: ASCII_0200.toString('hex'),
          wire: 2 + ASCII_0200.length + (tpdu ? 5 : 0),
          dest: tpdu ? 1 : -1,
          src: tpdu ? 0x8000 : -1,
        },
        {
          kind: 'response',
          hex: BCD_0210.toString('hex'),
          wire: 2 + BCD_0210.length + (tpdu ? 5 : 0),
          dest: tpdu ? 1 : -1,
          src: tpdu ? 0x8000 : -1,
        },
        { kind: 'event', name: 'LINK_DOWN', wire: 2 + 25 + (tpdu ? 5 : 0) },
      ]);
    }
  });

  it('every byte boundary, and byte-at-a-time', () => {
    const wire = Buffer.concat([encodeBinaryFrame(ASCII_0210), encodeBinaryFrame(BCD_0210)]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const { out, sink } = collector();
      const f = new BinaryFramer(sink);
      f.push(wire.subarray(0, cut));
      f.push(wire.subarray(cut));
      expect(out.map((e) => e.kind)).toEqual(['response', 'response']);
    }
    const { out, sink } = collector();
    const f = new BinaryFramer(sink);
    for (const b of wire) f.push(Buffer.from([b]));
    expect(out.map((e) => e.hex)).toEqual([ASCII_0210.toString('hex'), BCD_0210.toString('hex')]);
  });

  it('rejects a length of 0 and a length above the max, then resyncs', () => {
    const { out, sink } = collector();
    const f = new BinaryFramer(sink, { maxFrameBytes: 256 });
    f.push(
      Buffer.concat([
        Buffer.from([0, 0, 0x99, 0x88]),
        encodeBinaryFrame(ASCII_0210),
        Buffer.from([0xff, 0xff, 0x80, 0x81, 0x82]),
        encodeBinaryFrame(ASCII_0210),
      ]),
    );
    expect(out).toEqual([
      { kind: 'reject', code: 'E_FRAME_SIZE', bytes: 4 },
      expect.objectContaining({ kind: 'response' }),
      { kind: 'reject', code: 'E_FRAME_SIZE', bytes: 5 },
      expect.objectContaining({ kind: 'response' }),
    ]);
  });

  it('an implausible header is skipped as E_FRAME_SYNC; a wrong TPDU id too', () => {
    const { out, sink } = collector();
    const f = new BinaryFramer(sink, { tpdu: true });
    const good = encodeBinaryFrame(ASCII_0210, { dest: 1, src: 2 });
    const badTpdu = Buffer.from(good);
    badTpdu[2] = 0x61;
    f.push(Buffer.concat([badTpdu, good]));
    expect(out).toEqual([
      { kind: 'reject', code: 'E_FRAME_SYNC', bytes: badTpdu.length },
      expect.objectContaining({ kind: 'response' }),
    ]);
  });

  it('a truncated frame is dropped at idle() and the next frame is clean', () => {
    const { out, sink } = collector();
    const f = new BinaryFramer(sink);
    const good = encodeBinaryFrame(ASCII_0210);
    f.push(good.subarray(0, 20));
    expect(f.pending).toBe(20);
    f.idle();
    f.push(good);
    expect(out).toEqual([
      { kind: 'reject', code: 'E_FRAME_TRUNCATED', bytes: 20 },
      expect.objectContaining({ kind: 'response' }),
    ]);
  });

  it('a broken event body is rejected with its code; framing continues', () => {
    const { out, sink } = collector();
    const f = new BinaryFramer(sink);
    const body = Buffer.from('EVT NO_SUCH_EVENT');
    const bad = Buffer.concat([Buffer.from([0, body.length]), body]);
    f.push(Buffer.concat([bad, encodeBinaryEvent('CARD_REMOVED', { early: 1 })]));
    expect(out).toEqual([
      { kind: 'reject', code: 'E_FRAME_UNKNOWN', bytes: bad.length },
      expect.objectContaining({ kind: 'event', name: 'CARD_REMOVED' }),
    ]);
  });

  it('a frame of exactly maxFrameBytes passes; one byte more does not', () => {
    const msg = Buffer.concat([Buffer.from('0210'), Buffer.alloc(60, 0x41)]);
    const { out, sink } = collector();
    const f = new BinaryFramer(sink, { maxFrameBytes: 64 });
    f.push(encodeBinaryFrame(msg));
    f.push(encodeBinaryFrame(Buffer.concat([msg, Buffer.from('A')])));
    f.reset();
    expect(out[0]?.kind).toBe('response');
    expect(out[1]?.code).toBe('E_FRAME_SIZE');
    expect(out.reduce((n, e) => n + (e.kind === 'reject' ? e.bytes! : e.wire!), 0)).toBe(66 + 67);
  });

  it('large chunks (many frames) are framed without losing any', () => {
    const one = encodeBinaryFrame(ASCII_0210);
    const wire = Buffer.concat(Array.from({ length: 500 }, () => one));
    const { out, sink } = collector();
    new BinaryFramer(sink, { maxFrameBytes: 128 }).push(wire);
    expect(out.length).toBe(500);
    expect(out.every((e) => e.hex === ASCII_0210.toString('hex'))).toBe(true);
  });
});

// ---------- property tests ----------
const msgArb = fc.oneof(
  fc
    .tuple(fc.constantFrom('0200', '0210', '0400', '0410', '0800', '0810'), fc.uint8Array({ maxLength: 200 }))
    .map(([m, b]) => Buffer.concat([Buffer.from(m), b])),
  fc
    .tuple(
      fc.constantFrom([0x02, 0x10], [0x02, 0x00], [0x04, 0x10]),
      fc.uint8Array({ minLength: 2, maxLength: 200 }),
    )
    .map(([m, b]) => Buffer.concat([Buffer.from(m), b])),
);

describe('binary framing properties', () => {
  it('any chunking of any frame sequence yields exactly those messages', () => {
    fc.assert(
      fc.property(
        fc.array(msgArb, { maxLength: 10 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 40 }),
        (msgs, tpdu, cuts) => {
          const wire = Buffer.concat(
            msgs.map((m) => encodeBinaryFrame(m, tpdu ? { dest: 3, src: 4 } : null)),
          );
          const { out, sink } = collector();
          const f = new BinaryFramer(sink, { tpdu, maxFrameBytes: 300 });
          for (const c of chunked(wire, cuts)) f.push(c);
          expect(out.map((e) => e.hex)).toEqual(msgs.map((m) => m.toString('hex')));
          expect(f.pending).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('line noise (high-bit bytes) and bad lengths between frames cost only themselves', () => {
    const noiseArb = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 60 }).map((b) => Buffer.from(b.map((x) => x | 0x80))),
      fc.constantFrom(Buffer.from([0, 0]), Buffer.from([0xff, 0xff]), Buffer.from([0x7f, 0xff, 0x90])),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(noiseArb, msgArb), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (pairs, cuts) => {
          const wire = Buffer.concat(pairs.flatMap(([n, m]) => [n, encodeBinaryFrame(m)]));
          const { out, sink } = collector();
          const f = new BinaryFramer(sink, { maxFrameBytes: 300 });
          for (const c of chunked(wire, cuts)) f.push(c);
          f.reset();
          expect(out.filter((e) => e.kind !== 'reject').map((e) => e.hex)).toEqual(
            pairs.map(([, m]) => m.toString('hex')),
          );
          expect(out.reduce((n, e) => n + (e.kind === 'reject' ? e.bytes! : e.wire!), 0)).toBe(wire.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random bytes: never throws, memory bounded, accounting balances', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 20 }),
        (bytes, tpdu, cuts) => {
          const wire = Buffer.from(bytes);
          const { out, sink } = collector();
          const f = new BinaryFramer(sink, { tpdu, maxFrameBytes: 256 });
          for (const c of chunked(wire, cuts)) {
            f.push(c);
            expect(f.pending).toBeLessThanOrEqual(wire.length);
          }
          f.reset();
          expect(out.reduce((n, e) => n + (e.kind === 'reject' ? e.bytes! : e.wire!), 0)).toBe(wire.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
