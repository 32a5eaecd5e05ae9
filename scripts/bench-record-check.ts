/**
 * `npm run bench:record`: what checking a record costs on the hot path, zod's safeParse (what the
 * store's intake and the pipeline's emptyInvalidOptionalFields ran per sale before the rule tables)
 * against the fast checker of agent/store/record-rules.ts, both made from the same table and
 * measured in the same run: ns per check (median of rounds, the methods taking turns in each
 * round) and JavaScript heap bytes allocated per check, on a typical failure record and approval.
 * Ratios are against zod's safeParse of the same run; absolute figures move with the machine.
 *
 * The fast check alone allocates nothing; the store's intake adds its copy (copyChecked: the known
 * keys in table order, as zod's output had them). `{...v}` is measured beside it: the cheaper copy
 * a spread would be, which keeps the caller's key order instead.
 *
 * Bytes: after a full GC, the heap in use before and after N checks, the young generation sized
 * (npm script flags) so that they fit without a collection; a GC observer confirms none ran (a run
 * with one is repeated with fewer checks). `--json` prints one object.
 */
import { performance } from 'node:perf_hooks';
import {
  checkFirst,
  copyChecked,
  emptyInvalidOptionalFields,
  newApprovalRules,
  newFailureRules,
  type Rules,
} from '../agent/store/record-rules.js';
import { newApprovalSchema, newFailureSchema } from '../agent/store/record-schema.js';
import { syntheticFailure } from '../agent/store/synthetic.js';
import { allocatedBy, gc } from './lib/heap-bytes.js';
import type { NewApproval, NewFailure } from '../agent/store/types.js';

const json = process.argv.includes('--json');
const N = Number(process.env.BENCH_N ?? 20_000);
const ROUNDS = 11;
gc(); // fails early without --expose-gc

/** 64 records of one shape (as the pipeline makes them), checked in turn. */
const failures: NewFailure[] = Array.from({ length: 64 }, (_, i) => ({
  ...syntheticFailure(i),
  card_key: '3d15467348b15ff5018bf3f3c06eef95',
}));
const approvals: NewApproval[] = failures.map((f) => ({
  terminal_id: f.terminal_id,
  merchant_id: f.merchant_id,
  occurred_at: f.occurred_at,
  mti: f.mti,
  amount_minor: f.amount_minor,
  currency: f.currency,
  pan_masked: f.pan_masked,
  card_key: f.card_key ?? null,
  stan: f.stan,
  rrn: f.rrn,
  auth_code: 'A1B2C3',
}));

type Method = (v: object) => unknown;
function methods<T extends object>(zodSafeParse: (v: unknown) => { success: boolean }, rules: Rules<T>) {
  return {
    'zod safeParse': (v: object) => zodSafeParse(v).success,
    'fast check': (v: object) => checkFirst(rules, v) === null,
    'fast check + copy': (v: object) => checkFirst(rules, v) === null && copyChecked(rules, v as T),
    'fast check + {...v}': (v: object) => checkFirst(rules, v) === null && { ...v },
  } satisfies Record<string, Method>;
}
const CASES: Record<string, { inputs: object[]; methods: Record<string, Method> }> = {
  failure: {
    inputs: failures,
    methods: {
      ...methods(newFailureSchema.safeParse, newFailureRules),
      emptyInvalidOptionalFields: (v) => emptyInvalidOptionalFields(v as NewFailure),
    },
  },
  approval: { inputs: approvals, methods: methods(newApprovalSchema.safeParse, newApprovalRules) },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
let sink = 0;
function run(m: Method, inputs: object[], n: number): void {
  for (let i = 0; i < n; i++) if (m(inputs[i & 63]!)) sink++;
}

async function bytesPerCheck(m: Method, inputs: object[]): Promise<number> {
  const { n, bytes } = await allocatedBy(
    N,
    () => inputs,
    (inp, k) => run(m, inp, k),
  );
  return bytes / n;
}

const result: Record<string, Record<string, { ns: number; bytes: number }>> = {};
for (const [name, c] of Object.entries(CASES)) {
  const entries = Object.entries(c.methods);
  for (const [, m] of entries) run(m, c.inputs, N); // warm-up (zod compiles its fast path)
  const ns: Record<string, number[]> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const [label, m] of entries) {
      const t0 = performance.now();
      run(m, c.inputs, N);
      (ns[label] ??= []).push(((performance.now() - t0) * 1e6) / N);
    }
  }
  result[name] = {};
  for (const [label, m] of entries)
    result[name][label] = { ns: median(ns[label]!), bytes: await bytesPerCheck(m, c.inputs) };
}

if (json) console.log(JSON.stringify(result));
else {
  for (const [name, r] of Object.entries(result)) {
    const base = r['zod safeParse']!;
    console.log(`${name} (valid; ratios against zod safeParse of this run)`);
    for (const [label, { ns, bytes }] of Object.entries(r)) {
      const ratio = label === 'zod safeParse' ? '' : `  ${(ns / base.ns).toFixed(3)}x time`;
      console.log(
        `  ${label.padEnd(28)} ${ns.toFixed(0).padStart(6)} ns  ${bytes.toFixed(0).padStart(6)} B${ratio}`,
      );
    }
  }
  console.log(`(checksum ${sink % 1000})`);
}
