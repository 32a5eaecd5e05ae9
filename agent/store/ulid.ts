/**
 * ULID (https://github.com/ulid/spec): 48-bit millisecond timestamp + 80 random bits, written as 26
 * characters of Crockford base32 (10 for the time, 16 for the randomness). Lexicographic order is
 * time order. Monotonic within one generator: inside the same millisecond (or if the clock steps
 * back) the random part is incremented by one instead of redrawn, so ids from one process always
 * sort in creation order. Written here rather than pulled in as a dependency: it is this short.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_LEN = 10;
const RANDOM_LEN = 16;
const MAX_TIME = 2 ** 48 - 1;

export const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export type UlidFactory = (now?: number) => string;

/** Makes a monotonic ULID generator (one per store; not shared between processes). */
export function monotonicUlid(random: (n: number) => Uint8Array = randomBytes): UlidFactory {
  let lastTime = -1;
  const digits = new Uint8Array(RANDOM_LEN); // random part, one base32 digit (0..31) per slot

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
    let out = '';
    let t = lastTime;
    const time: string[] = new Array(TIME_LEN);
    for (let i = TIME_LEN - 1; i >= 0; i--) {
      time[i] = ALPHABET[t % 32] as string;
      t = Math.floor(t / 32);
    }
    out = time.join('');
    for (let i = 0; i < RANDOM_LEN; i++) out += ALPHABET[digits[i] ?? 0];
    return out;
  };
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
