/**
 * The character set of an HD44780-class LCD (ROM A00): the characters it has a code for, and the
 * Latin replacements for those it lacks (Cyrillic transliterated, ß → ss; the typographic
 * look-alikes shared with the printer, look-alikes.ts: € → EUR). Data and one per-character rule
 * (lcdCodes), shared by the LCD driver (lcd.ts) and whoever must know how wide a text comes out on
 * it (the agent's title rows, so that a code at the end of a title survives the transliteration).
 */
import { LOOK_ALIKES } from './look-alikes.js';

/** Characters with their own code in the HD44780 A00 ROM. */
const ROM_A00: Readonly<Record<string, number>> = {
  ä: 0xe1,
  ö: 0xef,
  ü: 0xf5,
  ñ: 0xee,
  '°': 0xdf,
  µ: 0xe4,
  Ω: 0xf4,
  Σ: 0xf6,
  π: 0xf7,
  '÷': 0xfd,
  '→': 0x7e,
  '←': 0x7f,
};

/**
 * Replacements for letters and signs the ROM lacks (before diacritics are stripped), besides the
 * typographic look-alikes both devices share (look-alikes.ts). '\\' and '~' are here because the
 * ROM has ¥ and → at their codes.
 */
const TRANSLIT: Readonly<Record<string, string>> = {
  ß: 'ss',
  Ä: 'A',
  Ö: 'O',
  Ü: 'U',
  Æ: 'AE',
  æ: 'ae',
  Ø: 'O',
  ø: 'o',
  Å: 'A',
  å: 'a',
  '£': 'GBP',
  '\\': '/',
  '~': '-',
  '¥': 'Y',
  // Russian (simple Latin transliteration)
  А: 'A',
  Б: 'B',
  В: 'V',
  Г: 'G',
  Д: 'D',
  Е: 'E',
  Ё: 'E',
  Ж: 'Zh',
  З: 'Z',
  И: 'I',
  Й: 'I',
  К: 'K',
  Л: 'L',
  М: 'M',
  Н: 'N',
  О: 'O',
  П: 'P',
  Р: 'R',
  С: 'S',
  Т: 'T',
  У: 'U',
  Ф: 'F',
  Х: 'Kh',
  Ц: 'Ts',
  Ч: 'Ch',
  Ш: 'Sh',
  Щ: 'Shch',
  Ъ: '',
  Ы: 'Y',
  Ь: '',
  Э: 'E',
  Ю: 'Yu',
  Я: 'Ya',
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};

/**
 * The ROM bytes of one character: its own code; else its replacement (TRANSLIT, LOOK_ALIKES) or
 * the character without its diacritics, each character of that in 0x20-0x7D or '?'. A combining
 * mark alone takes no byte.
 */
export function lcdCodes(ch: string): number[] {
  const rom = ROM_A00[ch];
  if (rom !== undefined) return [rom];
  const s = TRANSLIT[ch] ?? LOOK_ALIKES[ch] ?? ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const out: number[] = [];
  for (const c of s) {
    const code = c.codePointAt(0)!;
    out.push(code >= 0x20 && code <= 0x7d ? code : 0x3f);
  }
  return out;
}

/** Cells `text` takes on the LCD: the bytes of each character (lcdCodes). */
export function lcdWidth(text: string): number {
  let n = 0;
  for (const ch of text) n += lcdCodes(ch).length;
  return n;
}
