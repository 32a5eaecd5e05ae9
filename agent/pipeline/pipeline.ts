/**
 * The pipeline: link events in → decode → classify → prompt → record.
 *
 * HOT PATH (a host response): decodeInto a reused view, read field 39 into the view's scratch
 * bytes, classify with the code table's byte lookup, fetch the memoized screen for (row,
 * language) and show it. For an approval no string is built and nothing is allocated after
 * warm-up, and approvals stop there (test/hardware/hot-path-framing.test.ts; `npm run bench:alloc`
 * measures bytes per response). A decline allocates before its prompt: the keyed card hash
 * (HMAC-SHA256 of the PAN) for the decline tracker. After the prompt it becomes a record (strings
 * made here, once per failure) and goes to the store, whose group commit acknowledges it within
 * milliseconds.
 */
import type { Logger } from '../log.js';
import { type Category, initialOutcome, LOCAL_FAULTS, type RcSource } from '../record.js';
import type { NewFailure } from '../store/index.js';
import { emptyInvalidOptionalFields } from '../store/record-schema.js';
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
import { PendingRequests, type PendingRequest } from './pending.js';
import { RecentResponses } from './recent.js';
import type { TerminalInfo } from '../guidance/index.js';
import { CashierDesk, type DeskDisplay, isKeyName, type SlipPrinter } from './desk.js';
import type { ScreenBook } from './screens.js';

/** The display as the pipeline sees it: show a screen; page and beep where it can. */
export type ScreenSink = DeskDisplay;

export interface DeclineNoter {
  note(cardKey: string, row: CodeRow, atMs: number): { count: number; stop: boolean; reason: string | null };
}

export interface PipelineOptions {
  dialect: CompiledDialect;
  codes: CodeTable;
  screens: ScreenBook;
  display: ScreenSink;
  /** Takes a failure; the agent wires it to store.record (durable) and then sync. */
  record: (f: NewFailure) => void;
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
  byCategory: Partial<Record<Category, number>>;
}

const RESPONSE_MTI_CLASSES = new Set([110, 210, 1110, 1210]);

export class Pipeline {
  private readonly view = new MessageView();
  private readonly reqView = new MessageView();
  private readonly tlv = new TlvReader();
  private readonly pending = new PendingRequests();
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
    byCategory: {},
  };
  private readonly now: () => number;
  private readonly log: Logger;
  /** What the cashier sees and does: prompts stay until a key or the next sale. */
  readonly desk: CashierDesk;

  constructor(private readonly o: PipelineOptions) {
    this.now = o.now ?? Date.now;
    this.log = o.logger;
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
    if (!RESPONSE_MTI_CLASSES.has(v.mtiNum)) return; // reversal and network-management responses
    const stanNum = v.num(11);
    if (this.recent.seenOrAdd(v, stanNum)) {
      this.counters.duplicates++;
      this.log.info(
        { event: 'response_duplicate', stan: v.get(11) ?? null },
        'retransmitted response ignored',
      );
      return;
    }
    const req = stanNum >= 0 ? this.pending.take(stanNum) : undefined;
    const n = v.codeInto(39);
    if (n <= 0) {
      this.counters.malformed++;
      this.log.warn({ event: 'response_without_rc', stan: v.get(11) ?? null }, 'response has no field 39');
      this.fail(this.o.codes.lookup(LOCAL_FAULTS.malformedResponse), 'local', v, req ?? null);
      return;
    }
    let row = this.o.codes.lookupBytes(v.scratch, 0, n);
    if (row.category === 'approved') {
      this.counters.approvals++;
      this.count('approved');
      this.desk.approved();
      this.o.onPrompt?.(row);
      return;
    }
    const mac = merchantAdviceCode(v);
    if (mac !== null) row = applyMerchantAdvice(row, mac);
    this.fail(row, sourceOf(row), v, req ?? null);
  }

  private onRequest(e: MessageEvent): void {
    this.counters.requests++;
    this.desk.saleStarted();
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
    const amount = v.num(4);
    this.pending.add({
      stan,
      mti: v.mti(),
      processingCode: v.get(3) ?? null,
      amountMinor: amount >= 0 ? amount : null,
      currency: v.get(49) ?? null,
      panMasked: v.panMasked(),
      cardBrand: v.cardBrand(),
      cardKey: v.panDigest(this.o.cardKey),
      entryMode: v.get(22) ?? null,
      sentAt: this.now(),
    });
  }

  private onSignal(e: SignalEvent): void {
    this.counters.events++;
    switch (e.name) {
      case 'HOST_TIMEOUT': {
        const req = e.stan !== null ? this.pending.take(Number(e.stan)) : undefined;
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
        if (stan >= 0 && this.failedStans.includes(stan)) {
          this.log.info({ event: 'reversal_sent', stan: e.stan }, 'reversal sent for a recorded failure');
          return;
        }
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
    const expired = this.pending.expire(this.now() - this.o.hostTimeoutMs);
    for (const req of expired) {
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
    const cardKey = v !== null && v.has(2) ? v.panDigest(o.cardKey) : (req?.cardKey ?? null);
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
    o.record(checked);
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

/** Who produced a response code: the host/switch for network and set-up problems, else the issuer. */
function sourceOf(row: CodeRow): RcSource {
  if (row.category === 'network' || row.category === 'system_fault' || row.category === 'merchant_setup')
    return 'host';
  return 'issuer';
}
