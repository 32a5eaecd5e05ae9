/**
 * Requests the module sent to the host and that have no response yet. A response is paired with
 * its request by message class and STAN (0200 with 0210, 0400 or its repeat 0401 with 0410, 1804
 * with 1814 ...), and, where both carry them, the same terminal id (field 41) and transmission
 * time (field 7): a response for another terminal or another attempt with a reused STAN is not
 * taken for this one. A response removes its request; a request older than the host timeout
 * becomes a host-timeout failure. What we keep is only what a failure record may hold (masked
 * PAN, keyed card hash, amounts, ids).
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
  /** Field 41 as sent, to check the response's (null: not sent). */
  terminal: string | null;
  /** Field 7 (MMDDhhmmss) as a number, to check the response's (-1: not sent). */
  sentTime: number;
  /** For a reversal or advice (0400/0420 ...): the STAN of the sale it reverses (field 90), else null. */
  originalStan: string | null;
  sentAt: number;
}

/**
 * The pairing key of a message: version, class and the request/response pair of its function
 * (0 and 1, 2 and 3, 4 and 5) from the MTI, and the STAN; the origin digit (a repeat) is left out.
 * A number, so a response finds its request without making a string.
 */
export function pairKey(mtiNum: number, stan: number): number {
  const version = Math.floor(mtiNum / 1000);
  const cls = Math.floor(mtiNum / 100) % 10;
  const fnPair = (Math.floor(mtiNum / 10) % 10) >> 1;
  return ((version * 10 + cls) * 10 + fnPair) * 1_000_000 + (stan % 1_000_000);
}

/** True for a request or advice (function digit 0, 2, 4), false for a response (1, 3, 5). */
export function isRequestMti(mtiNum: number): boolean {
  return (Math.floor(mtiNum / 10) % 10) % 2 === 0;
}

/** The message class digit: 1 authorization, 2 financial, 4 reversal, 8 network management. */
export function mtiClass(mtiNum: number): number {
  return Math.floor(mtiNum / 100) % 10;
}

/** A sale's request or its answer: authorization or financial class, function 0 or 1 (not an advice). */
export function isSaleMti(mtiNum: number): boolean {
  const cls = mtiClass(mtiNum);
  return (cls === 1 || cls === 2) && Math.floor(mtiNum / 10) % 10 <= 1;
}

export class PendingRequests {
  private readonly byKey = new Map<number, PendingRequest>();

  constructor(private readonly maxEntries = 1024) {}

  add(key: number, req: PendingRequest): void {
    if (this.byKey.size >= this.maxEntries) {
      // the oldest entry is the first in insertion order
      const first = this.byKey.keys().next();
      if (!first.done) this.byKey.delete(first.value);
    }
    this.byKey.delete(key);
    this.byKey.set(key, req);
  }

  peek(key: number): PendingRequest | undefined {
    return this.byKey.get(key);
  }

  take(key: number): PendingRequest | undefined {
    const r = this.byKey.get(key);
    if (r) this.byKey.delete(key);
    return r;
  }

  /** The pending sale request with this STAN, whatever its class: for EVT lines, which name a STAN only. */
  takeSale(stan: number): PendingRequest | undefined {
    for (const [key, r] of this.byKey) {
      if (key % 1_000_000 !== stan % 1_000_000 || !isSaleMti(Number(r.mti))) continue;
      this.byKey.delete(key);
      return r;
    }
    return undefined;
  }

  /** Removes and returns the requests sent before `cutoff` (ms). */
  expire(cutoff: number): PendingRequest[] {
    const out: PendingRequest[] = [];
    for (const [key, r] of this.byKey) {
      if (r.sentAt > cutoff) break; // insertion order is send order
      out.push(r);
      this.byKey.delete(key);
    }
    return out;
  }

  get size(): number {
    return this.byKey.size;
  }
}
