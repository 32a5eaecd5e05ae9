/**
 * `npm run bench:scrub`: scrubPans (protocol/card/pan.ts), which every log line, stored text field
 * and decode value passes through. Prints ns per call (median of rounds) for a typical log line
 * without a PAN, one with a spaced PAN, and worst cases: 100,000 digits in one run, 50,000 digits
 * split by single spaces. `--json` prints the figures as one JSON object.
 */
import { performance } from 'node:perf_hooks';
import { scrubPans } from '../protocol/card/pan.js';

const CASES: Record<string, string> = {
  log_line:
    '{"level":30,"time":"2026-12-02T16:43:34.123Z","pid":12345,"hostname":"pos-17","name":"pos-agent",' +
    '"event":"failure_recorded","seq":4211,"rc":"51","stan":"004211","msg":"failure recorded"}',
  pan_spaced: 'could not decode message for card 4761 7390 0101 0119 at offset 12',
  digits_100k: '7'.repeat(100_000),
  spaced_100k: '1 '.repeat(50_000),
};
const ROUNDS = 11;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const result: Record<string, number> = {};
let sink = 0;
for (const [name, text] of Object.entries(CASES)) {
  const n = text.length > 1000 ? 20 : 100_000;
  for (let i = 0; i < Math.min(n, 2000); i++) sink += scrubPans(text).length; // warm-up
  const ns: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += scrubPans(text).length;
    ns.push(((performance.now() - t0) * 1e6) / n);
  }
  result[`${name}_ns`] = Math.round(median(ns));
}
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else {
  for (const [k, v] of Object.entries(result))
    console.log(`${k.padEnd(16)} ${v.toLocaleString('en')} ns/call`);
  console.log(`(checksum ${sink % 1000})`);
}
