/**
 * Start-up benchmark: how long the CLI takes to be useful, against bare `node -e 0` measured in the
 * same run (a terminal reboots with the shop waiting). Samples alternate between the commands so a
 * busy machine slows them all alike; medians are reported, and each figure as a ratio to node_ms:
 *   node_ms       `node -e 0`
 *   explain_ms    `pos-agent explain 51`, to exit
 *   decode_ms     `pos-agent decode --hex < samples/0210-decline-51.hex`, to exit
 *   run_ready_ms  `pos-agent run --simulate --broker none --display none --db <tmp>`, to the
 *                 `agent_started` event on stderr (then SIGTERM; the store is reopened each round,
 *                 as after a reboot)
 * pos-agent runs as its bin does: node with the flags of the bin's shebang line.
 * With --baseline <pos-agent.js> another build (e.g. a copy of dist/ from before a change, kept inside
 * the repo so its node_modules resolve) is measured in the same rounds: an A/B in one run.
 *
 *   npm run bench:start -- [--samples 15] [--baseline path/to/dist/bin/pos-agent.js] [--json]
 * Goals (docs/sources.md §Design targets): run ready within 2.5x and explain within 1.5x of node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { positiveInt } from './lib/cli-args.js';

const int = positiveInt;
const o = new Command()
  .name('bench-start')
  .option('--samples <n>', 'samples of each command (medians reported)', int, 15)
  .option('--baseline <pos-agent.js>', "also measure another build's dist/bin/pos-agent.js, alternating")
  .option('--json', 'print one JSON object on the last line')
  .parse()
  .opts<{ samples: number; baseline?: string; json?: boolean }>();

const MAIN = fileURLToPath(new URL('../bin/pos-agent.js', import.meta.url));
const SAMPLE_HEX = fileURLToPath(new URL('../../samples/0210-decline-51.hex', import.meta.url));
const READY = '"event":"agent_started"';
const READY_TIMEOUT_MS = 20_000;

/** node's arguments for a bin: the flags its `#!/usr/bin/env -S node ...` line gives, then the file. */
function binArgs(main: string): string[] {
  const first = readFileSync(main, 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!.*\bnode((?:\s+-\S+)*)\s*$/.exec(first);
  return [...(m?.[1]?.trim().split(/\s+/).filter(Boolean) ?? []), main];
}

/** The environment without POS_AGENT_* settings, so the figures are the defaults'. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('POS_AGENT_')) env[k] = v;
  return env;
}

const ENV = cleanEnv();

function exited(child: ChildProcess, what: string, stderr: () => string): Promise<void> {
  return new Promise((res, rej) => {
    child.once('error', rej);
    child.once('exit', (code, signal) => {
      if (code === 0 || signal === 'SIGTERM') res();
      else rej(new Error(`${what}: exit ${code ?? signal}\n${stderr().slice(-2000)}`));
    });
  });
}

/** Milliseconds from spawn to exit (status 0 required); stdout is read and dropped. */
async function timeToExit(args: string[], cwd: string, stdinFile?: string): Promise<number> {
  const stdin = stdinFile === undefined ? 'ignore' : openSync(stdinFile, 'r');
  try {
    let err = '';
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd, env: ENV, stdio: [stdin, 'pipe', 'pipe'] });
    child.stdout?.resume();
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    await exited(child, args.join(' '), () => err);
    return performance.now() - t0;
  } finally {
    if (typeof stdin === 'number') closeSync(stdin);
  }
}

/** Milliseconds from spawn to the agent_started line on stderr; then SIGTERM and wait for the exit. */
async function timeToReady(args: string[], cwd: string): Promise<number> {
  let err = '';
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.resume();
  const done = exited(child, args.join(' '), () => err);
  const ready = await new Promise<number>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`no agent_started in ${READY_TIMEOUT_MS} ms\n${err}`)),
      READY_TIMEOUT_MS,
    );
    child.stderr?.on('data', (b: Buffer) => {
      const seen = err.length;
      err += b.toString();
      // the event may straddle two chunks: search from a little before the new text
      if (err.indexOf(READY, Math.max(0, seen - READY.length)) >= 0) {
        clearTimeout(timer);
        res(performance.now() - t0);
      }
    });
    done.catch((e: unknown) => {
      clearTimeout(timer);
      rej(e instanceof Error ? e : new Error(String(e)));
    });
  });
  child.kill('SIGTERM');
  await done;
  return ready;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;

interface Build {
  explain: number[];
  decode: number[];
  runReady: number[];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  try {
    const builds = new Map<string, Build>([[MAIN, { explain: [], decode: [], runReady: [] }]]);
    if (o.baseline) builds.set(resolve(o.baseline), { explain: [], decode: [], runReady: [] });
    const nodeMs: number[] = [];
    const db = join(dir, 'run.db');
    const round1 = async (keep: boolean): Promise<void> => {
      const n = await timeToExit(['-e', '0'], dir);
      if (keep) nodeMs.push(n);
      for (const [main, b] of builds) {
        const bin = binArgs(main);
        const e = await timeToExit([...bin, 'explain', '51'], dir);
        const d = await timeToExit([...bin, 'decode', '--hex'], dir, SAMPLE_HEX);
        const r = await timeToReady(
          [...bin, 'run', '--simulate', '--broker', 'none', '--display', 'none', '--db', db],
          dir,
        );
        if (keep) {
          b.explain.push(e);
          b.decode.push(d);
          b.runReady.push(r);
        }
      }
    };
    await round1(false); // warm-up: file cache, and the store created
    for (let i = 0; i < o.samples; i++) await round1(true);

    const node = median(nodeMs);
    const figures = (b: Build) => {
      const explain = median(b.explain);
      const decode = median(b.decode);
      const runReady = median(b.runReady);
      return {
        explain_ms: round(explain),
        decode_ms: round(decode),
        run_ready_ms: round(runReady),
        explain_ratio: round(explain / node, 2),
        decode_ratio: round(decode / node, 2),
        run_ready_ratio: round(runReady / node, 2),
      };
    };
    const main = figures(builds.get(MAIN) as Build);
    const out: Record<string, unknown> = {
      node_ms: round(node),
      ...main,
      samples: o.samples,
      goals: { run_ready_ratio: 2.5, explain_ratio: 1.5 },
      goals_met: main.run_ready_ratio <= 2.5 && main.explain_ratio <= 1.5,
    };
    const rows: [string, ReturnType<typeof figures>][] = [['this build', main]];
    if (o.baseline) {
      const base = figures(builds.get(resolve(o.baseline)) as Build);
      out.baseline = base;
      rows.push(['baseline', base]);
    }
    console.log(`node -e 0: ${round(node)} ms (median of ${o.samples})`);
    for (const [name, f] of rows) {
      console.log(
        `${name.padEnd(10)}  explain ${f.explain_ms} ms (${f.explain_ratio}x)  decode ${f.decode_ms} ms ` +
          `(${f.decode_ratio}x)  run ready ${f.run_ready_ms} ms (${f.run_ready_ratio}x)`,
      );
    }
    console.log(`goals: run ready <= 2.5x, explain <= 1.5x: ${out.goals_met ? 'met' : 'not met'}`);
    if (o.json) console.log(JSON.stringify(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
