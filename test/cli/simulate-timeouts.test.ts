/**
 * `pos-agent simulate` with the `timeouts` scenario and a 1993 dialect, as the built CLI runs it:
 * --print shows each step's sequence and the sale state it leads to, --late-gap-ms sets the quiet
 * gap before a late approval, a bad dialect or gap is refused with exit 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPans } from '../../protocol/card/pan.js';
import { killAll, spawnCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/global-build.js';

beforeAll(() => ensureBuilt());
afterAll(() => killAll());

interface Line {
  label: string;
  link: { kind: string; mti?: string; stan?: string | null; rc?: string | null };
  gap_after_ms: number;
  seq?: string;
  expect?: { state: string; stan: string; other?: string };
}

describe('pos-agent simulate --scenario timeouts', () => {
  it('--print in iso93-bcd: 1xxx forms, sequences and states, the late gap given', async () => {
    const p = spawnCli([
      'simulate',
      '--scenario',
      'timeouts',
      '--dialect',
      'iso93-bcd',
      '--framing',
      'binary',
      '--print',
      '--count',
      '80',
      '--late-gap-ms',
      '50',
    ]);
    expect(await p.exited, p.stderr()).toBe(0);
    const lines = p
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    expect(lines).toHaveLength(80);
    const mtis = new Set(lines.map((l) => l.link.mti).filter(Boolean));
    for (const m of ['1200', '1210', '1420', '1430', '1100', '1110', '1220', '1230', '1804', '1814'])
      expect(mtis.has(m), m).toBe(true);
    expect([...mtis].every((m) => m!.startsWith('1'))).toBe(true);
    const states = lines.filter((l) => l.expect).map((l) => `${l.seq}:${l.expect!.state}`);
    for (const s of [
      'timeout_reversed:reversed',
      'timeout_reversal_refused:reversal_failed',
      'timeout_late:approved_late',
      'timeout_advice:reversed',
      'other_card:recovered',
      'same_card:recovered',
      'double_approval:possible_double_charge',
    ])
      expect(states, s).toContain(s);
    const late = lines.find((l) => l.seq === 'timeout_late' && l.label.startsWith('EVT HOST_TIMEOUT'))!;
    expect(late.gap_after_ms).toBe(50);
    expect(findPans(p.stdout())).toEqual([]);
  });

  it('refuses an unknown dialect and a negative late gap (exit 2)', async () => {
    for (const args of [
      ['--dialect', 'iso93-ebcdic'],
      ['--late-gap-ms', '-5'],
    ]) {
      const p = spawnCli(['simulate', '--scenario', 'timeouts', '--print', '--count', '5', ...args]);
      expect(await p.exited, args.join(' ')).toBe(2);
      expect(p.stderr()).toMatch(args[0] === '--dialect' ? /dialect/ : /late gap/);
    }
  });
});
