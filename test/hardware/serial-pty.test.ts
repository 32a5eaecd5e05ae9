/**
 * The serial link with the real serialport bindings over a real kernel pty pair (socat). The test
 * writes the "payment module" side with plain fs writes; the link reads the other end.
 */
import { closeSync, constants, openSync, readlinkSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../agent/log.js';
import { type Link, openSerialLink } from '../../hardware/serial/index.js';
import {
  encodeBinaryEvent,
  encodeBinaryFrame,
  encodeEventLine,
  encodeMessageLine,
} from '../../protocol/framing/index.js';
import { createPtyPair, type PtyPair, requireSocat } from '../helpers/socat.js';
import { recordLink, SAMPLE_RESPONSE } from '../helpers/link.js';
import { sleep, waitUntil } from '../helpers/wait.js';

const HAVE_SOCAT = requireSocat();
const MSG = SAMPLE_RESPONSE;

/** The device side of the pair: write bytes into the other end. */
function device(path: string) {
  const fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
  return {
    write: (b: Buffer) => {
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off);
    },
    close: () => closeSync(fd),
  };
}

let pair: PtyPair | null = null;
let link: Link | null = null;
afterEach(async () => {
  await link?.close();
  link = null;
  await pair?.stop();
  pair = null;
});

const FRAMINGS = [
  {
    framing: 'line' as const,
    frame: (m: Buffer) => encodeMessageLine('RSP', m),
    event: () => encodeEventLine('LINK_DOWN', { reason: 'dial' }),
  },
  {
    framing: 'binary' as const,
    frame: (m: Buffer) => encodeBinaryFrame(m, { dest: 1, src: 2 }),
    event: () => encodeBinaryEvent('LINK_DOWN', { reason: 'dial' }, { dest: 1, src: 2 }),
  },
];

for (const f of FRAMINGS) {
  describe.skipIf(!HAVE_SOCAT)(`serial link over a socat pty pair, ${f.framing} framing`, () => {
    it('frames split across writes, several in one write, garbage and an oversize frame', async () => {
      pair = await createPtyPair();
      link = openSerialLink({
        path: pair.a,
        baudRate: 115200,
        framing: f.framing,
        tpdu: f.framing === 'binary',
        maxFrameBytes: 256,
        // well above the pauses below even on a loaded machine (a 3 ms sleep can take 100s of ms)
        idleMs: 2000,
        logger: silentLogger(),
      });
      const seen = recordLink(link);
      await link.whenOpen();
      const dev = device(pair.b);
      try {
        const one = f.frame(MSG);
        // split at several byte boundaries, with pauses shorter than the binary idle timeout
        for (const cut of [1, 2, 7, one.length - 1]) {
          dev.write(one.subarray(0, cut));
          await sleep(3);
          dev.write(one.subarray(cut));
        }
        const garbage = Buffer.from([0x80, 0xff, 0xfe, 0xc3, 0x81]);
        const oversize = f.frame(Buffer.concat([Buffer.from('0210'), Buffer.alloc(600, 0x31)]));
        dev.write(Buffer.concat([one, one, garbage, one, oversize, f.event()]));
        await waitUntil(() => seen.filter((s) => s.kind !== 'reject').length === 8, 5000);
        expect(seen.filter((s) => s.kind !== 'reject').map((s) => s.kind)).toEqual([
          ...Array(7).fill('response'),
          'event',
        ]);
        expect(seen.filter((s) => s.kind === 'response').every((s) => s.hex === MSG.toString('hex'))).toBe(
          true,
        );
        const rejects = seen.filter((s) => s.kind === 'reject');
        expect(rejects.map((r) => r.code)).toContain('E_FRAME_SIZE');
        expect(rejects.reduce((n, r) => n + r.bytes!, 0)).toBe(garbage.length + oversize.length);
      } finally {
        dev.close();
      }
    });

    it('device removed (socat killed) and re-created on the same path: the link reconnects and resumes', async () => {
      pair = await createPtyPair();
      link = openSerialLink({
        path: pair.a,
        baudRate: 115200,
        framing: f.framing,
        tpdu: f.framing === 'binary',
        logger: silentLogger(),
        reconnect: { minMs: 20, maxMs: 200 },
      });
      const states: string[] = [];
      link.onState((s) => states.push(s));
      const seen = recordLink(link);
      await link.whenOpen();
      let dev = device(pair.b);
      dev.write(f.frame(MSG));
      await waitUntil(() => seen.length === 1, 5000);
      dev.close();
      await pair.stop();
      const attempts = () => states.filter((s) => s === 'reconnecting').length;
      await waitUntil(
        () => attempts() >= 2,
        5000,
        () => `failed attempts while it is gone: states ${states.join(',')}`,
      );
      expect(link.state).not.toBe('open');
      await pair.start();
      await link.whenOpen(5000);
      dev = device(pair.b);
      try {
        dev.write(Buffer.concat([f.frame(MSG), f.event()]));
        await waitUntil(() => seen.filter((s) => s.kind !== 'reject').length === 3, 5000);
      } finally {
        dev.close();
      }
      expect(seen.filter((s) => s.kind !== 'reject').map((s) => s.kind)).toEqual([
        'response',
        'response',
        'event',
      ]);
      expect(states).toContain('reconnecting');
      expect(link.stats.opens).toBe(2);
    });
  });
}

describe.skipIf(!HAVE_SOCAT)('serial link: the device path disappears while the port still answers', () => {
  it('treats a removed device path as a removed device, and reopens when it is back', async () => {
    // A hung-up tty can answer reads with 0 bytes instead of an error, so the port never reports
    // the loss; the link also watches the path. Here socat stays up and only the path goes.
    pair = await createPtyPair();
    const target = readlinkSync(pair.a);
    link = openSerialLink({
      path: pair.a,
      baudRate: 115200,
      framing: 'line',
      logger: silentLogger(),
      reconnect: { minMs: 20, maxMs: 200 },
    });
    const states: string[] = [];
    link.onState((s) => states.push(s));
    const seen = recordLink(link);
    await link.whenOpen();
    unlinkSync(pair.a);
    await waitUntil(() => link!.state !== 'open', 3000);
    expect(states).toContain('reconnecting');
    symlinkSync(target, pair.a);
    await link.whenOpen(5000);
    const dev = device(pair.b);
    try {
      dev.write(encodeEventLine('LINK_DOWN', { reason: 'dial' }));
      await waitUntil(() => seen.some((s) => s.kind === 'event'), 5000);
    } finally {
      dev.close();
    }
    expect(link.stats.opens).toBe(2);
  });
});
