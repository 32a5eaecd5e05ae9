/**
 * A field is an encoding × a length prefix × a padding (after moov-io/iso8583's split): one module
 * each, and the character sets (ASCII, EBCDIC), BCD and binary as encodings.
 */
export * from './ascii.js';
export * from './ebcdic.js';
export * from './bcd.js';
export * from './binary.js';
export * from './prefix.js';
export * from './padding.js';
