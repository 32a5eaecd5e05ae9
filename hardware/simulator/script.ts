/**
 * Turns a scenario into a deterministic script of frames (same seed, same bytes). Each step says
 * what the framer must yield (`link`) and what the pipeline must conclude from it (`outcome`),
 * so tests can assert categories and counts without re-deriving them.
 *
 * Rules that keep per-step expectations exact (see docs/serial.md "Simulator"):
 * - a noise step is always followed by a valid frame (each transaction starts with one);
 * - line garbage never contains a frame kind token ("RSP ", "REQ ", "EVT ");
 * - binary garbage uses bytes 0x80-0xFF (a length read from them is above any allowed maximum);
 * - a truncated binary frame is followed by a quiet gap (gapAfterMs) longer than the link's idle
 *   timeout, as a module reset would be; without it the next frame would be lost too.
 */
import { LOCAL_FAULTS } from '../../protocol/response-codes/index.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  encodeBinaryEvent,
  encodeBinaryFrame,
  encodeEventLine,
  encodeMessageLine,
  FRAME_ERROR_CODES,
  FrameError,
  type FrameErrorCode,
  type FramingName,
  type LinkEventName,
  type TpduAddress,
  withCheck,
} from '../../protocol/framing/index.js';
import { DIALECTS, type DialectName, encodeMessage } from '../../protocol/iso8583/index.js';
import { CardPopulation } from './cards.js';
import { Rng } from './rng.js';
import { SCENARIOS, type Scenario, type ScenarioName } from './scenarios.js';

export interface ScriptOptions {
  scenario: ScenarioName;
  framing: FramingName;
  /** Binary framing with a 5-byte TPDU. */
  tpdu?: boolean;
  /** ISO 8583 dialect of the messages. Default 'ascii'. */
  dialect?: DialectName;
  seed?: number;
  /** The agent's maxFrameBytes (oversize noise goes above it). Default 4096. */
  maxFrameBytes?: number;
  /** Quiet gap after a truncated binary frame, ms. Default 200 (link idle default: 50). */
  idleGapMs?: number;
  terminalId?: string;
  merchantId?: string;
  currency?: string;
}

export type LinkExpect =
  | { kind: 'response' | 'request'; mti: string; stan: string | null; rc: string | null }
  | { kind: 'event'; name: LinkEventName; stan: string | null }
  /** One or more rejects totalling exactly `bytes`, each with a code in `codes`. */
  | { kind: 'reject'; bytes: number; codes: readonly FrameErrorCode[] };

export interface Outcome {
  /** Field 39 as sent ('00' = approved), or a local fault code (LOCAL_FAULTS, e.g. 'L_TIMEOUT'). */
  rc: string;
  /** How the pipeline learns it: a response, an event, its own request timer, a failed decode. */
  via: 'response' | 'event' | 'timeout' | 'decode';
  stan: string | null;
  /** A retransmission of an earlier response (same STAN and RRN): must not be recorded again. */
  duplicate: boolean;
}

export interface ScriptStep {
  index: number;
  /** Transaction number, null for noise and link events. */
  txn: number | null;
  /** Human-readable, no card data: e.g. "RSP 0210 stan=000124 rc=51". */
  label: string;
  bytes: Buffer;
  link: LinkExpect;
  outcome: Outcome | null;
  /** Keep the line quiet this long after the step. */
  gapAfterMs: number;
}

/** Luhn-valid public test card numbers (the damaged samples of noise steps use the first). */
export const TEST_PANS = [
  '4761739001010119',
  '5413330089010434',
  '4005550000000019',
  '374245455400126',
  '6011000990139424',
] as const;

type Entry = 'chip' | 'contactless' | 'swipe';
const ENTRY_MODE: Record<Entry, string> = { chip: '051', contactless: '071', swipe: '901' };
const CARD_EVENT: Record<Entry, LinkEventName> = {
  chip: 'CARD_INSERTED',
  contactless: 'CARD_TAPPED',
  swipe: 'CARD_SWIPED',
};

const LINE_NOISE = [
  'garbage',
  'truncated',
  'corrupt_check',
  'oversize',
  'bad_hex',
  'unknown_kind',
  'malformed',
] as const;
const BINARY_NOISE = ['garbage', 'truncated', 'bad_length', 'oversize', 'malformed'] as const;

class Builder {
  readonly rng: Rng;
  /** The shop's cards (cards.ts), made from the seed. */
  readonly cards: CardPopulation;
  readonly sc: Scenario;
  readonly dialect;
  readonly maxFrame: number;
  readonly reqTpdu: TpduAddress | null;
  readonly rspTpdu: TpduAddress | null;
  private index = 0;
  private stanNo: number;
  private rrnNo: number;
  /** Simulated clock for fields 12/13: 2026-11-23 08:00:00 UTC plus 20 s per transaction. */
  private clock = Date.UTC(2026, 10, 23, 8, 0, 0);
  lastResponse: { bytes: Buffer; mti: string; stan: string; rc: string } | null = null;

  constructor(readonly o: Required<Omit<ScriptOptions, 'tpdu'>> & { tpdu: boolean }) {
    this.rng = new Rng(o.seed);
    this.cards = new CardPopulation(o.seed);
    this.sc = SCENARIOS[o.scenario];
    this.dialect = DIALECTS[o.dialect];
    this.maxFrame = o.maxFrameBytes;
    this.reqTpdu = o.framing === 'binary' && o.tpdu ? { dest: 0x0001, src: 0x0000 } : null;
    this.rspTpdu = o.framing === 'binary' && o.tpdu ? { dest: 0x0000, src: 0x0001 } : null;
    this.stanNo = this.rng.int(1, 900000);
    this.rrnNo = this.rng.int(100000, 999999) * 1_000_000;
  }

  step(
    txn: number | null,
    label: string,
    bytes: Buffer,
    link: LinkExpect,
    outcome: Outcome | null,
    gapAfterMs = 0,
  ): ScriptStep {
    return { index: this.index++, txn, label, bytes, link, outcome, gapAfterMs };
  }

  nextStan(): string {
    this.stanNo = (this.stanNo % 999999) + 1;
    return String(this.stanNo).padStart(6, '0');
  }

  nextRrn(): string {
    this.rrnNo++;
    return String(this.rrnNo % 1e12).padStart(12, '0');
  }

  tick(): { time: string; date: string } {
    this.clock += 20_000;
    const d = new Date(this.clock);
    const p = (n: number) => String(n).padStart(2, '0');
    return {
      time: `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`,
      date: `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`,
    };
  }

  message(kind: 'REQ' | 'RSP', iso: Buffer): Buffer {
    return this.o.framing === 'line'
      ? encodeMessageLine(kind, iso)
      : encodeBinaryFrame(iso, kind === 'REQ' ? this.reqTpdu : this.rspTpdu);
  }

  event(name: LinkEventName, args: Record<string, string> = {}): Buffer {
    return this.o.framing === 'line'
      ? encodeEventLine(name, args)
      : encodeBinaryEvent(name, args, this.rspTpdu);
  }

  eventStep(
    txn: number | null,
    name: LinkEventName,
    args: Record<string, string>,
    outcome: Outcome | null,
  ): ScriptStep {
    const stan = args['stan'] ?? null;
    const shown = Object.entries(args)
      .map(([k, v]) => ` ${k}=${v}`)
      .join('');
    return this.step(
      txn,
      `EVT ${name}${shown}`,
      this.event(name, args),
      { kind: 'event', name, stan },
      outcome,
    );
  }
}

function local(rc: string, via: Outcome['via'], stan: string | null): Outcome {
  return { rc, via, stan, duplicate: false };
}

function* transaction(b: Builder, txn: number, outcomeKey: string, inOutage: boolean): Generator<ScriptStep> {
  const { rng, o } = b;
  const entry: Entry =
    outcomeKey === 'removed_early' ? 'chip' : rng.weighted({ chip: 50, contactless: 40, swipe: 10 });
  // one draw of the script's stream, as when it picked from five cards: outcomes stay as they were
  const pan = b.cards.draw(outcomeKey, rng.next()).pan;
  const amount = String(rng.int(100, 25000)).padStart(12, '0');
  const money = { amount, currency: o.currency };
  yield b.eventStep(txn, CARD_EVENT[entry], {}, null);

  switch (outcomeKey) {
    case 'card_read_error':
      yield b.eventStep(
        txn,
        'CARD_READ_ERROR',
        { reason: entry, ...money },
        local(LOCAL_FAULTS.cardReadError, 'event', null),
      );
      return;
    case 'removed_early':
      yield b.eventStep(
        txn,
        'CARD_REMOVED',
        { early: '1', ...money },
        local(LOCAL_FAULTS.cardRemoved, 'event', null),
      );
      return;
    case 'pin_timeout':
      yield b.eventStep(txn, 'PIN_TIMEOUT', money, local(LOCAL_FAULTS.pinTimeout, 'event', null));
      return;
    case 'pin_cancel':
      yield b.eventStep(txn, 'PIN_CANCEL', money, local(LOCAL_FAULTS.pinCancel, 'event', null));
      return;
  }

  const stan = b.nextStan();
  const { time, date } = b.tick();
  const common: Record<number, string> = {
    2: pan,
    3: '000000',
    4: amount,
    11: stan,
    12: time,
    13: date,
    22: ENTRY_MODE[entry],
    41: o.terminalId,
    42: o.merchantId,
    49: o.currency,
  };
  const req = encodeMessage(b.dialect, { mti: '0200', fields: common });
  const silent = outcomeKey === 'silent_timeout';
  yield b.step(
    txn,
    `REQ 0200 stan=${stan}`,
    b.message('REQ', req),
    { kind: 'request', mti: '0200', stan, rc: null },
    silent ? local(LOCAL_FAULTS.hostTimeout, 'timeout', stan) : null,
  );
  if (silent) return;

  if (outcomeKey === 'host_timeout') {
    yield b.eventStep(
      txn,
      'HOST_TIMEOUT',
      { stan, ...money },
      local(LOCAL_FAULTS.hostTimeout, 'event', stan),
    );
    if (inOutage) yield b.eventStep(txn, 'REVERSAL_SENT', { stan }, null);
    return;
  }

  const rc = outcomeKey;
  const rspFields: Record<number, string> = { ...common, 37: b.nextRrn(), 39: rc };
  if (rc === '00') rspFields[38] = authCode(rng);
  const rsp = encodeMessage(b.dialect, { mti: '0210', fields: rspFields });
  const rspBytes = b.message('RSP', rsp);
  b.lastResponse = { bytes: rspBytes, mti: '0210', stan, rc };
  yield b.step(
    txn,
    `RSP 0210 stan=${stan} rc=${rc}`,
    rspBytes,
    { kind: 'response', mti: '0210', stan, rc },
    { rc, via: 'response', stan, duplicate: false },
  );
  if (entry === 'chip') yield b.eventStep(txn, 'CARD_REMOVED', {}, null);
}

function authCode(rng: Rng): string {
  const A = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  let s = '';
  for (let i = 0; i < 6; i++) s += A[rng.int(0, A.length - 1)];
  return s;
}

const KIND_TOKEN = /RSP |REQ |EVT /;

function noiseStep(b: Builder): ScriptStep {
  const { rng, o } = b;
  const line = o.framing === 'line';
  const variant = line ? rng.pick(LINE_NOISE) : rng.pick(BINARY_NOISE);
  const reject = (bytes: Buffer, codes: readonly FrameErrorCode[], gap = 0, what: string = variant) =>
    b.step(
      null,
      `noise ${what} (${bytes.length} bytes)`,
      bytes,
      { kind: 'reject', bytes: bytes.length, codes },
      null,
      gap,
    );
  const C = FRAME_ERROR_CODES;
  // a realistic 0210 to damage
  const sample = encodeMessage(b.dialect, {
    mti: '0210',
    fields: {
      2: TEST_PANS[0],
      3: '000000',
      4: '000000001999',
      11: '999999',
      37: '000000000000',
      39: '05',
      41: o.terminalId,
      49: o.currency,
    },
  });
  switch (variant) {
    case 'garbage': {
      if (!line) return reject(rng.bytes(rng.int(3, 40), 0x80, 0xff), [C.size]);
      let g: Buffer;
      do g = rng.bytes(rng.int(3, 40));
      while (KIND_TOKEN.test(g.toString('latin1')));
      return reject(g, [C.sync, C.check, C.syntax, C.unknown]);
    }
    case 'truncated': {
      const whole = b.message('RSP', sample);
      const cut = whole.subarray(0, rng.int(line ? 5 : 1, whole.length - 2));
      return line ? reject(Buffer.from(cut), [C.sync]) : reject(Buffer.from(cut), [C.truncated], o.idleGapMs);
    }
    case 'corrupt_check': {
      const whole = Buffer.from(b.message('RSP', sample));
      const i = rng.int(4, whole.length - 8); // a hex digit of the body
      const c = whole[i]!;
      whole[i] = c === 0x30 ? 0x31 : 0x30;
      return reject(whole, [C.check]);
    }
    case 'oversize': {
      const n = b.maxFrame + rng.int(1, 200);
      if (line)
        return reject(
          encodeMessageLine('RSP', Buffer.concat([Buffer.from('0210'), Buffer.alloc(n - 4, 0xaa)])),
          [C.size],
        );
      const f = Buffer.alloc(2 + n, 0xaa);
      f.writeUInt16BE(n, 0);
      f.write('0210', 2, 'latin1');
      return reject(f, [C.size]);
    }
    case 'bad_length': {
      const head = rng.pick([Buffer.from([0, 0]), Buffer.from([0xff, 0xff]), Buffer.from([0x7f, 0xff])]);
      return reject(Buffer.concat([head, rng.bytes(rng.int(3, 20), 0x80, 0xff)]), [C.size]);
    }
    case 'bad_hex': {
      const hex = sample.toString('hex').toUpperCase();
      const i = 2 * rng.int(0, hex.length / 2 - 1);
      return reject(withCheck(`RSP ${hex.slice(0, i)}G${hex.slice(i + 1)}`), [C.syntax]);
    }
    case 'unknown_kind':
      return reject(rng.next() < 0.5 ? withCheck('ACK 000001') : withCheck('EVT PRINTER_ERROR code=7'), [
        C.unknown,
      ]);
    default: {
      // malformed: correctly framed, but the ISO 8583 bytes stop in the middle of the fields
      const cut = Buffer.from(sample.subarray(0, rng.int(Math.floor(sample.length / 3), sample.length - 3)));
      return b.step(
        null,
        `RSP malformed 0210 (${cut.length} of ${sample.length} bytes)`,
        b.message('RSP', cut),
        { kind: 'response', mti: '0210', stan: null, rc: null },
        local(LOCAL_FAULTS.malformedResponse, 'decode', null),
      );
    }
  }
}

export function resolveOptions(
  opts: ScriptOptions,
): Required<Omit<ScriptOptions, 'tpdu'>> & { tpdu: boolean } {
  const o = {
    scenario: opts.scenario,
    framing: opts.framing,
    tpdu: opts.tpdu === true,
    dialect: opts.dialect ?? 'ascii',
    seed: opts.seed ?? 1,
    maxFrameBytes: opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    idleGapMs: opts.idleGapMs ?? 200,
    terminalId: opts.terminalId ?? 'TERM0001',
    merchantId: opts.merchantId ?? 'MERCHANT0000001',
    currency: opts.currency ?? '978',
  };
  if (!Object.hasOwn(SCENARIOS, o.scenario))
    throw new FrameError('E_USAGE', `unknown scenario ${o.scenario}`);
  if (o.framing !== 'line' && o.framing !== 'binary')
    throw new FrameError('E_USAGE', `unknown framing ${String(o.framing)}`);
  if (o.tpdu && o.framing !== 'binary') throw new FrameError('E_USAGE', '--tpdu needs binary framing');
  if (!Object.hasOwn(DIALECTS, o.dialect)) throw new FrameError('E_USAGE', `unknown dialect ${o.dialect}`);
  if (!Number.isInteger(o.seed)) throw new FrameError('E_USAGE', 'seed must be an integer');
  if (o.terminalId.length !== 8) throw new FrameError('E_USAGE', 'terminal id must be 8 characters');
  if (o.merchantId.length !== 15) throw new FrameError('E_USAGE', 'merchant id must be 15 characters');
  return o;
}

/** The endless script of a scenario (deterministic for a seed). */
export function* scriptSteps(opts: ScriptOptions): Generator<ScriptStep, never> {
  const b = new Builder(resolveOptions(opts));
  const sc = b.sc;
  for (let txn = 0; ; txn++) {
    const ou = sc.outage;
    if (ou && txn > 0 && txn % (ou.every + ou.length) === ou.every) {
      yield b.eventStep(
        null,
        'LINK_DOWN',
        { reason: b.rng.pick(['no_carrier', 'dns', 'tls_handshake']) },
        local(LOCAL_FAULTS.linkDown, 'event', null),
      );
    }
    const inOutage = ou !== undefined && txn % (ou.every + ou.length) >= ou.every;
    const mix = inOutage ? ou.duringMix : sc.mix;
    yield* transaction(b, txn, b.rng.weighted(mix), inOutage);
    if (ou && txn % (ou.every + ou.length) === ou.every + ou.length - 1) {
      yield b.eventStep(null, 'LINK_UP', {}, null);
      if (ou.duplicateAfter && b.lastResponse) {
        const r = b.lastResponse;
        yield b.step(
          null,
          `RSP 0210 stan=${r.stan} rc=${r.rc} (retransmitted)`,
          r.bytes,
          { kind: 'response', mti: r.mti, stan: r.stan, rc: r.rc },
          { rc: r.rc, via: 'response', stan: r.stan, duplicate: true },
        );
      }
    }
    if (sc.noise !== undefined && b.rng.next() < sc.noise) yield noiseStep(b);
  }
}

/** The first `count` steps of a scenario's script. */
export function buildScript(opts: ScriptOptions, count: number): ScriptStep[] {
  const out: ScriptStep[] = [];
  if (count <= 0) return out;
  for (const s of scriptSteps(opts)) {
    out.push(s);
    if (out.length >= count) break;
  }
  return out;
}

export interface ScriptSummary {
  steps: number;
  bytes: number;
  /** Steps by what the framer yields: response, request, event, reject. */
  link: Record<string, number>;
  /** Outcomes by rc (approvals '00' included), duplicates excluded. */
  outcomes: Record<string, number>;
  /** Outcomes that are failures (rc other than '00'), duplicates excluded. */
  failures: number;
  duplicates: number;
  rejectBytes: number;
}

export function summarize(steps: readonly ScriptStep[]): ScriptSummary {
  const s: ScriptSummary = {
    steps: steps.length,
    bytes: 0,
    link: {},
    outcomes: {},
    failures: 0,
    duplicates: 0,
    rejectBytes: 0,
  };
  for (const st of steps) {
    s.bytes += st.bytes.length;
    s.link[st.link.kind] = (s.link[st.link.kind] ?? 0) + 1;
    if (st.link.kind === 'reject') s.rejectBytes += st.link.bytes;
    if (!st.outcome) continue;
    if (st.outcome.duplicate) {
      s.duplicates++;
      continue;
    }
    s.outcomes[st.outcome.rc] = (s.outcomes[st.outcome.rc] ?? 0) + 1;
    if (st.outcome.rc !== '00') s.failures++;
  }
  return s;
}
