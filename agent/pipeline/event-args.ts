/**
 * The optional transaction arguments of a module event (`amount`, `currency`, `entry`) as record
 * fields. Each has a rule; a value that breaks it yields null and a note naming the argument and
 * the rule (fixed text, never the value: it is received input and could be anything, card data
 * included). The failure is recorded either way.
 */
import type { SignalEvent } from '../../protocol/framing/index.js';

const ARG_RULES = {
  // ISO 8583 field 4 is n12: at most 12 digits, minor units (leading zeros allowed)
  amount: { re: /^\d{1,12}$/, why: 'not a whole amount in minor units of at most 12 digits' },
  currency: { re: /^\d{3}$/, why: 'not a 3-digit ISO 4217 numeric code' },
  // POS entry mode, as field 22 (n3; some hosts use 2 or 4 digits)
  entry: { re: /^\d{2,4}$/, why: 'not a POS entry mode of 2 to 4 digits' },
} as const;

export type EventArgName = keyof typeof ARG_RULES;

/** The argument's value when it keeps its rule; null when absent, or when bad (then noted). */
export function eventArg(e: SignalEvent | null, name: EventArgName, notes: string[]): string | null {
  const value = e?.args[name];
  if (value === undefined) return null;
  const rule = ARG_RULES[name];
  if (rule.re.test(value)) return value;
  notes.push(`${name}: ${rule.why}`);
  return null;
}
