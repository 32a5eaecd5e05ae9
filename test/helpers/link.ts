/** Serial-link tests: a sample response message and a recorder of what a link delivers. */
import type { Link } from '../../hardware/serial/index.js';
import type { LinkEvent } from '../../protocol/framing/index.js';

/** A 0210 response (ASCII dialect) with a test PAN, as the payment module sends it. */
export const SAMPLE_RESPONSE = Buffer.concat([
  Buffer.from('0210'),
  Buffer.from('7238000002800000', 'hex'),
  Buffer.from('16476173900101011900000000000001234500012310'),
]);

export type Seen = { kind: string; hex?: string; name?: string; code?: string; bytes?: number };

/** Everything `link` delivers from now on, in order: frames as hex, events by name, rejects by code. */
export function recordLink(link: Link): Seen[] {
  const seen: Seen[] = [];
  link.onEvent((e: LinkEvent) => {
    if (e.kind === 'reject') seen.push({ kind: 'reject', code: e.code, bytes: e.bytes });
    else if (e.kind === 'event') seen.push({ kind: 'event', name: e.name });
    else seen.push({ kind: e.kind, hex: e.buf.toString('hex', e.offset, e.offset + e.length) });
  });
  return seen;
}
