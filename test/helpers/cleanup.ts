/** Undo lists for tests: what a test starts, it registers here, and it is ended after the test. */
import { afterEach } from 'vitest';

export type Cleanup = () => Promise<unknown> | unknown;

/**
 * Registers an afterEach (call at file or describe scope) that runs, in reverse order, every
 * cleanup the test pushed with the returned function, and returns that function.
 */
export function cleanupAfterEach(): (...fns: Cleanup[]) => void {
  const list: Cleanup[] = [];
  afterEach(async () => {
    for (const c of list.splice(0).reverse()) await c();
  });
  return (...fns) => {
    list.push(...fns);
  };
}
