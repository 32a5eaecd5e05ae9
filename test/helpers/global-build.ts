/**
 * Vitest globalSetup (and a helper tests may call in beforeAll): makes sure the compiled scripts
 * that tests spawn as child processes exist and are newer than their sources. Runs
 * `npm run build` (tsc, then the CLI bundle) once when dist is missing or stale. tsc still emits when some other
 * file has type errors, so only a missing output counts as failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Compiled outputs tests spawn, with the source trees they are built from. */
const OUTPUTS: Array<{ out: string; sources: string[] }> = [
  { out: 'dist/bin/pos-agent.js', sources: ['agent', 'protocol', 'hardware', 'scripts/bundle.ts'] },
  {
    out: 'dist/scripts/record-driver.js',
    sources: [
      'scripts/record-driver.ts',
      'agent/store',
      'agent/sync',
      'agent/record.ts',
      'agent/log.ts',
      'protocol/card',
    ],
  },
  { out: 'dist/scripts/bench-export.js', sources: ['scripts/bench-export.ts', 'scripts/lib', 'agent'] },
];

function newestMtime(path: string): number {
  const p = join(ROOT, path);
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of readdirSync(p)) m = Math.max(m, newestMtime(join(path, e)));
  return m;
}

function stale(): string[] {
  return OUTPUTS.filter(({ out, sources }) => {
    const o = join(ROOT, out);
    if (!existsSync(o)) return true;
    const built = statSync(o).mtimeMs;
    return sources.some((s) => newestMtime(s) > built);
  }).map((o) => o.out);
}

let done = false;

export function ensureBuilt(): void {
  if (done) return;
  const todo = stale();
  if (todo.length > 0) {
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'pipe', timeout: 180_000 });
    } catch (e) {
      // type errors elsewhere in the tree do not stop emit; check the outputs below
      const out = String((e as { stdout?: Buffer }).stdout ?? '');
      if (!out.includes('error TS')) throw e;
    }
    execFileSync(process.execPath, ['dist/scripts/bundle.js'], {
      cwd: ROOT,
      stdio: 'pipe',
      timeout: 120_000,
    });
    // tsc leaves an output untouched when its content did not change: mark the build as fresh
    const now = new Date();
    for (const { out } of OUTPUTS) if (existsSync(join(ROOT, out))) utimesSync(join(ROOT, out), now, now);
    const still = stale();
    if (still.length > 0) throw new Error(`build did not produce fresh ${still.join(', ')}`);
  }
  done = true;
}

export default function setup(): void {
  ensureBuilt();
}
