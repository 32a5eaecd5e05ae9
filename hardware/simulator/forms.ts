/**
 * The simulator's messages in the two versions of ISO 8583. Scenarios are written in 1987 terms
 * (MTI 0200, a two-character field 39); in a 1993 dialect (iso93-ascii, iso93-bcd) every message
 * goes out in its 1993 form instead: the MTI of the table below, a three-digit action code taken
 * from the response-code table's own 1993 to 1987 map (so the agent classifies it as the code it
 * stands for), and the fields as 1993 defines them (protocol/iso8583/fields-1993.ts). The tables
 * are here; the field layouts in builder.ts (sales) and sequences.ts (reversals, completions).
 */
import { DIALECTS, type DialectName, ISO8583_1993_FIELDS } from '../../protocol/iso8583/index.js';
import { MAP_1993_TO_1987 } from '../../protocol/response-codes/index.js';

export type IsoVersion = '1987' | '1993';

/** The version of a built-in dialect's field table. */
export function versionOf(dialect: DialectName): IsoVersion {
  return DIALECTS[dialect].def.fields === ISO8583_1993_FIELDS ? '1993' : '1987';
}

/**
 * 1987 MTI → 1993 MTI, one row per message the simulator sends. 1993 reversals go as advices
 * (1420/1430: the module's reversal is not answered with a decision, only acknowledged), so a
 * 0400 and a 0420 both become 1420; network management 0800 becomes 1804 (function code in 24).
 */
// prettier-ignore
const MTI_1993: Readonly<Record<string, string>> = {
  '0100': '1100', '0110': '1110',
  '0200': '1200', '0210': '1210',
  '0220': '1220', '0230': '1230',
  '0400': '1420', '0410': '1430',
  '0420': '1420', '0430': '1430',
  '0800': '1804', '0810': '1814',
};

/**
 * 1993 function codes (field 24) by what the message is: an original authorisation or financial
 * request, the completion of an authorisation (amount the same or not), a full reversal, an echo
 * test.
 */
// prettier-ignore
export const FUNCTION_CODE_1993 = {
  authorisation: '100',
  financial: '200',
  completion_same: '201',
  completion_differs: '202',
  reversal: '400',
  echo: '831',
} as const;

/**
 * Two-character codes the 1993 to 1987 map has no row for, with the 1993 action code the
 * simulator sends instead, chosen by meaning (both rows classify the same way in the table):
 *   1A  additional customer authentication (SCA)  →  112  PIN data required
 *   25  unable to locate record (a reversal of a sale the host never saw)  →  914  not able to
 *       trace back to original transaction
 */
const EXTRA_ACTION_CODES: Readonly<Record<string, string>> = { '1A': '112', '25': '914' };

/** Two-character code → 1993 action code: the first 1993 row of the map that names it. */
export const ACTION_CODE_1993: Readonly<Record<string, string>> = (() => {
  const out: Record<string, string> = {};
  for (const [code93, code87] of Object.entries(MAP_1993_TO_1987)) out[code87] ??= code93;
  return { ...out, ...EXTRA_ACTION_CODES };
})();

export function mtiFor(version: IsoVersion, mti87: string): string {
  if (version === '1987') return mti87;
  const m = MTI_1993[mti87];
  if (m === undefined) throw new Error(`no 1993 form for MTI ${mti87}`);
  return m;
}

export function actionCodeFor(version: IsoVersion, rc87: string): string {
  if (version === '1987') return rc87;
  const c = ACTION_CODE_1993[rc87];
  if (c === undefined) throw new Error(`no 1993 action code for response code ${rc87}`);
  return c;
}
