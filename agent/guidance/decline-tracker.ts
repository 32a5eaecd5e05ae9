/**
 * Repeated declines of the same card. Card networks charge merchants for excessive retries
 * (Mastercard: more than 10 declines of one card at one merchant in 24 h) and forbid retrying
 * after some codes (Visa category 1, Mastercard MAC 03/21). The tracker counts declines per card
 * in a sliding 24-hour window and tells the cashier to stop.
 *
 * Card data: the tracker never sees a PAN. It is keyed by an opaque card key, an HMAC-SHA256 of
 * the PAN under a device secret (cardKey() below, PCI DSS v4.0 §3.5.1 keyed hash); a key that
 * looks like a bare card number is refused.
 *
 * Memory is bounded: at most maxEntries cards (the least recently seen is evicted first) and at
 * most max(maxPerDay, 64) timestamps per card (counts saturate there).
 */
import { createHmac } from 'node:crypto';
import type { CodeRow } from '../../protocol/response-codes/index.js';
import { GuidanceError } from './errors.js';

export interface DeclineTrackerOptions {
  /** Declines of one card within the window after which the cashier should stop (default 10). */
  maxPerDay?: number;
  /** Cards remembered at most (default 10,000); the least recently seen is evicted. */
  maxEntries?: number;
  /** Sliding window in ms (default 24 h). */
  windowMs?: number;
}

export interface DeclineVerdict {
  /** Declines of this card within the window, including this one. */
  count: number;
  /** true: tell the cashier to stop retrying this card. */
  stop: boolean;
  /** Why: a network rule (never retry this card) or the configured count. */
  reason: 'network_rule' | 'count' | null;
}

interface Entry {
  times: number[];
  blockedUntil: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const BARE_PAN = /^\d{12,19}$/;

/** Does this row count as a decline of the card? Approvals and local faults do not. */
export function countsAsDecline(row: CodeRow): boolean {
  return row.category !== 'approved' && row.standard !== 'local';
}

export class DeclineTracker {
  readonly maxPerDay: number;
  readonly maxEntries: number;
  readonly windowMs: number;
  private readonly perCardCap: number;
  private readonly entries = new Map<string, Entry>();

  constructor(opts: DeclineTrackerOptions = {}) {
    this.maxPerDay = opts.maxPerDay ?? 10;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.windowMs = opts.windowMs ?? DAY_MS;
    for (const [name, v] of [
      ['maxPerDay', this.maxPerDay],
      ['maxEntries', this.maxEntries],
      ['windowMs', this.windowMs],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new GuidanceError(
          'E_CONFIG',
          `DeclineTracker ${name} must be a positive integer, got ${String(v)}`,
        );
    }
    this.perCardCap = Math.max(this.maxPerDay, 64);
  }

  /** Number of cards remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** Records the outcome for a card and says whether to stop retrying it. */
  note(cardKey: string, row: CodeRow, atMs: number): DeclineVerdict {
    if (BARE_PAN.test(cardKey)) {
      throw new GuidanceError(
        'E_CARD_KEY',
        'DeclineTracker takes a keyed hash of the card (cardKey()), never a card number',
      );
    }
    const decline = countsAsDecline(row);
    let e = this.entries.get(cardKey);
    if (e) {
      this.entries.delete(cardKey); // re-insert: most recently seen goes last
    } else {
      if (!decline) return { count: 0, stop: false, reason: null };
      e = { times: [], blockedUntil: 0 };
    }
    this.entries.set(cardKey, e);
    this.prune(e, atMs);
    if (decline) {
      const t = e.times;
      let k = t.length;
      while (k > 0 && (t[k - 1] as number) > atMs) k--; // keep the list sorted
      t.splice(k, 0, atMs);
      if (e.times.length > this.perCardCap) e.times.shift();
      if (row.retry === 'never_same_card') e.blockedUntil = Math.max(e.blockedUntil, atMs + this.windowMs);
    }
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return this.verdict(e, atMs, row.category === 'approved');
  }

  /** The current verdict for a card without recording anything. */
  peek(cardKey: string, atMs: number): DeclineVerdict {
    const e = this.entries.get(cardKey);
    if (!e) return { count: 0, stop: false, reason: null };
    this.prune(e, atMs);
    return this.verdict(e, atMs, false);
  }

  /** Drops cards with nothing left in the window. */
  sweep(atMs: number): void {
    for (const [k, e] of this.entries) {
      this.prune(e, atMs);
      if (e.times.length === 0 && e.blockedUntil <= atMs) this.entries.delete(k);
    }
  }

  private prune(e: Entry, atMs: number): void {
    const from = atMs - this.windowMs;
    let n = 0;
    while (n < e.times.length && (e.times[n] as number) <= from) n++;
    if (n > 0) e.times.splice(0, n);
  }

  private verdict(e: Entry, atMs: number, approved: boolean): DeclineVerdict {
    const count = e.times.length;
    if (approved) return { count, stop: false, reason: null };
    if (e.blockedUntil > atMs) return { count, stop: true, reason: 'network_rule' };
    if (count >= this.maxPerDay) return { count, stop: true, reason: 'count' };
    return { count, stop: false, reason: null };
  }
}

/**
 * The opaque card key for DeclineTracker: HMAC-SHA256 of the PAN digits under the device secret,
 * base64url. Same card + same secret → same key; the key cannot be turned back into the PAN.
 */
export function cardKey(deviceSecret: string | Uint8Array, pan: string): string {
  if (typeof deviceSecret === 'string' ? deviceSecret.length < 16 : deviceSecret.length < 16) {
    throw new GuidanceError('E_CONFIG', 'the device secret for card keys must be at least 16 bytes');
  }
  return createHmac('sha256', deviceSecret).update(pan.replace(/\D/g, '')).digest('base64url');
}
