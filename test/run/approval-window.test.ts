import { describe, expect, it } from 'vitest';
import { ApprovalWindow } from '../../agent/run/approval-window.js';

const key = (n: number) => n.toString(16).padStart(8, '0').repeat(4); // 32 hex characters
const any = (id: string) => id;

describe('ApprovalWindow', () => {
  it('finds the newest approval of a card, amount and currency at or after a time', () => {
    const w = new ApprovalWindow(16);
    w.add(key(1), 1000, 1250, '978', 'a1');
    w.add(key(2), 1001, 1250, '978', 'b1');
    w.add(key(1), 1002, 1250, '978', 'a2');
    w.add(key(1), 1003, 990, '978', 'a3');
    w.add(key(1), 1004, 1250, '840', 'a4');
    expect(w.find(key(1), 0, 1250, '978', any)).toBe('a2');
    expect(w.find(key(1), 1002, 1250, '978', any)).toBe('a2');
    expect(w.find(key(1), 1003, 1250, '978', any)).toBeUndefined(); // older than sinceMs
    expect(w.find(key(1), 0, 990, '978', any)).toBe('a3');
    expect(w.find(key(1), 0, 1250, '840', any)).toBe('a4');
    expect(w.find(key(1), 0, 1250, null, any)).toBeUndefined();
    expect(w.find(key(3), 0, 1250, '978', any)).toBeUndefined();
  });

  it('asks `accept` newest first and goes on past what it refuses (the ledger row decides)', () => {
    const w = new ApprovalWindow(16);
    w.add(key(1), 1000, 500, '978', 'a1');
    w.add(key(1), 1001, 500, '978', 'a2');
    w.add(key(1), 1002, 500, '978', 'a3');
    const asked: string[] = [];
    const found = w.find(key(1), 0, 500, '978', (id) => (asked.push(id), id === 'a1' ? id : undefined));
    expect(found).toBe('a1');
    expect(asked).toEqual(['a3', 'a2', 'a1']);
  });

  it('card hashes that share a fingerprint are told apart by the row, not the window', () => {
    const w = new ApprovalWindow(16);
    const k1 = `${'ab'.repeat(7)}0000`; // the same first 13 hex digits, different after
    const k2 = `${'ab'.repeat(7)}ffff`;
    w.add(k1, 1000, 500, '978', 'a1');
    expect(w.find(k2, 0, 500, '978', any)).toBe('a1'); // a candidate only
    const rows = new Map([['a1', k1]]);
    expect(w.find(k2, 0, 500, '978', (id) => (rows.get(id) === k2 ? id : undefined))).toBeUndefined();
  });

  it('keeps at most `capacity` approvals, the newest, whatever the rate', () => {
    const w = new ApprovalWindow(64);
    for (let i = 0; i < 10_000; i++) w.add(key(i % 37), i, 100, '978', `t${i}`);
    expect(w.size).toBe(64);
    for (let k = 0; k < 37; k++) {
      const newest = w.find(key(k), 0, 100, '978', any);
      expect(newest).toBeDefined();
      expect(Number(newest!.slice(1))).toBeGreaterThanOrEqual(10_000 - 64);
      expect(Number(newest!.slice(1)) % 37).toBe(k);
    }
    // an older approval of a card is gone once the ring has overwritten it
    expect(w.find(key(0), 0, 100, '978', (id) => (Number(id.slice(1)) < 10_000 - 64 ? id : undefined))).toBe(
      undefined,
    );
  });
});
