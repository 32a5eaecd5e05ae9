/**
 * The `decode` command's engine: ISO 8583 messages from a stream to NDJSON. Binary input is a stream
 * of messages each preceded by a 2-byte big-endian length (and an optional 5-byte TPDU); hex input
 * is one message per line. A bad message yields an error object naming field, offset and reason;
 * the others still decode. With `explain`, each message is a table of its parts instead.
 */
import { type Readable, Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import {
  type CompiledDialect,
  DIALECTS,
  decodeInto,
  describeMessage,
  dialectFromJson,
  explainMessage,
  isDialectName,
  MessageView,
} from '../../protocol/iso8583/index.js';
import { UsageError } from '../cli/usage-error.js';
import { FileProblem, parseJsonText, readTextFile, showPath } from '../config/data-file.js';
import { explainText } from './explain-text.js';

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
  /** A table per message (explain-text.ts) instead of NDJSON: offsets, lengths, encodings, subfields. */
  explain?: boolean;
}

export interface DecodeSummary {
  ok: number;
  bad: number;
}

const TPDU_LEN = 5;
/** Longest hex line read (characters, whitespace included): twice the largest length-prefixed message, with room. */
export const MAX_HEX_LINE = 1 << 20;
const EMPTY = Buffer.alloc(0);

/**
 * Decodes `input` to NDJSON on `out`. Back-pressure holds end to end (stream.pipeline): while `out`
 * is over its highWaterMark no more input is read, so memory stays at about one input chunk's
 * worth of output however slow the reader. `out` is left open. Rejects with `out`'s error (EPIPE
 * when its reader went away), `input` then destroyed.
 */
export async function decodeStream(
  input: Readable,
  out: Writable,
  opts: DecodeOptions,
): Promise<DecodeSummary> {
  const decoder = new DecodeTransform(opts);
  await pipeline(input, decoder, out, { end: false });
  return decoder.summary;
}

/** Input bytes in, NDJSON out: one line per message, written per input chunk. */
class DecodeTransform extends Transform {
  readonly summary: DecodeSummary = { ok: 0, bad: 0 };
  private readonly view = new MessageView();
  private index = 0;
  /** Output lines of the chunk being decoded. */
  private batch = '';
  // binary stream: bytes of a message not complete yet, and the offset where they start
  private pending: Buffer = EMPTY;
  private consumed = 0;
  // hex lines: the line not ended yet, and whether it ran over MAX_HEX_LINE
  private readonly text = new StringDecoder('utf8');
  private line = '';
  private overlong = false;

  constructor(private readonly opts: DecodeOptions) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      if (this.opts.hex) this.hexText(this.text.write(chunk));
      else this.binary(chunk);
    } catch (err) {
      cb(err as Error);
      return;
    }
    this.emitBatch(cb);
  }

  override _flush(cb: TransformCallback): void {
    try {
      if (this.opts.hex) {
        this.hexText(this.text.end());
        if (!this.overlong) this.hexLine(this.line);
        this.line = '';
      } else if (this.pending.length > 0) {
        this.inputError(
          `stream ends inside a message: ${this.pending.length} bytes left over`,
          this.consumed,
        );
      }
    } catch (err) {
      cb(err as Error);
      return;
    }
    this.emitBatch(cb);
  }

  private emitBatch(cb: TransformCallback): void {
    const b = this.batch;
    this.batch = '';
    if (b.length > 0) cb(null, b);
    else cb();
  }

  // describeMessage applies the card-data rules field by field (masked PAN, redacted tracks,
  // safe EMV tags, PANs scrubbed from free text); the line is written as it is.
  private addLine(obj: unknown): void {
    this.batch += `${JSON.stringify(obj)}\n`;
  }

  private inputError(reason: string, offset: number): void {
    this.summary.bad++;
    if (this.opts.explain) {
      this.batch += `message ${this.index++}: E_INPUT at offset ${offset}: ${reason}\n\n`;
      return;
    }
    this.addLine({ index: this.index++, error: 'E_INPUT', field: null, offset, reason });
  }

  private decodeOne(buf: Uint8Array, start: number, end: number): void {
    if (this.opts.tpdu) {
      if (end - start < TPDU_LEN) return this.inputError('shorter than the 5-byte TPDU', 0);
      start += TPDU_LEN;
    }
    const view = this.view;
    if (decodeInto(this.opts.dialect, buf, start, end, view)) {
      this.summary.ok++;
      if (this.opts.explain) this.batch += explainText(this.index++, explainMessage(view));
      else this.addLine({ index: this.index++, ...describeMessage(view) });
    } else {
      this.summary.bad++;
      const err = view.error()!;
      if (this.opts.explain) this.batch += `message ${this.index++}: ${err.message}\n\n`;
      else this.addLine({ index: this.index++, ...err.toJSON() });
    }
  }

  /** Binary stream: 2-byte big-endian length, then the message (with TPDU when asked). */
  private binary(chunk: Buffer): void {
    const pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let p = 0;
    while (pending.length - p >= 2) {
      const n = pending.readUInt16BE(p);
      if (pending.length - p - 2 < n) break;
      this.decodeOne(pending, p + 2, p + 2 + n);
      p += 2 + n;
    }
    this.consumed += p;
    this.pending = pending.subarray(p);
  }

  /** Hex text: complete lines are decoded, the unfinished one kept (up to MAX_HEX_LINE). */
  private hexText(text: string): void {
    const parts = text.split(/\r\n|\r|\n/);
    parts[0] = this.line + parts[0];
    for (let i = 0; i < parts.length - 1; i++) {
      if (this.overlong)
        this.overlong = false; // the rest of a line already reported
      else this.hexLine(parts[i]!);
    }
    this.line = parts[parts.length - 1]!;
    if (this.overlong) this.line = '';
    else if (this.line.length > MAX_HEX_LINE) {
      this.line = '';
      this.overlong = true;
      this.inputError(`line longer than ${MAX_HEX_LINE} characters`, 0);
    }
  }

  private hexLine(raw: string): void {
    const line = raw.replace(/\s+/g, '');
    if (line === '' || line.startsWith('#')) return;
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(line)) {
      this.inputError('line is not an even number of hex digits', 0);
      return;
    }
    const buf = Buffer.from(line, 'hex');
    if (!this.opts.lengthPrefix) {
      this.decodeOne(buf, 0, buf.length);
      return;
    }
    if (buf.length < 2) {
      this.inputError('shorter than its 2-byte length prefix', 0);
      return;
    }
    const n = buf.readUInt16BE(0);
    if (n !== buf.length - 2) {
      this.inputError(`length prefix says ${n} bytes, line has ${buf.length - 2}`, 0);
      return;
    }
    this.decodeOne(buf, 2, buf.length);
  }
}
