/**
 * Items of the last few minutes, found by a key (a card hash, an amount) without scanning the
 * rest: the outcome keeper looks up every approval in it, hundreds a second on a busy terminal.
 * Each key's list is in time order; what is older than `windowMs` is dropped as lists are touched,
 * and all keys are swept once per `windowMs / 4` so the map does not keep cards seen once.
 */
export class RecentIndex<T extends { atMs: number }> {
  private readonly byKey = new Map<string, T[]>();
  private nextSweep = 0;

  constructor(private readonly windowMs: number) {}

  add(key: string, item: T): void {
    this.sweep(item.atMs);
    const list = this.byKey.get(key);
    if (list === undefined) this.byKey.set(key, [item]);
    else {
      prune(list, item.atMs - this.windowMs);
      list.push(item);
    }
  }

  /** The newest item under `key` at or after `sinceMs` that passes `ok`, or undefined. */
  latest(key: string, sinceMs: number, ok: (item: T) => boolean = () => true): T | undefined {
    const list = this.byKey.get(key);
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const item = list[i]!;
      if (item.atMs < sinceMs) return undefined;
      if (ok(item)) return item;
    }
    return undefined;
  }

  get keys(): number {
    return this.byKey.size;
  }

  private sweep(nowMs: number): void {
    if (nowMs < this.nextSweep) return;
    this.nextSweep = nowMs + Math.max(1000, this.windowMs / 4);
    const cutoff = nowMs - this.windowMs;
    for (const [key, list] of this.byKey) {
      prune(list, cutoff);
      if (list.length === 0) this.byKey.delete(key);
    }
  }
}

/** Drops the items before `cutoff` from the front of a time-ordered list. */
function prune<T extends { atMs: number }>(list: T[], cutoff: number): void {
  let n = 0;
  while (n < list.length && list[n]!.atMs < cutoff) n++;
  if (n > 0) list.splice(0, n);
}
