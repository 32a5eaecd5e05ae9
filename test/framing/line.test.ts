import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  crc16,
  encodeEventLine,
  encodeMessageLine,
  LineFramer,
  type LinkEvent,
  withCheck,
} from '../../protocol/framing/index.js';
import { chunked } from '../helpers/chunks.js';

/** Collects events, copying borrowed message bytes. */
function collector() {
  const out: Array<{
    kind: string;
    hex?: string;
    name?: string;
    stan?: string | null;
    args?: Record<string, string>;
    code?: string;
    bytes?: number;
    wire?: number;
  }> = [];
  const sink = (e: LinkEvent) => {
    if (e.kind === 'response' || e.kind === 'request')
      out.push({ kind: e.kind, hex: e.buf.toString('hex', e.offset, e.offset + e.length), wire: e.wire });
    else if (e.kind === 'event')
      out.push({ kind: 'event', name: e.name, stan: e.stan, args: { ...e.args }, wire: e.wire });
    else if (e.kind === 'reject') out.push({ kind: 'reject', code: e.code, bytes: e.bytes });
  };
  return { out, sink };
}

const MSG = Buffer.from(
  '0210723800000280000016476173900101011900000000000001234500012310150011230512345678901251',
  'latin1',
);

describe('crc16 (CCITT-FALSE)', () => {
  it('has the catalogued check value', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x29b1);
  });
});

describe('line framing', () => {
  it('encodes and parses RSP, REQ and EVT lines', () => {
    const { out, sink } = collector();
    const f = new LineFramer(sink);
    f.push(
      Buffer.concat([
        encodeMessageLine('REQ', MSG),
        encodeMessageLine('RSP', MSG),
        encodeEventLine('HOST_TIMEOUT', { stan: '000123' }),
      ]),
    );
    expect(out).toEqual([
      { kind: 'request', hex: MSG.toString('hex'), wire: 2 * MSG.length + 11 },
      { kind: 'response', hex: MSG.toString('hex'), wire: 2 * MSG.length + 11 },
      { kind: 'event', name: 'HOST_TIMEOUT', stan: '000123', args: { stan: '000123' }, wire: 35 },
    ]);
  });

  it('the documented example line has the documented check value', () => {
    expect(encodeEventLine('CARD_INSERTED').toString()).toBe(withCheck('EVT CARD_INSERTED').toString());
    expect(withCheck('EVT HOST_TIMEOUT stan=000123').toString()).toMatch(
      /^EVT HOST_TIMEOUT stan=000123 \*[0-9A-F]{4}\n$/,
    );
  });

  it('accepts CRLF and lowercase hex', () => {
    const { out, sink } = collector();
    const line = encodeMessageLine('RSP', MSG)
      .toString()
      .replace('\n', '\r\n')
      .toLowerCase()
      .replace(/^rsp/, 'RSP');
    // lowercasing changes the bytes under the check value: recompute it
    const body = line.slice(0, line.indexOf(' *'));
    new LineFramer(sink).push(Buffer.from(withCheck(body).toString().replace('\n', '\r\n')));
    expect(out[0]?.kind).toBe('response');
    expect(out[0]?.hex).toBe(MSG.toString('hex'));
  });

  it('rejects with typed codes and resyncs on the next line', () => {
    const { out, sink } = collector();
    const f = new LineFramer(sink);
    const good = encodeEventLine('CARD_TAPPED');
    const flipped = Buffer.from(encodeMessageLine('RSP', MSG));
    flipped[10] = flipped[10] === 0x30 ? 0x31 : 0x30;
    f.push(
      Buffer.concat([
        flipped,
        good,
        withCheck('RSP 02XZ'),
        withCheck('FOO 1234'),
        withCheck('EVT NOT_AN_EVENT'),
        withCheck('EVT HOST_TIMEOUT'),
        withCheck('EVT HOST_TIMEOUT stan=12'),
        withCheck('RSP 021'),
        Buffer.from('no check value here\n'),
        good,
      ]),
    );
    expect(out.map((e) => e.code ?? e.name)).toEqual([
      'E_FRAME_CHECK',
      'CARD_TAPPED',
      'E_FRAME_SYNTAX',
      'E_FRAME_UNKNOWN',
      'E_FRAME_UNKNOWN',
      'E_FRAME_SYNTAX',
      'E_FRAME_SYNTAX',
      'E_FRAME_SYNTAX',
      'E_FRAME_SYNTAX',
      'CARD_TAPPED',
    ]);
  });

  it('recovers a frame that follows garbage or a truncated frame on the same line', () => {
    const { out, sink } = collector();
    const f = new LineFramer(sink);
    const rsp = encodeMessageLine('RSP', MSG);
    const truncated = rsp.subarray(0, 40);
    f.push(Buffer.concat([Buffer.from([0xff, 0x00, 0x13]), truncated, rsp]));
    expect(out).toEqual([
      { kind: 'reject', code: 'E_FRAME_SYNC', bytes: 43 },
      { kind: 'response', hex: MSG.toString('hex'), wire: rsp.length },
    ]);
  });

  it('rejects an oversize line once, keeps memory bounded, and delivers the next line', () => {
    const { out, sink } = collector();
    const f = new LineFramer(sink, { maxFrameBytes: 64 });
    expect(f.maxLineBytes).toBe(192);
    const big = encodeMessageLine('RSP', Buffer.alloc(500, 0x41));
    for (let i = 0; i < big.length; i += 7) {
      f.push(big.subarray(i, i + 7));
      expect(f.pending).toBeLessThanOrEqual(big.length);
    }
    f.push(encodeEventLine('LINK_UP'));
    expect(out).toEqual([
      { kind: 'reject', code: 'E_FRAME_SIZE', bytes: big.length },
      { kind: 'event', name: 'LINK_UP', stan: null, args: {}, wire: encodeEventLine('LINK_UP').length },
    ]);
  });

  it('a message above maxFrameBytes inside a short enough line is E_FRAME_SIZE', () => {
    const { out, sink } = collector();
    new LineFramer(sink, { maxFrameBytes: 8, maxLineBytes: 200 }).push(
      encodeMessageLine('RSP', Buffer.alloc(20, 1)),
    );
    expect(out[0]?.code).toBe('E_FRAME_SIZE');
  });

  it('reset reports a partial line as truncated', () => {
    const { out, sink } = collector();
    const f = new LineFramer(sink);
    f.push(Buffer.from('RSP 0210'));
    f.reset();
    expect(out).toEqual([{ kind: 'reject', code: 'E_FRAME_TRUNCATED', bytes: 8 }]);
    expect(f.pending).toBe(0);
  });

  it('event arguments: unknown keys pass through; bad ones are refused by the encoder', () => {
    const { out, sink } = collector();
    new LineFramer(sink).push(encodeEventLine('CARD_READ_ERROR', { reason: 'chip', fw: '1.2' }));
    expect(out[0]?.args).toEqual({ reason: 'chip', fw: '1.2' });
    expect(() => encodeEventLine('LINK_DOWN', { reason: 'two words' })).toThrowError(/printable ASCII/);
  });
});

// ---------- property tests ----------

type Spec = { t: 'msg'; kind: 'RSP' | 'REQ'; bytes: Uint8Array } | { t: 'evt'; stan: string };

const frameArb: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({
    t: fc.constant('msg' as const),
    kind: fc.constantFrom('RSP' as const, 'REQ' as const),
    bytes: fc.uint8Array({ minLength: 4, maxLength: 300 }),
  }),
  fc.record({ t: fc.constant('evt' as const), stan: fc.stringMatching(/^\d{6}$/) }),
);

function encode(s: Spec): Buffer {
  return s.t === 'msg'
    ? encodeMessageLine(s.kind, s.bytes)
    : encodeEventLine('HOST_TIMEOUT', { stan: s.stan });
}
function expected(s: Spec) {
  return s.t === 'msg'
    ? { kind: s.kind === 'RSP' ? 'response' : 'request', hex: Buffer.from(s.bytes).toString('hex') }
    : { kind: 'event', stan: s.stan };
}
function strip(e: ReturnType<typeof collector>['out'][number]) {
  return e.kind === 'event' ? { kind: e.kind, stan: e.stan } : { kind: e.kind, hex: e.hex };
}

describe('line framing properties', () => {
  it('any chunking of any frame sequence yields exactly those frames', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (frames, cuts) => {
          const wire = Buffer.concat(frames.map(encode));
          const { out, sink } = collector();
          const f = new LineFramer(sink);
          for (const c of chunked(wire, cuts)) f.push(c);
          expect(out.map(strip)).toEqual(frames.map(expected));
          expect(f.pending).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every byte boundary of a frame pair', () => {
    const wire = Buffer.concat([
      encodeMessageLine('RSP', MSG),
      encodeEventLine('REVERSAL_SENT', { stan: '000001' }),
    ]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const { out, sink } = collector();
      const f = new LineFramer(sink);
      f.push(wire.subarray(0, cut));
      f.push(wire.subarray(cut));
      expect(out.map((e) => e.kind)).toEqual(['response', 'event']);
    }
  });

  it('garbage between frames costs only its own bytes; every byte is accounted for', () => {
    const garbageArb = fc.uint8Array({ minLength: 1, maxLength: 80 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(garbageArb, frameArb), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (pairs, cuts) => {
          const parts: Buffer[] = [];
          for (const [g, fr] of pairs) parts.push(Buffer.from(g), encode(fr));
          const wire = Buffer.concat(parts);
          const { out, sink } = collector();
          const f = new LineFramer(sink);
          for (const c of chunked(wire, cuts)) f.push(c);
          f.reset();
          const good = out.filter((e) => e.kind !== 'reject');
          expect(good.map(strip)).toEqual(pairs.map(([, fr]) => expected(fr)));
          const accounted = out.reduce((n, e) => n + (e.kind === 'reject' ? e.bytes! : e.wire!), 0);
          expect(accounted).toBe(wire.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random bytes never throw, and the accounting always balances', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (bytes, cuts) => {
          const wire = Buffer.from(bytes);
          const { out, sink } = collector();
          const f = new LineFramer(sink, { maxFrameBytes: 100 });
          for (const c of chunked(wire, cuts)) f.push(c);
          f.reset();
          expect(out.reduce((n, e) => n + (e.kind === 'reject' ? e.bytes! : e.wire!), 0)).toBe(wire.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
