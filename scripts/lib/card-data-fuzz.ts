/**
 * Card-data fuzz (issue 9): seeded, reproducible mutated inputs through the decoder (every built-in
 * dialect, via the `decode` command's NDJSON engine), both framings into the pipeline (with a
 * capturing logger) and the event parser. Asserts: nothing throws, every output is a typed error
 * or a decode result, and none of the input's card data appears in any output: no Luhn-valid
 * 13-19 digit run (findPans), no planted track data, PIN block, expiry-bearing track tail or EMV
 * 57/5A/5F20/9F1F/9F20/9F6B value (as hex, or as text when it is printable).
 *
 * Used by test/fuzz/card-data.test.ts (bounded) and `npm run fuzz -- --inputs N` (long runs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { decodeStream } from '../../agent/decode/decode-stream.js';
import { createAnnotator } from '../../agent/export/annotate.js';
import { parseFilters } from '../../agent/export/filters.js';
import { runExport } from '../../agent/export/run.js';
import { createCatalog, DeclineTracker } from '../../agent/guidance/index.js';
import { createLogger } from '../../agent/log.js';
import { ScreenBook } from '../../agent/pipeline/screens.js';
import { type FailureStore, type NewFailure, openStore } from '../../agent/store/index.js';
import { findPans, luhnValid } from '../../protocol/card/pan.js';
import {
  createFramer,
  encodeBinaryFrame,
  encodeMessageLine,
  FRAMINGS,
  parseEventBody,
  withCheck,
} from '../../protocol/framing/index.js';
import { isBodyFailure } from '../../protocol/framing/events.js';
import { testPipeline } from './hot-path.js';
import {
  type CompiledDialect,
  DIALECTS,
  type DialectName,
  encodeMessage,
} from '../../protocol/iso8583/index.js';
import { rng } from './rng.js';

export interface FuzzOptions {
  seed: number;
  inputs: number;
  /** Inputs per decodeStream batch. */
  batch?: number;
  /** Every how many inputs one goes through a pipeline (framer, pipeline, logger) too; default 1. */
  pipelineEvery?: number;
  /**
   * A directory for a real store: the pipeline's records go into SQLite there, and at the end the
   * database file bytes, the sync's record JSON and the csv/ndjson/html exports are scanned.
   */
  storeDir?: string;
}

export interface FuzzProblem {
  index: number;
  where: string;
  problem: string;
  /** The mutated input, hex. */
  input: string;
}

export interface FuzzReport {
  seed: number;
  inputs: number;
  decoded: { ok: number; bad: number };
  pipeline: { inputs: number; responses: number; rejects: number; events: number; failures: number };
  events: { parsed: number; refused: number };
  logLines: number;
  records: number;
  /** With storeDir: records stored, refused by the store (E_RECORD...), bytes scanned. */
  store: { stored: number; refused: number; scannedBytes: number };
  /** The first 5 problems of each kind in full. */
  problems: FuzzProblem[];
  /** All problems counted by where and what. */
  byKind: Record<string, number>;
  ms: number;
}

const NAMES: readonly DialectName[] = ['ascii', 'ascii-hex', 'bcd'];
const HEX = '0123456789ABCDEF';

type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;
const digits = (r: Rand, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(48 + int(r, 10));
  return s;
};
const letters = (r: Rand, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(65 + int(r, 26));
  return s;
};
const bytesHex = (r: Rand, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[int(r, 16)]! + HEX[int(r, 16)]!;
  return s;
};

function luhnPan(r: Rand): string {
  const len = 13 + int(r, 7);
  const body = String(3 + int(r, 4)) + digits(r, len - 2);
  for (let c = 0; c <= 9; c++) if (luhnValid(body + c)) return body + c;
  throw new Error('unreachable');
}

/** The card data planted in one input: what must never come out. */
export interface Card {
  pan: string;
  /** Plain strings (digits, text) searched for case-insensitively. */
  secrets: string[];
}

const tlv = (tag: string, valueHex: string): string =>
  tag + (valueHex.length / 2).toString(16).toUpperCase().padStart(2, '0') + valueHex;
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex').toUpperCase();
const spaced = (pan: string, sep: string): string => pan.replace(/(\d{4})(?=\d)/g, `$1${sep}`);

/** A message carrying card data in every place a host or module may put it, some of them each time. */
function baseMessage(r: Rand, d: CompiledDialect): { bytes: Buffer; card: Card } {
  const pan = luhnPan(r);
  const disc = digits(r, 11);
  const name = letters(r, 6 + int(r, 6));
  const track2 = `${pan}=2512101${disc}`.slice(0, 37);
  const track1 = `B${pan}^${name}/JOHN^2512101${disc}`.slice(0, 76);
  const pin = bytesHex(r, 8);
  const cvc = digits(r, 3);
  const t2eq = `${track2.replace('=', 'D')}${track2.length % 2 === 1 ? 'F' : ''}`;
  const panBcd = pan.length % 2 === 1 ? `${pan}F` : pan;
  const dd1 = digits(r, 12);
  const dd2 = digits(r, 12);
  const rc = pick(r, ['05', '51', '54', '91', '00', '14', 'Z3', '55']);
  const secrets = [track2, `2512101${disc}`, track1.slice(track1.indexOf('^')), pin, t2eq, dd1, dd2, name];
  const sensitive = [tlv('5A', panBcd), tlv('57', t2eq), tlv('5F20', ascii(name)), tlv('9F1F', ascii(dd1))];
  sensitive.push(tlv('9F20', ascii(dd2)), tlv('9F6B', t2eq));
  const safe = [tlv('9F27', '80'), tlv('8A', ascii(rc)), tlv('95', '0000048000'), tlv('9F36', '0012')];
  safe.push(tlv('5F2D', ascii('deen')), tlv('91', bytesHex(r, 10)), tlv('9C', '00'));
  const elems = [...safe, ...sensitive].sort(() => r() - 0.5);
  let emv = elems.join('');
  const k = int(r, 4);
  if (k === 0) {
    // a safe tag whose declared length runs over the following tags (the audit's reproducer)
    const rest = elems.slice(1).join('');
    const n = Math.min(rest.length / 2, 1 + int(r, 60));
    emv = `${pick(r, ['9C', '9F27', '95', '8A', '91', '50', '9F12'])}${n.toString(16).padStart(2, '0')}${rest}`;
  } else if (k === 1) {
    // a variable-length safe tag wrapping a card-data element
    emv = tlv(pick(r, ['91', '50', '84', '4F', '9F12']), pick(r, sensitive) + '00'.repeat(int(r, 4))) + emv;
  }
  const glued = pick(r, [`0216${pan}`, `${digits(r, 1 + int(r, 4))}${pan}${digits(r, int(r, 4))}`]);
  const all: Record<number, string | Uint8Array> = {
    2: pan,
    3: '000000',
    4: digits(r, 12),
    11: digits(r, 6),
    14: '2512',
    22: '051',
    34: pan,
    35: track2,
    36: `${pan}=${disc}`,
    37: digits(r, 12),
    38: letters(r, 6),
    39: rc,
    41: 'TERM0001',
    43: `SHOP ${spaced(pan, pick(r, [' ', '-']))}`.slice(0, 40).padEnd(40, ' '),
    44: `R${glued}`.slice(0, 25),
    45: track1,
    48: pick(r, [glued, `R92003${cvc}`, `CARD ${spaced(pan, ' ')} REF`]),
    49: '978',
    52: Buffer.from(pin, 'hex'),
    55: Buffer.from(emv, 'hex'),
    62: glued,
    102: spaced(pan, '-').slice(0, 28),
    103: `acct:${pan}`,
    104: `ref ${glued}`,
  };
  const fields: Record<number, string | Uint8Array> = {};
  for (const [f, v] of Object.entries(all)) {
    const id = Number(f);
    if (id !== 39 && r() < 0.4) continue;
    const spec = d.specs[id];
    if (!spec) continue;
    if (spec.type === 'b')
      fields[id] =
        d.def.binary === 'hex' && typeof v !== 'string' ? Buffer.from(v).toString('hex').toUpperCase() : v;
    else if (typeof v !== 'string') fields[id] = Buffer.from(v).toString('hex').toUpperCase();
    else fields[id] = v;
  }
  if (d.specs[55]!.type !== 'b' && fields[55] instanceof Uint8Array)
    fields[55] = Buffer.from(fields[55]).toString('hex').toUpperCase();
  const mti = pick(r, ['0210', '0110', '0410', '0200']);
  return { bytes: encodeMessage(d, { mti, fields }), card: { pan, secrets } };
}

/** 1-4 random mutations: bit flips, byte sets, inserts, deletes, duplicated and spliced ranges, cuts. */
function mutate(r: Rand, src: Buffer, other: Buffer): Buffer {
  let b: Buffer = Buffer.from(src);
  const n = int(r, 5); // 0: the valid message itself
  for (let m = 0; m < n && b.length > 0; m++) {
    const at = int(r, b.length);
    switch (int(r, 8)) {
      case 0:
        b[at] = b[at]! ^ (1 << int(r, 8));
        break;
      case 1:
        b[at] = pick(r, [0x00, 0xff, 0x30 + int(r, 10), int(r, 256), 0x20, 0x3d, 0x44, 0x5a, 0x57]);
        break;
      case 2:
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from(digits(r, 1 + int(r, 3)), 'latin1'),
          b.subarray(at),
        ]);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(r, 8)))]);
        break;
      case 4: {
        const len = 1 + int(r, 24);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
        break;
      }
      case 5:
        b = b.subarray(0, at);
        break;
      case 6: {
        const o = int(r, Math.max(1, other.length));
        b = Buffer.concat([b.subarray(0, at), other.subarray(o, o + 1 + int(r, 40)), b.subarray(at)]);
        break;
      }
      default: {
        // bitmap bits: fields appear or vanish, so bytes shift from one field into another
        const bm = 2 + int(r, 16);
        if (bm < b.length) b[bm] = b[bm]! ^ (1 << int(r, 8));
      }
    }
  }
  return b;
}

/**
 * What must not be in an output text: any Luhn-valid 13-19 digit run (so none of the input's own,
 * wherever they were), the planted PAN and the planted track, PIN and EMV data. The first one
 * found, with where it is; null when there is none.
 */
export function leaks(output: string, card: Card): string | null {
  const at = (text: string, what: string, s: string): string => {
    const i = text.toUpperCase().indexOf(s.toUpperCase());
    return `${what} ${s} at: ${text.slice(Math.max(0, i - 120), i + s.length + 40)}`;
  };
  const found = findPans(output);
  if (found.length > 0) {
    // findPans reports digits only: locate the run by its last digits
    const tail = found[0]!.slice(-8);
    return at(output, `Luhn-valid run ${found[0]}`, tail);
  }
  if (output.includes(card.pan)) return at(output, 'full PAN', card.pan);
  // decode's "names" are the dialect's field names, never input ("AUTHORIZATION" holds a planted
  // cardholder name "ORIZAT" once in a while): left out of the planted-secret check only, so a
  // card number there is still caught above
  const text = output.replace(/"names":\{[^}]*\}/, '"names":{}');
  const up = text.toUpperCase();
  for (const s of card.secrets)
    if (s.length >= 6 && up.includes(s.toUpperCase())) return at(text, 'planted', s);
  return null;
}

const CODE = /^E_[A-Z_]+$/;

/** An NDJSON line of `decode`: a typed error or a decode result. */
function shapeProblem(o: Record<string, unknown>): string | null {
  if (typeof o.index !== 'number') return 'no index';
  if ('error' in o) {
    if (typeof o.error !== 'string' || !CODE.test(o.error)) return `bad error code ${String(o.error)}`;
    if (typeof o.reason !== 'string') return 'error without reason';
    return null;
  }
  if (typeof o.mti !== 'string' || typeof o.fields !== 'object' || o.fields === null)
    return 'neither error nor result';
  return null;
}

function sinkStream(): { out: Writable; text: () => string } {
  const chunks: string[] = [];
  const out = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  return { out, text: () => chunks.join('') };
}

/** An event body with card data where module firmware might put it: name, key or value. */
function eventBody(r: Rand, card: Card): string {
  const pan = card.pan;
  return pick(r, [
    `${pan}`,
    `EVT_${pan}`,
    `CARD_READ_ERROR reason=${pan}`,
    `CARD_READ_ERROR reason=${spaced(pan, '-')} stan=12`,
    `HOST_TIMEOUT stan=${pan}`,
    `HOST_TIMEOUT stan=000123 amount=${pan}`,
    `CARD_REMOVED currency=${pan} early=1`,
    `PIN_TIMEOUT track=${card.secrets[0]}`,
    `LINK_DOWN reason=x${pan}y`,
    `CARD_INSERTED ${pan}=1`,
    `PIN_CANCEL amount=-5 entry=0${pan}`,
  ]);
}

/** Runs the fuzz; never throws for a finding (it is in `problems`), only for a harness bug. */
export async function runCardDataFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const t0 = performance.now();
  const r = rng(opts.seed);
  const batch = opts.batch ?? 500;
  const every = Math.max(1, opts.pipelineEvery ?? 1);
  const problems: FuzzProblem[] = [];
  const report: FuzzReport = {
    seed: opts.seed,
    inputs: 0,
    decoded: { ok: 0, bad: 0 },
    pipeline: { inputs: 0, responses: 0, rejects: 0, events: 0, failures: 0 },
    events: { parsed: 0, refused: 0 },
    logLines: 0,
    records: 0,
    store: { stored: 0, refused: 0, scannedBytes: 0 },
    problems,
    byKind: {},
    ms: 0,
  };
  const note = (index: number, where: string, problem: string, input: Buffer): void => {
    const kind = `${where.split(' ')[0]}: ${problem.split(' ').slice(0, 2).join(' ')}`;
    report.byKind[kind] = (report.byKind[kind] ?? 0) + 1;
    if (report.byKind[kind]! <= 5) problems.push({ index, where, problem, input: input.toString('hex') });
  };

  // one pipeline per framing and dialect, each with a logger whose lines are scanned
  let logLines: string[] = [];
  const records: NewFailure[] = [];
  let now = 1_700_000_000_000;
  const destination = new Writable({
    write(chunk, _e, cb) {
      for (const l of String(chunk).split('\n')) if (l) logLines.push(l);
      cb();
    },
  });
  const logger = createLogger({ destination, level: 'debug', rateLimit: false });
  const catalog = createCatalog();
  const lanes = FRAMINGS.flatMap((framing) =>
    NAMES.map((name) => {
      const pipeline = testPipeline({
        dialect: DIALECTS[name],
        screens: new ScreenBook(catalog, { width: 20, height: 4 }),
        display: { show: () => undefined },
        record: (f) => records.push(f),
        tracker: new DeclineTracker({ maxPerDay: 1000 }),
        logger,
        now: () => now,
      });
      const framer = createFramer({ framing }, (e) => pipeline.onLinkEvent(e));
      return { framing, name, pipeline, framer };
    }),
  );

  const store = opts.storeDir
    ? openStore({
        path: join(opts.storeDir, 'fuzz.db'),
        bootId: `fuzz-${opts.seed}`,
        synchronous: 'normal',
        logger,
      })
    : null;
  const pendingStore: Promise<unknown>[] = [];
  const plantedPans = new Set<string>();
  let prev: Buffer = Buffer.alloc(0);
  for (let done = 0; done < opts.inputs;) {
    const n = Math.min(batch, opts.inputs - done);
    const inputs: Buffer[] = [];
    const cards: Card[] = [];
    for (let i = 0; i < n; i++) {
      const enc = DIALECTS[pick(r, NAMES)];
      const { bytes, card } = baseMessage(r, enc);
      const m = mutate(r, bytes, prev);
      prev = bytes;
      inputs.push(m);
      cards.push(card);
    }

    // 1. the decoder, every dialect, through the decode command's engine (hex lines → NDJSON)
    for (const name of NAMES) {
      const sink = sinkStream();
      let summary;
      try {
        summary = await decodeStream(
          Readable.from([`${inputs.map((b) => b.toString('hex') || '00').join('\n')}\n`]),
          sink.out,
          { dialect: DIALECTS[name], hex: true, lengthPrefix: false, tpdu: false },
        );
      } catch (e) {
        note(done, `decode ${name}`, `threw ${(e as Error).stack}`, inputs[0]!);
        continue;
      }
      report.decoded.ok += summary.ok;
      report.decoded.bad += summary.bad;
      const lines = sink.text().split('\n').filter(Boolean);
      if (lines.length !== n)
        note(done, `decode ${name}`, `${lines.length} lines for ${n} inputs`, inputs[0]!);
      lines.forEach((line, i) => {
        const input = inputs[i]!;
        let obj: Record<string, unknown>;
        try {
          obj = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return note(done + i, `decode ${name}`, 'output is not JSON', input);
        }
        const shape = shapeProblem(obj);
        if (shape) note(done + i, `decode ${name}`, shape, input);
        const leak = leaks(line, cards[i]!);
        if (leak) note(done + i, `decode ${name}`, leak, input);
      });
    }

    // 2. both framings into the pipeline (responses, raw garbage around them, event lines), logs scanned
    for (let i = 0; i < n; i++) {
      if ((done + i) % every !== 0) continue;
      const input = inputs[i]!;
      const card = cards[i]!;
      const lane = lanes[int(r, lanes.length)]!;
      const body = eventBody(r, card);
      const frames =
        lane.framing === 'line'
          ? [encodeMessageLine('RSP', input), withCheck(`EVT ${body}`)]
          : [encodeBinaryFrame(input), binaryEvent(body)];
      if (r() < 0.3) frames.push(Buffer.from(mutate(r, frames[0]!, input)));
      records.length = 0;
      logLines = [];
      report.pipeline.inputs++;
      plantedPans.add(card.pan);
      try {
        for (const f of frames) {
          lane.framer.push(f);
          lane.framer.idle();
        }
        now += 40_000; // requests time out between inputs
        lane.pipeline.expireRequests();
      } catch (e) {
        note(done + i, `pipeline ${lane.framing}/${lane.name}`, `threw ${(e as Error).stack}`, input);
        continue;
      }
      report.logLines += logLines.length;
      report.records += records.length;
      if (store) for (const rec of records) pendingStore.push(store.record(rec));
      const text = `${logLines.join('\n')}\n${JSON.stringify(records)}`;
      const leak = leaks(text, card);
      if (leak) note(done + i, `pipeline ${lane.framing}/${lane.name}`, leak, input);

      // 3. the event parser on its own: a typed result either way
      const eb = Buffer.from(body, 'latin1');
      const ev = parseEventBody(eb, 0, eb.length, eb.length);
      if (isBodyFailure(ev)) {
        report.events.refused++;
        if (!CODE.test(ev.code)) note(done + i, 'event parser', `bad code ${ev.code}`, eb);
        const l = leaks(ev.reason, card);
        if (l) note(done + i, 'event parser', `${l} in reason ${ev.reason}`, eb);
      } else report.events.parsed++;
    }
    done += n;
    report.inputs = done;
    for (const p of await Promise.allSettled(pendingStore.splice(0))) {
      if (p.status === 'fulfilled') report.store.stored++;
      else report.store.refused++;
    }
  }
  if (store && opts.storeDir) await scanStore(store, plantedPans, opts.storeDir, report, note);
  for (const l of lanes) {
    const c = l.pipeline.counters;
    report.pipeline.responses += c.responses;
    report.pipeline.rejects += c.rejects;
    report.pipeline.events += c.events;
    report.pipeline.failures += c.failures;
  }
  report.ms = performance.now() - t0;
  return report;
}

/** Database file bytes (and -wal), the sync's record JSON and the three exports: no PAN, no track shape. */
async function scanStore(
  store: FailureStore,
  planted: ReadonlySet<string>,
  dir: string,
  report: FuzzReport,
  note: (index: number, where: string, problem: string, input: Buffer) => void,
): Promise<void> {
  const texts: Array<[string, string]> = [];
  // what the sync publishes: FailuresPayload.records are these JSON texts
  const json = store.unsyncedJson(1_000_000).map((u) => u.json);
  texts.push(['mqtt payload records', json.join('\n')]);
  await store.close();
  for (const f of ['fuzz.db', 'fuzz.db-wal']) {
    const path = join(dir, f);
    if (existsSync(path)) texts.push([`sqlite ${f}`, readFileSync(path).toString('latin1')]);
  }
  for (const format of ['csv', 'ndjson', 'html'] as const) {
    const out = join(dir, `export.${format}`);
    await runExport(
      {
        db: join(dir, 'fuzz.db'),
        format,
        out,
        lang: 'en',
        bom: false,
        filters: parseFilters({}),
        filterText: [],
        tableLimit: 100_000,
        progress: 'never',
      },
      { stdout: new PassThrough(), stderr: new PassThrough(), annotator: createAnnotator() },
    );
    texts.push([`export ${format}`, readFileSync(out, 'utf8')]);
  }
  for (const [where, text] of texts) {
    report.store.scannedBytes += text.length;
    if (where.startsWith('sqlite')) {
      // SQLite stores a row's columns back to back, so unrelated short numbers join into long digit
      // runs in the file: look there for the PANs that went in, in any window of any run
      for (const m of text.matchAll(/\d{13,}/g)) {
        const run = m[0];
        for (let a = 0; a + 13 <= run.length; a++)
          for (let b = a + 13; b <= Math.min(run.length, a + 19); b++)
            if (planted.has(run.slice(a, b)))
              note(-1, `store ${where}`, `planted PAN ${run.slice(a, b)}`, Buffer.alloc(0));
      }
      continue;
    }
    const found = findPans(text);
    if (found.length > 0) {
      const i = text.indexOf(found[0]!.slice(-8));
      const ctx = text.slice(Math.max(0, i - 100), i + 30).replace(/[^\x20-\x7e]/g, '.');
      note(-1, `store ${where}`, `Luhn-valid run ${found[0]} at: ${ctx}`, Buffer.alloc(0));
    }
    const t = TRACK.exec(text);
    if (t) note(-1, `store ${where}`, `track data ${t[0]}`, Buffer.alloc(0));
  }
}

const TRACK = /\d{4}[=D]\d{7}|\^[A-Z]{2,}\/JOHN\^/;

function binaryEvent(body: string): Buffer {
  const payload = Buffer.from(`EVT ${body}`, 'latin1');
  return Buffer.concat([Buffer.from([payload.length >> 8, payload.length & 255]), payload]);
}
