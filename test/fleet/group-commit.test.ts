/**
 * Group commit (agent/fleet/group-commit.ts): what arrives while a write runs is written together
 * by the next write, up to the weight limit; a failed write fails exactly its own items.
 */
import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../agent/fleet/group-commit.js';

/** A write that records its batches and waits until released. */
function gatedWriter() {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  return {
    batches,
    release: () => gates.shift()?.(),
    write: (items: number[]) => {
      batches.push(items);
      return new Promise<void>((r) => gates.push(r));
    },
  };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('groupCommit', () => {
  it('writes the first item at once, and what arrives meanwhile in the next write', async () => {
    const w = gatedWriter();
    const g = groupCommit<number>({ write: w.write, weight: () => 1, maxWeight: 100 });
    const done: number[] = [];
    const add = (n: number) => void g.add(n).then(() => done.push(n));
    add(1);
    await tick();
    expect(w.batches).toEqual([[1]]);
    for (let i = 2; i <= 6; i++) add(i);
    await tick();
    expect(w.batches).toEqual([[1]]); // one write at a time
    expect(done).toEqual([]); // nothing resolved before its write committed
    w.release();
    await tick();
    expect(done).toEqual([1]);
    expect(w.batches).toEqual([[1], [2, 3, 4, 5, 6]]);
    w.release();
    await g.drain();
    expect(done).toEqual([1, 2, 3, 4, 5, 6]);
    expect(g.writes()).toBe(2);
  });

  it('stops a batch at the weight limit, but always takes one item', async () => {
    const w = gatedWriter();
    const g = groupCommit<number>({ write: w.write, weight: (n) => n, maxWeight: 10 });
    for (const n of [4, 4, 4, 30, 1]) void g.add(n);
    const drained = g.drain();
    for (let i = 0; i < 5; i++) {
      await tick();
      w.release();
    }
    await drained;
    expect(w.batches).toEqual([[4, 4], [4], [30], [1]]);
  });

  it('fails the items of a failed write only, and goes on with the next', async () => {
    let n = 0;
    const g = groupCommit<string>({
      write: async (items) => {
        if (n++ === 0) throw new Error(`boom ${items.join()}`);
      },
      weight: () => 1,
      maxWeight: 2,
    });
    const r = await Promise.allSettled(['a', 'b', 'c'].map((x) => g.add(x)));
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((r[0] as PromiseRejectedResult).reason).toMatchObject({ message: 'boom a,b' });
  });
});
