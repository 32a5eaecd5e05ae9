/**
 * ISO 4217 numeric → alphabetic code and minor units, for the currencies a terminal is likely to
 * see (field 49). Data only; an unknown code is shown as its number with the amount in minor units.
 */
// prettier-ignore -- aligned data table
export const CURRENCIES: Readonly<Record<string, readonly [alpha: string, minorUnits: number]>> = {
  '008': ['ALL', 2], '032': ['ARS', 2], '036': ['AUD', 2], '048': ['BHD', 3], '050': ['BDT', 2],
  '051': ['AMD', 2], '124': ['CAD', 2], '144': ['LKR', 2], '152': ['CLP', 0], '156': ['CNY', 2],
  '170': ['COP', 2], '203': ['CZK', 2], '208': ['DKK', 2], '344': ['HKD', 2], '348': ['HUF', 2],
  '352': ['ISK', 0], '356': ['INR', 2], '360': ['IDR', 2], '368': ['IQD', 3], '376': ['ILS', 2],
  '392': ['JPY', 0], '398': ['KZT', 2], '400': ['JOD', 3], '404': ['KES', 2], '410': ['KRW', 0],
  '414': ['KWD', 3], '417': ['KGS', 2], '434': ['LYD', 3], '446': ['MOP', 2], '458': ['MYR', 2],
  '484': ['MXN', 2], '496': ['MNT', 2], '498': ['MDL', 2], '504': ['MAD', 2], '512': ['OMR', 3],
  '554': ['NZD', 2], '566': ['NGN', 2], '578': ['NOK', 2], '586': ['PKR', 2], '600': ['PYG', 0],
  '604': ['PEN', 2], '608': ['PHP', 2], '634': ['QAR', 2], '643': ['RUB', 2], '646': ['RWF', 0],
  '682': ['SAR', 2], '702': ['SGD', 2], '704': ['VND', 0], '710': ['ZAR', 2], '752': ['SEK', 2],
  '756': ['CHF', 2], '764': ['THB', 2], '784': ['AED', 2], '788': ['TND', 3], '800': ['UGX', 0],
  '818': ['EGP', 2], '826': ['GBP', 2], '840': ['USD', 2], '860': ['UZS', 2], '901': ['TWD', 2],
  '933': ['BYN', 2], '941': ['RSD', 2], '944': ['AZN', 2], '946': ['RON', 2], '949': ['TRY', 2],
  '950': ['XAF', 0], '952': ['XOF', 0], '953': ['XPF', 0], '975': ['BGN', 2], '978': ['EUR', 2],
  '980': ['UAH', 2], '981': ['GEL', 2], '985': ['PLN', 2], '986': ['BRL', 2],
};

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
  const cur = CURRENCIES[code];
  const neg = amountMinor < 0;
  const digits = String(Math.trunc(Math.abs(amountMinor)));
  if (!cur) return `${neg ? '-' : ''}${digits} (${currency ? `currency ${currency}, ` : ''}minor units)`;
  const [alpha, minor] = cur;
  if (minor === 0) return `${alpha} ${neg ? '-' : ''}${digits}`;
  const padded = digits.padStart(minor + 1, '0');
  const whole = padded.slice(0, padded.length - minor);
  const frac = padded.slice(padded.length - minor);
  return `${alpha} ${neg ? '-' : ''}${whole}${decimalSeparator}${frac}`;
}
