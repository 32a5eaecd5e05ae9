/**
 * Recently seen responses, to recognise a retransmitted one (same message class, STAN, RRN and
 * response code) and record it once. The code counts: after a 0410 refused a reversal, the host's
 * 0410 accepting the module's repeat (0401) carries the same STAN and RRN, and it is news. The
 * fields are compared as the bytes on the wire, whatever the dialect encodes them in (ASCII, BCD,
 * EBCDIC): one encoding gives one byte form. A fixed ring of STAN numbers, RRN and response-code
 * bytes: comparing allocates nothing.
 */
import type { MessageView } from '../../protocol/iso8583/index.js';

/** Field 37: 12 characters (12 bytes in ASCII or EBCDIC, fewer in BCD). */
const RRN_BYTES = 12;
/** Field 39: two characters in 1987, three in 1993 (at most 3 bytes in any encoding). */
const RC_BYTES = 3;

export class RecentResponses {
  private readonly stans: Int32Array;
  private readonly rrns: Uint8Array;
  private readonly rrnLens: Uint8Array;
  private readonly rcs: Uint8Array;
  private readonly rcLens: Uint8Array;
  private next = 0;
  private filled = 0;

  constructor(private readonly size = 256) {
    this.stans = new Int32Array(size).fill(-1);
    this.rrns = new Uint8Array(size * RRN_BYTES);
    this.rrnLens = new Uint8Array(size);
    this.rcs = new Uint8Array(size * RC_BYTES);
    this.rcLens = new Uint8Array(size);
  }

  /**
   * True when a response with this class, STAN, RRN and code was seen recently; otherwise
   * remembers it. `key` is the pairing key of class and STAN (pending.ts pairKey; -1 without a
   * STAN): responses without a STAN are never duplicates.
   */
  seenOrAdd(view: MessageView, key: number): boolean {
    if (key < 0) return false;
    const hasRrn = view.has(37);
    const ro = hasRrn ? view.offsetOf(37) : 0;
    const rl = hasRrn ? Math.min(view.byteLength(37), RRN_BYTES) : 0;
    const hasRc = view.has(39);
    const co = hasRc ? view.offsetOf(39) : 0;
    const cl = hasRc ? Math.min(view.byteLength(39), RC_BYTES) : 0;
    const buf = view.buf;
    for (let i = 0; i < this.filled; i++) {
      if (this.stans[i] !== key || this.rrnLens[i] !== rl || this.rcLens[i] !== cl) continue;
      if (same(this.rrns, i * RRN_BYTES, buf, ro, rl) && same(this.rcs, i * RC_BYTES, buf, co, cl))
        return true;
    }
    const slot = this.next;
    this.stans[slot] = key;
    this.rrnLens[slot] = rl;
    this.rcLens[slot] = cl;
    for (let j = 0; j < rl; j++) this.rrns[slot * RRN_BYTES + j] = buf[ro + j]!;
    for (let j = 0; j < cl; j++) this.rcs[slot * RC_BYTES + j] = buf[co + j]!;
    this.next = (slot + 1) % this.size;
    if (this.filled < this.size) this.filled++;
    return false;
  }
}

/** Are the n bytes at a[ai] and b[bi] the same? */
function same(a: Uint8Array, ai: number, b: Uint8Array, bi: number, n: number): boolean {
  for (let j = 0; j < n; j++) if (a[ai + j] !== b[bi + j]) return false;
  return true;
}
