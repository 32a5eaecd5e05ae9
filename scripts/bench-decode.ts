/**
 * `npm run bench`: decode a typical 0210 response with our codec (into a reused view, reading the
 * response code, amount and STAN the way the pipeline does) and with the `iso_8583` package's
 * getIsoJSON, in the same run. Prints ns/message for each, the ratio, and the garbage collections
 * seen over 1,000,000 of our decodes. Then two more messages, ours only: the same response as Visa
 * Base I sends it (EBCDIC text, BCD, 1-byte lengths), and a response with composite fields (DE 48
 * subelements, BER-TLV field 55) decoded without reading a subfield and decoded with DE 48
 * subelement 84 read through a reused SubfieldReader; each with its GCs over 1,000,000 decodes.
 * `--json` prints the figures as one JSON object on the last line. Run through npm so the
 * semi-space is pinned and GC counting is stable.
 */
import { createRequire } from 'node:module';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import {
  type CompiledDialect,
  DIALECTS,
  MessageView,
  SubfieldReader,
  decodeInto,
  tagKey,
} from '../protocol/iso8583/index.js';
import { decodeIntoExact } from '../protocol/iso8583/decoder.js';
import { base1_0210Bytes, composite0210Bytes, typical0210Bytes } from './sample-messages.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped CommonJS package used as the baseline
const Iso8583 = require('iso_8583') as any;

const json = process.argv.includes('--json');
const N_OURS = Number(process.env.BENCH_N ?? 1_000_000);
const N_BASE = Number(process.env.BENCH_BASE_N ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);

const msg = typical0210Bytes('51');
// iso_8583 expects a 2-byte length header in front of the message
const framed = Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 255]), msg]);

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function countGcs(fn: () => void): Promise<{ gcs: number; ms: number }> {
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  await sleep(20);
  gcs = 0;
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  await sleep(50); // let the observer deliver entries
  obs.disconnect();
  return { gcs, ms };
}

function oursLoop(n: number, view: MessageView): number {
  // HOT PATH as in the pipeline: decode, then read the response code without making a string.
  let sink = 0;
  const d = DIALECTS.ascii;
  for (let i = 0; i < n; i++) {
    if (!decodeInto(d, msg, 0, msg.length, view)) throw new Error('decode failed');
    sink += view.codeInto(39);
  }
  return sink;
}

/**
 * The same with the exact walk alone (no plan): the field-by-field walk the decoder falls back to.
 * Measured in the same rounds, it is what shows whether the plans (protocol/iso8583/plan.ts) earn
 * their code.
 */
function exactLoop(n: number, view: MessageView): number {
  let sink = 0;
  const d = DIALECTS.ascii;
  for (let i = 0; i < n; i++) {
    if (!decodeIntoExact(d, msg, 0, msg.length, view)) throw new Error('decode failed');
    sink += view.codeInto(39);
  }
  return sink;
}

/** Decode, read the response code; with `sub`, also DE 48 subelement 84 (the merchant advice code). */
function otherLoop(
  d: CompiledDialect,
  bytes: Uint8Array,
  n: number,
  view: MessageView,
  sub: SubfieldReader | null,
): number {
  let sink = 0;
  for (let i = 0; i < n; i++) {
    if (!decodeInto(d, bytes, 0, bytes.length, view)) throw new Error('decode failed');
    sink += view.codeInto(39);
    if (sub !== null) {
      if (!sub.find(view, 48, SE84)) throw new Error('no subelement 84');
      sink += sub.codeInto(view.scratch);
    }
  }
  return sink;
}

const SE84 = tagKey('ascii', '84');

/** Median ns/message over rounds, and the GCs over n decodes. */
async function measure(run: (n: number) => void): Promise<{ ns: number; gc: number }> {
  run(50_000); // warm up
  (globalThis as { gc?: () => void }).gc?.();
  const g = await countGcs(() => run(N_OURS));
  const ns: number[] = [];
  const per = Math.max(1, Math.floor(N_OURS / ROUNDS));
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    run(per);
    ns.push(((performance.now() - t0) * 1e6) / per);
  }
  return { ns: Number(median(ns).toFixed(1)), gc: g.gcs };
}

function baselineLoop(n: number): number {
  let sink = 0;
  const iso = new Iso8583();
  for (let i = 0; i < n; i++) {
    const out = iso.getIsoJSON(framed, {});
    if (out.error) throw new Error(`iso_8583: ${out.error}`);
    sink += (out['39'] as string).length;
  }
  return sink;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const view = new MessageView();
  // sanity: both decoders agree on the message
  const ref = new Iso8583().getIsoJSON(framed, {});
  decodeInto(DIALECTS.ascii, msg, 0, msg.length, view);
  if (ref['39'] !== view.get(39) || ref['4'] !== view.get(4))
    throw new Error('decoders disagree on the sample');

  // warm up both
  oursLoop(50_000, view);
  exactLoop(50_000, view);
  baselineLoop(5_000);
  (globalThis as { gc?: () => void }).gc?.();

  // 1. Garbage: one million of our decodes into the reused view, GCs counted.
  const gcRun = await countGcs(() => oursLoop(N_OURS, view));

  // 2. Speed: the machine is shared, so time alternating rounds of both decoders and take the
  //    median of each: a burst of load from elsewhere hits both sides alike.
  const oursNs: number[] = [];
  const exactNs: number[] = [];
  const baseNs: number[] = [];
  const perRoundOurs = Math.max(1, Math.floor(N_OURS / ROUNDS));
  const perRoundBase = Math.max(1, Math.floor(N_BASE / ROUNDS));
  let baseGcs = 0;
  for (let r = 0; r < ROUNDS; r++) {
    let t0 = performance.now();
    oursLoop(perRoundOurs, view);
    oursNs.push(((performance.now() - t0) * 1e6) / perRoundOurs);
    t0 = performance.now();
    exactLoop(perRoundOurs, view);
    exactNs.push(((performance.now() - t0) * 1e6) / perRoundOurs);
    const g = await countGcs(() => {
      t0 = performance.now();
      baselineLoop(perRoundBase);
      baseNs.push(((performance.now() - t0) * 1e6) / perRoundBase);
    });
    baseGcs += g.gcs;
  }
  const ours = median(oursNs);
  const base = median(baseNs);
  const exact = median(exactNs);

  // 3. Other messages, ours only.
  const b1 = base1_0210Bytes('51');
  const comp = composite0210Bytes('51');
  const sub = new SubfieldReader();
  const base1 = await measure((n) => otherLoop(DIALECTS.base1, b1, n, view, null));
  const lazy = await measure((n) => otherLoop(DIALECTS.ascii, comp, n, view, null));
  const read = await measure((n) => otherLoop(DIALECTS.ascii, comp, n, view, sub));
  const result = {
    message_bytes: msg.length,
    ours_ns: Number(ours.toFixed(1)),
    baseline_ns: Number(base.toFixed(1)),
    ratio: Number((base / ours).toFixed(1)),
    exact_walk_ns: Number(exact.toFixed(1)),
    plan_gain: Number((exact / ours).toFixed(2)),
    gc: gcRun.gcs,
    gc_decodes: N_OURS,
    rounds: ROUNDS,
    baseline_gc: baseGcs,
    base1_bytes: b1.length,
    base1_ns: base1.ns,
    base1_gc: base1.gc,
    subfields_bytes: comp.length,
    subfields_unread_ns: lazy.ns,
    subfields_unread_gc: lazy.gc,
    subfields_read_ns: read.ns,
    subfields_read_gc: read.gc,
  };
  if (!json) {
    console.log(`message: typical 0210 response, ${msg.length} bytes (ascii dialect)`);
    console.log(
      `ours:     ${result.ours_ns} ns/message (median of ${ROUNDS} rounds of ${perRoundOurs.toLocaleString('en')})`,
    );
    console.log(
      `iso_8583: ${result.baseline_ns} ns/message (median of ${ROUNDS} rounds of ${perRoundBase.toLocaleString('en')})`,
    );
    console.log(`ratio:    ${result.ratio}x faster`);
    console.log(
      `exact walk alone (no plan): ${result.exact_walk_ns} ns/message: the plan is ${result.plan_gain}x as fast`,
    );
    console.log(
      `garbage:  ${gcRun.gcs} GCs over ${N_OURS.toLocaleString('en')} decodes into a reused view (iso_8583: ${baseGcs} GCs)`,
    );
    console.log(
      `base1:    ${base1.ns} ns/message, ${base1.gc} GCs (the same response in Visa Base I, EBCDIC, ${b1.length} bytes)`,
    );
    console.log(
      `subfields: ${lazy.ns} ns/message, ${lazy.gc} GCs, none read; ${read.ns} ns/message, ${read.gc} GCs with DE 48 SE 84 read (${comp.length} bytes)`,
    );
  }
  console.log(json ? JSON.stringify(result) : '');
}

await main();
