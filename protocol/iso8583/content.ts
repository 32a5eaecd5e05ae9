/**
 * Content checks shared by the decoder's walks and the subfield reader: does a field's data match
 * its content type (digits, track data, a signed amount, hex characters) in its encoding? HOT PATH:
 * no allocation; the reason of a failure goes to module state (`contentErrCode`), not an object.
 */
import { DecodeErrorCode as E } from './errors.js';
import { ebcdicHexVal, hexVal } from './encodings/binary.js';
import {
  CHK_DIGITS,
  CHK_TRACK,
  CHK_XN,
  ENC_ASCII,
  ENC_BCD,
  ENC_EBCDIC,
  ENC_EBCDIC_HEX,
  ENC_HEX,
  ENC_XN_BCD,
  PK_PAD_LEFT,
} from './spec.js';

/** True when buf[p, p+n) are all ASCII digits; four bytes at a time. */
export function allDigits(buf: Uint8Array, dv: DataView, p: number, n: number): boolean {
  let i = p;
  const stop4 = p + (n & ~3);
  const base = buf.byteOffset;
  for (; i < stop4; i += 4) {
    // each byte 0x30..0x39: high nibble 3, and low nibble + 6 does not carry into it
    const x = dv.getUint32(base + i);
    if ((x & 0xf0f0f0f0) !== 0x30303030 || ((x + 0x06060606) & 0xf0f0f0f0) !== 0x30303030) return false;
  }
  const stop = p + n;
  for (; i < stop; i++) if ((buf[i]! - 48) >>> 0 > 9) return false;
  return true;
}

/** The reason of the last failed check (a DecodeErrorCode). */
export let contentErrCode = 0;

function setErr(code: number, offset: number): number {
  contentErrCode = code;
  return offset;
}

/** Character checks of a text encoding: `zero` is the digit 0, `eq` '=', `d` 'D'. */
function textError(
  chk: number,
  buf: Uint8Array,
  dv: DataView,
  p: number,
  bl: number,
  zero: number,
  eq: number,
  d: number,
): number {
  if (chk === CHK_DIGITS) {
    if (zero === 48 && allDigits(buf, dv, p, bl)) return -1;
    for (let i = p; i < p + bl; i++) if ((buf[i]! - zero) >>> 0 > 9) return setErr(E.BadNumeric, i);
  } else if (chk === CHK_TRACK) {
    for (let i = p; i < p + bl; i++) {
      const c = buf[i]!;
      if ((c - zero) >>> 0 > 9 && c !== eq && c !== d) return setErr(E.BadTrack, i);
    }
  } else if (chk === CHK_XN) {
    for (let i = p + 1; i < p + bl; i++) if ((buf[i]! - zero) >>> 0 > 9) return setErr(E.BadNumeric, i);
  }
  return -1;
}

/**
 * Checks a field's data against its content type. `spec` is a packed field word (spec.ts). Returns
 * -1 when valid, else the offset of the first bad byte (and sets contentErrCode).
 */
export function contentError(
  spec: number,
  buf: Uint8Array,
  dv: DataView,
  p: number,
  bl: number,
  units: number,
): number {
  const e = spec & 7;
  const chk = (spec >>> 3) & 3;
  if (e === ENC_ASCII) return chk === 0 ? -1 : textError(chk, buf, dv, p, bl, 0x30, 0x3d, 0x44);
  if (e === ENC_EBCDIC) return chk === 0 ? -1 : textError(chk, buf, dv, p, bl, 0xf0, 0x7e, 0xc4);
  if (e === ENC_BCD && chk !== CHK_TRACK) {
    // digits a byte at a time; an odd count has one pad nibble (0 or F) first or last
    const odd = (units & 1) === 1;
    let i = p;
    let stop = p + (units >> 1);
    if (odd && (spec & PK_PAD_LEFT) !== 0) {
      const b = buf[i]!;
      if ((b >> 4 !== 0 && b >> 4 !== 15) || (b & 15) > 9) return setErr(E.BadNumeric, i);
      i++;
      stop++;
    }
    for (; i < stop; i++) {
      const b = buf[i]!;
      if (b >> 4 > 9 || (b & 15) > 9) return setErr(E.BadNumeric, i);
    }
    if (odd && (spec & PK_PAD_LEFT) === 0) {
      const b = buf[i]!;
      if (b >> 4 > 9 || ((b & 15) !== 0 && (b & 15) !== 15)) return setErr(E.BadNumeric, i);
    }
    return -1;
  }
  if (e === ENC_BCD || e === ENC_XN_BCD) {
    const q = e === ENC_XN_BCD ? p + 1 : p;
    const digits = e === ENC_XN_BCD ? units - 1 : units;
    const odd = (digits & 1) === 1;
    const padLeft = odd && (spec & PK_PAD_LEFT) !== 0;
    const track = chk === CHK_TRACK;
    const total = (digits + 1) & ~1;
    for (let nib = 0; nib < total; nib++) {
      const b = buf[q + (nib >> 1)]!;
      const v = (nib & 1) === 0 ? b >> 4 : b & 15;
      if (odd && (padLeft ? nib === 0 : nib === total - 1)) {
        if (v !== 0 && v !== 15) return setErr(E.BadNumeric, q + (nib >> 1));
      } else if (v > 9 && !(track && v === 13)) {
        return setErr(track ? E.BadTrack : E.BadNumeric, q + (nib >> 1));
      }
    }
    return -1;
  }
  if (e === ENC_HEX) {
    for (let i = p; i < p + bl; i++) if (hexVal(buf[i]!) < 0) return setErr(E.BadHex, i);
  } else if (e === ENC_EBCDIC_HEX) {
    for (let i = p; i < p + bl; i++) if (ebcdicHexVal(buf[i]!) < 0) return setErr(E.BadHex, i);
  }
  return -1;
}
