/**
 * `npm run fuzz -- --inputs N [--seed S] [--pipeline-every K] [--no-store] [--json]`: the card-data
 * fuzz (scripts/lib/card-data-fuzz.ts) for long runs, with a real store in a temporary directory
 * unless --no-store. Prints inputs, inputs/s and every problem found with its index, and the seed to
 * rerun it; exit 1 when there is a problem.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCardDataFuzz } from './lib/card-data-fuzz.js';

const { values } = parseArgs({
  options: {
    inputs: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    'pipeline-every': { type: 'string', default: '1' },
    store: { type: 'boolean', default: true },
    json: { type: 'boolean', default: false },
  },
});
const inputs = Number(values.inputs);
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isInteger(inputs) || inputs < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- --inputs N [--seed S] [--pipeline-every K] [--no-store] [--json]');
  process.exit(2);
}
const storeDir = values.store ? mkdtempSync(join(tmpdir(), 'pos-agent-fuzz-')) : undefined;
let report;
try {
  report = await runCardDataFuzz({
    seed,
    inputs,
    pipelineEvery: Number(values['pipeline-every']),
    ...(storeDir ? { storeDir } : {}),
  });
} finally {
  if (storeDir) rmSync(storeDir, { recursive: true, force: true });
}
const perSec = Math.round(report.inputs / (report.ms / 1000));
if (values.json) console.log(JSON.stringify({ ...report, inputs_per_s: perSec }));
else {
  console.log(
    `seed ${seed}: ${report.inputs} inputs in ${(report.ms / 1000).toFixed(1)} s (${perSec} inputs/s)`,
  );
  console.log(
    `decode ${JSON.stringify(report.decoded)} (x3 dialects), pipeline ${JSON.stringify(report.pipeline)}, ` +
      `events ${JSON.stringify(report.events)}, ${report.logLines} log lines, ${report.records} records scanned, ` +
      `store ${JSON.stringify(report.store)}`,
  );
  for (const [k, c] of Object.entries(report.byKind)) console.log(`  ${c} x ${k}`);
  for (const p of report.problems)
    console.log(`#${p.index} ${p.where}: ${p.problem.slice(0, 600)}\n  input ${p.input}`);
  console.log(
    report.problems.length === 0
      ? 'no problems'
      : `${Object.values(report.byKind).reduce((a, b) => a + b, 0)} problems (rerun: --seed ${seed})`,
  );
}
process.exitCode = report.problems.length === 0 ? 0 : 1;
