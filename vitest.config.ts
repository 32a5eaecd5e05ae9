import { defineConfig } from 'vitest/config';

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
    // 2-core CI machine: three files at a time. Many files wait more than they compute (a broker,
    // a pty, a browser, a simulator at a cashier's pace), so a third fills the cores: 97 → 90 s
    // here, measured back to back on a quiet machine. The I/O tests wait for conditions, not times.
    maxWorkers: 3,
  },
});
