import { describe, expect, it } from 'vitest';
import { RecentIndex } from '../../agent/run/recent-index.js';

const item = (atMs: number, tag = '') => ({ atMs, tag });

describe('RecentIndex', () => {
  it('finds the newest item of a key within the window that passes the check', () => {
    const ix = new RecentIndex<string, ReturnType<typeof item>>(1000);
    ix.add('a', item(0, 'a0'));
    ix.add('b', item(10, 'b10'));
    ix.add('a', item(20, 'a20'));
    expect(ix.latest('a', 0)?.tag).toBe('a20');
    expect(ix.latest('a', 0, (x) => x.tag === 'a0')?.tag).toBe('a0');
    expect(ix.latest('a', 5, (x) => x.tag === 'a0')).toBeUndefined(); // before sinceMs
    expect(ix.latest('c', 0)).toBeUndefined();
  });

  it('drops what is older than the window as keys are touched and swept', () => {
    const ix = new RecentIndex<number, ReturnType<typeof item>>(1000);
    for (let t = 0; t < 10; t++) ix.add(t, item(t));
    ix.add(99, item(5000)); // the sweep at 5000 drops every item of the first second
    expect(ix.size).toBe(1);
    expect(ix.keys).toBe(1);
  });

  it('keeps at most maxItems whatever the rate, dropping the oldest first', () => {
    const ix = new RecentIndex<string, ReturnType<typeof item>>(60_000, 100);
    for (let i = 0; i < 10_000; i++) ix.add(`k${i % 37}`, item(i, `t${i}`));
    expect(ix.size).toBe(100);
    // the newest 100 are kept: t9900..t9999
    let found = 0;
    for (let k = 0; k < 37; k++) {
      const newest = ix.latest(`k${k}`, 0);
      if (newest) {
        found++;
        expect(Number(newest.tag.slice(1))).toBeGreaterThanOrEqual(9900);
      }
    }
    expect(found).toBe(37);
    expect(ix.latest('k0', 0, (x) => Number(x.tag.slice(1)) < 9900)).toBeUndefined();
  });

  it('the bound counts right when the window has already dropped some items', () => {
    const ix = new RecentIndex<string, ReturnType<typeof item>>(1000, 50);
    for (let i = 0; i < 40; i++) ix.add('old', item(i));
    // a second later: each add prunes 'old' by the window only when 'old' is touched or swept
    for (let i = 0; i < 200; i++) ix.add(`n${i % 3}`, item(2000 + i));
    expect(ix.size).toBe(50);
    expect(ix.latest('old', 0)).toBeUndefined();
    expect(ix.latest('n2', 0)?.atMs).toBe(2000 + 199 - ((199 - 2) % 3));
  });
});
