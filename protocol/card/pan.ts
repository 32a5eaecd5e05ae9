/**
 * Card-number helpers used at the data boundary. One truncation format everywhere (PCI DSS 3.4.1,
 * docs/sources.md §Card data rules): first 6 and last 4 digits, '*' in between, length preserved.
 */

/** Masks a PAN given as a digit string: "4761739001010119" → "476173******0119". */
export function maskPan(pan: string): string {
  const n = pan.length;
  if (n <= 10) return '*'.repeat(n); // too short to show anything safely
  return pan.slice(0, 6) + '*'.repeat(n - 10) + pan.slice(n - 4);
}

/**
 * The Luhn sum of a digit string, counted from the right: with `checkDigitFollows` the rightmost
 * digit is doubled (the string is a body still without its check digit), else the one before it.
 * -1 when a character is not a digit. The one Luhn implementation: luhnValid and luhnCheckDigit.
 */
function luhnSum(digits: string, checkDigitFollows: boolean): number {
  let sum = 0;
  let dbl = checkDigitFollows;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum;
}

/** Luhn check over a digit string. */
export function luhnValid(digits: string): boolean {
  const sum = luhnSum(digits, false);
  return sum >= 0 && sum % 10 === 0;
}

/** The Luhn check digit (0-9) that completes `body`, a digit string; a RangeError for any other text. */
export function luhnCheckDigit(body: string): number {
  const sum = luhnSum(body, true);
  if (sum < 0) throw new RangeError('luhnCheckDigit: body must be digits only');
  return (10 - (sum % 10)) % 10;
}

/**
 * PANs in free text. A digit run is a maximal sequence of ASCII digits in which up to three
 * separators (space, tab, dash or slash) may stand between two digits ("4761 7390 0101 0119",
 * "4761-7390-0101-0119", "4761  7390  0101  0119", "4761 / 7390 / 0101 / 0119"); letters, other
 * punctuation, four separators in a row or a separator at either end end it. A dot ends a run too:
 * decimal amounts ("701589321606.04") would otherwise read as 14-digit runs and get masked. Inside
 * a run, every
 * window of 13-19 consecutive digits that passes the Luhn check is a PAN, wherever it sits: a PAN
 * with digits glued to it ("0216" + PAN in field 48) is found too. A window of zeros only passes the
 * check but is padding, not a card number. ISO timestamps ("2026-12-02T16:43:34Z": 8 digits, then a
 * letter) and short numbers are never long enough to be touched.
 *
 * Cost (this runs on every log line): text without 13 digits in a run is passed by one native
 * regular-expression test that cannot backtrack (each step consumes exactly one digit, the optional
 * separator before it is decided by the next character). A run that has them is read once into
 * reused typed arrays; each of its windows is checked in O(1) from prefix sums, and the windows to
 * mask are merged with a difference array: linear in the run's length, no closures.
 */

const MIN_PAN = 13;
const MAX_PAN = 19;
/** Most separator characters between two digits of one run. */
const MAX_GAP = 3;
/**
 * 13 digits in a row, up to MAX_GAP separators between two of them. Cannot backtrack: the separator
 * class and \d are disjoint, so each step is decided by the next character.
 */
const CANDIDATE = /\d(?:[ \t/-]{0,3}\d){12}/;

/** Space, tab, dash, slash: what people and systems write between groups of a card number. */
function isSeparator(c: number): boolean {
  return c === 32 || c === 9 || c === 45 || c === 47;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Digits (their values) and positions of the run being looked at; grown as needed. */
let runVals = new Uint8Array(64);
let runPos = new Int32Array(64);
let ev = new Int32Array(65);
let od = new Int32Array(65);
let nz = new Int32Array(65);
let diffs = new Int32Array(65);

/**
 * Reads the digit run that starts at text[i] (a digit) into runVals/runPos; returns the number of
 * digits. The run ends after runPos[count - 1].
 */
function readRun(text: string, i: number): number {
  const n = text.length;
  let count = 0;
  let j = i;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (isDigit(c)) {
      if (count === runVals.length) grow(count * 2);
      runVals[count] = c - 48;
      runPos[count++] = j++;
    } else if (isSeparator(c)) {
      // a gap of 1..MAX_GAP separators continues the run only when a digit follows it
      let k = j + 1;
      while (k < n && k - j < MAX_GAP && isSeparator(text.charCodeAt(k))) k++;
      if (k < n && isDigit(text.charCodeAt(k))) j = k;
      else break;
    } else break;
  }
  return count;
}

/** Digits in the run nextLongRun found last, and the index just after its last digit. */
let runCount = 0;
let runEnd = 0;

/**
 * The scan scrubPans and findPans share: from text[i] on, the start of the next digit run of at
 * least MIN_PAN digits, read into runVals/runPos (its digits in runCount, its end in runEnd), or -1
 * at the end of the text. Shorter runs are stepped over whole. Module state, not a callback or a
 * returned object: scrubPans allocates nothing for text without a PAN.
 */
function nextLongRun(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const count = readRun(text, i);
    const end = runPos[count - 1]! + 1;
    if (count >= MIN_PAN) {
      runCount = count;
      runEnd = end;
      return i;
    }
    i = end;
  }
  return -1;
}

function grow(size: number): void {
  const v = new Uint8Array(size);
  v.set(runVals);
  runVals = v;
  const p = new Int32Array(size);
  p.set(runPos);
  runPos = p;
}

/** Luhn doubling of one digit. */
function dbl(d: number): number {
  return d < 5 ? d * 2 : d * 2 - 9;
}

/** Fills the prefix sums of the run: Luhn sums with even or odd indexes plain, and non-zero digits. */
function prefixSums(count: number): void {
  if (ev.length < count + 1) {
    ev = new Int32Array(runVals.length + 1);
    od = new Int32Array(runVals.length + 1);
    nz = new Int32Array(runVals.length + 1);
  }
  for (let k = 0; k < count; k++) {
    const d = runVals[k]!;
    const dd = dbl(d);
    ev[k + 1] = ev[k]! + ((k & 1) === 0 ? d : dd);
    od[k + 1] = od[k]! + ((k & 1) === 1 ? d : dd);
    nz[k + 1] = nz[k]! + (d === 0 ? 0 : 1);
  }
}

/** True when digits [s, e) of the run are a PAN: Luhn-valid (last digit never doubled), not all zeros. */
function isPanWindow(s: number, e: number): boolean {
  const sum = ((e - 1) & 1) === 0 ? ev[e]! - ev[s]! : od[e]! - od[s]!;
  return sum % 10 === 0 && nz[e]! > nz[s]!;
}

/**
 * Masks every PAN (see above) in free text: of each Luhn-valid window, all but the first 6 and last
 * 4 digits become '*' (separators stay). Where windows overlap, a digit hidden by one stays hidden,
 * so no PAN survives in the result. A last line of defence for log lines, stored text and decode
 * output; the decoder never hands out a full PAN in the first place. Returns the very same string
 * when there is nothing to mask.
 */
export function scrubPans(text: string): string {
  if (text.length < MIN_PAN || !CANDIDATE.test(text)) return text;
  let out = '';
  let copied = 0;
  for (let i = nextLongRun(text, 0); i >= 0; i = nextLongRun(text, runEnd)) {
    const masked = maskRun(text, i, runEnd, runCount);
    if (masked !== null) {
      out += text.slice(copied, i) + masked;
      copied = runEnd;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The run text[start, end) of `count` digits with PAN middles masked, or null when it holds no PAN. */
function maskRun(text: string, start: number, end: number, count: number): string | null {
  prefixSums(count);
  // diff[k]: windows whose hidden middle starts at digit k minus those whose middle ends there
  const diff = diffs.length > count ? diffs : (diffs = new Int32Array(runVals.length + 1));
  diff.fill(0, 0, count + 1);
  let any = false;
  for (let s = 0; s + MIN_PAN <= count; s++) {
    const top = Math.min(count, s + MAX_PAN);
    for (let e = s + MIN_PAN; e <= top; e++) {
      if (!isPanWindow(s, e)) continue;
      any = true;
      diff[s + 6]!++;
      diff[e - 4]!--;
    }
  }
  if (!any) return null;
  let out = '';
  let last = start;
  let depth = 0;
  for (let k = 0; k < count; k++) {
    depth += diff[k]!;
    if (depth > 0) {
      const p = runPos[k]!;
      out += `${text.slice(last, p)}*`;
      last = p + 1;
    }
  }
  return out + text.slice(last, end);
}

/**
 * Finds PANs in text (tests use it to scan outputs for leaked card numbers): the PAN windows of
 * every digit run (see above) as digit strings, leaving out a window that lies inside another one
 * found.
 */
export function findPans(text: string): string[] {
  const found: string[] = [];
  if (text.length < MIN_PAN || !CANDIDATE.test(text)) return found;
  for (let i = nextLongRun(text, 0); i >= 0; i = nextLongRun(text, runEnd)) {
    const count = runCount;
    prefixSums(count);
    // the longest PAN window per start; one inside an earlier-starting window is left out
    let reach = 0;
    for (let s = 0; s + MIN_PAN <= count; s++) {
      let e = Math.min(count, s + MAX_PAN);
      while (e >= s + MIN_PAN && !isPanWindow(s, e)) e--;
      if (e < s + MIN_PAN || e <= reach) continue;
      reach = e;
      let d = '';
      for (let k = s; k < e; k++) d += String.fromCharCode(48 + runVals[k]!);
      found.push(d);
    }
  }
  return found;
}

/**
 * True when text holds a PAN window (see above) that begins with a digit other than 0: a card
 * number an issuer could have issued (no issuer identification number begins with 0). Zeros in
 * front of a PAN do not hide it ("04761739001010119" holds one), while a zero-padded number whose
 * Luhn-valid windows all begin with 0 ("000000000000042") holds none.
 */
export function holdsIssuablePan(text: string): boolean {
  if (text.length < MIN_PAN || !CANDIDATE.test(text)) return false;
  for (let i = nextLongRun(text, 0); i >= 0; i = nextLongRun(text, runEnd)) {
    const count = runCount;
    prefixSums(count);
    for (let s = 0; s + MIN_PAN <= count; s++) {
      if (runVals[s] === 0) continue;
      const top = Math.min(count, s + MAX_PAN);
      for (let e = s + MIN_PAN; e <= top; e++) if (isPanWindow(s, e)) return true;
    }
  }
  return false;
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
