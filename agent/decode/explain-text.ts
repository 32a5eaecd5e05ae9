/**
 * `pos-agent decode --explain`: a decoded message as a table an integrator reads beside a host
 * trace: one row for the MTI, the bitmap, each field and, indented under its field, each subfield,
 * with offset and size in bytes, the length prefix, the encoding and the value. Values are the
 * codec's explain view (protocol/iso8583/explain.ts), card-data rules applied: PAN masked, track
 * data, PIN block and other secrets "[redacted]", EMV data through the safe-tag filter.
 */
import type { ExplainedMessage, ExplainedPart } from '../../protocol/iso8583/index.js';

const HEAD = ['offset', 'bytes', 'id', 'prefix', 'encoding', 'name', 'value'] as const;

function row(p: ExplainedPart, depth: number): string[] {
  return [
    String(p.offset),
    String(p.bytes),
    `${'  '.repeat(depth)}${p.id}`,
    p.prefix ?? '-',
    p.encoding,
    p.name,
    p.value,
  ];
}

/** The message as text lines ending in a newline each. */
export function explainText(index: number, m: ExplainedMessage): string {
  const rows: string[][] = [];
  for (const p of m.parts) {
    rows.push(row(p, 0));
    for (const s of p.subfields ?? []) rows.push(row(s, 1));
    if (p.subfield_error) rows.push(['', '', `  ${p.id}.?`, '', '', p.subfield_error, '']);
  }
  // every column padded to its widest cell but the value, which comes last and may be long
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : i < 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [
    `message ${index}: MTI ${m.mti}, dialect ${m.dialect}, ${m.bytes} bytes`,
    line(HEAD),
    ...rows.map(line),
  ];
  return `${out.join('\n')}\n\n`;
}
