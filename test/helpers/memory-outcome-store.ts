/**
 * An in-memory OutcomeStore (agent/run/outcomes.ts) and a keeper on it, for tests of the keeper's logic: records with
 * versions, the approval ledger, ids in order. The real store's durability is tested with the store.
 */
import { silentLogger } from '../../agent/log.js';
import { OutcomeKeeper, type OutcomeStore } from '../../agent/run/outcomes.js';
import { createCodeTable } from '../../protocol/response-codes/index.js';
import type { FailureRecord } from '../../agent/record.js';
import type {
  Approval,
  NewApproval,
  NewFailure,
  OpenFailure,
  OutcomeChange,
} from '../../agent/store/index.js';

export type StoredRecord = FailureRecord & { card_key: string | null };

export class MemoryOutcomeStore implements OutcomeStore {
  readonly records = new Map<string, StoredRecord>();
  readonly approvals: Approval[] = [];
  private n = 0;

  async record(f: NewFailure): Promise<FailureRecord> {
    const id = `R${String(++this.n).padStart(4, '0')}`;
    const { card_key, ...fields } = f;
    const rec: StoredRecord = {
      ...fields,
      id,
      seq: this.n,
      boot_id: 'test',
      synced_at: null,
      version: 1,
      outcome_at: null,
      linked_id: fields.linked_id ?? null,
      recovered_by: null,
      card_key: card_key ?? null,
    };
    this.records.set(id, rec);
    return rec;
  }

  async update(id: string, change: OutcomeChange): Promise<FailureRecord | null> {
    const r = this.records.get(id);
    if (!r) return null;
    r.version++;
    r.outcome = change.outcome;
    r.outcome_at = change.at;
    r.linked_id = change.linked_id ?? null;
    r.recovered_by = change.recovered_by ?? null;
    return r;
  }

  async recordApproval(a: NewApproval): Promise<Approval> {
    const ap = { ...a, id: `A${String(++this.n).padStart(4, '0')}` };
    this.approvals.push(ap);
    return ap;
  }

  recentApprovals(sinceIso: string): Approval[] {
    return this.approvals.filter((a) => a.occurred_at >= sinceIso);
  }

  approvalById(id: string): Approval | undefined {
    return this.approvals.find((a) => a.id === id);
  }

  openFailures(sinceIso: string): OpenFailure[] {
    return [...this.records.values()]
      .filter((r) => r.occurred_at >= sinceIso)
      .map((r) => ({
        id: r.id,
        occurred_at: r.occurred_at,
        terminal_id: r.terminal_id,
        outcome: r.outcome,
        card_key: r.card_key,
        amount_minor: r.amount_minor,
        currency: r.currency,
        stan: r.stan,
        mti: r.mti,
        linked_id: r.linked_id,
      }));
  }

  /** The latest version of the record made for the sale with this STAN. */
  byStan(stan: string): StoredRecord | undefined {
    return [...this.records.values()].find((r) => r.stan === stan);
  }
}

/** A keeper for TERM0001 on `store`: 30 min recovery window, 10 min double-charge window. */
export function testKeeper(store: OutcomeStore, now?: () => number): OutcomeKeeper {
  return new OutcomeKeeper({
    store,
    terminalId: 'TERM0001',
    merchantId: 'MERCHANT0000001',
    codes: createCodeTable(),
    recoveryWindowMs: 30 * 60_000,
    doubleChargeWindowMs: 10 * 60_000,
    logger: silentLogger(),
    ...(now ? { now } : {}),
  });
}
