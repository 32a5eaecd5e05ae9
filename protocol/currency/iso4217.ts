/**
 * ISO 4217 currencies as data: numeric code → alphabetic code and minor units (the exponent).
 * The failure record stores field 49 as the numeric code ("978"); reports show the alphabetic
 * code and format amounts with the currency's own number of decimals.
 * Source: the ISO 4217 list (current and recently withdrawn codes still seen on terminals).
 */
export interface CurrencyInfo {
  numeric: string;
  alpha: string;
  /** Number of digits after the decimal point (minor units). */
  exponent: number;
}

// numeric, alpha, exponent: one currency per entry, sorted by numeric code.
// a compact data table, five to a line (prettier-ignore keeps it as written)
// prettier-ignore
const TABLE: ReadonlyArray<readonly [string, string, number]> = [
  ['008', 'ALL', 2], ['012', 'DZD', 2], ['032', 'ARS', 2], ['036', 'AUD', 2], ['044', 'BSD', 2],
  ['048', 'BHD', 3], ['050', 'BDT', 2], ['051', 'AMD', 2], ['052', 'BBD', 2], ['060', 'BMD', 2],
  ['064', 'BTN', 2], ['068', 'BOB', 2], ['072', 'BWP', 2], ['084', 'BZD', 2], ['090', 'SBD', 2],
  ['096', 'BND', 2], ['104', 'MMK', 2], ['108', 'BIF', 0], ['116', 'KHR', 2], ['124', 'CAD', 2],
  ['132', 'CVE', 2], ['136', 'KYD', 2], ['144', 'LKR', 2], ['152', 'CLP', 0], ['156', 'CNY', 2],
  ['170', 'COP', 2], ['174', 'KMF', 0], ['188', 'CRC', 2], ['191', 'HRK', 2], ['192', 'CUP', 2],
  ['203', 'CZK', 2], ['208', 'DKK', 2], ['214', 'DOP', 2], ['222', 'SVC', 2], ['230', 'ETB', 2],
  ['232', 'ERN', 2], ['238', 'FKP', 2], ['242', 'FJD', 2], ['262', 'DJF', 0], ['270', 'GMD', 2],
  ['292', 'GIP', 2], ['320', 'GTQ', 2], ['324', 'GNF', 0], ['328', 'GYD', 2], ['332', 'HTG', 2],
  ['340', 'HNL', 2], ['344', 'HKD', 2], ['348', 'HUF', 2], ['352', 'ISK', 0], ['356', 'INR', 2],
  ['360', 'IDR', 2], ['364', 'IRR', 2], ['368', 'IQD', 3], ['376', 'ILS', 2], ['388', 'JMD', 2],
  ['392', 'JPY', 0], ['398', 'KZT', 2], ['400', 'JOD', 3], ['404', 'KES', 2], ['408', 'KPW', 2],
  ['410', 'KRW', 0], ['414', 'KWD', 3], ['417', 'KGS', 2], ['418', 'LAK', 2], ['422', 'LBP', 2],
  ['426', 'LSL', 2], ['430', 'LRD', 2], ['434', 'LYD', 3], ['446', 'MOP', 2], ['454', 'MWK', 2],
  ['458', 'MYR', 2], ['462', 'MVR', 2], ['480', 'MUR', 2], ['484', 'MXN', 2], ['496', 'MNT', 2],
  ['498', 'MDL', 2], ['504', 'MAD', 2], ['512', 'OMR', 3], ['516', 'NAD', 2], ['524', 'NPR', 2],
  ['532', 'ANG', 2], ['533', 'AWG', 2], ['548', 'VUV', 0], ['554', 'NZD', 2], ['558', 'NIO', 2],
  ['566', 'NGN', 2], ['578', 'NOK', 2], ['586', 'PKR', 2], ['590', 'PAB', 2], ['598', 'PGK', 2],
  ['600', 'PYG', 0], ['604', 'PEN', 2], ['608', 'PHP', 2], ['634', 'QAR', 2], ['643', 'RUB', 2],
  ['646', 'RWF', 0], ['654', 'SHP', 2], ['682', 'SAR', 2], ['690', 'SCR', 2], ['694', 'SLL', 2],
  ['702', 'SGD', 2], ['704', 'VND', 0], ['706', 'SOS', 2], ['710', 'ZAR', 2], ['728', 'SSP', 2],
  ['748', 'SZL', 2], ['752', 'SEK', 2], ['756', 'CHF', 2], ['760', 'SYP', 2], ['764', 'THB', 2],
  ['776', 'TOP', 2], ['780', 'TTD', 2], ['784', 'AED', 2], ['788', 'TND', 3], ['800', 'UGX', 0],
  ['807', 'MKD', 2], ['818', 'EGP', 2], ['826', 'GBP', 2], ['834', 'TZS', 2], ['840', 'USD', 2],
  ['858', 'UYU', 2], ['860', 'UZS', 2], ['882', 'WST', 2], ['886', 'YER', 2], ['901', 'TWD', 2],
  ['924', 'ZWG', 2], ['925', 'SLE', 2], ['926', 'VED', 2], ['927', 'UYW', 4], ['928', 'VES', 2],
  ['929', 'MRU', 2], ['930', 'STN', 2], ['931', 'CUC', 2], ['932', 'ZWL', 2], ['933', 'BYN', 2],
  ['934', 'TMT', 2], ['936', 'GHS', 2], ['938', 'SDG', 2], ['940', 'UYI', 0], ['941', 'RSD', 2],
  ['943', 'MZN', 2], ['944', 'AZN', 2], ['946', 'RON', 2], ['947', 'CHE', 2], ['948', 'CHW', 2],
  ['949', 'TRY', 2], ['950', 'XAF', 0], ['951', 'XCD', 2], ['952', 'XOF', 0], ['953', 'XPF', 0],
  ['967', 'ZMW', 2], ['968', 'SRD', 2], ['969', 'MGA', 2], ['970', 'COU', 2], ['971', 'AFN', 2],
  ['972', 'TJS', 2], ['973', 'AOA', 2], ['975', 'BGN', 2], ['976', 'CDF', 2], ['977', 'BAM', 2],
  ['978', 'EUR', 2], ['980', 'UAH', 2], ['981', 'GEL', 2], ['984', 'BOV', 2], ['985', 'PLN', 2],
  ['986', 'BRL', 2], ['990', 'CLF', 4], ['997', 'USN', 2],
];

export const CURRENCIES: ReadonlyMap<string, CurrencyInfo> = new Map(
  TABLE.map(([numeric, alpha, exponent]) => [numeric, { numeric, alpha, exponent }]),
);
const BY_ALPHA: ReadonlyMap<string, CurrencyInfo> = new Map(
  [...CURRENCIES.values()].map((c) => [c.alpha, c]),
);

/** Minor units assumed for a code not in the table (most currencies have 2). */
export const DEFAULT_EXPONENT = 2;

/** Looks a currency up by numeric ("978", "36" → "036") or alphabetic ("eur") code. */
export function findCurrency(code: string | null | undefined): CurrencyInfo | undefined {
  if (code == null) return undefined;
  const c = code.trim();
  if (/^\d{1,3}$/.test(c)) return CURRENCIES.get(c.padStart(3, '0'));
  return BY_ALPHA.get(c.toUpperCase());
}

export function currencyExponent(code: string | null | undefined): number {
  return findCurrency(code)?.exponent ?? DEFAULT_EXPONENT;
}

/** Alphabetic code for display; an unknown code is shown as stored. */
export function currencyAlpha(code: string | null | undefined): string {
  if (code == null) return '';
  return findCurrency(code)?.alpha ?? code;
}

/**
 * Exact decimal string of an amount in minor units: (1250, 2) → "12.50", (-5, 3) → "-0.005".
 * Integer arithmetic only (no float rounding).
 */
export function minorToDecimal(minor: number | bigint, exponent: number): string {
  const neg = minor < 0;
  const digits = (neg ? -BigInt(minor) : BigInt(minor)).toString();
  if (exponent <= 0) return (neg ? '-' : '') + digits;
  const padded = digits.padStart(exponent + 1, '0');
  const text = `${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
  return (neg ? '-' : '') + text;
}

/**
 * Parses a major-unit amount ("12.50", "12", "0.5") into minor units for an exponent. Digits beyond
 * the exponent round toward the bound's inside: `ceil` for a lower bound, `floor` for an upper one.
 * Returns undefined when the text is not a plain non-negative decimal number.
 */
export function decimalToMinor(
  text: string,
  exponent: number,
  rounding: 'ceil' | 'floor',
): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const int = m[1] ?? '0';
  const frac = m[2] ?? '';
  const kept = frac.slice(0, exponent).padEnd(exponent, '0');
  const dropped = frac.slice(exponent);
  let minor = BigInt(int + kept);
  if (rounding === 'ceil' && /[1-9]/.test(dropped)) minor += 1n;
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(minor);
}

/** Localized money text, e.g. ("de", 123450, "978") → "1.234,50 €". */
export function formatMoney(lang: string, minor: number, code: string | null): string {
  const info = findCurrency(code);
  const exponent = info?.exponent ?? DEFAULT_EXPONENT;
  const decimal = minorToDecimal(minor, exponent);
  if (!info) return `${decimal} ${code ?? ''}`.trim();
  try {
    const nf = new Intl.NumberFormat(lang, {
      style: 'currency',
      currency: info.alpha,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    // Intl.NumberFormat accepts an exact decimal string (ES2023); the cast keeps older lib typings happy.
    return nf.format(decimal as unknown as number);
  } catch {
    return `${decimal} ${info.alpha}`;
  }
}
