/**
 * What the simulator's script is made of: the step types with their expectations, and the
 * Builder that makes steps (frames of a sale, events, the clock, STANs and RRNs) in the chosen
 * framing, dialect and ISO 8583 version. script.ts (ordinary sales, noise, outages) and
 * sequences.ts (the uncertain outcomes of the `timeouts` scenario) both build with it.
 */
import {
  encodeBinaryEvent,
  encodeBinaryFrame,
  encodeEventLine,
  encodeMessageLine,
  type FramingName,
  type LinkEventName,
  type TpduAddress,
  type FrameErrorCode,
} from '../../protocol/framing/index.js';
import { DIALECTS, type DialectName, encodeMessage } from '../../protocol/iso8583/index.js';
import { LOCAL_FAULTS } from '../../protocol/response-codes/index.js';
import { CardPopulation } from './cards.js';
import { actionCodeFor, FUNCTION_CODE_1993, type IsoVersion, mtiFor, versionOf } from './forms.js';
import { Rng } from './rng.js';
import { SCENARIOS, type Scenario, type ScenarioName } from './scenarios.js';

export interface ScriptOptions {
  scenario: ScenarioName;
  framing: FramingName;
  /** Binary framing with a 5-byte TPDU. */
  tpdu?: boolean;
  /** ISO 8583 dialect of the messages (a 1993 one sends the 1993 forms: forms.ts). Default 'ascii'. */
  dialect?: DialectName;
  seed?: number;
  /** The agent's maxFrameBytes (oversize noise goes above it). Default 4096. */
  maxFrameBytes?: number;
  /** Quiet gap after a truncated binary frame, ms. Default 200 (link idle default: 50). */
  idleGapMs?: number;
  /** Quiet gap between a HOST_TIMEOUT and its late approval, ms. Default LATE_GAP_MS (1000). */
  lateGapMs?: number;
  terminalId?: string;
  merchantId?: string;
  currency?: string;
}

export type ResolvedOptions = Required<Omit<ScriptOptions, 'tpdu'>> & { tpdu: boolean };

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

/**
 * Where a sale of an uncertain outcome stands after a step (issue 12's states): the pipeline's
 * outcome for the sale with STAN `stan` must be `state` once it has seen this step.
 */
export type SaleState =
  | 'timed_out'
  | 'reversal_sent'
  | 'reversed'
  | 'reversal_failed'
  | 'approved_late'
  | 'recovered'
  | 'possible_double_charge';

export interface SaleExpect {
  state: SaleState;
  /** STAN of the sale the state belongs to (the original 0200, not the reversal's own STAN). */
  stan: string;
  /** The other sale: the approval that recovered it, or the earlier approval of a double charge. */
  other?: string;
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
  /** The uncertain-outcome sequence the step belongs to (scenarios.ts outcome keys), if any. */
  seq?: string;
  /** The sale state this step must lead to, if it changes one. */
  expect?: SaleExpect;
}

export type Entry = 'chip' | 'contactless' | 'swipe';
const ENTRY_MODE: Record<Entry, string> = { chip: '051', contactless: '071', swipe: '901' };
const CARD_EVENT: Record<Entry, LinkEventName> = {
  chip: 'CARD_INSERTED',
  contactless: 'CARD_TAPPED',
  swipe: 'CARD_SWIPED',
};

/** A sale as the module sees it: the card (a test number), the amount (n12), how it was read. */
export interface Sale {
  pan: string;
  amount: string;
  entry: Entry;
}

/** A message the module sent: its 1987 MTI, STAN and fields (for the response and field 90). */
export interface Sent {
  mti87: string;
  stan: string;
  fields: Record<number, string>;
}

/**
 * The function code (field 24) of a sale's 1993 request, by its 1987 MTI. Completions, reversals
 * and echo tests set their own (sequences.ts).
 */
const SALE_FUNCTION = {
  '0100': FUNCTION_CODE_1993.authorisation,
  '0200': FUNCTION_CODE_1993.financial,
} as const;

/** A sale's request: a pre-authorisation (0100) or a financial request (0200). */
type SaleMti = keyof typeof SALE_FUNCTION;

export class Builder {
  readonly rng: Rng;
  /** The shop's cards (cards.ts), made from the seed. */
  readonly cards: CardPopulation;
  readonly sc: Scenario;
  readonly dialect;
  readonly version: IsoVersion;
  readonly maxFrame: number;
  readonly reqTpdu: TpduAddress | null;
  readonly rspTpdu: TpduAddress | null;
  private index = 0;
  private stanNo: number;
  private rrnNo: number;
  /** Simulated clock for fields 7, 12, 13: 2026-11-23 08:00:00 UTC plus 20 s per transaction. */
  private clock = Date.UTC(2026, 10, 23, 8, 0, 0);
  /** The last response to a sale (for a retransmission: `again`). */
  lastResponse: ScriptStep | null = null;

  constructor(readonly o: ResolvedOptions) {
    this.rng = new Rng(o.seed);
    this.cards = new CardPopulation(o.seed);
    this.sc = SCENARIOS[o.scenario];
    this.dialect = DIALECTS[o.dialect];
    this.version = versionOf(o.dialect);
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

  /** Moves the clock on; the date and time fields of both versions at the new time. */
  tick(seconds = 20): { time: string; date: string; transmission: string; local12: string } {
    this.clock += seconds * 1000;
    const d = new Date(this.clock);
    const p = (n: number) => String(n).padStart(2, '0');
    const time = `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
    const date = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
    return { time, date, transmission: date + time, local12: `${p(d.getUTCFullYear() % 100)}${date}${time}` };
  }

  /** The MTI and field 39 code as sent in this version (forms.ts). */
  mti(mti87: string): string {
    return mtiFor(this.version, mti87);
  }

  rc(rc87: string): string {
    return actionCodeFor(this.version, rc87);
  }

  /**
   * A new customer's sale: how the card is read (unless `entry` is given), a card of the
   * scenario's groups that can carry `outcome`, an amount. Always these draws in this order (same
   * seed, same script).
   */
  sale(outcome: string, entry?: Entry): Sale {
    entry ??= this.rng.weighted({ chip: 50, contactless: 40, swipe: 10 });
    // one draw of the script's stream, as when it picked from five cards: outcomes stay as they were
    const pan = this.cards.draw(outcome, this.rng.next(), this.sc.cardGroups).pan;
    const amount = String(this.rng.int(100, 25000)).padStart(12, '0');
    return { pan, amount, entry };
  }

  /** The card presented: its CARD_INSERTED, CARD_TAPPED or CARD_SWIPED event. */
  cardEvent(txn: number, sale: Sale): ScriptStep {
    return this.eventStep(txn, CARD_EVENT[sale.entry], {}, null);
  }

  /**
   * The module's request for a sale, `seconds` after the last message: a new STAN; 1987 time n6,
   * date n4, entry mode; 1993 date-time n12, function code.
   */
  saleRequest(sale: Sale, mti87: SaleMti = '0200', seconds = 20): Sent {
    const stan = this.nextStan();
    const t = this.tick(seconds);
    const f: Record<number, string> = {
      2: sale.pan,
      3: '000000',
      4: sale.amount,
      7: t.transmission,
      11: stan,
      41: this.o.terminalId,
      42: this.o.merchantId,
      49: this.o.currency,
    };
    if (this.version === '1987') {
      f[12] = t.time;
      f[13] = t.date;
      f[22] = ENTRY_MODE[sale.entry];
    } else {
      f[12] = t.local12;
      f[24] = SALE_FUNCTION[mti87];
    }
    return { mti87, stan, fields: f };
  }

  /** The card presented and the module's request for a sale: returns what was sent. */
  *start(txn: number, sale: Sale, mti87: SaleMti = '0200', seconds = 20): Generator<ScriptStep, Sent> {
    yield this.cardEvent(txn, sale);
    const sent = this.saleRequest(sale, mti87, seconds);
    yield this.request(txn, sent);
    return sent;
  }

  /** The module gave up waiting for the host's answer to `sent` (the pipeline's host timeout). */
  hostTimeout(txn: number, sent: Sent): ScriptStep {
    return this.eventStep(
      txn,
      'HOST_TIMEOUT',
      { stan: sent.stan, amount: sent.fields[4]!, currency: this.o.currency },
      local(LOCAL_FAULTS.hostTimeout, 'event', sent.stan),
    );
  }

  /** After a sale the customer takes a chip card out (a tapped or swiped card is never in). */
  *removed(txn: number, sale: Sale): Generator<ScriptStep> {
    if (sale.entry === 'chip') yield this.eventStep(txn, 'CARD_REMOVED', {}, null);
  }

  iso(mti87: string, fields: Record<number, string>): Buffer {
    return encodeMessage(this.dialect, { mti: this.mti(mti87), fields });
  }

  message(kind: 'REQ' | 'RSP', iso: Buffer): Buffer {
    return this.o.framing === 'line'
      ? encodeMessageLine(kind, iso)
      : encodeBinaryFrame(iso, kind === 'REQ' ? this.reqTpdu : this.rspTpdu);
  }

  /** A request step (the module's copy of what it sent to the host). */
  request(txn: number | null, sent: Sent, outcome: Outcome | null = null): ScriptStep {
    const mti = this.mti(sent.mti87);
    return this.step(
      txn,
      `REQ ${mti} stan=${sent.stan}`,
      this.message('REQ', this.iso(sent.mti87, sent.fields)),
      { kind: 'request', mti, stan: sent.stan, rc: null },
      outcome,
    );
  }

  /**
   * The host's response to `sent`: its fields echoed with an RRN and field 39 (`rc87` in this
   * version's form), an approval code when approved. The step's outcome is the sale's
   * (`saleOutcome`), or none for a reversal, completion or network-management response. Returned
   * with the approval code it carries (field 38), if any.
   */
  response(
    txn: number | null,
    sent: Sent,
    rc87: string,
    saleOutcome: boolean,
  ): ScriptStep & { authCode: string | null } {
    const rc = this.rc(rc87);
    const fields: Record<number, string> = { ...sent.fields };
    if (sent.mti87 !== '0800') fields[37] = this.nextRrn(); // network management has no RRN
    fields[39] = rc;
    if (rc87 === '00' && saleOutcome) fields[38] = authCode(this.rng);
    const mti87 = RESPONSE_OF[sent.mti87]!;
    const mti = this.mti(mti87);
    const step = this.step(
      txn,
      `RSP ${mti} stan=${sent.stan} rc=${rc}`,
      this.message('RSP', this.iso(mti87, fields)),
      { kind: 'response', mti, stan: sent.stan, rc },
      saleOutcome ? { rc, via: 'response', stan: sent.stan, duplicate: false } : null,
    );
    if (saleOutcome) this.lastResponse = step;
    return Object.assign(step, { authCode: fields[38] ?? null });
  }

  /** The same response bytes again (a host or module retransmission). */
  again(txn: number | null, first: ScriptStep): ScriptStep {
    const l = first.link as Extract<LinkExpect, { kind: 'response' }>;
    return this.step(
      txn,
      `${first.label} (retransmitted)`,
      first.bytes,
      l,
      first.outcome ? { ...first.outcome, duplicate: true } : null,
    );
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

/** The response MTI of each request the simulator sends (1987 forms). */
const RESPONSE_OF: Readonly<Record<string, string>> = {
  '0100': '0110',
  '0200': '0210',
  '0220': '0230',
  '0400': '0410',
  '0420': '0430',
  '0800': '0810',
};

export function local(rc: string, via: Outcome['via'], stan: string | null): Outcome {
  return { rc, via, stan, duplicate: false };
}

export function authCode(rng: Rng): string {
  const A = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  let s = '';
  for (let i = 0; i < 6; i++) s += A[rng.int(0, A.length - 1)];
  return s;
}
