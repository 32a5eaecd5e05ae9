/**
 * `npm run bench:e2e`: the agent's end-to-end latency over a real pty pair (socat). Host responses
 * (line framing, a shift's mix of approvals and declines) are written at a fixed rate to one end;
 * the agent (real serial link, framer, decoder, classifier, guidance, display rendering, SQLite
 * store) reads the other. Latency runs from the moment the frame's last byte was written to the
 * moment its prompt was rendered. Reports p50/p99/max and the process's resident memory.
 * The floor, measured first in the same process on the same pty pair and frames: a bare serialport
 * reader with a DelimiterParser, timed from the same write to the line's arrival in JavaScript.
 * It prints floor_p99_ms and added_p99_ms (the agent's p99 minus the floor's): absolute figures
 * move with the machine, the added latency is the agent's own. Goal: added p99 under 1 ms at 500/s.
 *
 * This process makes the frames and the pty pairs; each measurement runs in a process of its own
 * (scripts/bench-e2e-child.ts) that loads the agent and nothing else of ours, so the resident
 * memory is the agent's. With --baseline DIR another build (a worktree with its dist/ built, e.g.
 * `git worktree add ../base COMMIT`, node_modules linked, `npm run build`) is measured in the same
 * run on the same frames: the builds take turns round by round (ABBA...), medians are reported,
 * with the load average at each measurement: an A/B in one run. --baseline may be given more than
 * once (an A/B/C: before and after a change against an older build).
 *
 *   npm run bench:e2e -- [--rate N] [--seconds S] [--mix shift|declines|approvals]
 *     [--rounds R] [--baseline DIR] [--json]
 * --rate: frames/s (default 500); --seconds: per measurement (default 10); --mix: the response
 * codes (default shift: the simulator's normal-shift proportions); --rounds: measurements per build
 * (default 1, or 5 with --baseline). BENCH_CHILD_FLAGS: node flags for the measured processes only
 * (e.g. --cpu-prof, --trace-gc; their stdout before the figures goes to stderr); BENCH_DEBUG: the
 * resident memory by heap space and mapping; BENCH_SNAPSHOT=DIR: a heap snapshot after the run;
 * BENCH_ALLOC=FILE: a sampling heap profile of the run, freed objects included (BENCH_ALLOC_PROMOTED:
 * only those that outlived the young generation); BENCH_WHY: how many of the slowest 1% waited for
 * a garbage collection.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS, startPtyPair } from '../hardware/simulator/index.js';
import { encodeMessageLine } from '../protocol/framing/index.js';
import { DIALECTS, decodeInto, MessageView } from '../protocol/iso8583/index.js';
import { typical0210Bytes } from './sample-messages.js';
import { luhnValid } from '../protocol/card/pan.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const json = process.argv.includes('--json');
const mixArg = process.argv.indexOf('--mix');
const MIX = mixArg >= 0 ? process.argv[mixArg + 1] : process.env.BENCH_APPROVALS_ONLY ? 'approvals' : 'shift';
if (MIX !== 'shift' && MIX !== 'declines' && MIX !== 'approvals')
  throw new Error('--mix must be shift, declines or approvals');
const DECLINE_HEAVY = [
  '00',
  '00',
  '00',
  '00',
  '00',
  '00',
  '51',
  '05',
  '55',
  '91',
  '54',
  '61',
  '00',
  '00',
  '1A',
  '14',
];

/** 100 response codes in the proportions of the shift scenario's host responses, interleaved. */
function shiftCodes(): string[] {
  const weights = Object.entries(SCENARIOS.shift.mix).filter(([rc]) => /^[0-9A-Z]{2}$/.test(rc)) as [
    string,
    number,
  ][];
  const total = weights.reduce((n, [, w]) => n + w, 0);
  const out: string[] = [];
  const acc = new Map<string, number>(weights.map(([rc]) => [rc, 0]));
  for (let i = 0; i < 100; i++) {
    // largest remainder: each code appears as often as its weight says, spread over the list
    let best = weights[0]![0];
    let bestScore = -Infinity;
    for (const [rc, w] of weights) {
      const score = ((i + 1) * w) / total - acc.get(rc)!;
      if (score > bestScore) {
        bestScore = score;
        best = rc;
      }
    }
    acc.set(best, acc.get(best)! + 1);
    out.push(best);
  }
  return out;
}
const CODES = MIX === 'approvals' ? ['00'] : MIX === 'declines' ? DECLINE_HEAVY : shiftCodes();
const RATE = arg('--rate', 500);
const SECONDS = arg('--seconds', 10);
/** Each --baseline DIR (one or more), in order: measured as `baseline`, `baseline2`, ... */
const BASELINES: string[] = [];
process.argv.forEach((a, i) => {
  if (a !== '--baseline') return;
  const dir = process.argv[i + 1];
  if (!dir || dir.startsWith('--'))
    throw new Error('--baseline needs a directory (a built worktree or its dist/)');
  BASELINES.push(dir);
});
const baselineName = (k: number): string => (k === 0 ? 'baseline' : `baseline${k + 1}`);
const ROUNDS = arg('--rounds', BASELINES.length > 0 ? 5 : 1);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds must be a positive integer');

/** A Luhn-valid card number of `length` digits on the Visa test prefix 476173, the k-th of the bench's. */
function benchPan(k: number, length: number): string {
  const body = `476173${String(k).padStart(length - 7, '0')}`;
  for (let d = 0; d < 10; d++) if (luhnValid(`${body}${d}`)) return `${body}${d}`;
  throw new Error('no check digit');
}

/** The frames to write, one after another in one buffer (no object per frame in the child). */
interface Frames {
  buf: Buffer;
  /** Frame k is buf[starts[k], starts[k + 1]). */
  starts: Uint32Array;
}

function packFrames(lines: readonly Buffer[]): Frames {
  const starts = new Uint32Array(lines.length + 1);
  for (let k = 0; k < lines.length; k++) starts[k + 1] = starts[k]! + lines[k]!.length;
  return { buf: Buffer.concat(lines as Buffer[]), starts };
}

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const r3 = (x: number): number => Number(x.toFixed(3));

/** The frames: a shift's mix (or --mix), each a host response that yields exactly one prompt. */
function makeFrames(total: number): Frames {
  // The response-code mix: by default the simulator's normal shift (its host responses, weighted
  // as in hardware/simulator/scenarios.ts: mostly approvals); --mix declines for a decline-heavy
  // stress (half the responses fail); --mix approvals for approvals only.
  const samples = CODES.map((rc) => typical0210Bytes(rc));
  // where fields 2, 4 and 11 sit in the sample, to give every response its own
  const probe = new MessageView();
  if (!decodeInto(DIALECTS.ascii, samples[0]!, 0, samples[0]!.length, probe)) throw new Error('bad sample');
  const stanAt = probe.offsetOf(11);
  const panAt = probe.offsetOf(2);
  const panLength = probe.unitsOf(2);
  const amountAt = probe.offsetOf(4);
  // A STAN each (more than the agent's retransmission memory), so no response looks like a
  // retransmission. Each sale has a card and an amount of its own, as at a counter: one card
  // charged the same amount a thousand times would be a thousand possible double charges
  // (docs/outcomes.md).
  const lines: Buffer[] = [];
  for (let k = 0; k < Math.max(1024, total); k++) {
    const msg = Buffer.from(samples[k % samples.length]!);
    msg.write(String(100000 + (k % 900000)).padStart(6, '0'), stanAt, 'latin1');
    msg.write(benchPan(k, panLength), panAt, 'latin1');
    msg.write(String(150 + ((k * 37) % 9000)).padStart(12, '0'), amountAt, 'latin1');
    lines.push(encodeMessageLine('RSP', msg));
  }
  return packFrames(lines);
}

/** One measurement's figures. */
interface Run {
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  floor_p99_ms: number;
  added_p99_ms: number;
  rss_mb: number;
  heap_used_mb: number;
  /** CPU time of the measured process while the frames were written (agent and writer). */
  cpu_ms: number;
  prompts: number;
  /** The 1-minute load average as the measurement started and as it ended. */
  load: [number, number];
}

interface ChildOut {
  latencies_ms: number[];
  floor_ms: number[];
  peak_rss: number;
  heap_used: number;
  cpu_ms: number;
  load: [number, number];
}

const CHILD = fileURLToPath(new URL('./bench-e2e-child.js', import.meta.url));

/** The compiled tree of a build: DIR/dist when DIR is a worktree, else DIR itself. */
function distOf(dir: string): string {
  const d = resolve(dir);
  const dist = existsSync(join(d, 'dist', 'agent')) ? join(d, 'dist') : d;
  if (!existsSync(join(dist, 'agent', 'run', 'agent.js')))
    throw new Error(
      `--baseline: no built agent under ${dir} (dist/agent/run/agent.js): run npm run build there`,
    );
  return dist;
}

/** Measures the build `dist` once, in a process of its own, on a fresh pty pair and database. */
async function measure(
  dist: string,
  dir: string,
  n: number,
  framesFile: string,
  total: number,
): Promise<Run> {
  const agentEnd = join(dir, `tty${n}`);
  const pty = await startPtyPair(agentEnd);
  try {
    const args = [
      ...process.execArgv,
      ...(process.env.BENCH_CHILD_FLAGS?.split(' ').filter(Boolean) ?? []),
      CHILD,
      ...['--dist', dist, '--frames', framesFile, '--agent-end', agentEnd, '--sim-path', pty.simPath],
      ...['--db', join(dir, `bench${n}.db`), '--rate', String(RATE), '--total', String(total)],
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const code = await new Promise<number | null>((res) => child.on('close', res));
    if (code !== 0) throw new Error(`bench-e2e-child exited with ${code} for ${dist}`);
    // one line is the figures; any other (a --trace-gc from BENCH_CHILD_FLAGS) goes to stderr
    const lines = out.trim().split('\n');
    const at = lines.findLastIndex((l) => l.startsWith('{"latencies_ms"'));
    if (at < 0) throw new Error(`bench-e2e-child printed no figures for ${dist}`);
    const o = JSON.parse(lines.splice(at, 1)[0]!) as ChildOut;
    if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
    const sorted = o.latencies_ms.sort((a, b) => a - b);
    const floor = o.floor_ms.sort((a, b) => a - b);
    if (process.env.BENCH_DEBUG) {
      const ps = [50, 90, 95, 98, 99, 99.5, 99.9];
      const row = (xs: number[]): string => ps.map((p) => `p${p} ${pct(xs, p).toFixed(2)}`).join(' ');
      console.error(`latency ${row(sorted)}\nfloor   ${row(floor)}`);
    }
    if (sorted.length < total || floor.length < total)
      throw new Error(`${dist}: ${sorted.length} prompts and ${floor.length} floor lines of ${total} frames`);
    return {
      p50_ms: r3(pct(sorted, 50)),
      p99_ms: r3(pct(sorted, 99)),
      max_ms: r3(sorted[sorted.length - 1]!),
      floor_p99_ms: r3(pct(floor, 99)),
      added_p99_ms: r3(pct(sorted, 99) - pct(floor, 99)),
      rss_mb: Number((o.peak_rss / 1048576).toFixed(1)),
      heap_used_mb: Number((o.heap_used / 1048576).toFixed(1)),
      cpu_ms: Math.round(o.cpu_ms),
      prompts: sorted.length,
      load: o.load.map((l) => Number(l.toFixed(2))) as [number, number],
    };
  } finally {
    await pty.stop();
  }
}

/** The medians of a build's runs, and the runs. */
function summary(runs: Run[]) {
  const m = (k: keyof Omit<Run, 'load'>): number => r3(median(runs.map((r) => r[k])));
  return {
    p50_ms: m('p50_ms'),
    p99_ms: m('p99_ms'),
    max_ms: m('max_ms'),
    floor_p99_ms: m('floor_p99_ms'),
    added_p99_ms: m('added_p99_ms'),
    rss_mb: m('rss_mb'),
    heap_used_mb: m('heap_used_mb'),
    cpu_ms: m('cpu_ms'),
    runs,
  };
}

const line = (name: string, r: Omit<Run, 'load' | 'prompts'>, load: string): string =>
  `${name.padEnd(9)} p50 ${r.p50_ms.toFixed(3)}  p99 ${r.p99_ms.toFixed(3)}  max ${r.max_ms.toFixed(1).padStart(6)}  ` +
  `floor p99 ${r.floor_p99_ms.toFixed(3)}  added p99 ${r.added_p99_ms.toFixed(3)}  RSS ${r.rss_mb.toFixed(1)} MB  ` +
  `heap ${r.heap_used_mb.toFixed(1)} MB  CPU ${r.cpu_ms} ms  ${load}`;

async function main(): Promise<void> {
  const total = Math.round(RATE * SECONDS);
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'pos-bench-e2e-'));
  try {
    const frames = makeFrames(total);
    const framesFile = join(dir, 'frames.bin');
    writeFileSync(framesFile, frames.buf);
    writeFileSync(`${framesFile}.idx`, Buffer.from(frames.starts.buffer));
    const self = fileURLToPath(new URL('..', import.meta.url));
    const builds: [string, string][] = [['this', self]];
    BASELINES.forEach((dir, k) => builds.push([baselineName(k), distOf(dir)]));
    const runs = new Map<string, Run[]>(builds.map(([name]) => [name, []]));
    const load0 = loadavg();
    if (!json)
      console.log(
        `${total} host responses at ${RATE}/s over a pty pair (line framing), mix ${MIX}, ${ROUNDS} round(s)` +
          BASELINES.map((dir, k) => `, ${baselineName(k)} ${dir}`).join('') +
          `; load average ${load0.map((l) => l.toFixed(2)).join(' ')}`,
      );
    let n = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // the order turns each round (with two builds: ABBA), so no build is always first after a pause
      const order = builds.map((_, i) => builds[(i + round) % builds.length]!);
      for (const [name, dist] of order) {
        const r = await measure(dist, dir, n++, framesFile, total);
        runs.get(name)!.push(r);
        if (!json) console.log(line(name, r, `load ${r.load[0].toFixed(2)}→${r.load[1].toFixed(2)}`));
      }
    }
    const result: Record<string, unknown> = {
      mix: MIX,
      failures_pct: Math.round((CODES.filter((c) => c !== '00').length / CODES.length) * 100),
      frames: total,
      rate: RATE,
      rounds: ROUNDS,
      load_avg: [load0, loadavg()].map((l) => l.map((x) => Number(x.toFixed(2)))),
    };
    for (const [name] of builds) result[name] = summary(runs.get(name)!);
    // the single build's medians at the top level, as before --baseline
    const mine = result.this as ReturnType<typeof summary>;
    Object.assign(result, { ...mine, runs: undefined });
    // this build against each baseline; p99_ratio and rss_ratio against the first
    const ratios: Record<string, { p99: number; rss: number }> = {};
    BASELINES.forEach((_, k) => {
      const base = result[baselineName(k)] as ReturnType<typeof summary>;
      ratios[baselineName(k)] = { p99: r3(mine.p99_ms / base.p99_ms), rss: r3(mine.rss_mb / base.rss_mb) };
    });
    if (BASELINES.length > 0) {
      result.ratios = ratios;
      result.p99_ratio = ratios.baseline!.p99;
      result.rss_ratio = ratios.baseline!.rss;
    }
    if (!json) {
      console.log(`medians of ${ROUNDS} (frame written → prompt rendered; floor: a bare serialport reader):`);
      for (const [name] of builds) {
        const s = result[name] as ReturnType<typeof summary>;
        console.log(line(name, s, ''));
      }
      for (const [name, r] of Object.entries(ratios))
        console.log(`p99 this/${name} ${r.p99}, RSS this/${name} ${r.rss}`);
      console.log('goal: added p99 < 1 ms at 500/s; resident memory (peak) < 80 MB');
    }
    if (json) console.log(JSON.stringify(result));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
