/**
 * Vitest setupFiles entry: after each test file, end the CLI children it left running and remove
 * the temp dirs it made. Registered first, so it runs after the file's own afterAll hooks (vitest
 * runs after-hooks in reverse order).
 */
import { afterAll } from 'vitest';
import { killAll } from './cli.js';
import { removeTempDirs } from './tmp.js';

afterAll(() => {
  killAll();
  removeTempDirs();
});
