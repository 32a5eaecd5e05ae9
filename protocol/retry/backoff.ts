/**
 * The retry delay used everywhere something is retried (the store's writes and WAL-flush recovery,
 * the sync's broker reconnects, the serial link's reopens): capped exponential backoff with "full
 * jitter" (the delay is drawn uniformly from 0 up to the capped exponential), the scheme that spreads
 * retries best when many clients fail at once (a fleet reconnecting to a restarted broker). Pure: it
 * computes a delay and keeps no state or timer; the caller counts attempts and resets on success.
 */

/**
 * Delay before retry number `attempt` (0 for the first retry): a whole number of ms, uniform in
 * [0, min(maxMs, minMs * 2^attempt)]. `rnd` returns a number in [0, 1) (default Math.random).
 */
export function backoffDelay(
  attempt: number,
  minMs: number,
  maxMs: number,
  rnd: () => number = Math.random,
): number {
  const cap = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(rnd() * cap);
}
