import { defineConfig } from 'vitest/config';
import LongestFirst from './test/helpers/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // builds dist/ once when stale: some tests spawn the compiled CLI and scripts
    globalSetup: ['test/helpers/global-build.ts'],
    // after each file: no CLI child left running, no temp dir left in /tmp
    setupFiles: ['test/helpers/after-file.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // test files share a worker's module cache instead of each loading vitest, the TypeScript
    // transform and our modules again: 30 s of imports became 8 s. Files keep no
    // global state between them: the setup file restores real timers and ends children after each.
    isolate: false,
    // 2-core CI machine: four files at a time. Many files wait more than they compute (a broker,
    // a pty, a browser, a simulator at a cashier's pace), so more files than cores fill the cores.
    // Back to back on this machine, on 2026-12-03: 4 workers 109 s vs 3 workers 117 s, and after
    // the fuzz budgets were cut, 91 vs 95 s. The I/O tests wait for conditions, not times.
    maxWorkers: 4,
    // the longest files first, also in a fresh clone without vitest's cache (test/helpers/sequencer.ts)
    sequence: { sequencer: LongestFirst },
  },
});
