/**
 * Plain look-alikes for typographic characters a device may lack: quotes, dashes, the ellipsis,
 * special spaces, the soft hyphen, œ, €, №. One table for both devices that need it: the receipt
 * printer tries it when the code page lacks the character (printer/text-encode.ts), the LCD when
 * its ROM does (lcd-charset.ts, which adds the letters only the LCD lacks).
 */

/** Character → its look-alike ('' prints nothing: the soft hyphen). One row per character. */
export const LOOK_ALIKES: Readonly<Record<string, string>> = {
  '\u2018': "'", // ‘ left single quote
  '\u2019': "'", // ’ right single quote, apostrophe
  '\u201a': "'", // ‚ single low quote
  '\u2039': "'", // ‹ single guillemet
  '\u203a': "'", // › single guillemet
  '\u201c': '"', // “ left double quote
  '\u201d': '"', // ” right double quote
  '\u201e': '"', // „ double low quote
  '\u00ab': '"', // « guillemet
  '\u00bb': '"', // » guillemet
  '\u2013': '-', // – en dash
  '\u2014': '-', // — em dash
  '\u2010': '-', // ‐ hyphen
  '\u2011': '-', // ‑ non-breaking hyphen
  '\u2212': '-', // − minus sign
  '\u2026': '...', // … ellipsis
  '\u00a0': ' ', // no-break space
  '\u202f': ' ', // narrow no-break space
  '\u2009': ' ', // thin space
  '\u00ad': '', // soft hyphen
  '\u0153': 'oe', // œ
  '\u0152': 'OE', // Œ
  '\u20ac': 'EUR', // €
  '\u2116': 'No.', // № numero sign
};
