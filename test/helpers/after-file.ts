/**
 * Vitest setupFiles entry: after each test file, end the CLI children it left running and remove
 * the temp dirs it made, and put the real timers back (files share a worker: isolate is off).
 * Registered first, so it runs after the file's own afterAll hooks (vitest runs after-hooks in
 * reverse order).
 */
import { afterAll, vi } from 'vitest';
import { killAll } from './cli.js';
import { removeTempDirs } from './tmp.js';

afterAll(() => {
  // files share a worker (isolate: false): a file that faked the clock must not hand it on
  vi.useRealTimers();
  killAll();
  removeTempDirs();
});
