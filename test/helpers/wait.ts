/**
 * Waiting in tests: wait for a condition, never for a fixed time followed by an assertion. A
 * timeout names what was awaited, so a failure says what did not happen.
 */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `pred` every `intervalMs` until it returns a truthy value, and resolves with that value.
 * Throws `timed out after <ms> ms waiting for <what>` past the deadline; `what` may be a function
 * (called on timeout, e.g. to show the state reached), and is the predicate's source when omitted.
 */
export async function waitUntil<T>(
  pred: () => T,
  timeoutMs: number,
  what: string | (() => string) = String(pred),
  intervalMs = 10,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = pred();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`,
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
