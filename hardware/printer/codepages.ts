/**
 * The code pages the receipt printer is switched to, as data: for each single-byte page the
 * characters of bytes 0x80-0xFF (0x00-0x7F are ASCII), one row of 16 per line, and its ESC t
 * number. Chinese goes in the printer's double-byte mode as GB18030 two-byte codes (the GBK
 * range), whose table Node's own GB18030 decoder gives us once, on the first Chinese text.
 * Sources and the choice per language: docs/printer.md.
 */

export type CodePage = 'cp858' | 'cp866' | 'gb18030';

/** PC858: Western European with the euro sign (PC850 with U+20AC at 0xD5). */
// prettier-ignore
const CP858_HIGH = [
  'ÇüéâäàåçêëèïîìÄÅ', // 80-8F
  'ÉæÆôöòûùÿÖÜø£Ø×ƒ', // 90-9F
  'áíóúñÑªº¿®¬½¼¡«»', // A0-AF
  '░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐', // B0-BF
  '└┴┬├─┼ãÃ╚╔╩╦╠═╬¤', // C0-CF
  'ðÐÊËÈ€ÍÎÏ┘┌█▄¦Ì▀', // D0-DF
  'ÓßÔÒõÕµþÞÚÛÙýÝ¯´', // E0-EF
  '\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0', // F0-FF
].join('');

/** PC866: Cyrillic (Russian), with Ё ё and №. */
// prettier-ignore
const CP866_HIGH = [
  'АБВГДЕЖЗИЙКЛМНОП', // 80-8F
  'РСТУФХЦЧШЩЪЫЬЭЮЯ', // 90-9F
  'абвгдежзийклмноп', // A0-AF
  '░▒▓│┤╡╢╖╕╣║╗╝╜╛┐', // B0-BF
  '└┴┬├─┼╞╟╚╔╩╦╠═╬╧', // C0-CF
  '╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀', // D0-DF
  'рстуфхцчшщъыьэюя', // E0-EF
  'ЁёЄєЇїЎў°∙·√№¤■\u00a0', // F0-FF
].join('');

/** Single-byte pages: the high half and the ESC t n that selects the page on an Epson-style printer. */
export const SINGLE_BYTE_PAGES = {
  cp858: { escT: 19, high: CP858_HIGH },
  cp866: { escT: 17, high: CP866_HIGH },
} as const;

/** The code page for a cashier language: CP866 for Russian, GB18030 for Chinese, else CP858. */
export function codePageFor(lang: string): CodePage {
  const base = lang.toLowerCase().split(/[-_]/)[0];
  if (base === 'ru') return 'cp866';
  if (base === 'zh') return 'gb18030';
  return 'cp858';
}
