/**
 * Sales whose outcome the host can still change: timed out (a late answer or a reversal may
 * follow), reversal sent, reversal refused. Keyed by the sale's STAN, which the module's later
 * messages name (EVT HOST_TIMEOUT/REVERSAL_SENT stan=, a late 0210, field 90 of a 0400). Bounded
 * in number and age: a sale is forgotten after `keepMs`, when no host answer can still come.
 */
import type { SaleState } from './outcome-machine.js';

export interface OpenSale {
  /** The pipeline's reference of the sale's failure record (PipelineOptions.record). */
  ref: number;
  state: SaleState;
  stan: string;
  /** Field 41 of the sale's request (or its answer), when it had one: only its own reversals move it. */
  terminal: string | null;
  openedAt: number;
}

export class OpenSales {
  private readonly byStan = new Map<number, OpenSale>();

  constructor(
    private readonly keepMs: number,
    private readonly maxEntries = 1024,
  ) {}

  open(stan: number, sale: OpenSale): void {
    if (this.byStan.size >= this.maxEntries) {
      const first = this.byStan.keys().next();
      if (!first.done) this.byStan.delete(first.value);
    }
    this.byStan.delete(stan);
    this.byStan.set(stan, sale);
  }

  get(stan: number): OpenSale | undefined {
    return this.byStan.get(stan);
  }

  close(stan: number): void {
    this.byStan.delete(stan);
  }

  /** Forgets sales opened before now - keepMs. */
  expire(now: number): void {
    for (const [stan, s] of this.byStan) {
      if (s.openedAt > now - this.keepMs) break; // insertion order is opening order
      this.byStan.delete(stan);
    }
  }

  get size(): number {
    return this.byStan.size;
  }
}
