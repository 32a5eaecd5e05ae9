/**
 * Amounts for the contact-issuer script, from field 4 (minor units) and field 49 (ISO 4217
 * numeric). The currency table itself is protocol/currency/iso4217.ts.
 */
import { findCurrency } from '../../protocol/currency/iso4217.js';

/**
 * "EUR 12,34" from (1234, '978', ','). Exact integer arithmetic on the minor units, no grouping.
 * Unknown currency: "1234 (currency 999, minor units)". Null amount: null.
 */
export function formatAmount(
  amountMinor: number | null,
  currency: string | null,
  decimalSeparator: string,
): string | null {
  if (amountMinor === null || !Number.isFinite(amountMinor)) return null;
  const code = currency?.trim().padStart(3, '0') ?? '';
  const cur = findCurrency(code);
  const neg = amountMinor < 0;
  const digits = String(Math.trunc(Math.abs(amountMinor)));
  if (!cur) return `${neg ? '-' : ''}${digits} (${currency ? `currency ${currency}, ` : ''}minor units)`;
  const { alpha, exponent: minor } = cur;
  if (minor === 0) return `${alpha} ${neg ? '-' : ''}${digits}`;
  const padded = digits.padStart(minor + 1, '0');
  const whole = padded.slice(0, padded.length - minor);
  const frac = padded.slice(padded.length - minor);
  return `${alpha} ${neg ? '-' : ''}${whole}${decimalSeparator}${frac}`;
}
