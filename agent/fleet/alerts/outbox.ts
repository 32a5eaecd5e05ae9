/**
 * The alert outbox port: every message to send is written here first (one row per alert and
 * recipient, keyed by its idempotency key) and only then sent, so a crash between the alert and
 * its delivery loses nothing; a crash between sending and marking it sent sends it again with the
 * same key once its lease has run out (the receiver drops the repeat), and that is logged. Several
 * senders may share one outbox: a claim takes an item for a lease, so two never take the same one.
 *
 * States: held (waiting for its day's digest) → digested; pending → sending (leased) → delivered,
 * or back to pending with a later next_at (a retry), or failed (refused, or out of attempts).
 * There is one outbox: the fleet store's alert_deliveries (agent/fleet/store/), on SQLite or
 * PostgreSQL; outbox-store.ts adapts it to this port. The port keeps the alerts' own terms (epoch
 * milliseconds, the payload as JSON text) so dispatch.ts and its tests need no database.
 */
import type { DeliveryState } from '../store/types.js';

export { DELIVERY_STATES, type DeliveryState } from '../store/types.js';
export type Channel = 'email' | 'webhook';

export interface NewDelivery {
  /** Idempotency key: an alert's key and the recipient; a second enqueue of it is ignored. */
  key: string;
  channel: Channel;
  /** E-mail address or webhook URL. */
  target: string;
  /** The rule that raised it ('digest' for a digest). */
  rule_id: string;
  /** JSON text of what to send (dispatch.ts DeliveryPayload): never a secret, never a full PAN. */
  payload: string;
  /** Day (YYYY-MM-DD) of the digest it waits for: state held; null: pending, due at once. */
  digest_day: string | null;
}

export interface Delivery extends NewDelivery {
  state: DeliveryState;
  /** Attempts started (a claim counts one). */
  attempts: number;
  /** ms since the epoch: due from then on (pending); the end of the lease (sending). */
  next_at: number;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
  /** Set by claimDue: it was taken before and its lease ran out (a stop or a crash mid-send). */
  reclaimed?: boolean;
}

export interface AlertOutbox {
  /** Stores the items whose key it does not hold yet; resolves with how many were new. */
  enqueue(items: readonly NewDelivery[], now: number): Promise<number>;
  /**
   * Up to `limit` items due at `now` (pending, or sending with an expired lease), each moved to
   * sending until now + leaseMs with one more attempt, in one step.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<Delivery[]>;
  markDelivered(key: string, now: number): Promise<void>;
  /** A failed attempt: pending again at `nextAt`, or failed for good when `nextAt` is null. */
  markFailed(key: string, error: string, nextAt: number | null): Promise<void>;
  /** Held items of digest days before `beforeDay` (YYYY-MM-DD), oldest first. */
  held(beforeDay: string): Promise<Delivery[]>;
  /** In one transaction: enqueue `digest` and mark the held items `heldKeys` digested. */
  replaceHeld(digest: NewDelivery, heldKeys: readonly string[], now: number): Promise<void>;
  get(key: string): Promise<Delivery | undefined>;
  counts(): Promise<Record<DeliveryState, number>>;
  close(): Promise<void>;
}
