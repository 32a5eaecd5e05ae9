/**
 * The simulated payment module as a byte stream: a Readable that emits the scenario's frames at a
 * rate (steps per second), honouring quiet gaps. Used in-process by `pos-agent run --simulate`
 * (frame it with hardware/serial frameStream), and by `pos-agent simulate` on a pty or TCP port.
 */
import { Readable } from 'node:stream';
import { FrameError } from '../../protocol/framing/index.js';
import { SCENARIOS } from './scenarios.js';
import { resolveOptions, type ScriptOptions, type ScriptStep, scriptSteps } from './script.js';

export interface SimulatorStreamOptions extends ScriptOptions {
  /** Frames (script steps) per second. Default: the scenario's rate. */
  rate?: number;
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
  readonly rate: number;
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
    resolveOptions(opts); // validate early, with typed errors
    this.rate = opts.rate ?? SCENARIOS[opts.scenario].rate;
    if (!(this.rate > 0 && Number.isFinite(this.rate)))
      throw new FrameError('E_USAGE', 'rate must be a positive number');
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

  private dueAt(i: number): number {
    return (i * 1000) / this.rate + this.extra;
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
      const step = this.it.next().value as ScriptStep;
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

/** `pos-agent run --simulate`: the simulated module's byte stream. */
export function createSimulatorStream(opts: SimulatorStreamOptions): SimulatorStream {
  return new SimulatorStream(opts);
}
