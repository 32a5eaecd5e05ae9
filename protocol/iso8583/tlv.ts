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
 * EMV tags that may leave the device, with the value length (bytes, min and max) EMV Book 3 Annex A
 * defines for each. A value of any other length is not what the tag says it is (a declared length
 * that runs over the following tags, say) and is redacted. Everything else in field 55 is dropped.
 */
export const SAFE_EMV_LENGTHS: ReadonlyMap<number, readonly [number, number]> = new Map<
  number,
  readonly [number, number]
>([
  [0x8a, [2, 2]], // authorisation response code
  [0x95, [5, 5]], // terminal verification results
  [0x9b, [2, 2]], // transaction status information
  [0x9f12, [1, 16]], // application preferred name
  [0x50, [1, 16]], // application label
  [0x84, [5, 16]], // dedicated file name (AID)
  [0x4f, [5, 16]], // AID
  [0x9f34, [3, 3]], // CVM results
  [0x9f27, [1, 1]], // cryptogram information data
  [0x5f2d, [2, 8]], // language preference
  [0x9f11, [1, 1]], // issuer code table index
  [0x91, [8, 16]], // issuer authentication data
  [0x9f36, [2, 2]], // application transaction counter
  [0x82, [2, 2]], // application interchange profile
  [0x9a, [3, 3]], // transaction date
  [0x9c, [1, 1]], // transaction type
  [0x5f2a, [2, 2]], // transaction currency code
  [0x9f02, [6, 6]], // amount authorised
]);

/** The tags of SAFE_EMV_LENGTHS. */
export const SAFE_EMV_TAGS: ReadonlySet<number> = new Set(SAFE_EMV_LENGTHS.keys());

/**
 * Card data carried as EMV tags (PCI DSS): track 1/2 equivalent data 56/57/9F6B, the PAN 5A, the
 * cardholder name 5F20/9F0B, the expiry 5F24, track discretionary data 9F1F/9F20, PIN data 99. A
 * safe tag whose value parses as TLV holding one of these is redacted.
 */
export const CARD_DATA_EMV_TAGS: ReadonlySet<number> = new Set([
  0x56, 0x57, 0x5a, 0x5f20, 0x5f24, 0x9f0b, 0x9f1f, 0x9f20, 0x9f6b, 0x99,
]);

/**
 * True when buf[start, end) read as TLV (entering constructed elements) holds a card-data element
 * with a value, read completely before the data ends or stops parsing. `r` is a scratch reader.
 */
export function holdsCardDataTag(
  r: TlvReader,
  buf: Uint8Array,
  start: number,
  end: number,
  depth = 0,
): boolean {
  r.reset(buf, start, end);
  while (r.next()) {
    if (CARD_DATA_EMV_TAGS.has(r.tag) && r.valueLength > 0) return true;
    if (r.constructed && depth < 4) {
      const vo = r.valueOffset;
      if (holdsCardDataTag(new TlvReader(), buf, vo, vo + r.valueLength, depth + 1)) return true;
    }
  }
  return false;
}
