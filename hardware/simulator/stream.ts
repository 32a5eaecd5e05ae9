/**
 * The simulated payment module as a byte stream: a Readable that emits the scenario's frames at a
 * rate (steps per second) or sale by sale at a cashier's pace (scenarios.ts SalePace: a pause
 * between sales, short gaps within one), honouring quiet gaps. Used in-process by `pos-agent run --simulate`
 * (frame it with hardware/serial frameStream), and by `pos-agent simulate` on a pty or TCP port.
 */
import { Readable } from 'node:stream';
import { FrameError } from '../../protocol/framing/index.js';
import { Rng } from './rng.js';
import { type SalePace, type Scenario, SCENARIOS } from './scenarios.js';
import { resolveOptions, type ScriptOptions, type ScriptStep, scriptSteps } from './script.js';

export interface SimulatorStreamOptions extends ScriptOptions {
  /** Frames (script steps) per second. Default: the scenario's pace, else its rate. */
  rate?: number;
  /** Sale by sale at this pace (not with `rate`). Default: the scenario's pace, if it has one. */
  pace?: SalePace;
  /** Stop after this many seconds of stream time. */
  duration?: number;
  /** Stop after this many steps. */
  count?: number;
  /** Called for each step as it is emitted (tests and logs; the bytes are the step's). */
  onStep?: (step: ScriptStep) => void;
}

export class SimulatorStream extends Readable {
  /** Steps emitted so far. */
  sent = 0;
  /** Steady frames per second, or null when paced. */
  readonly rate: number | null;
  /** The pace, or null at a steady rate. */
  readonly pace: SalePace | null;
  private readonly paceRng: Rng | null;
  /** Paced: when the next step is due (ms of stream time), the step, and the last sale seen. */
  private nextStep: { step: ScriptStep; due: number } | null = null;
  private lastDue = 0;
  private lastTxn: number | null = null;
  private readonly it: Iterator<ScriptStep>;
  private readonly maxSteps: number;
  private readonly endAt: number;
  private readonly onStep: ((s: ScriptStep) => void) | undefined;
  private timer: NodeJS.Timeout | null = null;
  private t0 = 0;
  private extra = 0; // accumulated quiet gaps, ms
  private waiting = false; // back-pressure: wait for _read

  constructor(opts: SimulatorStreamOptions) {
    super({ highWaterMark: 64 * 1024 });
    const o = resolveOptions(opts); // validate early, with typed errors
    if (opts.rate !== undefined && opts.pace !== undefined)
      throw new FrameError('E_USAGE', 'give a rate or a pace, not both');
    const sc: Scenario = SCENARIOS[opts.scenario];
    this.pace = opts.rate === undefined ? (opts.pace ?? sc.pace ?? null) : null;
    this.rate = this.pace ? null : (opts.rate ?? sc.rate);
    if (this.rate !== null && !(this.rate > 0 && Number.isFinite(this.rate)))
      throw new FrameError('E_USAGE', 'rate must be a positive number');
    if (this.pace) checkPace(this.pace);
    this.paceRng = this.pace ? new Rng((o.seed ^ PACE_SALT) >>> 0) : null;
    if (opts.duration !== undefined && !(opts.duration > 0))
      throw new FrameError('E_USAGE', 'duration must be positive');
    if (opts.count !== undefined && !(Number.isInteger(opts.count) && opts.count > 0))
      throw new FrameError('E_USAGE', 'count must be a positive integer');
    this.it = scriptSteps(opts);
    this.maxSteps = opts.count ?? Number.POSITIVE_INFINITY;
    this.endAt = opts.duration !== undefined ? opts.duration * 1000 : Number.POSITIVE_INFINITY;
    this.onStep = opts.onStep;
  }

  override _read(): void {
    if (this.t0 === 0) {
      this.t0 = performance.now();
      this.pump();
      return;
    }
    if (this.waiting) {
      this.waiting = false;
      this.pump();
    }
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    cb(err);
  }

  /** When step `i` is due, ms of stream time (at a rate: from its index; paced: peeks the step). */
  private dueAt(i: number): number {
    if (this.rate !== null) return (i * 1000) / this.rate + this.extra;
    if (this.nextStep === null) {
      const step = this.it.next().value as ScriptStep;
      const pace = this.pace!;
      const rng = this.paceRng!;
      const newSale = step.txn !== null && step.txn !== this.lastTxn;
      let due = this.lastDue + this.extra;
      if (i > 0) {
        const [lo, hi] = newSale ? pace.betweenSalesS.map((x) => x * 1000) : pace.frameGapMs;
        due += lo! + rng.next() * (hi! - lo!);
      }
      if (step.txn !== null) this.lastTxn = step.txn;
      this.extra = 0; // counted into this step's time
      this.nextStep = { step, due };
    }
    return this.nextStep.due;
  }

  private takeStep(): ScriptStep {
    if (this.rate !== null) return this.it.next().value as ScriptStep;
    const { step, due } = this.nextStep!;
    this.nextStep = null;
    // the next gap counts from when this step really went out: late under load, the pause
    // between sales is still whole (a failure stays up at least that long)
    this.lastDue = Math.max(due, performance.now() - this.t0);
    return step;
  }

  private pump(): void {
    this.timer = null;
    if (this.destroyed) return;
    const now = performance.now() - this.t0;
    while (this.sent < this.maxSteps) {
      const due = this.dueAt(this.sent);
      if (due >= this.endAt) break;
      if (due > now) {
        this.timer = setTimeout(() => this.pump(), Math.max(0, due - now));
        return;
      }
      const step = this.takeStep();
      this.sent++;
      this.extra += step.gapAfterMs;
      this.onStep?.(step);
      const more = this.push(step.bytes);
      if (step.gapAfterMs > 0) {
        // the quiet gap counts from now, even when the stream runs behind its schedule (a busy
        // event loop): the line must stay silent long enough for the receiver's idle timer
        this.timer = setTimeout(
          () => this.pump(),
          Math.max(step.gapAfterMs, this.dueAt(this.sent) - (performance.now() - this.t0)),
        );
        return;
      }
      if (!more) {
        this.waiting = true;
        return;
      }
    }
    this.push(null);
  }
}

/** Salt of the pace's own random stream (the frames stay those of the seed). */
const PACE_SALT = 0x9ace_5a1e;

function checkPace(p: SalePace): void {
  for (const [name, [lo, hi]] of [
    ['pace between sales (s)', p.betweenSalesS],
    ['pace between frames (ms)', p.frameGapMs],
  ] as const) {
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo >= 0 && hi >= lo && hi > 0))
      throw new FrameError('E_USAGE', `${name} must be a range MIN-MAX with 0 <= MIN <= MAX, MAX > 0`);
  }
}

/** `pos-agent run --simulate`: the simulated module's byte stream. */
export function createSimulatorStream(opts: SimulatorStreamOptions): SimulatorStream {
  return new SimulatorStream(opts);
}
