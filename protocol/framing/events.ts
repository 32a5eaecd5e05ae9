/**
 * The event body shared by both framings: `NAME key=value key=value`. NAME is an entry of
 * LINK_EVENT_SPECS; keys are [a-z0-9_]+, values 1+ printable ASCII bytes without spaces
 * (0x21-0x7E). A `stan` argument is 6 digits. Pure, no I/O. Events are rare next to responses, so
 * parsing them allocates (name string, args object); the response path does not.
 */
import {
  FRAME_ERROR_CODES,
  FrameError,
  type FrameErrorCode,
  isLinkEventName,
  LINK_EVENT_SPECS,
  type LinkEventName,
  quoteInput,
  type SignalEvent,
} from './types.js';

export interface BodyFailure {
  code: FrameErrorCode;
  reason: string;
}

const SP = 0x20;
const EQ = 0x3d;

function isNameByte(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}
function isKeyByte(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}
function isValueByte(c: number): boolean {
  return c >= 0x21 && c <= 0x7e;
}

/** Parses `NAME k=v ...` in buf[start, end). Returns the event or why it failed. */
export function parseEventBody(
  buf: Buffer,
  start: number,
  end: number,
  wire: number,
): SignalEvent | BodyFailure {
  let i = start;
  while (i < end && isNameByte(buf[i]!)) i++;
  if (i === start) return { code: FRAME_ERROR_CODES.syntax, reason: 'event name missing' };
  if (i < end && buf[i] !== SP) return { code: FRAME_ERROR_CODES.syntax, reason: 'bad byte in event name' };
  const name = buf.toString('latin1', start, i);
  if (!isLinkEventName(name))
    return { code: FRAME_ERROR_CODES.unknown, reason: `unknown event ${quoteInput(buf, start, i)}` };
  const args: Record<string, string> = Object.create(null) as Record<string, string>;
  while (i < end) {
    i++; // the space
    const k0 = i;
    while (i < end && isKeyByte(buf[i]!)) i++;
    if (i === k0 || i >= end || buf[i] !== EQ)
      return { code: FRAME_ERROR_CODES.syntax, reason: 'bad key=value argument' };
    const k1 = i;
    const key = buf.toString('latin1', k0, k1);
    i++;
    const v0 = i;
    while (i < end && isValueByte(buf[i]!)) i++;
    // a key is received input too: quoted short, never whole
    if (i === v0)
      return { code: FRAME_ERROR_CODES.syntax, reason: `empty value for ${quoteInput(buf, k0, k1)}` };
    if (i < end && buf[i] !== SP)
      return { code: FRAME_ERROR_CODES.syntax, reason: `bad byte in value of ${quoteInput(buf, k0, k1)}` };
    if (key in args)
      return { code: FRAME_ERROR_CODES.syntax, reason: `repeated argument ${quoteInput(buf, k0, k1)}` };
    args[key] = buf.toString('latin1', v0, i);
  }
  const spec = LINK_EVENT_SPECS[name];
  for (const req of spec.required) {
    if (!(req in args)) return { code: FRAME_ERROR_CODES.syntax, reason: `${name} needs ${req}=` };
  }
  const stan = args['stan'] ?? null;
  if (stan !== null && !/^\d{6}$/.test(stan))
    return { code: FRAME_ERROR_CODES.syntax, reason: 'stan must be 6 digits' };
  return { kind: 'event', name, stan, args, wire };
}

export function isBodyFailure(x: SignalEvent | BodyFailure): x is BodyFailure {
  return (x as SignalEvent).kind !== 'event';
}

const KEY_RE = /^[a-z0-9_]+$/;
const VALUE_RE = /^[\x21-\x7e]+$/;

/** Formats an event body; throws FrameError(E_FRAME_SYNTAX) for arguments the grammar can't carry. */
export function formatEventBody(
  name: LinkEventName | string,
  args: Readonly<Record<string, string | number>> = {},
): string {
  if (!/^[A-Z0-9_]+$/.test(name))
    throw new FrameError(FRAME_ERROR_CODES.syntax, `bad event name ${quoteText(name)}`);
  let s = name;
  for (const [k, v0] of Object.entries(args)) {
    const v = String(v0);
    if (!KEY_RE.test(k)) throw new FrameError(FRAME_ERROR_CODES.syntax, `bad argument key ${quoteText(k)}`);
    if (!VALUE_RE.test(v))
      throw new FrameError(
        FRAME_ERROR_CODES.syntax,
        `bad value for ${k}: must be printable ASCII without spaces`,
      );
    s += ` ${k}=${v}`;
  }
  return s;
}

/** quoteInput for a string (its latin1 bytes). */
function quoteText(s: string): string {
  const b = Buffer.from(s, 'latin1');
  return quoteInput(b, 0, b.length);
}
