/** Byte streams cut into pieces, as a serial port or a socket may deliver them, for framing tests. */

/**
 * `buf` cut at `cuts` (each taken modulo length + 1, repeats and order ignored): the pieces, none
 * empty, that concatenate back to `buf`. Feed it fast-check's `fc.array(fc.nat())` for any chunking.
 */
export function chunked(buf: Buffer, cuts: number[]): Buffer[] {
  const pts = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...pts, buf.length]) {
    if (p > prev) out.push(buf.subarray(prev, p));
    prev = Math.max(prev, p);
  }
  return out;
}
