/**
 * The fleet database behind one narrow interface: the collector writes records and health through
 * it, the alerts and the portal read and change it through it, and neither knows whether SQLite (one
 * box, `fleet serve --demo`) or PostgreSQL (a fleet) is underneath. Types and tables as data only;
 * the adapters live in sqlite.ts and postgres.ts, the schema in migrations.ts (docs/fleet-server.md).
 *
 * Rules every adapter keeps:
 * - Every read of records, cases or terminals takes a Scope and applies it inside the SQL (a merchant
 *   sees the rows of its merchant ids only; a row out of scope reads as absent, never as an error
 *   that would tell it exists).
 * - Paging is keyset (an opaque cursor), never OFFSET: a deep page costs what the first one does.
 * - A case change and its case_events row are written in one transaction.
 * - Instants are ISO-8601 UTC strings with milliseconds (`2026-11-23T10:15:00.123Z`) both ways.
 * - No card data: records hold masked PANs only; free text (case notes) is scrubbed of PANs.
 */
import type { Category, FailureRecord, Outcome } from '../../record.js';
import type { InsertResult, RecordSink, SinkBatchItem } from '../sinks.js';
import type { MetricsPayload, StatusPayload } from '../../sync/payloads.js';

// ---- scope ------------------------------------------------------------------------------------

/** Who is asking: an operator sees every fleet; a merchant only its own merchant ids. */
export type Scope = { role: 'operator' } | { role: 'merchant'; merchantIds: readonly string[] };

export const OPERATOR: Scope = { role: 'operator' };

// ---- records (the collector's `failures` table) -------------------------------------------------

/** A stored failure record (its newest version) with what the fleet side adds. */
export interface FailureRow extends FailureRecord {
  /** The topic's fleet; null for rows collected before fleets were kept. */
  fleet: string | null;
  /** When the collector received this version (the record's synced_at at the collector). */
  received_at: string;
  id_conflict: boolean;
  seq_conflict: boolean;
  /** The record's follow-up case status (every stored failure has a case). */
  case_status: CaseStatus;
}

/** Search of failures; every field optional, all given ones must match (AND). */
export interface FailureQuery {
  /** Exact record id (ULID). */
  id?: string;
  rrn?: string;
  stan?: string;
  /** Last 4 digits of the masked PAN. */
  last4?: string;
  fleet?: string;
  terminal?: string;
  merchantId?: string;
  /** occurred_at >= from (ISO instant). */
  from?: string;
  /** occurred_at < to (ISO instant). */
  to?: string;
  categories?: readonly Category[];
  outcomes?: readonly Outcome[];
  caseStatuses?: readonly CaseStatus[];
  /** Page size, 1..MAX_PAGE (default DEFAULT_PAGE). */
  limit?: number;
  /** The `next` of the previous page. */
  after?: string;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/** One page, newest first (occurred_at, then row); `next` is null on the last page. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** Failure counts for the alerts and the portal's charts (received since/for a time range). */
export interface CountQuery {
  from: string;
  to: string;
  by: 'terminal' | 'merchant' | 'category' | 'bin';
  categories?: readonly Category[];
}

export interface CountRow {
  /** The group's key: `fleet/terminal`, a merchant id, a category or the first 6 PAN digits. */
  key: string;
  failures: number;
}

/** A feed of stored record versions in the order received, for alerting (see recentFailures). */
export interface FeedQuery {
  /** Rows received at or after this instant. */
  since: string;
  /** The `next` of the previous call. */
  after?: string;
  limit?: number;
}

// ---- terminals (health telemetry) ---------------------------------------------------------------

/** What the fleet knows of a terminal; `state` is derived at read time from `now`. */
export interface TerminalRow {
  fleet: string;
  terminal_id: string;
  /** The merchant of the terminal's latest failure record (telemetry names none); null until one. */
  merchant_id: string | null;
  /** online: said so and heard from lately; silent: said online but quiet for silentAfterMs; offline: said so (or its Last Will). */
  state: TerminalState;
  /** The status payload's state and time (retained status / Last Will). */
  status: 'online' | 'offline' | null;
  status_at: string | null;
  /** The last time anything of this terminal arrived (status, metrics or failures). */
  last_seen: string;
  boot_id: string | null;
  version: string | null;
  /** Outbox backlog and age from the latest metrics. */
  outbox_depth: number | null;
  oldest_unsynced_age_s: number | null;
  link: 'up' | 'down' | 'unknown' | null;
  alarms: string[];
  /** Counts by category since the agent's boot (approvals included) from the latest metrics. */
  counts: Partial<Record<Category, number>>;
  metrics_at: string | null;
  /** Failure records stored for this terminal, and when the latest occurred. */
  failures: number;
  last_failure_at: string | null;
}

export const TERMINAL_STATES = ['online', 'offline', 'silent', 'unknown'] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];

/** Default quiet time after which an 'online' terminal is shown silent (as `fleet watch`). */
export const DEFAULT_SILENT_AFTER_MS = 3 * 60_000;

export interface TerminalQuery {
  fleet?: string;
  states?: readonly TerminalState[];
  /** Terminals whose outbox backlog is at least this. */
  minBacklog?: number;
  /** The clock the state is derived with (ISO; default: now). */
  now?: string;
  silentAfterMs?: number;
  limit?: number;
  after?: string;
}

/** A health message as the collector received it (already validated against the v1 schemas). */
export type HealthUpdate =
  | { kind: 'status'; payload: StatusPayload; receivedAt: string }
  | { kind: 'metrics'; payload: MetricsPayload; receivedAt: string };

// ---- cases ------------------------------------------------------------------------------------

export const CASE_STATUSES = [
  'open',
  'customer_contacted',
  'issuer_contacted',
  'resolved',
  'recovered',
  'written_off',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses a person may move a case to, by status (reopening a closed case goes to open). */
export const CASE_MOVES: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  open: ['customer_contacted', 'issuer_contacted', 'resolved', 'recovered', 'written_off'],
  customer_contacted: ['open', 'issuer_contacted', 'resolved', 'recovered', 'written_off'],
  issuer_contacted: ['open', 'customer_contacted', 'resolved', 'recovered', 'written_off'],
  resolved: ['open'],
  recovered: ['open'],
  written_off: ['open'],
};

/**
 * How a new version of a record moves its case (actor SYSTEM_ACTOR; one case_events row). An outcome
 * not listed, or a case already at the target, changes nothing. See docs/fleet-server.md §Cases.
 */
export const OUTCOME_CASE_MOVES: ReadonlyArray<{
  outcomes: readonly Outcome[];
  from: readonly CaseStatus[];
  to: CaseStatus;
  why: string;
}> = [
  {
    outcomes: ['recovered', 'approved_late'],
    from: ['open', 'customer_contacted', 'issuer_contacted', 'resolved', 'written_off'],
    to: 'recovered',
    why: 'the terminal saw the sale paid after all: money in beats any earlier judgement',
  },
  {
    outcomes: ['possible_double_charge'],
    from: ['resolved', 'recovered', 'written_off'],
    to: 'open',
    why: 'the customer may have paid twice: someone has to look again',
  },
];

/** The actor of changes the store makes itself (a record's outcome moving its case). */
export const SYSTEM_ACTOR = 'system:outcome';

export interface CaseRow {
  id: number;
  record_id: string;
  fleet: string | null;
  terminal_id: string;
  merchant_id: string;
  occurred_at: string;
  status: CaseStatus;
  assignee: string | null;
  /** Bumped by every change: the optimistic-concurrency token of updateCase. */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface CaseEvent {
  id: number;
  case_id: number;
  at: string;
  /** A user name, or SYSTEM_ACTOR. */
  actor: string;
  action: 'created' | 'status' | 'assignee' | 'note';
  /** The value before (status, assignee) or null. */
  old: string | null;
  /** The value after, or the note's text. */
  new: string | null;
}

/** A person's change to a case; any combination, applied together with one event per part. */
export interface CaseChange {
  status?: CaseStatus;
  /** A user name, or null to unassign. */
  assignee?: string | null;
  /** A note to add (1..NOTE_MAX chars; PANs in it are masked). */
  note?: string;
  /** The case version the person saw; a newer one refuses the change (E_CASE_STALE). */
  expectedVersion?: number;
}

export const NOTE_MAX = 2000;

// ---- users and sessions ------------------------------------------------------------------------

export const ROLES = ['operator', 'merchant'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: number;
  name: string;
  role: Role;
  /** The merchant ids a merchant user sees (empty for an operator). */
  merchant_ids: string[];
  disabled: boolean;
  created_at: string;
}

export interface NewUser {
  name: string;
  role: Role;
  merchantIds?: readonly string[];
  /** The password hash as the portal made it (argon2 PHC string); the store never hashes. */
  passwordHash: string;
}

export interface Session {
  /** The portal's session key (store a hash of the cookie token, not the token). */
  id: string;
  user_id: number;
  csrf: string;
  created_at: string;
  expires_at: string;
}

/** The Scope a user's queries run under. */
export function scopeOf(user: Pick<User, 'role' | 'merchant_ids'>): Scope {
  return user.role === 'operator' ? OPERATOR : { role: 'merchant', merchantIds: user.merchant_ids };
}

// ---- alerts ------------------------------------------------------------------------------------

export interface AlertRuleRow {
  id: string;
  /** The merchant the rule belongs to; null for an operator's rule. */
  merchant_id: string | null;
  /** The rule as the alerts module defines it (kind, thresholds, channels): stored as JSON. */
  spec: Record<string, unknown>;
  enabled: boolean;
  /** 'config' (from the config file, replaced on start) or 'portal' (edited there). */
  source: 'config' | 'portal';
  updated_at: string;
}

/**
 * held (a daily digest's item, waiting for its day to end) → digested (folded into one digest item);
 * pending → sending (leased) → delivered, or pending again at a later next_at (a retry), or failed
 * (refused, or out of attempts).
 */
export const DELIVERY_STATES = ['held', 'pending', 'sending', 'delivered', 'failed', 'digested'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface NewDelivery {
  /** Unique: enqueuing the same key twice stores one delivery (the alert's idempotency key). */
  key: string;
  rule_id: string | null;
  channel: 'email' | 'webhook';
  /** Address or URL. */
  target: string;
  /** The message (masked card data only). */
  payload: Record<string, unknown>;
  /** First attempt not before (default: the enqueue time). */
  next_at?: string;
  /** The day (YYYY-MM-DD) of the digest it waits for: stored held, never due; absent or null: pending. */
  digest_day?: string | null;
}

export interface DeliveryRow {
  id: number;
  key: string;
  rule_id: string | null;
  channel: 'email' | 'webhook';
  target: string;
  payload: Record<string, unknown>;
  state: DeliveryState;
  /** Attempts started (each claim counts one). */
  attempts: number;
  /** Due from then on (pending); the end of the lease (sending). */
  next_at: string;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
  /** The digest day it is held for (or was, once digested); null for other deliveries. */
  digest_day: string | null;
  /** Set by the latest claim: it took the delivery from an expired lease (a sender stopped mid-send). */
  reclaimed: boolean;
}

// ---- the store ---------------------------------------------------------------------------------

export interface FleetStore extends RecordSink {
  readonly kind: 'sqlite' | 'postgres';

  /**
   * The collector's write (RecordSink): one transaction stores the records (newest version per
   * id), opens a case for each new failure, moves the cases of new versions by OUTCOME_CASE_MOVES,
   * and notes the terminal's merchant and last failure.
   */
  insert(fleet: string, records: readonly FailureRecord[]): Promise<InsertResult>;
  /**
   * The records of several messages in one transaction, as insert does for one (the collector's
   * group commit): all stored or none; the result is their sum.
   */
  insertBatch(batch: readonly SinkBatchItem[]): Promise<InsertResult>;
  /** Status or metrics of a terminal; an older message than the stored one (by `at`) only bumps last_seen. */
  health(fleet: string, update: HealthUpdate): Promise<void>;

  // records
  searchFailures(scope: Scope, q?: FailureQuery): Promise<Page<FailureRow>>;
  /** One record by id (its newest version); null when absent or out of scope. */
  getFailure(scope: Scope, id: string): Promise<FailureRow | null>;
  countFailures(scope: Scope, q: CountQuery): Promise<CountRow[]>;
  /**
   * Record versions in the order received (received_at, then row), for alert evaluation; `next` is
   * where to go on next time (the `after` given when nothing new). Two collectors commit
   * concurrently, so a row can appear behind the cursor: re-read with an overlap and rely on the
   * deliveries' idempotency keys to send nothing twice.
   */
  recentFailures(scope: Scope, q: FeedQuery): Promise<Page<FailureRow>>;

  // terminals
  listTerminals(scope: Scope, q?: TerminalQuery): Promise<Page<TerminalRow>>;
  getTerminal(
    scope: Scope,
    fleet: string,
    terminal: string,
    opts?: Pick<TerminalQuery, 'now' | 'silentAfterMs'>,
  ): Promise<TerminalRow | null>;

  // cases
  /** The case of a record; null when absent or out of scope. */
  getCase(scope: Scope, recordId: string): Promise<CaseRow | null>;
  /** The case's audit trail, oldest first; [] when out of scope. */
  caseEvents(scope: Scope, caseId: number): Promise<CaseEvent[]>;
  /** Applies a person's change (CASE_MOVES); throws CaseError (E_CASE_*) when refused. */
  updateCase(scope: Scope, caseId: number, change: CaseChange, actor: string): Promise<CaseRow>;

  // users and sessions
  createUser(u: NewUser): Promise<User>;
  /** A user with its password hash, by name (sign-in); null when absent. */
  userForSignIn(name: string): Promise<(User & { password_hash: string }) | null>;
  getUser(id: number): Promise<User | null>;
  listUsers(): Promise<User[]>;
  setPasswordHash(userId: number, hash: string): Promise<void>;
  setUserDisabled(userId: number, disabled: boolean): Promise<void>;
  createSession(s: Session): Promise<void>;
  /** The live session and its (enabled) user; null when unknown, expired or the user is disabled. */
  getSession(id: string, now?: string): Promise<{ session: Session; user: User } | null>;
  deleteSession(id: string): Promise<void>;
  /** Deletes expired sessions; returns how many. */
  purgeSessions(now?: string): Promise<number>;

  // alert rules
  listAlertRules(scope: Scope): Promise<AlertRuleRow[]>;
  putAlertRule(rule: Omit<AlertRuleRow, 'updated_at'>): Promise<AlertRuleRow>;
  deleteAlertRule(scope: Scope, id: string): Promise<boolean>;

  // the alert outbox (the alerts' AlertOutbox port is agent/fleet/alerts/outbox-store.ts over these)
  /** Stores a delivery unless its key exists; true when stored now. */
  enqueueDelivery(d: NewDelivery): Promise<boolean>;
  /**
   * Stores, in one transaction, the deliveries whose key it does not hold yet; resolves with how
   * many were new. `at` (default now) is their created_at, and their next_at where none is given.
   */
  enqueueDeliveries(ds: readonly NewDelivery[], at?: string): Promise<number>;
  /**
   * Takes up to `limit` deliveries due at `now` (pending, or sending with an expired lease) and
   * marks them sending until now + leaseMs, attempts + 1: two senders never take the same one.
   * `reclaimed` tells the ones taken from an expired lease (to be sent again with the same key).
   */
  claimDeliveries(now: string, limit: number, leaseMs: number): Promise<DeliveryRow[]>;
  /** By the delivery's key. */
  markDelivered(key: string, at: string): Promise<void>;
  /** A failed attempt (by key): pending again at `retryAt` if still sending, or failed when it is null. */
  markFailed(key: string, error: string, retryAt: string | null): Promise<void>;
  getDelivery(key: string): Promise<DeliveryRow | null>;
  /** Held deliveries of digest days before `beforeDay` (YYYY-MM-DD), by day, then as enqueued. */
  heldDeliveries(beforeDay: string): Promise<DeliveryRow[]>;
  /**
   * In one transaction: enqueue `digest` (unless its key exists) and mark the held deliveries
   * `heldKeys` digested. `at` as for enqueueDeliveries.
   */
  digestHeld(digest: NewDelivery, heldKeys: readonly string[], at?: string): Promise<void>;
  /** How many deliveries are in each state. */
  deliveryCounts(): Promise<Record<DeliveryState, number>>;

  close(): Promise<void>;
}

// ---- errors ------------------------------------------------------------------------------------

export type FleetStoreCode =
  | 'E_CASE_NOT_FOUND'
  | 'E_CASE_MOVE'
  | 'E_CASE_STALE'
  | 'E_NOTE'
  | 'E_CURSOR'
  | 'E_QUERY'
  | 'E_USER_EXISTS'
  | 'E_USER';

/** A refused store call: the code names the reason; bad input from a caller (exit 2 in a CLI). */
export class FleetStoreError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly code: FleetStoreCode,
    message: string,
  ) {
    super(message);
  }
}
