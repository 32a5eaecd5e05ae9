/**
 * docs/codec.md's dialect-file examples are real: every ```json block in it loads as a dialect and
 * encodes and decodes a message.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeInto, dialectFromJson, encodeMessage, MessageView } from '../../protocol/iso8583/index.js';

const DOC = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../docs/codec.md'), 'utf8');
const BLOCKS = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/codec.md dialect examples', () => {
  it('has one per concept', () => {
    expect(BLOCKS.length).toBeGreaterThanOrEqual(9);
  });
  it.each(BLOCKS.map((b) => [JSON.parse(b).name as string, b]))('%s loads and works', (_name, block) => {
    const d = dialectFromJson(JSON.parse(block));
    const bytes = encodeMessage(d, { mti: '0210', fields: { 3: '000000', 11: '000001' } });
    const view = new MessageView();
    expect(decodeInto(d, bytes, 0, bytes.length, view)).toBe(true);
    expect(view.get(11)).toBe('000001');
  });
});
