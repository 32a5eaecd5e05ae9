/**
 * Zero-copy BER-TLV reader for EMV data (field 55). A cursor over a byte range: `next()` advances to
 * the next element and exposes its tag (up to 3 bytes, packed big-endian into a number), the offset
 * and length of its value. No allocation; constructed tags are not entered (call `enter()` to walk
 * inside one). Padding bytes 0x00 and 0xFF between elements are skipped.
 */
export const TlvError = { None: 0, Truncated: 1, BadLength: 2, TagTooLong: 3 } as const;

export class TlvReader {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  /** Current tag, e.g. 0x9f27, 0x5f2d, 0x8a. */
  tag = 0;
  /** True when the tag's constructed bit (0x20 of its first byte) is set. */
  constructed = false;
  valueOffset = 0;
  valueLength = 0;
  /** Offset of the current element's first tag byte. */
  elementOffset = 0;
  error = 0;

  reset(buf: Uint8Array, start: number, end: number): this {
    this.buf = buf;
    this.pos = start;
    this.end = Math.min(end, buf.length);
    this.tag = 0;
    this.error = 0;
    return this;
  }

  /** Walk into the current constructed element's value. */
  enter(): this {
    this.pos = this.valueOffset;
    this.end = this.valueOffset + this.valueLength;
    return this;
  }

  /** Advances to the next element; false at the end or on malformed data (see `error`). */
  next(): boolean {
    const b = this.buf;
    let p = this.pos;
    while (p < this.end && (b[p] === 0x00 || b[p] === 0xff)) p++;
    if (p >= this.end) return false;
    this.elementOffset = p;
    const first = b[p++]!;
    let tag = first;
    if ((first & 0x1f) === 0x1f) {
      let n = 0;
      do {
        if (p >= this.end) return this.fail(TlvError.Truncated);
        if (++n > 2) return this.fail(TlvError.TagTooLong);
        tag = (tag << 8) | b[p]!;
      } while ((b[p++]! & 0x80) !== 0);
    }
    if (p >= this.end) return this.fail(TlvError.Truncated);
    let len = b[p++]!;
    if (len & 0x80) {
      const nb = len & 0x7f;
      if (nb === 0 || nb > 2) return this.fail(TlvError.BadLength);
      if (this.end - p < nb) return this.fail(TlvError.Truncated);
      len = 0;
      for (let i = 0; i < nb; i++) len = (len << 8) | b[p++]!;
    }
    if (this.end - p < len) return this.fail(TlvError.Truncated);
    this.tag = tag;
    this.constructed = (first & 0x20) !== 0;
    this.valueOffset = p;
    this.valueLength = len;
    this.pos = p + len;
    return true;
  }

  /** Finds the first element with `tag` at this level from the current position. */
  find(tag: number): boolean {
    while (this.next()) if (this.tag === tag) return true;
    return false;
  }

  private fail(code: number): false {
    this.error = code;
    this.pos = this.end;
    return false;
  }
}

/** Formats a packed tag number as EMV hex, e.g. 0x9f27 → "9F27". */
export function tagHex(tag: number): string {
  const h = tag.toString(16).toUpperCase();
  return h.length % 2 === 1 ? `0${h}` : h;
}

/**
 * EMV tags that may leave the device (PCI DSS: no track-equivalent data 57/56/9F6B/9F1F/9F20, no
 * PIN data 99). Everything else in field 55 is dropped from outputs.
 */
export const SAFE_EMV_TAGS: ReadonlySet<number> = new Set([
  0x8a, // authorisation response code
  0x95, // terminal verification results
  0x9b, // transaction status information
  0x9f12, // application preferred name
  0x50, // application label
  0x84, // dedicated file name (AID)
  0x4f, // AID
  0x9f34, // CVM results
  0x9f27, // cryptogram information data
  0x5f2d, // language preference
  0x9f11, // issuer code table index
  0x91, // issuer authentication data
  0x9f36, // application transaction counter
  0x82, // application interchange profile
  0x9a, // transaction date
  0x9c, // transaction type
  0x5f2a, // transaction currency code
  0x9f02, // amount authorised
]);
