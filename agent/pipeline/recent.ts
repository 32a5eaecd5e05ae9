/**
 * Recently seen responses, to recognise a retransmitted one and record it once. A retransmission is
 * the same message again: the same pairing key (message class and STAN) and the same transmission
 * time (7), RRN (37), response code (39) and terminal (41), as far as the response carries them.
 * - The code counts: after a 0410 refused a reversal, the 0410 accepting the module's repeat (0401)
 *   has the same STAN and RRN, and it is news.
 * - The terminal counts: another terminal's answer with our STAN must not make ours look repeated.
 * - A new original request (a 0200, not its repeat 0201) forgets the answers to its key: a module
 *   that restarted its STAN counter gets a new answer, even one without an RRN or a time.
 * The fields are compared as the bytes on the wire, whatever the dialect encodes them in (ASCII,
 * BCD, EBCDIC): one encoding gives one byte form. A fixed ring of keys and signature bytes:
 * comparing allocates nothing.
 */
import type { MessageView } from '../../protocol/iso8583/index.js';

/** The fields of a response's signature, and the most bytes of each that are compared. */
const SIGNATURE_FIELDS = [7, 37, 39, 41] as const;
const FIELD_BYTES = 16;
/** Per field: a length byte (0: absent) and up to FIELD_BYTES bytes. */
const SIG_BYTES = SIGNATURE_FIELDS.length * (1 + FIELD_BYTES);

export class RecentResponses {
  private readonly keys: Int32Array;
  private readonly sigs: Uint8Array;
  /** The signature being looked up, built in place. */
  private readonly probe = new Uint8Array(SIG_BYTES);
  private next = 0;
  private filled = 0;

  constructor(private readonly size = 256) {
    this.keys = new Int32Array(size).fill(-1);
    this.sigs = new Uint8Array(size * SIG_BYTES);
  }

  /** A new original request with this pairing key went out: answers before it are not its answers. */
  forget(key: number): void {
    for (let i = 0; i < this.filled; i++) if (this.keys[i] === key) this.keys[i] = -1;
  }

  /**
   * True when the same response (see above) was seen recently; otherwise remembers it. `key` is
   * the pairing key of class and STAN (pending.ts pairKey; -1 without a STAN): responses without a
   * STAN are never duplicates.
   */
  seenOrAdd(view: MessageView, key: number): boolean {
    if (key < 0) return false;
    const p = this.probe;
    const buf = view.buf;
    p.fill(0);
    for (let f = 0; f < SIGNATURE_FIELDS.length; f++) {
      const field = SIGNATURE_FIELDS[f]!;
      if (!view.has(field)) continue;
      const at = f * (1 + FIELD_BYTES);
      const off = view.offsetOf(field);
      const n = Math.min(view.byteLength(field), FIELD_BYTES);
      p[at] = n + 1; // 1..17: present (an empty field differs from an absent one)
      for (let j = 0; j < n; j++) p[at + 1 + j] = buf[off + j]!;
    }
    for (let i = 0; i < this.filled; i++) {
      if (this.keys[i] !== key) continue;
      const base = i * SIG_BYTES;
      let same = true;
      for (let j = 0; j < SIG_BYTES; j++) {
        if (this.sigs[base + j] !== p[j]) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
    const slot = this.next;
    this.keys[slot] = key;
    this.sigs.set(p, slot * SIG_BYTES);
    this.next = (slot + 1) % this.size;
    if (this.filled < this.size) this.filled++;
    return false;
  }
}
