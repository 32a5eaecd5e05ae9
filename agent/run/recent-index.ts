/**
 * Items of the last few minutes, found by a key (a card hash, an amount) without scanning the
 * rest: the outcome keeper looks up every approval in it, hundreds a second on a busy terminal.
 * Each key's list is in time order; what is older than `windowMs` is dropped as lists are touched,
 * and all keys are swept once per `windowMs / 4` so the map does not keep cards seen once.
 * At most `maxItems` are kept whatever the rate (a flood of sales must not grow the heap without
 * bound): past it, the oldest item goes first.
 */
export class RecentIndex<K, T extends { atMs: number }> {
  private readonly byKey = new Map<K, T[]>();
  /** Items in the order they were added, with their keys: the front is the oldest. */
  private order: T[] = [];
  private orderKeys: K[] = [];
  private head = 0;
  private items = 0;
  private nextSweep = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxItems = 4096,
  ) {}

  add(key: K, item: T): void {
    this.sweep(item.atMs);
    const list = this.byKey.get(key);
    if (list === undefined) this.byKey.set(key, [item]);
    else {
      this.items -= prune(list, item.atMs - this.windowMs);
      list.push(item);
    }
    this.items++;
    this.order.push(item);
    this.orderKeys.push(key);
    while (this.items > this.maxItems) this.dropOldest();
  }

  /** The newest item under `key` at or after `sinceMs` that passes `ok`, or undefined. */
  latest(key: K, sinceMs: number, ok: (item: T) => boolean = () => true): T | undefined {
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

  get size(): number {
    return this.items;
  }

  /** Drops the oldest item still kept (the front of `order` may name items the window dropped). */
  private dropOldest(): void {
    while (this.head < this.order.length) {
      const item = this.order[this.head]!;
      const key = this.orderKeys[this.head]!;
      this.head++;
      const list = this.byKey.get(key);
      if (list === undefined || list[0] !== item) continue; // already dropped by the window
      list.shift();
      this.items--;
      if (list.length === 0) this.byKey.delete(key);
      break;
    }
    this.compactOrder();
  }

  private sweep(nowMs: number): void {
    if (nowMs < this.nextSweep) return;
    this.nextSweep = nowMs + Math.max(1000, this.windowMs / 4);
    const cutoff = nowMs - this.windowMs;
    for (const [key, list] of this.byKey) {
      this.items -= prune(list, cutoff);
      if (list.length === 0) this.byKey.delete(key);
    }
    // the order keeps an entry for every item added since it was last rebuilt: when most of them
    // are items the window dropped, keep only the live ones (in the order they were added)
    if (this.order.length - this.head > 2 * this.items + 64) {
      const live = new Set<T>();
      for (const list of this.byKey.values()) for (const it of list) live.add(it);
      const order: T[] = [];
      const orderKeys: K[] = [];
      for (let i = this.head; i < this.order.length; i++) {
        if (!live.has(this.order[i]!)) continue;
        order.push(this.order[i]!);
        orderKeys.push(this.orderKeys[i]!);
      }
      this.order = order;
      this.orderKeys = orderKeys;
      this.head = 0;
    }
  }

  /** Forgets the consumed front of `order` once it is half of it. */
  private compactOrder(): void {
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.orderKeys = this.orderKeys.slice(this.head);
      this.head = 0;
    }
  }
}

/** Drops the items before `cutoff` from the front of a time-ordered list; returns how many. */
function prune<T extends { atMs: number }>(list: T[], cutoff: number): number {
  let n = 0;
  while (n < list.length && list[n]!.atMs < cutoff) n++;
  if (n > 0) list.splice(0, n);
  return n;
}
