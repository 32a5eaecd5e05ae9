/**
 * The `decode` command's engine: ISO 8583 messages from a stream to NDJSON. Binary input is a stream
 * of messages each preceded by a 2-byte big-endian length (and an optional 5-byte TPDU); hex input
 * is one message per line. A bad message yields an error object naming field, offset and reason;
 * the others still decode.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import {
  type CompiledDialect,
  DIALECTS,
  decodeInto,
  describeMessage,
  dialectFromJson,
  isDialectName,
  MessageView,
} from '../../protocol/iso8583/index.js';
import { FileProblem, parseJsonText, readTextFile, showPath } from '../config/data-file.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'E_USAGE';
  readonly exitCode = 2;
}

export function resolveDialect(nameOrFile: string): CompiledDialect {
  if (isDialectName(nameOrFile)) return DIALECTS[nameOrFile];
  let text: string;
  try {
    text = readTextFile(nameOrFile);
  } catch (e) {
    throw new UsageError(
      `--dialect: ${showPath(nameOrFile)} is neither a built-in dialect (${Object.keys(DIALECTS).join(', ')}) nor a readable file (${(e as FileProblem).reason})`,
    );
  }
  let json: unknown;
  try {
    // the parse error says where, never what: the file may be anything
    json = parseJsonText(nameOrFile, text);
  } catch (e) {
    throw new UsageError(`--dialect ${showPath(nameOrFile)}: ${(e as FileProblem).reason}`);
  }
  try {
    return dialectFromJson(json);
  } catch (e) {
    throw new UsageError(`--dialect ${showPath(nameOrFile)}: ${(e as Error).message}`);
  }
}

export interface DecodeOptions {
  dialect: CompiledDialect;
  /** One hex message per line instead of a binary stream. */
  hex: boolean;
  /** Hex lines start with a 2-byte length prefix (binary input always has one). */
  lengthPrefix: boolean;
  /** A 5-byte TPDU follows the length prefix. */
  tpdu: boolean;
}

export interface DecodeSummary {
  ok: number;
  bad: number;
}

const TPDU_LEN = 5;

export async function decodeStream(
  input: Readable,
  out: Writable,
  opts: DecodeOptions,
): Promise<DecodeSummary> {
  const view = new MessageView();
  const summary: DecodeSummary = { ok: 0, bad: 0 };
  let index = 0;

  // describeMessage applies the card-data rules field by field (masked PAN, redacted tracks,
  // safe EMV tags, PANs scrubbed from free text); the line is written as it is.
  const emit = (obj: unknown): void => {
    out.write(`${JSON.stringify(obj)}\n`);
  };
  const inputError = (reason: string, offset: number): void => {
    summary.bad++;
    emit({ index: index++, error: 'E_INPUT', field: null, offset, reason });
  };
  const one = (buf: Uint8Array, start: number, end: number): void => {
    if (opts.tpdu) {
      if (end - start < TPDU_LEN) return inputError('shorter than the 5-byte TPDU', 0);
      start += TPDU_LEN;
    }
    if (decodeInto(opts.dialect, buf, start, end, view)) {
      summary.ok++;
      emit({ index: index++, ...describeMessage(view) });
    } else {
      summary.bad++;
      emit({ index: index++, ...view.error()!.toJSON() });
    }
  };

  if (opts.hex) {
    const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const raw of rl) {
      const line = raw.replace(/\s+/g, '');
      if (line === '' || line.startsWith('#')) continue;
      if (!/^(?:[0-9a-fA-F]{2})+$/.test(line)) {
        inputError('line is not an even number of hex digits', 0);
        continue;
      }
      const buf = Buffer.from(line, 'hex');
      if (opts.lengthPrefix) {
        if (buf.length < 2) {
          inputError('shorter than its 2-byte length prefix', 0);
          continue;
        }
        const n = buf.readUInt16BE(0);
        if (n !== buf.length - 2) {
          inputError(`length prefix says ${n} bytes, line has ${buf.length - 2}`, 0);
          continue;
        }
        one(buf, 2, buf.length);
      } else one(buf, 0, buf.length);
    }
    return summary;
  }

  // Binary stream: 2-byte big-endian length, then the message (with TPDU when asked).
  let pending: Buffer = Buffer.alloc(0);
  let consumed = 0;
  for await (const chunk of input) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    let p = 0;
    while (pending.length - p >= 2) {
      const n = pending.readUInt16BE(p);
      if (pending.length - p - 2 < n) break;
      one(pending, p + 2, p + 2 + n);
      p += 2 + n;
    }
    consumed += p;
    pending = pending.subarray(p);
  }
  if (pending.length > 0)
    inputError(`stream ends inside a message: ${pending.length} bytes left over`, consumed);
  return summary;
}
