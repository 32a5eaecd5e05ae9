/**
 * The pipeline: link events in → decode → classify → prompt → record.
 *
 * HOT PATH (a host response): decodeInto a reused view, pair it with its request by message
 * class and STAN (a numeric key), read field 39 into the view's scratch bytes, classify with the
 * code table's byte lookup, fetch the memoized screen for (row, language) and show it. Up to the
 * approval screen no string is built and nothing is allocated after warm-up
 * (test/hardware/hot-path-framing.test.ts); after it, the approval goes to the ledger (strings
 * made once per approval: `npm run bench:alloc` measures bytes per response). A decline allocates
 * before its prompt: the keyed card hash (HMAC-SHA256 of the PAN) for the decline tracker. After
 * the prompt it becomes a record and goes to the store, whose group commit acknowledges it within
 * milliseconds.
 *
 * OUTCOMES: a sale that timed out stays open (open-sales.ts): a reversal (0400/0420 copy or EVT
 * REVERSAL_SENT), its answer (0410/0430) and a late answer (0210 after the timeout) move it on
 * through the table in outcome-machine.ts; each move shows its screen and reaches the agent as an
 * outcome change of the sale's record (PipelineOptions.outcome).
 */
import type { Logger } from '../log.js';
import { type Category, initialOutcome, LOCAL_FAULTS, type RcSource } from '../record.js';
import type { NewApproval, NewFailure } from '../store/index.js';
import { emptyInvalidOptionalFields } from '../store/record-rules.js';
import type { CodeRow, CodeTable } from '../../protocol/response-codes/index.js';
import { applyMerchantAdvice } from '../../protocol/response-codes/index.js';
import { scrubPans } from '../../protocol/card/pan.js';
import {
  type LinkEvent,
  type MessageEvent,
  quoteInput,
  type SignalEvent,
} from '../../protocol/framing/index.js';
import { type CompiledDialect, decodeInto, MessageView, TlvReader } from '../../protocol/iso8583/index.js';
import { eventArg } from './event-args.js';
import { merchantAdviceCode } from './merchant-advice.js';
import {
  isRequestMti,
  isSaleMti,
  mtiClass,
  pairKey,
  PendingRequests,
  type PendingRequest,
} from './pending.js';
import { OpenSales } from './open-sales.js';
import {
  isOpenState,
  nextOutcome,
  OUTCOME_PROMPT,
  REVERSAL_ACCEPTED,
  type SaleEvent,
} from './outcome-machine.js';
import type { Outcome } from '../record.js';
import { RecentResponses } from './recent.js';
import type { TerminalInfo } from '../guidance/index.js';
import { CashierDesk, type DeskDisplay, isKeyName, type SlipPrinter } from './desk.js';
import type { ScreenBook } from './screens.js';

/** The display as the pipeline sees it: show a screen; page and beep where it can. */
export type ScreenSink = DeskDisplay;

export interface DeclineNoter {
  note(cardKey: string, row: CodeRow, atMs: number): { count: number; stop: boolean; reason: string | null };
}

/** What the pipeline knows of a failure beyond its record fields. */
export interface FailureFacts {
  /** The pipeline's reference for this failure: later outcome changes name it. */
  ref: number;
  /** The keyed card hash (hex), to find the sale again in later approvals; never stored in clear. */
  cardKey: string | null;
}

/**
 * An approved sale, for the approval ledger (no PAN: masked, and the keyed hash), named by its
 * terminal and merchant as a failure record is: the store takes this very object, not a copy with
 * the ids added (a spread copy made per approval cost ~1 KB of garbage).
 */
export type ApprovedSale = NewApproval;

/** A failure's outcome moved on (outcome-machine.ts). */
export interface OutcomeMove {
  ref: number;
  outcome: Outcome;
  atMs: number;
  /** The approval that came late (approved_late): the agent puts it in the ledger and links it. */
  approval?: ApprovedSale;
}

export interface PipelineOptions {
  dialect: CompiledDialect;
  codes: CodeTable;
  screens: ScreenBook;
  display: ScreenSink;
  /** Takes a failure; the agent wires it to store.record (durable) and then sync. */
  record: (f: NewFailure, facts: FailureFacts) => void;
  /** An approval (after its screen): the agent keeps it in the ledger and looks for recoveries. */
  approval?: (a: ApprovedSale) => void;
  /** A failure's outcome changed: the agent stores it as a new version of the record. */
  outcome?: (move: OutcomeMove) => void;
  /** How long a timed-out sale waits for a reversal or a late answer (ms). Default 10 minutes. */
  openSaleMs?: number;
  tracker: DeclineNoter;
  /** Device secret for the keyed card hash. */
  cardKey: Uint8Array;
  terminalId: string;
  merchantId: string;
  cashierLang: string;
  customerFollowsCard: boolean;
  hostTimeoutMs: number;
  logger: Logger;
  now?: () => number;
  /** Called right after a screen is shown (benchmarks measure frame → prompt with it). */
  onPrompt?: (row: CodeRow) => void;
  /** Merchant name and time zone for the contact-issuer script (INFO, PRINT). */
  terminal?: TerminalInfo;
  /** Receipt printer for the PRINT key; none: PRINT is logged and ignored. */
  printer?: SlipPrinter | null;
}

export interface PipelineCounters {
  responses: number;
  requests: number;
  events: number;
  rejects: number;
  duplicates: number;
  malformed: number;
  failures: number;
  approvals: number;
  /** Outcome changes after the first record (reversed, approved late ...). */
  outcomes: number;
  /** Responses that matched no request (another terminal, an old STAN) and no open sale. */
  unpaired: number;
  byCategory: Partial<Record<Category, number>>;
}

export class Pipeline {
  private readonly view = new MessageView();
  private readonly reqView = new MessageView();
  private readonly tlv = new TlvReader();
  private readonly pending = new PendingRequests();
  private readonly open: OpenSales;
  private nextRef = 0;
  private readonly recent = new RecentResponses();
  private readonly failedStans = new Int32Array(64).fill(-1);
  private failedNext = 0;
  private linkUp: boolean | null = null;
  private timer: NodeJS.Timeout | null = null;
  readonly counters: PipelineCounters = {
    responses: 0,
    requests: 0,
    events: 0,
    rejects: 0,
    duplicates: 0,
    malformed: 0,
    failures: 0,
    approvals: 0,
    outcomes: 0,
    unpaired: 0,
    byCategory: {},
  };
  private readonly now: () => number;
  private readonly log: Logger;
  /** What the cashier sees and does: prompts stay until a key or the next sale. */
  readonly desk: CashierDesk;

  constructor(private readonly o: PipelineOptions) {
    this.now = o.now ?? Date.now;
    this.log = o.logger;
    this.open = new OpenSales(o.openSaleMs ?? 10 * 60_000);
    this.desk = new CashierDesk({
      display: o.display,
      screens: o.screens,
      cashierLang: o.cashierLang,
      terminal: o.terminal ?? { merchantName: o.merchantId },
      logger: o.logger,
      printer: o.printer ?? null,
    });
  }

  /** Starts the host-timeout timer (one timer for all pending requests). */
  start(): void {
    if (this.timer) return;
    const every = Math.max(50, Math.min(1000, Math.floor(this.o.hostTimeoutMs / 4)));
    this.timer = setInterval(() => this.expireRequests(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get linkState(): 'up' | 'down' | 'unknown' {
    return this.linkUp === null ? 'unknown' : this.linkUp ? 'up' : 'down';
  }

  get pendingRequests(): number {
    return this.pending.size;
  }

  /** Entry point for every frame, event and reject from the link. */
  onLinkEvent(e: LinkEvent): void {
    switch (e.kind) {
      case 'response':
        this.onResponse(e);
        return;
      case 'request':
        this.onRequest(e);
        return;
      case 'event':
        this.onSignal(e);
        return;
      case 'reject':
        this.counters.rejects++;
        this.log.warn(
          { event: 'frame_rejected', code: e.code, bytes: e.bytes, reason: e.reason },
          'frame rejected',
        );
        return;
    }
  }

  // HOT PATH
  private onResponse(e: MessageEvent): void {
    this.counters.responses++;
    const v = this.view;
    if (!decodeInto(this.o.dialect, e.buf, e.offset, e.offset + e.length, v)) {
      this.counters.malformed++;
      const err = v.error()!;
      this.log.warn(
        {
          event: 'response_malformed',
          code: err.code,
          field: err.field,
          offset: err.offset,
          reason: err.reason,
        },
        'malformed host response',
      );
      this.fail(this.o.codes.lookup(LOCAL_FAULTS.malformedResponse), 'local', null, null);
      return;
    }
    const m = v.mtiNum;
    if (isRequestMti(m)) return; // a request framed as a response: the request copies come as REQ
    const stanNum = v.num(11);
    const key = stanNum >= 0 ? pairKey(m, stanNum) : -1;
    // a retransmission: the same response again (recent.ts: class, STAN, time, RRN, code, terminal)
    if (this.recent.seenOrAdd(v, key)) {
      this.counters.duplicates++;
      // it also answers a repeat of the request that crossed the first copy (a 0201): that repeat
      // is answered, not left to expire as a timeout
      const rep = this.pending.peek(key);
      if (rep !== undefined && this.sameExchange(rep, v)) this.pending.take(key);
      this.log.info(
        { event: 'response_duplicate', stan: v.get(11) ?? null },
        'retransmitted response ignored',
      );
      return;
    }
    const req = key >= 0 ? this.pending.peek(key) : undefined;
    if (req !== undefined) {
      if (!this.sameExchange(req, v)) {
        // another terminal's answer, or one to an earlier attempt with the same STAN: not ours
        this.counters.unpaired++;
        this.log.warn(
          { event: 'response_mismatch', mti: v.mti(), stan: req.stan },
          'a response with our STAN for another terminal or transmission time: ignored',
        );
        return;
      }
      this.pending.take(key);
    }
    if (mtiClass(m) === 4) {
      if (req === undefined && !this.forOurTerminal(v)) this.mismatch(v);
      else this.onReversalResponse(v, req ?? null, stanNum);
      return;
    }
    if (!isSaleMti(m)) return; // advice and network-management answers
    if (req === undefined && stanNum >= 0 && this.open.get(stanNum) !== undefined) {
      if (this.forOurTerminal(v)) this.onLateResponse(v, stanNum);
      else this.mismatch(v);
      return;
    }
    // no request copy: a module that forwards responses only, or a request from before a restart
    if (req === undefined) this.counters.unpaired++;
    let row = this.responseRow(v);
    if (row === null) {
      this.counters.malformed++;
      this.log.warn({ event: 'response_without_rc', stan: v.get(11) ?? null }, 'response has no field 39');
      this.fail(this.o.codes.lookup(LOCAL_FAULTS.malformedResponse), 'local', v, req ?? null);
      return;
    }
    if (row.category === 'approved') {
      this.counters.approvals++;
      this.count('approved');
      this.desk.approved();
      this.o.onPrompt?.(row);
      // after the screen: the ledger (strings, once per approval)
      if (this.o.approval) this.o.approval(this.approvedSale(v, req ?? null));
      return;
    }
    const mac = merchantAdviceCode(v);
    if (mac !== null) row = applyMerchantAdvice(row, mac);
    this.fail(row, sourceOf(row), v, req ?? null);
  }

  /** The code table's row for field 39 (read without allocating), or null when there is none. */
  private responseRow(v: MessageView): CodeRow | null {
    const n = v.codeInto(39);
    return n > 0 ? this.o.codes.lookupBytes(v.scratch, 0, n) : null;
  }

  /**
   * With no request copy to compare: does the response name this terminal in field 41 (or none)?
   * A late answer or a reversal answer for another terminal must never move one of our sales.
   */
  private forOurTerminal(v: MessageView): boolean {
    return field41Is(v, this.o.terminalId);
  }

  private mismatch(v: MessageView): void {
    this.counters.unpaired++;
    this.log.warn(
      { event: 'response_mismatch', mti: v.mti(), stan: v.get(11) ?? null },
      'a response with our STAN for another terminal: ignored',
    );
  }

  /** Does the response carry the request's terminal id (41) and transmission time (7), where both have them? */
  private sameExchange(req: PendingRequest, v: MessageView): boolean {
    if (req.sentTime >= 0) {
      const t = v.num(7);
      if (t >= 0 && t !== req.sentTime) return false;
    }
    return req.terminal === null || field41Is(v, req.terminal);
  }

  /** The approved sale for the ledger: the response's fields, else its request's. */
  private approvedSale(v: MessageView, req: PendingRequest | null): ApprovedSale {
    const amount = v.num(4);
    return {
      terminal_id: this.o.terminalId,
      merchant_id: this.o.merchantId,
      occurred_at: new Date(this.now()).toISOString(),
      mti: v.mti(),
      amount_minor: amount >= 0 ? amount : (req?.amountMinor ?? null),
      currency: v.get(49) ?? req?.currency ?? null,
      pan_masked: v.panMasked() ?? req?.panMasked ?? null,
      // the request copy's hash when there is one: one HMAC per sale, not two
      card_key: req?.cardKey ?? (v.has(2) ? v.panDigest(this.o.cardKey) : null),
      stan: v.get(11) ?? req?.stan ?? null,
      rrn: v.get(37)?.trim() || null,
      auth_code: v.get(38)?.trim() || null,
    };
  }

  /** A sale response after its request timed out: approved late, or a late decline (nothing changes). */
  private onLateResponse(v: MessageView, stanNum: number): void {
    const row = this.responseRow(v);
    if (row === null || row.category !== 'approved') {
      this.log.info(
        { event: 'late_decline', stan: v.get(11) ?? null, rc: row?.code ?? null },
        'a decline came after the timeout; the sale stays failed',
      );
      return;
    }
    this.counters.approvals++;
    this.count('approved');
    this.move(stanNum, 'late_approval', this.approvedSale(v, null), v.get(41) ?? null);
  }

  /** 0410/0430 (1430): the reversal of a sale accepted or refused. */
  private onReversalResponse(v: MessageView, req: PendingRequest | null, stanNum: number): void {
    const row = this.responseRow(v);
    const accepted = row !== null && (row.category === 'approved' || REVERSAL_ACCEPTED.has(row.code));
    const original = req?.originalStan ?? originalStanOf(v) ?? (stanNum >= 0 ? String(stanNum) : null);
    const origNum = original === null ? -1 : Number(original);
    if (origNum < 0 || this.open.get(origNum) === undefined) {
      this.counters.unpaired++;
      this.log.warn(
        { event: 'reversal_response_unmatched', stan: v.get(11) ?? null, rc: row?.code ?? null },
        'a reversal answer for no sale this agent knows',
      );
      return;
    }
    this.move(
      origNum,
      accepted ? 'reversal_accepted' : 'reversal_refused',
      undefined,
      req?.terminal ?? v.get(41) ?? null,
    );
  }

  /**
   * Moves an open sale through the outcome table: the new state's screen, then the outcome change
   * for its record. A move the table does not have is logged and changes nothing.
   */
  private move(
    stanNum: number,
    event: SaleEvent,
    approval?: ApprovedSale,
    terminal: string | null = null,
  ): void {
    const sale = this.open.get(stanNum);
    if (sale === undefined) return;
    // trailing spaces aside, as field41Is compares (a variable-length field 41 may be padded or not)
    if (terminal !== null && sale.terminal !== null && terminal.trimEnd() !== sale.terminal.trimEnd()) {
      // another terminal's reversal or answer naming our STAN (several terminals on one link)
      this.counters.unpaired++;
      this.log.warn(
        { event: 'outcome_other_terminal', stan: sale.stan, on: event },
        "a message for another terminal's sale with our STAN: ignored",
      );
      return;
    }
    const to = nextOutcome(sale.state, event);
    if (to === null) {
      // e.g. the module's 0400 copy and its EVT REVERSAL_SENT both announce one reversal
      this.log.debug(
        { event: 'outcome_unchanged', stan: sale.stan, state: sale.state, on: event },
        "a message that does not change the sale's outcome",
      );
      return;
    }
    sale.state = to;
    const prompt = OUTCOME_PROMPT[to];
    if (prompt !== undefined) this.desk.outcome(this.o.codes.lookup(prompt));
    if (!isOpenState(to)) this.open.close(stanNum);
    this.counters.outcomes++;
    this.log.info({ event: 'sale_outcome', stan: sale.stan, outcome: to, on: event }, 'sale outcome changed');
    this.o.outcome?.({
      ref: sale.ref,
      outcome: to as Outcome,
      atMs: this.now(),
      ...(approval ? { approval } : {}),
    });
  }

  private onRequest(e: MessageEvent): void {
    this.counters.requests++;
    const v = this.reqView;
    if (!decodeInto(this.o.dialect, e.buf, e.offset, e.offset + e.length, v)) {
      const err = v.error()!;
      this.log.warn(
        { event: 'request_malformed', code: err.code, field: err.field, offset: err.offset },
        'malformed request copy',
      );
      return;
    }
    const stan = v.get(11);
    if (stan === undefined) return;
    // a sale's request starts a new sale on the screen; a reversal or network message does not
    if (isSaleMti(v.mtiNum)) this.desk.saleStarted();
    const amount = v.num(4);
    const originalStan = mtiClass(v.mtiNum) === 4 ? (originalStanOf(v) ?? stan) : null;
    const key = pairKey(v.mtiNum, Number(stan));
    // a new original request (not a repeat, MTI ending in 1): earlier answers to its key are not its
    if (v.mtiNum % 2 === 0) this.recent.forget(key);
    this.pending.add(key, {
      stan,
      mti: v.mti(),
      processingCode: v.get(3) ?? null,
      amountMinor: amount >= 0 ? amount : null,
      currency: v.get(49) ?? null,
      panMasked: v.panMasked(),
      cardBrand: v.cardBrand(),
      cardKey: v.panDigest(this.o.cardKey),
      entryMode: v.get(22) ?? null,
      terminal: v.get(41) ?? null,
      sentTime: v.num(7),
      originalStan,
      sentAt: this.now(),
    });
    // the module reversing a sale that timed out (its copy of the 0400/0420)
    if (originalStan !== null) this.move(Number(originalStan), 'reversal_sent', undefined, v.get(41) ?? null);
  }

  private onSignal(e: SignalEvent): void {
    this.counters.events++;
    switch (e.name) {
      case 'HOST_TIMEOUT': {
        const stan = e.stan !== null ? Number(e.stan) : -1;
        if (stan >= 0 && this.open.get(stan) !== undefined) return; // our own timer was first
        const req = stan >= 0 ? this.pending.takeSale(stan) : undefined;
        this.failLocal(LOCAL_FAULTS.hostTimeout, req ?? null, e);
        return;
      }
      case 'CARD_READ_ERROR':
        this.failLocal(LOCAL_FAULTS.cardReadError, null, e);
        return;
      case 'CARD_REMOVED':
        if (e.args.early === '1') this.failLocal(LOCAL_FAULTS.cardRemoved, null, e);
        return;
      case 'PIN_TIMEOUT':
        this.failLocal(LOCAL_FAULTS.pinTimeout, null, e);
        return;
      case 'PIN_CANCEL':
        this.failLocal(LOCAL_FAULTS.pinCancel, null, e);
        return;
      case 'LINK_DOWN':
        if (this.linkUp !== false) {
          this.linkUp = false;
          this.log.warn({ event: 'host_link_down', reason: shortReason(e.args.reason) }, 'host link down');
          this.failLocal(LOCAL_FAULTS.linkDown, null, e);
        }
        return;
      case 'LINK_UP':
        if (this.linkUp !== true) this.log.info({ event: 'host_link_up' }, 'host link up');
        this.linkUp = true;
        return;
      case 'REVERSAL_SENT': {
        const stan = e.stan !== null ? Number(e.stan) : -1;
        if (stan >= 0 && this.open.get(stan) !== undefined) {
          this.move(stan, 'reversal_sent');
          return;
        }
        if (stan >= 0 && this.failedStans.includes(stan)) {
          this.log.info({ event: 'reversal_sent', stan: e.stan }, 'reversal sent for a recorded failure');
          return;
        }
        // a reversal for a sale this agent did not see fail (e.g. before a restart)
        this.failLocal(LOCAL_FAULTS.reversalPending, null, e);
        return;
      }
      case 'KEY': {
        const key = e.args.name ?? '';
        if (isKeyName(key)) this.desk.key(key);
        else this.log.warn({ event: 'key_unknown', name: shortReason(key) }, 'unknown keypad key');
        return;
      }
      case 'CARD_INSERTED':
      case 'CARD_SWIPED':
      case 'CARD_TAPPED':
        // a card presented: a new sale starts, nothing to record
        this.desk.saleStarted();
        return;
    }
  }

  private failLocal(code: string, req: PendingRequest | null, e: SignalEvent | null): void {
    const row = this.o.codes.lookup(code);
    this.fail(row, 'local', null, req, e);
  }

  /** Requests whose response never came within the host timeout. */
  expireRequests(): void {
    const now = this.now();
    this.open.expire(now);
    const expired = this.pending.expire(now - this.o.hostTimeoutMs);
    for (const req of expired) {
      if (!isSaleMti(Number(req.mti))) {
        // a reversal or network message left unanswered: the sale's state does not change
        this.log.warn(
          { event: 'request_unanswered', mti: req.mti, stan: req.stan },
          'no answer to a non-sale request',
        );
        continue;
      }
      this.log.warn({ event: 'host_timeout', stan: req.stan }, 'no host response within the timeout');
      this.failLocal(LOCAL_FAULTS.hostTimeout, req, null);
    }
  }

  private count(c: Category): void {
    this.counters.byCategory[c] = (this.counters.byCategory[c] ?? 0) + 1;
  }

  /**
   * A failure: the prompt first (memoized screen), then the record. `v` is the decoded response
   * when there is one; `req` the pending request it answered or that timed out.
   */
  private fail(
    row: CodeRow,
    source: RcSource,
    v: MessageView | null,
    req: PendingRequest | null,
    e: SignalEvent | null = null,
  ): void {
    const o = this.o;
    const at = this.now();
    // repeated declines of the same card (keyed hash, never the number)
    const cardKey = req?.cardKey ?? (v !== null && v.has(2) ? v.panDigest(o.cardKey) : null);
    let stop = false;
    if (cardKey !== null && row.category !== 'network' && row.category !== 'system_fault') {
      const t = o.tracker.note(cardKey, row, at);
      stop = t.stop;
    }
    const customerLang = o.customerFollowsCard && v !== null ? this.cardLanguage(v) : null;
    this.desk.failure(row, customerLang, stop);
    o.onPrompt?.(row);

    this.counters.failures++;
    this.count(row.category);
    const stanStr = v?.get(11) ?? req?.stan ?? e?.stan ?? null;
    if (stanStr !== null) {
      this.failedStans[this.failedNext] = Number(stanStr);
      this.failedNext = (this.failedNext + 1) % this.failedStans.length;
    }
    const amountFromResponse = v !== null ? v.num(4) : -1;
    // event arguments are checked when used: a bad one is left empty and noted, never the record lost
    const notes: string[] = [];
    const amount =
      amountFromResponse >= 0 ? amountFromResponse : (req?.amountMinor ?? eventArg(e, 'amount', notes));
    const currency = v?.get(49) ?? req?.currency ?? eventArg(e, 'currency', notes);
    const entryMode = v?.get(22) ?? req?.entryMode ?? eventArg(e, 'entry', notes);
    const date = new Date(at);
    const rec: NewFailure = {
      terminal_id: o.terminalId,
      merchant_id: o.merchantId,
      occurred_at: date.toISOString(),
      utc_offset_min: -date.getTimezoneOffset(),
      mti: v?.mti() ?? req?.mti ?? null,
      processing_code: v?.get(3) ?? req?.processingCode ?? null,
      amount_minor: typeof amount === 'string' ? Number(amount) : amount,
      currency,
      pan_masked: v?.panMasked() ?? req?.panMasked ?? null,
      card_brand: v?.cardBrand() ?? req?.cardBrand ?? null,
      entry_mode: entryMode,
      stan: stanStr,
      rrn: v?.get(37)?.trim() || null,
      auth_code: v?.get(38)?.trim() || null,
      rc: row.code,
      rc_source: source,
      category: row.category,
      retry: stop ? 'never_same_card' : row.retry,
      notes: notes.length > 0 ? notes.join('; ') : null,
      outcome: initialOutcome(row.code),
    };
    // fields from the response or the request copy (dialects differ) get the store's own rules
    const checked = emptyInvalidOptionalFields(rec);
    this.desk.recorded(checked);
    const ref = ++this.nextRef;
    // a sale the host can still answer or the module reverse stays open under its STAN
    if (isOpenState(checked.outcome) && stanStr !== null)
      this.open.open(Number(stanStr), {
        ref,
        state: checked.outcome,
        stan: stanStr,
        terminal: req?.terminal ?? v?.get(41) ?? null,
        openedAt: at,
      });
    o.record(checked, { ref, cardKey });
  }

  /** The card's preferred language from EMV tag 5F2D in field 55, as the raw pairs ("defr"). */
  private cardLanguage(v: MessageView): string | null {
    const span = v.binarySpan(55);
    if (span === null) return null;
    const r = this.tlv.reset(v.buf, span.offset, span.offset + span.length);
    if (!r.find(0x5f2d)) return null;
    let s = '';
    for (let i = 0; i < r.valueLength && i < 8; i++) s += String.fromCharCode(v.buf[r.valueOffset + i]!);
    return s.toLowerCase();
  }
}

/**
 * The module's own words (received input) for a log line: the same short prefix as every other
 * received value (quoteInput: 6 bytes, then the length), never more; a longer reason could be
 * track data, a PIN block or a PAN written in some way no scrubber knows.
 */
function shortReason(text: string | undefined): string | null {
  if (text === undefined) return null;
  const b = Buffer.from(text, 'latin1');
  return scrubPans(quoteInput(b, 0, b.length));
}

/**
 * Does field 41 of the message hold `terminal` (trailing spaces aside: ans8 is space-padded), or
 * is it absent? Compares bytes in the view's scratch: no string is made.
 */
function field41Is(v: MessageView, terminal: string): boolean {
  let n = v.codeInto(41);
  if (n <= 0) return true;
  while (n > 0 && v.scratch[n - 1] === 0x20) n--;
  let want = terminal.length;
  while (want > 0 && terminal.charCodeAt(want - 1) === 0x20) want--;
  if (n !== want) return false;
  for (let i = 0; i < n; i++) if (v.scratch[i] !== terminal.charCodeAt(i)) return false;
  return true;
}

/**
 * The original sale's STAN from the original data elements (1987: field 90, n42; 1993: field 56,
 * n..35), which start with the original MTI (n4) and STAN (n6); null when absent, short or zeros.
 */
function originalStanOf(v: MessageView): string | null {
  const ode = v.mtiNum >= 1000 ? v.get(56) : v.get(90);
  if (ode === undefined || ode.length < 10) return null;
  const stan = ode.slice(4, 10);
  return /^\d{6}$/.test(stan) && stan !== '000000' ? stan : null;
}

/** Who produced a response code: the host/switch for network and set-up problems, else the issuer. */
function sourceOf(row: CodeRow): RcSource {
  if (row.category === 'network' || row.category === 'system_fault' || row.category === 'merchant_setup')
    return 'host';
  return 'issuer';
}
