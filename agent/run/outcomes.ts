/**
 * Follows each failed sale to its end, after the screen: the pipeline says what happened (a
 * failure, an approval, a move of a sale's outcome); this keeper stores it durably and finds what
 * only the history shows:
 * - a failure followed, within `recoveryWindowMs`, by an approval with the same keyed card hash
 *   (`same_card`) or the same amount and currency at this terminal (`other_card`) was recovered:
 *   the failure's record gets a new version, outcome `recovered`, linked to that approval;
 * - two approvals with the same card hash, amount and currency within `doubleChargeWindowMs` are a
 *   possible double charge: a screen, an alarm, and on a record (the late-approved sale's, else a
 *   record of its own, code L_DOUBLE_CHARGE, linked to the first approval).
 * Approvals go to the store's ledger (no PAN: masked, and the keyed hash). The windows are held in
 * memory and rebuilt from the store at start, so a restart does not forget them.
 *
 * Not on the hot path: everything here runs after the cashier's screen.
 */
import type { Logger } from '../log.js';
import type { FailureRecord, Outcome, RecoveryMeans } from '../record.js';
import { LOCAL_FAULTS } from '../record.js';
import type { Approval, FailureStore, NewFailure, OutcomeChange } from '../store/index.js';
import type { ApprovedSale, FailureFacts, OutcomeMove } from '../pipeline/pipeline.js';
import { nextOutcome, type SaleEvent } from '../pipeline/outcome-machine.js';
import { ApprovalWindow } from './approval-window.js';
import { RecentIndex } from './recent-index.js';
import type { CodeTable } from '../../protocol/response-codes/index.js';

/** What the keeper needs of the store (agent/store: record, update and the approval ledger). */
export type OutcomeStore = Pick<
  FailureStore,
  'record' | 'update' | 'recordApproval' | 'recentApprovals' | 'approvalById' | 'openFailures'
>;

export interface OutcomeKeeperOptions {
  store: OutcomeStore;
  terminalId: string;
  merchantId: string;
  codes: CodeTable;
  recoveryWindowMs: number;
  doubleChargeWindowMs: number;
  logger: Logger;
  now?: () => number;
  /** A record (first version or update) was committed. */
  onStored?: (rec: FailureRecord) => void;
  /** The store refused something (logged by the caller). */
  onNotStored?: (err: Error & { code?: string }) => void;
  /** A possible double charge was found: the cashier's screen. */
  onDoubleCharge?: () => void;
}

/** A failure as the keeper follows it. */
interface Followed {
  id: string;
  atMs: number;
  outcome: Outcome;
  cardKey: string | null;
  amount: number | null;
  currency: string | null;
}

/** Failures whose later outcome changes the keeper can still link (the pipeline's open sales are fewer). */
const MAX_REFS = 4096;

/** How long the double-charge alarm stays up after the last one found. */
const ALARM_MS = 60 * 60_000;

export class OutcomeKeeper {
  /** Record ids by the pipeline's reference, once stored. */
  private readonly ids = new Map<number, Promise<string | null>>();
  /** Failures of the recovery window, by card hash and by amount; and by id (bounded). */
  private readonly failuresByCard: RecentIndex<string, Followed>;
  private readonly failuresByAmount: RecentIndex<number, Followed>;
  private readonly failuresById = new Map<string, Followed>();
  /** Late approvals (ledger id) and the record each came late for (bounded). */
  private readonly lateLinks = new Map<string, string>();
  /** Approvals of the double-charge window (card hash, amount, currency, time; the rest in the ledger). */
  private readonly approvals = new ApprovalWindow(MAX_REFS);
  private alarmUntil = 0;
  /**
   * How many things handed to the store are not settled, and who waits for none: stop() does. A
   * count, not a set of the promises: a set taking and dropping one per sale reallocated its tables
   * again and again, garbage in the old generation.
   */
  private inFlight = 0;
  private idle: Array<() => void> = [];
  private readonly now: () => number;
  readonly counts = { recovered: 0, doubleCharges: 0, updates: 0 };

  constructor(private readonly o: OutcomeKeeperOptions) {
    this.now = o.now ?? Date.now;
    this.failuresByCard = new RecentIndex(o.recoveryWindowMs);
    this.failuresByAmount = new RecentIndex(o.recoveryWindowMs);
  }

  private follow(f: Followed): void {
    if (f.cardKey !== null) this.failuresByCard.add(f.cardKey, f);
    if (f.amount !== null) this.failuresByAmount.add(f.amount, f);
    remember(this.failuresById, f.id, f);
  }

  private remember(ap: Approval, atMs: number): void {
    if (ap.card_key !== null && ap.amount_minor !== null)
      this.approvals.add(ap.card_key, atMs, ap.amount_minor, ap.currency, ap.id);
  }

  /**
   * The newest approval of the window before `ap` with its card hash, amount and currency, read
   * back from the ledger (the window holds a fingerprint of the card hash: the row decides).
   */
  private twinOf(ap: Approval, atMs: number): Approval | undefined {
    const { card_key: key, amount_minor: amount, currency } = ap;
    if (key === null || amount === null) return undefined;
    return this.approvals.find(key, atMs - this.o.doubleChargeWindowMs, amount, currency, (id) => {
      const row = this.o.store.approvalById(id);
      return row && row.card_key === key && row.amount_minor === amount && row.currency === currency
        ? row
        : undefined;
    });
  }

  /** Reloads the windows from the store (after a restart). */
  warmStart(): void {
    const now = this.now();
    const since = new Date(
      now - Math.max(this.o.recoveryWindowMs, this.o.doubleChargeWindowMs),
    ).toISOString();
    for (const ap of this.o.store.recentApprovals(since)) this.remember(ap, Date.parse(ap.occurred_at));
    for (const f of this.o.store.openFailures(new Date(now - this.o.recoveryWindowMs).toISOString())) {
      this.follow({
        id: f.id,
        atMs: Date.parse(f.occurred_at),
        outcome: f.outcome,
        cardKey: f.card_key,
        amount: f.amount_minor,
        currency: f.currency,
      });
      // a second approval of a late-approved sale is that sale's double charge, after a restart too
      if (f.outcome === 'approved_late' && f.linked_id !== null) remember(this.lateLinks, f.linked_id, f.id);
    }
  }

  /** Active alarms: 'possible_double_charge' for an hour after one is found. */
  alarms(): string[] {
    return this.now() < this.alarmUntil ? ['possible_double_charge'] : [];
  }

  /** Resolves when everything handed to the store so far is settled. */
  async settled(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  failure(f: NewFailure, facts: FailureFacts): void {
    const stored = this.track(this.o.store.record({ ...f, card_key: facts.cardKey }));
    const followed: Followed = {
      id: '',
      atMs: Date.parse(f.occurred_at),
      outcome: f.outcome,
      cardKey: facts.cardKey,
      amount: f.amount_minor,
      currency: f.currency,
    };
    remember(
      this.ids,
      facts.ref,
      stored.then(
        (rec) => {
          followed.id = rec.id;
          this.follow(followed);
          this.o.onStored?.(rec);
          return rec.id;
        },
        (err: Error & { code?: string }) => {
          this.o.onNotStored?.(err);
          return null;
        },
      ),
    );
  }

  /** A sale's outcome moved on in the pipeline: a new version of its record. */
  outcome(move: OutcomeMove): void {
    const id = this.ids.get(move.ref);
    if (id === undefined) return;
    const at = new Date(move.atMs).toISOString();
    const ledger = move.approval ? this.ledger(move.approval) : Promise.resolve(null);
    void this.track(
      Promise.all([id, ledger]).then(async ([recId, approval]) => {
        if (recId === null) return;
        const f = this.failuresById.get(recId);
        if (f) f.outcome = move.outcome;
        const late = move.outcome === 'approved_late';
        // which record a late approval came for: a second approval of it is that sale's double charge
        if (late && approval) remember(this.lateLinks, approval.id, recId);
        await this.update(recId, {
          outcome: move.outcome,
          at,
          linked_id: approval?.id ?? null,
          recovered_by: late ? 'late_approval' : null,
        });
        if (approval) this.afterApproval(approval, recId);
      }),
    );
  }

  /** An approval: into the ledger, then the history decides what it means. */
  approval(a: ApprovedSale): void {
    void this.track(this.o.store.recordApproval(a).then(this.afterLedger, this.notStored));
  }

  private ledger(a: ApprovedSale): Promise<Approval | null> {
    return this.o.store.recordApproval(a).catch(this.notStored);
  }

  // made once: a closure per approval was garbage on every sale
  private readonly afterLedger = (ap: Approval): void => this.afterApproval(ap, null);
  private readonly notStored = (err: Error & { code?: string }): null => {
    this.o.onNotStored?.(err);
    return null;
  };

  /**
   * A new approval: a double charge if an earlier one matches it (same card, amount, currency,
   * within the window); otherwise it may recover a recent failure. `lateFor` is the record the
   * approval came late for (already linked to it).
   */
  private afterApproval(ap: Approval, lateFor: string | null): void {
    const atMs = Date.parse(ap.occurred_at);
    const twin = this.twinOf(ap, atMs);
    this.remember(ap, atMs);
    if (twin !== undefined && sameApproval(twin, ap)) {
      // the host's answer again (a retransmission seen across a restart): one approval, not two
      this.o.logger.info(
        { event: 'approval_repeated', first: twin.id, second: ap.id },
        'an approval seen twice',
      );
      return;
    }
    if (twin !== undefined) {
      this.doubleCharge(twin, ap, lateFor);
      return;
    }
    if (lateFor === null) this.recover(ap, atMs);
  }

  private recover(ap: Approval, atMs: number): void {
    const since = atMs - this.o.recoveryWindowMs;
    const open = (f: Followed): boolean =>
      f.id !== '' && f.atMs <= atMs && nextOutcome(f.outcome, 'paid_later') !== null;
    let means: RecoveryMeans = 'same_card';
    let f = ap.card_key === null ? undefined : this.failuresByCard.latest(ap.card_key, since, open);
    if (f === undefined && ap.amount_minor !== null) {
      means = 'other_card';
      f = this.failuresByAmount.latest(ap.amount_minor, since, (x) => x.currency === ap.currency && open(x));
    }
    if (f === undefined) return;
    const to = nextOutcome(f.outcome, 'paid_later')!;
    f.outcome = to as Outcome;
    this.counts.recovered++;
    this.o.logger.info(
      { event: 'sale_recovered', record: f.id, approval: ap.id, by: means, outcome: to },
      'a failed sale was paid afterwards',
    );
    void this.track(
      this.update(f.id, {
        outcome: to as Outcome,
        at: ap.occurred_at,
        linked_id: ap.id,
        recovered_by: to === 'recovered' ? means : null,
      }),
    );
  }

  private doubleCharge(first: Approval, second: Approval, lateFor: string | null): void {
    this.counts.doubleCharges++;
    this.alarmUntil = this.now() + ALARM_MS;
    this.o.onDoubleCharge?.();
    this.o.logger.warn(
      {
        event: 'double_charge',
        code: 'E_DOUBLE_CHARGE',
        first: first.id,
        second: second.id,
        stan: second.stan,
        amount_minor: second.amount_minor,
        currency: second.currency,
      },
      'two approvals for the same card and amount: possible double charge',
    );
    const at = second.occurred_at;
    // the late-approved sale, if one of the two approvals came late for a failure, carries it
    const late = lateFor ?? this.lateLinks.get(first.id) ?? null;
    const f = late === null ? undefined : this.failuresById.get(late);
    const event: SaleEvent = 'second_approval';
    if (f !== undefined && nextOutcome(f.outcome, event) !== null) {
      f.outcome = nextOutcome(f.outcome, event) as Outcome;
      void this.track(
        this.update(f.id, { outcome: f.outcome, at, linked_id: late === lateFor ? first.id : second.id }),
      );
      return;
    }
    // two plain approvals: a record of its own, so the merchant sees it with the failures
    const row = this.o.codes.lookup(LOCAL_FAULTS.doubleCharge);
    const d = new Date(Date.parse(at));
    const rec: NewFailure = {
      terminal_id: this.o.terminalId,
      merchant_id: this.o.merchantId,
      occurred_at: at,
      utc_offset_min: -d.getTimezoneOffset(),
      mti: second.mti,
      processing_code: null,
      amount_minor: second.amount_minor,
      currency: second.currency,
      pan_masked: second.pan_masked,
      card_brand: null,
      entry_mode: null,
      stan: second.stan,
      rrn: second.rrn,
      auth_code: second.auth_code,
      rc: row.code,
      rc_source: 'local',
      category: row.category,
      retry: row.retry,
      notes: null,
      outcome: 'possible_double_charge',
      linked_id: first.id,
      card_key: second.card_key,
    };
    void this.track(this.o.store.record(rec).then(this.o.onStored, this.o.onNotStored));
  }

  private async update(id: string, change: OutcomeChange): Promise<void> {
    try {
      const rec = await this.o.store.update(id, change);
      if (rec !== null) {
        this.counts.updates++;
        this.o.onStored?.(rec);
      }
    } catch (err) {
      this.o.onNotStored?.(err as Error & { code?: string });
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight++;
    p.then(this.untrack, this.untrack);
    return p;
  }

  private readonly untrack = (): void => {
    if (--this.inFlight > 0) return;
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  };
}

/** The same approval twice: the same STAN, RRN and authorization code (each present). */
function sameApproval(a: Approval, b: Approval): boolean {
  return (
    a.rrn !== null &&
    a.rrn === b.rrn &&
    a.auth_code !== null &&
    a.auth_code === b.auth_code &&
    a.stan === b.stan
  );
}

/** Sets key → value in a map that keeps at most MAX_REFS entries (the oldest goes first). */
function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= MAX_REFS && !map.has(key)) map.delete(map.keys().next().value!);
  map.set(key, value);
}
