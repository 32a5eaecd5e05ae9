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

const DIGIT_RUN = /\d{13,19}/g;

/**
 * Masks every Luhn-valid run of 13–19 digits in free text. A last line of defence for log lines
 * and error messages; the decoder never hands out a full PAN in the first place.
 */
export function scrubPans(text: string): string {
  if (text.length < 13) return text;
  return text.replace(DIGIT_RUN, (run) => (luhnValid(run) ? maskPan(run) : run));
}

/** Finds Luhn-valid 13–19 digit runs (tests use it to scan outputs for leaked PANs). */
export function findPans(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(DIGIT_RUN)) if (luhnValid(m[0])) out.push(m[0]);
  return out;
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
