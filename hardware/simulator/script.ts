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
  encodeMessageLine,
  FRAME_ERROR_CODES,
  FrameError,
  type FrameErrorCode,
  withCheck,
} from '../../protocol/framing/index.js';
import { DIALECTS } from '../../protocol/iso8583/index.js';
import { Builder, local, type ResolvedOptions, type ScriptOptions, type ScriptStep } from './builder.js';
import { LATE_GAP_MS, SCENARIOS } from './scenarios.js';
import { isSequence, sequence } from './sequences.js';

export type { LinkExpect, Outcome, SaleExpect, SaleState, ScriptOptions, ScriptStep } from './builder.js';

/** Luhn-valid public test card numbers (the damaged samples of noise steps use the first). */
export const TEST_PANS = [
  '4761739001010119',
  '5413330089010434',
  '4005550000000019',
  '374245455400126',
  '6011000990139424',
] as const;

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

function* transaction(b: Builder, txn: number, outcomeKey: string, inOutage: boolean): Generator<ScriptStep> {
  const sale = b.sale(outcomeKey, outcomeKey === 'removed_early' ? 'chip' : undefined);
  const money = { amount: sale.amount, currency: b.o.currency };
  yield b.cardEvent(txn, sale);

  switch (outcomeKey) {
    case 'card_read_error':
      yield b.eventStep(
        txn,
        'CARD_READ_ERROR',
        { reason: sale.entry, ...money },
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

  const sent = b.saleRequest(sale);
  const silent = outcomeKey === 'silent_timeout';
  yield b.request(txn, sent, silent ? local(LOCAL_FAULTS.hostTimeout, 'timeout', sent.stan) : null);
  if (silent) return;

  if (outcomeKey === 'host_timeout') {
    yield b.hostTimeout(txn, sent);
    if (inOutage) yield b.eventStep(txn, 'REVERSAL_SENT', { stan: sent.stan }, null);
    return;
  }

  yield b.response(txn, sent, outcomeKey, true);
  yield* b.removed(txn, sale);
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
  const sample = b.iso('0210', {
    2: TEST_PANS[0],
    3: '000000',
    4: '000000001999',
    11: '999999',
    37: '000000000000',
    39: b.rc('05'),
    41: o.terminalId,
    49: o.currency,
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
        `RSP malformed ${b.mti('0210')} (${cut.length} of ${sample.length} bytes)`,
        b.message('RSP', cut),
        { kind: 'response', mti: b.mti('0210'), stan: null, rc: null },
        local(LOCAL_FAULTS.malformedResponse, 'decode', null),
      );
    }
  }
}

export function resolveOptions(opts: ScriptOptions): ResolvedOptions {
  const o = {
    scenario: opts.scenario,
    framing: opts.framing,
    tpdu: opts.tpdu === true,
    dialect: opts.dialect ?? 'ascii',
    seed: opts.seed ?? 1,
    maxFrameBytes: opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    idleGapMs: opts.idleGapMs ?? 200,
    lateGapMs: opts.lateGapMs ?? LATE_GAP_MS,
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
  if (!(o.lateGapMs >= 0 && Number.isFinite(o.lateGapMs)))
    throw new FrameError('E_USAGE', 'late gap must be a number of milliseconds, 0 or more');
  if (!Number.isInteger(o.seed)) throw new FrameError('E_USAGE', 'seed must be an integer');
  if (o.terminalId.length !== 8) throw new FrameError('E_USAGE', 'terminal id must be 8 characters');
  if (o.merchantId.length !== 15) throw new FrameError('E_USAGE', 'merchant id must be 15 characters');
  return o;
}

/** The endless script of a scenario (deterministic for a seed). */
export function* scriptSteps(opts: ScriptOptions): Generator<ScriptStep, never> {
  const b = new Builder(resolveOptions(opts));
  const sc = b.sc;
  const opening: readonly string[] = sc.opening ?? [];
  let used = 1;
  for (let txn = 0, played = 0; ; txn += used, played++) {
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
    const key = played < opening.length ? opening[played]! : b.rng.weighted(mix);
    used = 1;
    if (isSequence(key)) used = yield* sequence(b, txn, key);
    else yield* transaction(b, txn, key, inOutage);
    if (ou && txn % (ou.every + ou.length) === ou.every + ou.length - 1) {
      yield b.eventStep(null, 'LINK_UP', {}, null);
      if (ou.duplicateAfter && b.lastResponse) yield b.again(null, b.lastResponse);
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
  /** Outcomes by rc (approvals '00' or 1993 '000' included), duplicates excluded. */
  outcomes: Record<string, number>;
  /** Outcomes that are failures (rc other than '00' / '000'), duplicates excluded. */
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
    if (st.outcome.rc !== '00' && st.outcome.rc !== '000') s.failures++;
  }
  return s;
}
