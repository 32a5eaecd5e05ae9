/**
 * Recently seen responses, to recognise a retransmitted one (same message class, STAN and RRN)
 * and record it once. A fixed ring of STAN numbers and RRN bytes: comparing allocates nothing.
 */
import type { MessageView } from '../../protocol/iso8583/index.js';

const RRN_BYTES = 12;

export class RecentResponses {
  private readonly stans: Int32Array;
  private readonly rrns: Uint8Array;
  private readonly rrnLens: Uint8Array;
  private next = 0;
  private filled = 0;

  constructor(private readonly size = 256) {
    this.stans = new Int32Array(size).fill(-1);
    this.rrns = new Uint8Array(size * RRN_BYTES);
    this.rrnLens = new Uint8Array(size);
  }

  /**
   * True when a response with this STAN and RRN was seen recently; otherwise remembers it.
   * `stan` is the pairing key of class and STAN (pending.ts pairKey; -1 without a STAN): responses
   * without a STAN are never duplicates.
   */
  seenOrAdd(view: MessageView, stan: number): boolean {
    if (stan < 0) return false;
    const hasRrn = view.has(37) && view.dialect!.enc[37] === 1;
    const ro = hasRrn ? view.offsetOf(37) : 0;
    const rl = hasRrn ? Math.min(view.unitsOf(37), RRN_BYTES) : 0;
    const buf = view.buf;
    for (let i = 0; i < this.filled; i++) {
      if (this.stans[i] !== stan || this.rrnLens[i] !== rl) continue;
      let same = true;
      for (let j = 0; j < rl; j++) {
        if (this.rrns[i * RRN_BYTES + j] !== buf[ro + j]) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
    const slot = this.next;
    this.stans[slot] = stan;
    this.rrnLens[slot] = rl;
    for (let j = 0; j < rl; j++) this.rrns[slot * RRN_BYTES + j] = buf[ro + j]!;
    this.next = (slot + 1) % this.size;
    if (this.filled < this.size) this.filled++;
    return false;
  }
}
