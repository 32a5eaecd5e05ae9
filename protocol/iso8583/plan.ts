/**
 * Decode plans: the field walk for one bitmap, compiled once and cached per dialect. Hosts send
 * few distinct bitmaps, so the hot path almost always finds its plan and walks a flat list of
 * steps instead of testing 128 bits and looking up each field's spec.
 *
 * Consecutive fixed-length fields form a RUN: one bounds check, merged digit ranges checked four
 * bytes at a time, and no per-field bookkeeping: a field's offset is the run's start (recorded in
 * the view) plus its fixed position in the run, looked up on access. A variable field is a VAR
 * step of its own.
 *
 * ops layout:
 *   STEP_RUN, runBytes, stepIndex, nRanges, (rel, len)×nRanges, nOther, (spec, rel, units)×nOther
 *   STEP_VAR, field, spec, stepIndex
 *   0, field                       (the bitmap names a field the dialect does not define)
 */
import {
  byteLen,
  CHK_DIGITS,
  CHK_NONE,
  type CompiledDialect,
  ENC_ASCII,
  ENC_BINARY,
  ENC_EBCDIC,
  FIELD_SLOTS,
  PK_LENGTH_SHIFT,
  PK_PREFIX_BYTES_SHIFT,
} from './spec.js';

export const STEP_VAR = 1;
export const STEP_RUN = 2;

export class Plan {
  /** Bitmap words this plan is for. */
  constructor(
    readonly k0: number,
    readonly k1: number,
    readonly k2: number,
    readonly k3: number,
    readonly k4: number,
    readonly k5: number,
    readonly bytes: number,
    readonly ops: Int32Array,
    /** Per field: index of the step that holds it (-1 when absent). */
    readonly fieldStep: Int16Array,
    /** Per field: offset inside its run (0 for variable fields). */
    readonly fieldRel: Int32Array,
    /** Per field: length in units for fixed fields, -1 for variable ones (see view.varUnits). */
    readonly fieldUnits: Int32Array,
  ) {}
}

const PLAN_CACHE_SIZE = 8;

export class PlanCache {
  readonly plans: Plan[] = [];
  private next = 0;

  add(plan: Plan): void {
    if (this.plans.length < PLAN_CACHE_SIZE) this.plans.push(plan);
    else {
      this.plans[this.next] = plan;
      this.next = (this.next + 1) % PLAN_CACHE_SIZE;
    }
  }
}

const caches = new WeakMap<CompiledDialect, PlanCache>();
let lastDialect: CompiledDialect | null = null;
let lastCache: PlanCache = new PlanCache();

export function planCacheOf(d: CompiledDialect): PlanCache {
  if (d === lastDialect) return lastCache;
  let cache = caches.get(d);
  if (cache === undefined) {
    cache = new PlanCache();
    caches.set(d, cache);
  }
  lastDialect = d;
  lastCache = cache;
  return cache;
}

interface RunField {
  spec: number;
  rel: number;
  units: number;
}

export function buildPlan(
  d: CompiledDialect,
  bm: Uint8Array,
  off: number,
  n: number,
  keys: readonly number[],
): Plan {
  const ops: number[] = [];
  const fieldStep = new Int16Array(FIELD_SLOTS).fill(-1);
  const fieldRel = new Int32Array(FIELD_SLOTS);
  const fieldUnits = new Int32Array(FIELD_SLOTS).fill(-1);
  let steps = 0;
  let run: RunField[] = [];
  let runBytes = 0;

  const flush = (): void => {
    if (run.length === 0) return;
    const ranges: number[] = [];
    const other: number[] = [];
    for (const r of run) {
      const e = r.spec & 7;
      const chk = (r.spec >>> 3) & 3;
      if (e === ENC_ASCII && chk === CHK_DIGITS) {
        const last = ranges.length - 2;
        if (last >= 0 && ranges[last]! + ranges[last + 1]! === r.rel)
          ranges[last + 1] = ranges[last + 1]! + r.units;
        else ranges.push(r.rel, r.units);
      } else if (!(e === ENC_BINARY || ((e === ENC_ASCII || e === ENC_EBCDIC) && chk === CHK_NONE))) {
        other.push(r.spec, r.rel, r.units);
      }
    }
    ops.push(STEP_RUN, runBytes, steps++, ranges.length / 2, ...ranges, other.length / 3, ...other);
    run = [];
    runBytes = 0;
  };

  for (let f = 2; f <= n * 8; f++) {
    if ((bm[off + ((f - 1) >> 3)]! & (0x80 >> ((f - 1) & 7))) === 0) continue;
    if (f === 65 && d.tertiary) continue; // the third bitmap's bit
    const spec = d.packed[f]!;
    if ((spec & 7) === 0) {
      flush();
      ops.push(0, f);
      break;
    }
    if (((spec >>> PK_PREFIX_BYTES_SHIFT) & 7) === 0) {
      const units = spec >>> PK_LENGTH_SHIFT;
      fieldStep[f] = steps; // the run being built gets this index when flushed
      fieldRel[f] = runBytes;
      fieldUnits[f] = units;
      run.push({ spec, rel: runBytes, units });
      runBytes += byteLen(spec & 7, units);
    } else {
      flush();
      fieldStep[f] = steps;
      ops.push(STEP_VAR, f, spec, steps++);
    }
  }
  flush();
  const [k0, k1, k2, k3, k4, k5] = keys as [number, number, number, number, number, number];
  return new Plan(k0, k1, k2, k3, k4, k5, n, Int32Array.from(ops), fieldStep, fieldRel, fieldUnits);
}
