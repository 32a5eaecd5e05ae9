/**
 * The serial link over @serialport/binding-mock: the real SerialPort stream, framing and reconnect
 * logic, with a mock device we can feed, split, fill with garbage and unplug.
 */

import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { recordLink, SAMPLE_RESPONSE } from '../helpers/link.js';
import { waitUntil } from '../helpers/wait.js';

// @serialport/binding-mock's own typings are not reachable under NodeNext resolution; serialport
// re-exposes the same MockBinding singleton (with types) as SerialPortMock.binding.
const MockBinding = SerialPortMock.binding;
type MockPortBinding = Awaited<ReturnType<typeof MockBinding.open>>;

import { silentLogger } from '../../agent/log.js';
import { type Link, openSerialLink, type SerialBinding } from '../../hardware/serial/index.js';
import {
  encodeBinaryEvent,
  encodeBinaryFrame,
  encodeEventLine,
  encodeMessageLine,
} from '../../protocol/framing/index.js';

const MSG = SAMPLE_RESPONSE;

/** MockBinding, remembering every port it opens so a test can feed or unplug it. */
function trackingBinding() {
  const opened: MockPortBinding[] = [];
  const binding = {
    ...MockBinding,
    async open(options: Parameters<typeof MockBinding.open>[0]) {
      const p = await MockBinding.open(options);
      opened.push(p);
      return p;
    },
  } as typeof MockBinding;
  return { binding: binding as SerialBinding, opened, last: () => opened[opened.length - 1]! };
}

let link: Link | null = null;
afterEach(async () => {
  await link?.close();
  link = null;
  MockBinding.reset();
});

const FRAMINGS = [
  {
    framing: 'line' as const,
    frame: (m: Buffer) => encodeMessageLine('RSP', m),
    event: () => encodeEventLine('CARD_INSERTED'),
  },
  {
    framing: 'binary' as const,
    frame: (m: Buffer) => encodeBinaryFrame(m),
    event: () => encodeBinaryEvent('CARD_INSERTED'),
  },
];

for (const f of FRAMINGS) {
  describe(`serial link over binding-mock, ${f.framing} framing`, () => {
    it('delivers frames read one byte at a time (every byte boundary)', async () => {
      MockBinding.createPort('/dev/mock0', { maxReadSize: 1 });
      const tb = trackingBinding();
      link = openSerialLink({
        path: '/dev/mock0',
        baudRate: 115200,
        framing: f.framing,
        binding: tb.binding,
        logger: silentLogger(),
      });
      const seen = recordLink(link);
      await link.whenOpen();
      tb.last().emitData(Buffer.concat([f.frame(MSG), f.event(), f.frame(MSG)]));
      await waitUntil(() => seen.length === 3, 3000);
      expect(seen).toEqual([
        { kind: 'response', hex: MSG.toString('hex') },
        { kind: 'event', name: 'CARD_INSERTED' },
        { kind: 'response', hex: MSG.toString('hex') },
      ]);
    });

    it('several frames in one chunk, garbage between frames, an oversize frame', async () => {
      MockBinding.createPort('/dev/mock1');
      const tb = trackingBinding();
      link = openSerialLink({
        path: '/dev/mock1',
        baudRate: 115200,
        framing: f.framing,
        maxFrameBytes: 256,
        binding: tb.binding,
        logger: silentLogger(),
      });
      const seen = recordLink(link);
      await link.whenOpen();
      const garbage = Buffer.from([0xff, 0xfe, 0x80, 0x99, 0xaa]);
      const oversize = f.frame(Buffer.concat([Buffer.from('0210'), Buffer.alloc(400, 0x30)]));
      const wire = Buffer.concat([f.frame(MSG), f.frame(MSG), garbage, f.frame(MSG), oversize, f.event()]);
      tb.last().emitData(wire);
      await waitUntil(() => seen.filter((s) => s.kind !== 'reject').length === 4, 3000);
      expect(seen.filter((s) => s.kind !== 'reject').map((s) => s.kind)).toEqual([
        'response',
        'response',
        'response',
        'event',
      ]);
      const rejects = seen.filter((s) => s.kind === 'reject');
      expect(rejects.map((r) => r.code)).toContain('E_FRAME_SIZE');
      expect(rejects.reduce((n, r) => n + r.bytes!, 0)).toBe(garbage.length + oversize.length);
      expect(link.stats.bytesIn).toBe(wire.length);
    });

    it('device removed and re-created mid-stream: reconnects with backoff and resumes', async () => {
      MockBinding.createPort('/dev/mock2');
      const tb = trackingBinding();
      link = openSerialLink({
        path: '/dev/mock2',
        baudRate: 9600,
        framing: f.framing,
        binding: tb.binding,
        logger: silentLogger(),
        reconnect: { minMs: 10, maxMs: 40 },
      });
      const states: string[] = [];
      link.onState((s) => states.push(s));
      const seen = recordLink(link);
      await link.whenOpen();
      const full = f.frame(MSG);
      tb.last().emitData(Buffer.concat([full, full.subarray(0, 10)])); // one frame and the head of the next
      await waitUntil(() => seen.length === 1, 3000);
      // unplug: the device disappears and the pending read fails like an EIO
      MockBinding.reset();
      (tb.last() as unknown as { pendingRead: ((e: Error) => void) | null }).pendingRead?.(
        new Error('EIO: device unplugged'),
      );
      const attempts = () => states.filter((s) => s === 'reconnecting').length;
      await waitUntil(
        () => attempts() >= 3,
        3000,
        () => `failed attempts while it is gone: states ${states.join(',')}`,
      );
      expect(link.state).not.toBe('open');
      MockBinding.createPort('/dev/mock2');
      await link.whenOpen();
      tb.last().emitData(Buffer.concat([full, f.event()]));
      await waitUntil(() => seen.filter((s) => s.kind !== 'reject').length === 3, 3000);
      expect(seen).toEqual([
        { kind: 'response', hex: MSG.toString('hex') },
        { kind: 'reject', code: 'E_FRAME_TRUNCATED', bytes: 10 },
        { kind: 'response', hex: MSG.toString('hex') },
        { kind: 'event', name: 'CARD_INSERTED' },
      ]);
      expect(states.filter((s) => s === 'reconnecting').length).toBeGreaterThanOrEqual(2);
      expect(link.stats.opens).toBe(2);
      expect(link.stats.disconnects).toBe(1);
    });
  });
}

describe('serial link basics', () => {
  it('rejects a bad config with a code', () => {
    expect(() =>
      openSerialLink({ path: '', baudRate: 9600, framing: 'line', logger: silentLogger() }),
    ).toThrowError(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() =>
      openSerialLink({ path: '/x', baudRate: 0, framing: 'line', logger: silentLogger() }),
    ).toThrowError(/baud/);
  });

  it('writes reach the device while open; writes while closed are counted as dropped', async () => {
    MockBinding.createPort('/dev/mockw', { record: true });
    const tb = trackingBinding();
    link = openSerialLink({
      path: '/dev/mockw',
      baudRate: 9600,
      framing: 'line',
      binding: tb.binding,
      logger: silentLogger(),
    });
    await link.whenOpen();
    expect(link.write(Buffer.from('hello\n'))).toBe(true);
    await waitUntil(() => tb.last().recording.length === 6, 3000);
    await link.close();
    expect(link.state).toBe('closed');
    expect(link.write(Buffer.from('x'))).toBe(false);
    expect(link.stats.writesDropped).toBe(1);
  });

  it('a device that never appears keeps the link reconnecting, and close() stops it', async () => {
    const tb = trackingBinding();
    link = openSerialLink({
      path: '/dev/nothing',
      baudRate: 9600,
      framing: 'binary',
      binding: tb.binding,
      logger: silentLogger(),
      reconnect: { minMs: 5, maxMs: 10 },
    });
    await waitUntil(() => link!.state === 'reconnecting', 3000);
    await expect(link.whenOpen(50)).rejects.toMatchObject({ code: 'E_LINK_TIMEOUT' });
    await link.close();
    expect(link.state).toBe('closed');
  });
});
