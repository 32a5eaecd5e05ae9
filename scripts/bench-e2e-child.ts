/**
 * The measured process of `npm run bench:e2e` (scripts/bench-e2e.ts starts it, once per build and
 * round). It loads the agent from the build named by --dist, and nothing else of ours: the frames
 * come ready-made in a file and the pty pair is the parent's, so two builds measured by this same
 * script differ only in the agent they load (an A/B), and the resident memory is the agent's.
 *
 * Reads the frames (--frames FILE: the bytes; FILE.idx: a Uint32Array of frame starts), measures
 * the floor first (a bare serialport reader with a DelimiterParser on the same pty and frames),
 * then the agent (real serial link, framer, decoder, classifier, guidance, display rendering,
 * SQLite store). Latency runs from the moment a frame's last byte was written to the moment its
 * prompt was rendered. Prints one JSON line: the raw figures, for the parent to report.
 *
 *   node --max-semi-space-size=2 dist/scripts/bench-e2e-child.js --dist DIST --frames FILE
 *     --agent-end PATH --sim-path PATH --db PATH --rate N --total N
 */
import { closeSync, constants, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { Session } from 'node:inspector';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { DelimiterParser } from '@serialport/parser-delimiter';
import { SerialPort } from 'serialport';
import type { loadConfig as LoadConfig } from '../agent/config/index.js';
import type { silentLogger as SilentLogger } from '../agent/log.js';
import type { startAgent as StartAgent } from '../agent/run/agent.js';
import type { openDisplay as OpenDisplay } from '../agent/run/display.js';
import type { openSerialLink as OpenSerialLink } from '../hardware/serial/index.js';

function opt(name: string): string {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (v === undefined) throw new Error(`bench-e2e-child: ${name} is required`);
  return v;
}

const DIST = opt('--dist');
const RATE = Number(opt('--rate'));
const TOTAL = Number(opt('--total'));
const AGENT_END = opt('--agent-end');
const SIM_PATH = opt('--sim-path');

/** Frame k is buf[starts[k], starts[k + 1]): all of them in one buffer, no object per frame. */
interface Frames {
  buf: Buffer;
  starts: Uint32Array;
  count: number;
}

function readFrames(file: string): Frames {
  const buf = readFileSync(file);
  const idx = readFileSync(`${file}.idx`);
  const starts = new Uint32Array(idx.buffer, idx.byteOffset, idx.length / 4);
  return { buf, starts, count: starts.length - 1 };
}

/**
 * Where the resident memory is (BENCH_DEBUG): V8's heap spaces (committed) and the process's
 * mappings from /proc/self/smaps summed by what they map (a file, or the anonymous rest), in MB.
 */
function memoryBreakdown(): string {
  const mb = (n: number): string => (n / 1048576).toFixed(1);
  const spaces = getHeapSpaceStatistics()
    .map((s) => `${s.space_name} ${mb(s.physical_space_size)}`)
    .join(', ');
  const byMap = new Map<string, number>();
  let name = '';
  for (const l of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(l);
    if (head) name = head[1] || '[anon]';
    else if (l.startsWith('Rss:')) byMap.set(name, (byMap.get(name) ?? 0) + Number(l.split(/\s+/)[1]) * 1024);
  }
  const maps = [...byMap]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([n, v]) => `${mb(v)} ${n}`)
    .join('\n  ');
  return `heap spaces (physical MB): ${spaces}\nmappings (RSS MB):\n  ${maps}`;
}

/**
 * Starts V8's sampling heap profiler counting objects the collector has freed too (node's
 * --heap-prof keeps only those still alive at exit); the function it returns stops it and gives
 * the profile (.heapprofile, for Chrome DevTools or a script).
 */
async function allocationSampler(): Promise<() => Promise<unknown>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((res, rej) => session.post(method, params, (err, r) => (err ? rej(err) : res(r))));
  await post('HeapProfiler.startSampling', {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: !process.env.BENCH_ALLOC_PROMOTED,
  });
  return async () => {
    const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
    session.disconnect();
    return profile;
  };
}

/**
 * The slowest 1% of the prompts (BENCH_WHY): how many had a garbage collection between their frame's
 * write and their prompt, by kind (1 scavenge, 2 mark-compact, 4 incremental, 8 weak callbacks),
 * and the collections' count and total pause during the run.
 */
function slowest(
  latencies: number[],
  starts: number[],
  gcs: { startTime: number; duration: number; kind: number }[],
): string {
  const idx = latencies.map((_, i) => i).sort((a, b) => latencies[b]! - latencies[a]!);
  const worst = idx.slice(0, Math.ceil(latencies.length / 100));
  const byKind = new Map<number, number>();
  let none = 0;
  for (const i of worst) {
    const from = starts[i]!;
    const to = from + latencies[i]!;
    const hit = gcs.find((g) => g.startTime < to && g.startTime + g.duration > from);
    if (hit) byKind.set(hit.kind, (byKind.get(hit.kind) ?? 0) + 1);
    else none++;
  }
  const pause = gcs.reduce((n, g) => n + g.duration, 0);
  const kinds = [...byKind].map(([k, n]) => `kind ${k}: ${n}`).join(', ');
  return (
    `slowest ${worst.length} (from ${latencies[worst[worst.length - 1]!]!.toFixed(2)} ms): ` +
    `${kinds || 'none'} with a GC, ${none} without; ${gcs.length} GCs, ${pause.toFixed(0)} ms in all`
  );
}

/** A module of the measured build's compiled tree. */
function fromDist<T>(rel: string): Promise<T> {
  return import(pathToFileURL(join(DIST, rel)).href) as Promise<T>;
}

/**
 * Writes `total` frames at RATE into the pty's simulator end, pushing each frame's write time onto
 * `written`; resolves when all are written and `latencies` has one entry per frame (or 5 s later).
 */
async function driveAtRate(
  frames: Frames,
  total: number,
  written: number[],
  latencies: number[],
): Promise<{ peakRss: number }> {
  let peakRss = 0;
  // Non-blocking: the reader is this very process, so a blocking write into a full pty would
  // stall it for good. A frame counts as written when its last byte is in the kernel.
  const fd = openSync(SIM_PATH, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  const interval = 1000 / RATE;
  const start = performance.now();
  let sent = 0;
  let partial = 0; // bytes of frame `sent` already written
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (sent < due) {
        const k = sent % frames.count;
        const from = frames.starts[k]! + partial;
        const length = frames.starts[k + 1]! - from;
        let n: number;
        try {
          n = writeSync(fd, frames.buf, from, length);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break; // pty full: let the agent read
          throw e;
        }
        partial += n;
        if (n < length) break;
        partial = 0;
        written.push(performance.now());
        sent++;
      }
      const rss = process.memoryUsage.rss(); // no object per tick, unlike memoryUsage()
      if (rss > peakRss) peakRss = rss;
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, interval - 0.5));
    };
    tick();
  });
  const deadline = performance.now() + 5000;
  while (latencies.length < total && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  closeSync(fd);
  return { peakRss };
}

/** The floor: a bare serialport reader on the same pty, timed the same way. Returns its latencies. */
async function floorLatencies(frames: Frames, total: number): Promise<number[]> {
  const written: number[] = [];
  const latencies: number[] = [];
  const port = new SerialPort({ path: AGENT_END, baudRate: 115200 });
  await new Promise<void>((resolve, reject) => port.once('open', () => resolve()).once('error', reject));
  const parser = port.pipe(new DelimiterParser({ delimiter: '\n' }));
  parser.on('data', () => {
    const t0 = written.shift();
    if (t0 !== undefined) latencies.push(performance.now() - t0);
  });
  await driveAtRate(frames, total, written, latencies);
  await new Promise<void>((resolve) => port.close(() => resolve()));
  return latencies;
}

async function main(): Promise<void> {
  const frames = readFrames(opt('--frames'));
  const load0 = loadavg()[0]!;
  const floor = await floorLatencies(frames, TOTAL);

  const { loadConfig } = await fromDist<{ loadConfig: typeof LoadConfig }>('agent/config/index.js');
  const { silentLogger } = await fromDist<{ silentLogger: typeof SilentLogger }>('agent/log.js');
  const { startAgent } = await fromDist<{ startAgent: typeof StartAgent }>('agent/run/agent.js');
  const { openDisplay } = await fromDist<{ openDisplay: typeof OpenDisplay }>('agent/run/display.js');
  const { openSerialLink } = await fromDist<{ openSerialLink: typeof OpenSerialLink }>(
    'hardware/serial/index.js',
  );
  const cfg = loadConfig({
    flags: {
      store: { path: opt('--db') },
      broker: { url: 'none' },
      serial: { device: AGENT_END },
      display: {
        driver: (process.env.BENCH_DISPLAY as 'console' | 'none' | undefined) ?? 'console',
        width: 20,
        height: 4,
      },
      language: { cashier: 'de' },
      log: { level: 'silent' },
    },
  });
  const log = silentLogger();
  // the console display renders into /dev/null: the rendering work is measured, not the terminal
  const display = await openDisplay(cfg, log, { output: 'null' });
  const written: number[] = [];
  const latencies: number[] = [];
  // BENCH_WHY: which of the slowest 1% waited for a garbage collection (profiling)
  const starts: number[] | null = process.env.BENCH_WHY ? [] : null;
  const gcs: { startTime: number; duration: number; kind: number }[] = [];
  const gcObserver = starts
    ? new PerformanceObserver((l) => void gcs.push(...(l.getEntries() as never[])))
    : null;
  gcObserver?.observe({ entryTypes: ['gc'] });
  const agent = await startAgent(
    cfg,
    {
      display,
      openLink: (sink) => {
        const link = openSerialLink({ path: AGENT_END, baudRate: 115200, framing: 'line', logger: log });
        link.onEvent((e) => {
          if (process.env.BENCH_DEBUG && e.kind !== 'response')
            console.error('link event', e.kind, e.kind === 'reject' ? e.reason : '');
          sink(e);
        });
        return link;
      },
      onPrompt: () => {
        const t0 = written.shift();
        if (t0 === undefined) return;
        latencies.push(performance.now() - t0);
        if (starts) starts.push(t0);
      },
    },
    log,
    'bench',
  );
  await new Promise((r) => setTimeout(r, 300)); // link open

  // BENCH_ALLOC=FILE: where the run allocates, dead or alive (a sampling heap profile, every 512 bytes)
  const sampler = process.env.BENCH_ALLOC ? await allocationSampler() : null;
  const cpu0 = process.cpuUsage();
  const run = await driveAtRate(frames, TOTAL, written, latencies);
  const cpu = process.cpuUsage(cpu0);
  if (sampler) writeFileSync(process.env.BENCH_ALLOC!, JSON.stringify(await sampler()));
  const rssEnd = process.memoryUsage.rss();
  if (starts) {
    gcObserver!.disconnect();
    console.error(slowest(latencies, starts, gcs));
  }
  const mem = process.memoryUsage();
  // BENCH_SNAPSHOT=DIR: a heap snapshot of the running agent after the last frame (profiling)
  if (process.env.BENCH_SNAPSHOT)
    console.error(
      'heap snapshot',
      writeHeapSnapshot(join(process.env.BENCH_SNAPSHOT, `e2e-${process.pid}.heapsnapshot`)),
    );
  if (process.env.BENCH_DEBUG) {
    console.error(JSON.stringify(agent.pipeline.counters), JSON.stringify(mem));
    console.error(memoryBreakdown());
  }
  await agent.stop();
  console.log(
    JSON.stringify({
      latencies_ms: latencies,
      floor_ms: floor,
      peak_rss: Math.max(run.peakRss, rssEnd),
      heap_used: mem.heapUsed,
      heap_total: mem.heapTotal,
      external: mem.external,
      array_buffers: mem.arrayBuffers,
      load: [load0, loadavg()[0]!],
      // this process's CPU time while the frames were written (the writer's share is the floor's)
      cpu_ms: (cpu.user + cpu.system) / 1000,
    }),
  );
}

await main();
