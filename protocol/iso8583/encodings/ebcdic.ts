/**
 * EBCDIC: the character sets of IBM mainframe hosts (Visa Base I, many ISO 8583:1993 hosts). Two code
 * pages are common on payment links and differ in six positions only (`^ ¬ [ ] Ý ¨`): 037 (US/Canada,
 * the jPOS default) and 1047 (Latin-1 open systems, z/OS UNIX). Both map the 256 byte values one to
 * one onto Latin-1 (U+0000..U+00FF), so each table is 256 Latin-1 code points, one row per high
 * nibble (docs/sources.md §ISO 8583 encodings). Digits are F0-F9 in both; space is 40.
 */

export type CodePage = '037' | '1047';
export const CODE_PAGES: readonly CodePage[] = ['037', '1047'];

/** Code page 037: the Latin-1 code point of each EBCDIC byte, row = high nibble. */
const CP037_ROWS = [
  '00 01 02 03 9C 09 86 7F 97 8D 8E 0B 0C 0D 0E 0F', // 0_
  '10 11 12 13 9D 85 08 87 18 19 92 8F 1C 1D 1E 1F', // 1_
  '80 81 82 83 84 0A 17 1B 88 89 8A 8B 8C 05 06 07', // 2_
  '90 91 16 93 94 95 96 04 98 99 9A 9B 14 15 9E 1A', // 3_
  '20 A0 E2 E4 E0 E1 E3 E5 E7 F1 A2 2E 3C 28 2B 7C', // 4_
  '26 E9 EA EB E8 ED EE EF EC DF 21 24 2A 29 3B AC', // 5_
  '2D 2F C2 C4 C0 C1 C3 C5 C7 D1 A6 2C 25 5F 3E 3F', // 6_
  'F8 C9 CA CB C8 CD CE CF CC 60 3A 23 40 27 3D 22', // 7_
  'D8 61 62 63 64 65 66 67 68 69 AB BB F0 FD FE B1', // 8_
  'B0 6A 6B 6C 6D 6E 6F 70 71 72 AA BA E6 B8 C6 A4', // 9_
  'B5 7E 73 74 75 76 77 78 79 7A A1 BF D0 DD DE AE', // A_
  '5E A3 A5 B7 A9 A7 B6 BC BD BE 5B 5D AF A8 B4 D7', // B_
  '7B 41 42 43 44 45 46 47 48 49 AD F4 F6 F2 F3 F5', // C_
  '7D 4A 4B 4C 4D 4E 4F 50 51 52 B9 FB FC F9 FA FF', // D_
  '5C F7 53 54 55 56 57 58 59 5A B2 D4 D6 D2 D3 D5', // E_
  '30 31 32 33 34 35 36 37 38 39 B3 DB DC D9 DA 9F', // F_
];

/** Code page 1047: as 037 except 5F, AD, B0, BA, BB, BD. */
const CP1047_ROWS = [
  '00 01 02 03 9C 09 86 7F 97 8D 8E 0B 0C 0D 0E 0F', // 0_
  '10 11 12 13 9D 85 08 87 18 19 92 8F 1C 1D 1E 1F', // 1_
  '80 81 82 83 84 0A 17 1B 88 89 8A 8B 8C 05 06 07', // 2_
  '90 91 16 93 94 95 96 04 98 99 9A 9B 14 15 9E 1A', // 3_
  '20 A0 E2 E4 E0 E1 E3 E5 E7 F1 A2 2E 3C 28 2B 7C', // 4_
  '26 E9 EA EB E8 ED EE EF EC DF 21 24 2A 29 3B 5E', // 5_
  '2D 2F C2 C4 C0 C1 C3 C5 C7 D1 A6 2C 25 5F 3E 3F', // 6_
  'F8 C9 CA CB C8 CD CE CF CC 60 3A 23 40 27 3D 22', // 7_
  'D8 61 62 63 64 65 66 67 68 69 AB BB F0 FD FE B1', // 8_
  'B0 6A 6B 6C 6D 6E 6F 70 71 72 AA BA E6 B8 C6 A4', // 9_
  'B5 7E 73 74 75 76 77 78 79 7A A1 BF D0 5B DE AE', // A_
  'AC A3 A5 B7 A9 A7 B6 BC BD BE DD A8 AF 5D B4 D7', // B_
  '7B 41 42 43 44 45 46 47 48 49 AD F4 F6 F2 F3 F5', // C_
  '7D 4A 4B 4C 4D 4E 4F 50 51 52 B9 FB FC F9 FA FF', // D_
  '5C F7 53 54 55 56 57 58 59 5A B2 D4 D6 D2 D3 D5', // E_
  '30 31 32 33 34 35 36 37 38 39 B3 DB DC D9 DA 9F', // F_
];

function table(rows: readonly string[]): Uint8Array {
  const t = new Uint8Array(256);
  rows.forEach((row, hi) => row.split(' ').forEach((cp, lo) => (t[hi * 16 + lo] = parseInt(cp, 16))));
  return t;
}

function inverse(t: Uint8Array): Uint8Array {
  const inv = new Uint8Array(256);
  t.forEach((latin1, ebcdic) => (inv[latin1] = ebcdic));
  return inv;
}

const TO_LATIN1: Readonly<Record<CodePage, Uint8Array>> = {
  '037': table(CP037_ROWS),
  '1047': table(CP1047_ROWS),
};
const FROM_LATIN1: Readonly<Record<CodePage, Uint8Array>> = {
  '037': inverse(TO_LATIN1['037']),
  '1047': inverse(TO_LATIN1['1047']),
};

/** Index of a code page in compiled dialects (a Uint8Array slot per field). */
export function codePageIndex(cp: CodePage): number {
  return cp === '1047' ? 1 : 0;
}
const BY_INDEX = [TO_LATIN1['037'], TO_LATIN1['1047']] as const;
const BY_INDEX_INV = [FROM_LATIN1['037'], FROM_LATIN1['1047']] as const;

export const EBCDIC_ZERO = 0xf0;
export const EBCDIC_SPACE = 0x40;

/** The digit value of an EBCDIC byte, or -1. */
export function ebcdicDigit(b: number): number {
  const d = b - EBCDIC_ZERO;
  return d >= 0 && d <= 9 ? d : -1;
}

/** The Latin-1 code of one EBCDIC byte. */
export function ebcdicToLatin1(b: number, cpIndex: number): number {
  return BY_INDEX[cpIndex === 1 ? 1 : 0][b & 255]!;
}

/** EBCDIC bytes to a string (Latin-1 characters). */
export function ebcdicText(buf: Uint8Array, o: number, n: number, cpIndex: number): string {
  const t = BY_INDEX[cpIndex === 1 ? 1 : 0];
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(t[buf[o + i]!]!);
  return s;
}

/** A string of Latin-1 characters to EBCDIC bytes; null when a character is outside Latin-1. */
export function ebcdicBytes(s: string, cpIndex: number): Buffer | null {
  const t = BY_INDEX_INV[cpIndex === 1 ? 1 : 0];
  const out = Buffer.alloc(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) return null;
    out[i] = t[c]!;
  }
  return out;
}
