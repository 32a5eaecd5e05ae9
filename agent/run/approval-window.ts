/**
 * The approvals of the double-charge window, kept small: the outcome keeper looks up every approval
 * here (hundreds a second on a busy terminal), and an object per approval with its card hash, STAN,
 * RRN and auth code as strings was ~450 bytes of heap each, 1.9 MB at 4,096 of them, all promoted
 * to the old generation and garbage there once the window moved on. Here an approval is its time,
 * amount, currency and a 52-bit fingerprint of its card hash in typed arrays, and its ledger id:
 * enough to find a candidate twin. The candidate's row is then read back from the store's ledger
 * (rare: a double charge or the same approval seen again) and judged on its full fields there.
 *
 * A ring of `capacity` approvals (the oldest goes first whatever the rate); approvals with the same
 * fingerprint bucket are chained newest first, so a lookup touches only its bucket's approvals.
 * Each approval has a serial number; a chain ends where it reaches one the ring has overwritten.
 */
export class ApprovalWindow {
  private readonly atMs: Float64Array;
  private readonly amount: Float64Array;
  private readonly currency: Int32Array;
  private readonly print: Float64Array;
  /** Serial number + 1 of the previous approval in the same bucket (0: none). */
  private readonly prev: Float64Array;
  /** Serial number + 1 of each bucket's newest approval (0: none). */
  private readonly heads: Float64Array;
  private readonly ids: (string | undefined)[];
  /** Serial number of the next approval. */
  private next = 0;

  constructor(readonly capacity = 4096) {
    this.atMs = new Float64Array(capacity);
    this.amount = new Float64Array(capacity);
    this.currency = new Int32Array(capacity);
    this.print = new Float64Array(capacity);
    this.prev = new Float64Array(capacity);
    this.heads = new Float64Array(capacity * 2);
    this.ids = new Array<string | undefined>(capacity).fill(undefined);
  }

  /** Approvals held (at most `capacity`; some may be older than the caller's window). */
  get size(): number {
    return Math.min(this.next, this.capacity);
  }

  add(cardKey: string, atMs: number, amount: number, currency: string | null, id: string): void {
    const serial = this.next++;
    const slot = serial % this.capacity;
    const print = fingerprint(cardKey);
    const bucket = this.bucketOf(print);
    this.atMs[slot] = atMs;
    this.amount[slot] = amount;
    this.currency[slot] = currencyCode(currency);
    this.print[slot] = print;
    this.prev[slot] = this.heads[bucket]!;
    this.heads[bucket] = serial + 1;
    this.ids[slot] = id;
  }

  /**
   * The newest approval at or after `sinceMs` that may be the same card, amount and currency, as
   * `accept` judges it from its ledger id: the first thing `accept` returns, or undefined.
   */
  find<T>(
    cardKey: string,
    sinceMs: number,
    amount: number,
    currency: string | null,
    accept: (id: string) => T | undefined,
  ): T | undefined {
    const print = fingerprint(cardKey);
    const cur = currencyCode(currency);
    const oldest = this.next - this.capacity; // serials below this were overwritten
    for (let s = this.heads[this.bucketOf(print)]! - 1; s >= 0 && s >= oldest;) {
      const slot = s % this.capacity;
      if (this.atMs[slot]! < sinceMs) return undefined;
      if (this.print[slot] === print && this.amount[slot] === amount && this.currency[slot] === cur) {
        const found = accept(this.ids[slot]!);
        if (found !== undefined) return found;
      }
      s = this.prev[slot]! - 1;
    }
    return undefined;
  }

  private bucketOf(print: number): number {
    return print % this.heads.length;
  }
}

/** The first 13 hex digits of a card hash as a number (52 bits: exact in a double). */
function fingerprint(cardKey: string): number {
  let n = 0;
  for (let i = 0; i < 13 && i < cardKey.length; i++) {
    const c = cardKey.charCodeAt(i);
    n = n * 16 + ((c <= 57 ? c - 48 : (c | 32) - 87) & 15);
  }
  return n;
}

/** A three-character currency as one number (-1: none; anything else is judged on the row). */
function currencyCode(c: string | null): number {
  if (c === null) return -1;
  return c.length === 3 ? (c.charCodeAt(0) << 16) | (c.charCodeAt(1) << 8) | c.charCodeAt(2) : -2;
}
