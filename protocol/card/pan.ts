/**
 * Card-number helpers used at the data boundary. One truncation format everywhere (PCI DSS 3.4.1,
 * REFERENCE.md §4): first 6 and last 4 digits, '*' in between, length preserved.
 */

/** Masks a PAN given as a digit string: "4761739001010119" → "476173******0119". */
export function maskPan(pan: string): string {
  const n = pan.length;
  if (n <= 10) return '*'.repeat(n); // too short to show anything safely
  return pan.slice(0, 6) + '*'.repeat(n - 10) + pan.slice(n - 4);
}

/** Luhn check over a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/**
 * PANs in free text. A digit run is a maximal sequence of ASCII digits in which a single space or
 * dash may stand between two digits ("4761 7390 0101 0119", "4761-7390-0101-0119"); letters,
 * punctuation, two separators in a row or a separator at either end end it. Inside a run, every
 * window of 13–19 consecutive digits that passes the Luhn check is a PAN, wherever it sits: a PAN
 * with digits glued to it ("0216" + PAN in field 48) is found too. One linear pass over the text with
 * charCodeAt (no regular expression, nothing allocated unless a run reaches 13 digits); a run's
 * windows are checked in O(1) each from two prefix sums. ISO timestamps ("2026-12-02T16:43:34Z":
 * 8 digits, then a letter) and short numbers are never long enough to be touched.
 */

const MIN_PAN = 13;
const MAX_PAN = 19;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** End (exclusive, after its last digit) of the digit run starting at `i` (a digit); `count` out via runDigits. */
let runDigits = 0;
function runEnd(text: string, i: number): number {
  const n = text.length;
  let end = i + 1;
  let count = 1;
  let j = i + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (isDigit(c)) {
      count++;
      end = ++j;
    } else if ((c === 32 || c === 45) && j + 1 < n && isDigit(text.charCodeAt(j + 1))) j++;
    else break;
  }
  runDigits = count;
  return end;
}

/** Luhn doubling of one digit. */
function dbl(d: number): number {
  return d < 5 ? d * 2 : d * 2 - 9;
}

/**
 * The Luhn-valid 13–19 digit windows of a run of `count` digits: calls `hit(s, e)` for each window
 * [s, e) in digit indexes (a window of zeros only is left out). Two prefix sums (even indexes plain / odd doubled, and the opposite)
 * give any window's Luhn sum in O(1): the window's last digit is never doubled.
 */
function luhnWindows(digits: Uint8Array, count: number, hit: (s: number, e: number) => void): void {
  const ev = new Int32Array(count + 1);
  const od = new Int32Array(count + 1);
  const nz = new Int32Array(count + 1);
  for (let k = 0; k < count; k++) {
    const d = digits[k]!;
    ev[k + 1] = ev[k]! + ((k & 1) === 0 ? d : dbl(d));
    od[k + 1] = od[k]! + ((k & 1) === 1 ? d : dbl(d));
    nz[k + 1] = nz[k]! + (d === 0 ? 0 : 1);
  }
  for (let s = 0; s + MIN_PAN <= count; s++) {
    const top = Math.min(count, s + MAX_PAN);
    for (let e = s + MIN_PAN; e <= top; e++) {
      const sum = ((e - 1) & 1) === 0 ? ev[e]! - ev[s]! : od[e]! - od[s]!;
      // zeros only pass the check but are padding (zero-filled fields), not a card number
      if (sum % 10 === 0 && nz[e]! > nz[s]!) hit(s, e);
    }
  }
}

/** The digits of text[start, end) (a run) as numbers. */
function runDigitValues(text: string, start: number, end: number, count: number): Uint8Array {
  const digits = new Uint8Array(count);
  let k = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) digits[k++] = c - 48;
  }
  return digits;
}

/**
 * Masks every PAN (see above) in free text: of each Luhn-valid window, all but the first 6 and last
 * 4 digits become '*' (separators stay). Where windows overlap, a digit hidden by one stays hidden,
 * so no Luhn-valid 13–19 digit window survives in the result. A last line of defence for log lines,
 * stored text and decode output; the decoder never hands out a full PAN in the first place. Returns
 * the same string when there is nothing to mask.
 */
export function scrubPans(text: string): string {
  const n = text.length;
  if (n < MIN_PAN) return text;
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < n) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const end = runEnd(text, i);
    const count = runDigits;
    if (count >= MIN_PAN) {
      const masked = maskRun(text, i, end, count);
      if (masked !== null) {
        out += text.slice(copied, i) + masked;
        copied = end;
      }
    }
    i = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The run text[start, end) with PAN middles masked, or null when it holds no PAN. */
function maskRun(text: string, start: number, end: number, count: number): string | null {
  const digits = runDigitValues(text, start, end, count);
  let hide: Uint8Array | null = null;
  luhnWindows(digits, count, (s, e) => {
    hide ??= new Uint8Array(count);
    for (let k = s + 6; k < e - 4; k++) hide[k] = 1;
  });
  if (hide === null) return null;
  const h: Uint8Array = hide;
  let s = '';
  let k = 0;
  for (let i = start; i < end; i++) {
    const ch = text[i]!;
    if (isDigit(ch.charCodeAt(0))) s += h[k++] === 1 ? '*' : ch;
    else s += ch;
  }
  return s;
}

/**
 * Finds PANs in text (tests use it to scan outputs for leaked card numbers): the Luhn-valid 13–19
 * digit windows of every digit run (see above), digits only, leaving out a window that lies inside
 * another one found.
 */
export function findPans(text: string): string[] {
  const found: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const end = runEnd(text, i);
    const count = runDigits;
    if (count >= MIN_PAN) {
      const digits = runDigitValues(text, i, end, count);
      const wins: Array<[number, number]> = [];
      luhnWindows(digits, count, (s, e) => wins.push([s, e]));
      for (const [s, e] of wins) {
        if (wins.some(([s2, e2]) => (s2 !== s || e2 !== e) && s2 <= s && e <= e2)) continue;
        found.push(Array.from(digits.subarray(s, e)).join(''));
      }
    }
    i = end;
  }
  return found;
}

/** Card brand from the leading digits (IIN ranges of the major networks). */
export function cardBrand(pan: string): string {
  const d2 = Number(pan.slice(0, 2));
  const d4 = Number(pan.slice(0, 4));
  const d6 = Number(pan.slice(0, 6));
  if (pan[0] === '4') return 'visa';
  if ((d2 >= 51 && d2 <= 55) || (d4 >= 2221 && d4 <= 2720)) return 'mastercard';
  if (d2 === 34 || d2 === 37) return 'amex';
  if (d2 === 62) return 'unionpay';
  if (d4 >= 3528 && d4 <= 3589) return 'jcb';
  if (d4 === 6011 || d2 === 65 || (d6 >= 644000 && d6 <= 649999)) return 'discover';
  if (d2 === 36 || d2 === 38 || d2 === 39 || (d4 >= 3000 && d4 <= 3059)) return 'diners';
  if (d2 === 50 || (d2 >= 56 && d2 <= 69)) return 'maestro';
  return 'unknown';
}
