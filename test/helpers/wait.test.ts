/** The test kit's waitUntil: a sync or an async condition, and a timeout that says what was awaited. */
import { describe, expect, it } from 'vitest';
import { WaitTimeout, waitUntil } from './wait.js';

describe('waitUntil', () => {
  it('resolves with the first truthy value of a sync condition', async () => {
    let n = 0;
    expect(await waitUntil(() => ++n >= 3 && `n=${n}`, 1000, 'n to reach 3', 1)).toBe('n=3');
  });

  it('awaits an async condition, one call at a time', async () => {
    let calls = 0;
    let running = 0;
    const v = await waitUntil(
      async () => {
        expect(++running).toBe(1);
        await new Promise((r) => setTimeout(r, 2));
        running--;
        return ++calls === 4 ? { calls } : null;
      },
      1000,
      'the fourth call',
      1,
    );
    expect(v).toEqual({ calls: 4 });
  });

  it('times out with a WaitTimeout naming what was awaited (an async description too)', async () => {
    const err = await waitUntil(
      async () => false,
      30,
      async () => 'nothing, ever',
      5,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeout);
    expect((err as Error).message).toBe('timed out after 30 ms waiting for nothing, ever');
  });

  it('passes on an error the condition throws', async () => {
    await expect(
      waitUntil(
        async () => {
          throw new Error('broken probe');
        },
        1000,
        'x',
      ),
    ).rejects.toThrow('broken probe');
  });
});
