/**
 * Waiting in tests: wait for a condition, never for a fixed time followed by an assertion. A
 * timeout names what was awaited, so a failure says what did not happen.
 */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What a condition is when it holds: its value, less the falsy ones. */
export type Truthy<T> = Exclude<T, null | undefined | false | 0 | ''>;

/** The error `waitUntil` throws at its deadline, for a caller that treats "not yet" as an answer. */
export class WaitTimeout extends Error {}

/**
 * Polls `pred` every `intervalMs` until it returns (or resolves to) a truthy value, and resolves
 * with that value. `pred` may be async (a query, an HTTP request): each call is awaited before the
 * next, and one that never settles is not cut off. Throws a WaitTimeout `timed out after <ms> ms
 * waiting for <what>` past the deadline; `what` may be a function (called on timeout, e.g. to show
 * the state reached; it may be async too), and is the predicate's source when omitted.
 */
export async function waitUntil<T>(
  pred: () => T | PromiseLike<T>,
  timeoutMs: number,
  what: string | (() => string | PromiseLike<string>) = String(pred),
  intervalMs = 10,
): Promise<Truthy<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await pred();
    if (v) return v as Truthy<T>;
    if (Date.now() > end) {
      throw new WaitTimeout(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : await what()}`,
      );
    }
    await sleep(intervalMs);
  }
}

/** `p`, or a rejection `timed out after <ms> ms: <what>` when it has not settled by then. */
export async function within<T>(p: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${ms} ms: ${typeof what === 'string' ? what : what()}`)),
      ms,
    );
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
