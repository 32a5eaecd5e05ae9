/**
 * ISO 8583:1993 responses through the pipeline (issue 12): a 1210 whose field 39 is a three-digit
 * action code is classified by the code table's 1993 rows (116 not sufficient funds, 000 approved)
 * in the 1993 dialects, where a 1987 dialect can only call it malformed.
 */
import { describe, expect, it } from 'vitest';
import { testPipeline } from '../helpers/pipeline.js';
import type { NewFailure } from '../../agent/store/index.js';
import { findPans } from '../../protocol/card/pan.js';
import { createFramer, encodeMessageLine } from '../../protocol/framing/index.js';
import { type CompiledDialect, DIALECTS, encodeMessage } from '../../protocol/iso8583/index.js';

const PAN = '4761739001010119';

function exchange(d: CompiledDialect, rc: string, stan: string): Buffer[] {
  const common = { 2: PAN, 3: '000000', 4: '000000004250', 11: stan, 49: '978' };
  return [
    encodeMessageLine('REQ', encodeMessage(d, { mti: '1200', fields: { ...common, 22: '51010151334C' } })),
    encodeMessageLine(
      'RSP',
      encodeMessage(d, { mti: '1210', fields: { ...common, 37: '607312000001', 39: rc } }),
    ),
  ];
}

function run(d: CompiledDialect, lines: Buffer[]) {
  const records: NewFailure[] = [];
  const pipeline = testPipeline({ dialect: d, record: (f) => records.push(f) });
  const framer = createFramer({ framing: 'line' }, (e) => pipeline.onLinkEvent(e));
  for (const l of lines) framer.push(l);
  return { records, counters: pipeline.counters };
}

describe.each(['iso93-ascii', 'iso93-bcd'] as const)('a 1210 in dialect %s', (name) => {
  const d = DIALECTS[name];

  it('field 39 116: an insufficient_funds record with rc 116, not L_MALFORMED', () => {
    const { records, counters } = run(d, exchange(d, '116', '000101'));
    expect(counters.malformed).toBe(0);
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r.rc).toBe('116');
    expect(r.category).toBe('insufficient_funds');
    expect(r.rc_source).toBe('issuer');
    expect(r.stan).toBe('000101');
    expect(r.amount_minor).toBe(4250);
    expect(r.pan_masked).toBe('476173******0119');
    expect(findPans(JSON.stringify(r))).toEqual([]);
  });

  it('field 39 000: an approval, no record', () => {
    const { records, counters } = run(d, exchange(d, '000', '000102'));
    expect(records).toEqual([]);
    expect(counters.approvals).toBe(1);
    expect(counters.malformed).toBe(0);
  });
});

it('the same 1210 in the 1987 ascii dialect is malformed (the defect the 1993 dialects remove)', () => {
  const d93 = DIALECTS['iso93-ascii'];
  const { records, counters } = run(DIALECTS.ascii, exchange(d93, '116', '000103').slice(1));
  expect(counters.malformed).toBe(1);
  expect(records.map((r) => r.rc)).toEqual(['L_MALFORMED']);
});
