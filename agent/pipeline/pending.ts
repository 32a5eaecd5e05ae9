/**
 * Requests the module sent to the host and that have no response yet, by STAN. A response removes
 * its request; a request older than the host timeout becomes a host-timeout failure. What we keep
 * is only what a failure record may hold (masked PAN, keyed card hash, amounts, ids).
 */
export interface PendingRequest {
  stan: string;
  mti: string;
  processingCode: string | null;
  amountMinor: number | null;
  currency: string | null;
  panMasked: string | null;
  cardBrand: string | null;
  cardKey: string | null;
  entryMode: string | null;
  sentAt: number;
}

export class PendingRequests {
  private readonly byStan = new Map<number, PendingRequest>();

  constructor(private readonly maxEntries = 1024) {}

  /** STANs are keyed as numbers so a response can look its request up without making a string. */
  add(req: PendingRequest): void {
    const key = Number(req.stan);
    if (this.byStan.size >= this.maxEntries) {
      // the oldest entry is the first in insertion order
      const first = this.byStan.keys().next();
      if (!first.done) this.byStan.delete(first.value);
    }
    this.byStan.delete(key);
    this.byStan.set(key, req);
  }

  take(stan: number): PendingRequest | undefined {
    const r = this.byStan.get(stan);
    if (r) this.byStan.delete(stan);
    return r;
  }

  /** Removes and returns the requests sent before `cutoff` (ms). */
  expire(cutoff: number): PendingRequest[] {
    const out: PendingRequest[] = [];
    for (const [stan, r] of this.byStan) {
      if (r.sentAt > cutoff) break; // insertion order is send order
      out.push(r);
      this.byStan.delete(stan);
    }
    return out;
  }

  get size(): number {
    return this.byStan.size;
  }
}
