/**
 * ULID (https://github.com/ulid/spec): 48-bit millisecond timestamp + 80 random bits, written as 26
 * characters of Crockford base32 (10 for the time, 16 for the randomness). Lexicographic order is
 * time order. Monotonic within one generator: inside the same millisecond (or if the clock steps
 * back) the random part is incremented by one instead of redrawn, so ids from one process always
 * sort in creation order. Written here rather than pulled in as a dependency: it is this short.
 */
import { randomFillSync } from 'node:crypto';
import { holdsCardData } from '../../protocol/card/card-data.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_LEN = 10;
const RANDOM_LEN = 16;
const MAX_TIME = 2 ** 48 - 1;
const ALPHABET_CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));

export const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export type UlidFactory = (now?: number) => string;

/** crypto random bytes served from a 4 KiB pool refilled when used up (no Buffer per call). */
function pooledRandom(): (n: number) => Uint8Array {
  const pool = new Uint8Array(4096);
  let at = pool.length;
  return (n) => {
    if (n > pool.length) return randomFillSync(new Uint8Array(n));
    if (at + n > pool.length) {
      randomFillSync(pool);
      at = 0;
    }
    const out = pool.subarray(at, at + n);
    at += n;
    return out;
  };
}

/** Makes a monotonic ULID generator (one per store; not shared between processes). */
export function monotonicUlid(random: (n: number) => Uint8Array = pooledRandom()): UlidFactory {
  let lastTime = -1;
  const digits = new Uint8Array(RANDOM_LEN); // random part, one base32 digit (0..31) per slot
  const codes = new Uint16Array(TIME_LEN + RANDOM_LEN); // the id's character codes, reused

  return (now = Date.now()) => {
    if (!Number.isInteger(now) || now < 0 || now > MAX_TIME) throw new RangeError(`ulid: bad time ${now}`);
    if (now > lastTime) {
      lastTime = now;
      const bytes = random(RANDOM_LEN);
      for (let i = 0; i < RANDOM_LEN; i++) digits[i] = (bytes[i] ?? 0) & 31;
    } else {
      // same millisecond or clock went back: keep lastTime, increment the 80-bit random part
      let i = RANDOM_LEN - 1;
      while (i >= 0 && digits[i] === 31) digits[i--] = 0;
      if (i < 0) throw new RangeError('ulid: random part overflow within one millisecond');
      digits[i] = (digits[i] ?? 0) + 1;
    }
    let id = render(lastTime, digits, codes);
    // an id that reads as card data (a Luhn-valid run of 13 or more digits, or track 2's digits, 'D'
    // and digits: about one in a million) would be refused by the card-data policy at the collector
    // (record-card-data.ts): the next id after it that does not, in order
    while (holdsCardData(id)) {
      skipAhead(digits);
      id = render(lastTime, digits, codes);
    }
    return id;
  };
}

/**
 * Moves the random part past the current value: its SKIP_AT'th digit up by one (with carry) and the
 * digits after it to 0. The id grows, so the order holds; the changed digit and the zeros after it
 * break the digit run or the track shape within a few steps.
 */
function skipAhead(digits: Uint8Array): void {
  digits.fill(0, SKIP_AT + 1);
  let i = SKIP_AT;
  while (i >= 0 && digits[i] === 31) digits[i--] = 0;
  if (i < 0) throw new RangeError('ulid: random part overflow within one millisecond');
  digits[i] = (digits[i] ?? 0) + 1;
}

/** The random digit skipAhead raises: the 4th, so that 12 zeros follow it. */
const SKIP_AT = 3;

function render(time: number, digits: Uint8Array, codes: Uint16Array): string {
  let t = time;
  for (let i = TIME_LEN - 1; i >= 0; i--) {
    codes[i] = ALPHABET_CODES[t % 32]!;
    t = Math.floor(t / 32);
  }
  for (let i = 0; i < RANDOM_LEN; i++) codes[TIME_LEN + i] = ALPHABET_CODES[digits[i]!]!;
  return String.fromCharCode.apply(null, codes as unknown as number[]);
}

/** Milliseconds encoded in a ULID's first 10 characters. */
export function ulidTime(id: string): number {
  let t = 0;
  for (let i = 0; i < TIME_LEN; i++) {
    const v = ALPHABET.indexOf(id[i] ?? '');
    if (v < 0) throw new RangeError(`ulid: bad character in ${id}`);
    t = t * 32 + v;
  }
  return t;
}
