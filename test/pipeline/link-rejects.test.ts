/**
 * What the link's rejects put in the log: never the raw input beyond a short scrubbed prefix (an
 * event line `EVT <PAN> *XXXX` once put the whole PAN on stderr), and a flood of random bytes gives
 * a bounded number of log lines per second, not one line per reject.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testPipeline } from '../helpers/pipeline.js';
import { LOG_RATE_PER_EVENT } from '../../agent/log.js';
import { Rng } from '../../hardware/simulator/rng.js';
import { findPans } from '../../protocol/card/pan.js';
import {
  crc16,
  createFramer,
  encodeBinaryFrame,
  FRAMINGS,
  type LinkEvent,
  type RejectEvent,
  withCheck,
} from '../../protocol/framing/index.js';
import { captureLogger } from '../helpers/log.js';

const PAN = '4111111111111111';

function harness() {
  const { lines, logger } = captureLogger();
  const pipeline = testPipeline({ logger });
  return { lines, pipeline };
}

/** Event bodies whose parse failure used to quote the raw input. */
const BAD_BODIES = [
  PAN, // unknown event name: the audit's case
  `${PAN}${PAN}`,
  `CARD_READ_ERROR ${PAN}=1\x01`, // bad byte in the value of a PAN-shaped key
  `CARD_READ_ERROR ${PAN}=`, // empty value of a PAN-shaped key
  `CARD_READ_ERROR ${PAN}=1 ${PAN}=2`, // repeated key
  `CARD_READ_ERROR reason=chip ${'a'.repeat(300)}=1 ${'a'.repeat(300)}=1`,
];

/** A line with a right check value whatever its bytes (withCheck refuses non-printable ones). */
function rawLine(text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  const crc = crc16(body).toString(16).toUpperCase().padStart(4, '0');
  return Buffer.concat([body, Buffer.from(` *${crc}\n`, 'latin1')]);
}

function rejectsOf(framing: 'line' | 'binary', bodies: string[]): RejectEvent[] {
  const out: RejectEvent[] = [];
  const f = createFramer({ framing }, (e: LinkEvent) => {
    if (e.kind === 'reject') out.push(e);
  });
  for (const b of bodies) {
    f.push(framing === 'line' ? rawLine(`EVT ${b}`) : encodeBinaryFrame(Buffer.from(`EVT ${b}`, 'latin1')));
  }
  // a line whose frame kind is not one we know
  if (framing === 'line') f.push(withCheck(`${PAN.slice(0, 3)} ${PAN}`));
  f.reset();
  return out;
}

describe.each(FRAMINGS)('reject reasons quote no raw input (%s framing)', (framing) => {
  it('reasons carry at most a short prefix of what was received', () => {
    const rejects = rejectsOf(framing, BAD_BODIES);
    expect(rejects.length).toBeGreaterThanOrEqual(BAD_BODIES.length);
    for (const r of rejects) {
      expect(findPans(r.reason), r.reason).toEqual([]);
      expect(r.reason).not.toContain('4111111'); // no more than a 6-character prefix of a field
      expect(r.reason.length, r.reason).toBeLessThanOrEqual(80);
    }
  });
});

describe('the agent log of rejected frames', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('`EVT 4111111111111111 *8A14` does not put the PAN in the log', () => {
    const h = harness();
    const f = createFramer({ framing: 'line' }, (e) => h.pipeline.onLinkEvent(e));
    const line = Buffer.from(`EVT ${PAN} *8A14\n`, 'latin1');
    expect(line.equals(withCheck(`EVT ${PAN}`))).toBe(true); // the check value is right: only the name is bad
    f.push(line);
    expect(h.pipeline.counters.rejects).toBe(1);
    const all = h.lines.join('\n');
    expect(all).toContain('frame_rejected');
    expect(all).not.toContain(PAN);
    expect(findPans(all)).toEqual([]);
  });

  it.each(FRAMINGS)(
    'a random-byte flood (%s framing) gives a bounded number of log lines, then one summary',
    (framing) => {
      vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
      const h = harness();
      const f = createFramer({ framing }, (e) => h.pipeline.onLinkEvent(e));
      const rng = new Rng(9);
      for (let i = 0; i < 256; i++) f.push(rng.bytes(4096));
      f.reset();
      const rejects = h.pipeline.counters.rejects;
      expect(rejects).toBeGreaterThan(200); // the flood was rejected, many times over
      const during = h.lines.length;
      // malformed responses (random bytes that frame and check by chance) have their own budget
      expect(during).toBeLessThanOrEqual(3 * LOG_RATE_PER_EVENT);
      vi.advanceTimersByTime(1_100);
      const summaries = h.lines
        .slice(during)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((o) => o.event === 'log_suppressed' && o.suppressed_event === 'frame_rejected');
      expect(summaries).toHaveLength(1);
      const logged = h.lines.slice(0, during).filter((l) => l.includes('"event":"frame_rejected"')).length;
      expect(summaries[0]!.count).toBe(rejects - logged);
    },
  );
});

describe('event arguments the agent logs (fresh-clone review)', () => {
  it.each([
    'B4111111111111111^SMITH/JOHN^2512101',
    '4111111111111111=25121011234567890',
    '4111_1111_1111_1111',
    '0412AC89ABCDEF01',
  ])('LINK_DOWN reason=%s: the log quotes 6 bytes of it at most', (reason) => {
    const { lines, pipeline } = harness();
    const framer = createFramer({ framing: 'line' }, (e) => pipeline.onLinkEvent(e));
    framer.push(Buffer.from(`${withCheck(`EVT LINK_DOWN reason=${reason}`)}\n`, 'latin1'));
    const line = lines.find((l) => l.includes('"event":"host_link_down"'));
    expect(line).toBeDefined();
    const logged = (JSON.parse(line!) as { reason: string }).reason;
    expect(logged).toBe(`${reason.slice(0, 6)}… (${reason.length} bytes)`);
    for (const l of lines) {
      expect(l).not.toContain(reason.slice(6, 16));
      expect(findPans(l)).toEqual([]);
    }
  });
});
