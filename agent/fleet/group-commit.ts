/**
 * Group commit: items that arrive while a write is running are written together by the next one,
 * so the cost of a transaction (its round trips, its commit) is shared by every message that
 * arrived meanwhile. Nothing waits on a timer: an item arriving when no write runs is written at
 * the next turn of the event loop (after the messages already read from the socket), so a quiet
 * stream keeps its latency and a busy one gets bigger batches. One write at a time.
 */

export interface GroupCommitOptions<T> {
  /** Writes the items in one transaction; resolves once they are committed. */
  write(items: T[]): Promise<void>;
  /** The weight of an item (records of a message); a batch stops growing at maxWeight. */
  weight(item: T): number;
  /** The most weight in one write (at least one item is always taken). */
  maxWeight: number;
}

export interface GroupCommit<T> {
  /** Resolves when the item's write committed; rejects with the write's error. */
  add(item: T): Promise<void>;
  /** Resolves when every item added so far is written (or failed). */
  drain(): Promise<void>;
  /** Writes done so far. */
  writes(): number;
}

interface Entry<T> {
  item: T;
  resolve(): void;
  reject(e: unknown): void;
}

export function groupCommit<T>(opts: GroupCommitOptions<T>): GroupCommit<T> {
  let queue: Array<Entry<T>> = [];
  let running: Promise<void> | null = null;
  let scheduled = false;
  let writes = 0;

  const take = (): Array<Entry<T>> => {
    let w = 0;
    let n = 0;
    while (n < queue.length && (n === 0 || w + opts.weight((queue[n] as Entry<T>).item) <= opts.maxWeight)) {
      w += opts.weight((queue[n] as Entry<T>).item);
      n++;
    }
    const batch = queue.slice(0, n);
    queue = queue.slice(n);
    return batch;
  };

  const next = () => {
    scheduled = false;
    if (running || queue.length === 0) return;
    const batch = take();
    writes++;
    running = opts.write(batch.map((e) => e.item)).then(
      () => {
        for (const e of batch) e.resolve();
      },
      (err: unknown) => {
        for (const e of batch) e.reject(err);
      },
    );
    void running.then(() => {
      running = null;
      next();
    });
  };

  const schedule = () => {
    if (scheduled || running) return;
    scheduled = true;
    setImmediate(next);
  };

  return {
    add(item) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
    async drain() {
      while (running || queue.length > 0) {
        if (!running) next();
        await running;
      }
    },
    writes: () => writes,
  };
}
