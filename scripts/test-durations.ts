/**
 * Writes test/file-durations.json from vitest's cache of the last run (node_modules/.vite/vitest):
 * each test file's duration in ms, longest first. test/helpers/sequencer.ts starts the longest files
 * first where vitest has no cache of its own, as in a fresh clone (CI), so that the run does not end
 * waiting on one long file that started last: without it a fresh clone's suite took 97 s where the
 * same tree, ordered by the cache, took 87 s (2026-12-04, this 2-core machine).
 *
 *   npx vitest run && node dist/scripts/test-durations.js
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = join(ROOT, 'node_modules/.vite/vitest');

interface Results {
  results: Array<[string, { duration: number; failed: boolean }]>;
}

const durations: Record<string, number> = {};
for (const dir of readdirSync(CACHE)) {
  const r = JSON.parse(readFileSync(join(CACHE, dir, 'results.json'), 'utf8')) as Results;
  for (const [key, { duration }] of r.results) {
    const file = key.slice(key.indexOf(':') + 1);
    if (!existsSync(join(ROOT, file))) continue; // a file since removed
    durations[file] = Math.max(durations[file] ?? 0, Math.round(duration / 100) * 100);
  }
}
const sorted = Object.fromEntries(
  Object.entries(durations).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
);
writeFileSync(join(ROOT, 'test/file-durations.json'), `${JSON.stringify(sorted, null, 2)}\n`);
process.stdout.write(`test/file-durations.json: ${Object.keys(sorted).length} files\n`);
