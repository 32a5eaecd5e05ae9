/**
 * Alert evaluation: given an input (a failure record, approvals counted at a terminal, the current
 * terminal states, or a clock tick) and the rule set, the alerts it raises. No I/O and no clock:
 * time comes in with the inputs, so tests drive it directly. The windowed counters and the "already
 * alerted" marks live in a small structure (AlertState) that the caller keeps and `evaluate`
 * updates in place.
 *
 * Each alert carries an idempotency key made from the rule and what it is about (a record id, a
 * crossing time, the start of an outage), so the same alert evaluated twice, by a second collector
 * or after a redelivery, is enqueued once (the outbox ignores a key it holds).
 *
 * - failure: each failure record of the rule's merchant and categories, once per record id; a
 *   record already paid afterwards (recovered, approved late, charged twice) raises none.
 * - decline_rate: per terminal or per card range (first 6 digits of the masked PAN), the failures
 *   and approvals with a time inside the window; an alert when the attempts reach min_count and the
 *   failures are over threshold_pct of them, and again only after the rate has fallen back.
 *   Approvals come from `approvals` inputs (the terminals' metrics counts) and from records of
 *   category 'approved'; a card range sees the approvals of such records only.
 * - terminal_offline: a terminal offline or silent (rule.states) for after_min since it was last
 *   heard; once per outage (online again ends it).
 * - backlog: a terminal's outbox over `over` records; once until it falls to half of `over`.
 */
import { type FailureRecord, PAID_OUTCOMES } from '../../record.js';
import { maskPan, scrubPans } from '../../../protocol/card/pan.js';
import type { AlertRule, DeclineRateParams } from './rules.js';

export interface TerminalState {
  fleet: string;
  terminal: string;
  /** The terminal's merchant when the caller knows it; else the one its records named. */
  merchant_id?: string | null | undefined;
  status: 'online' | 'offline' | 'silent' | 'unknown';
  /** ms since the epoch: when it was last heard (silent) or went offline (offline). */
  since: number;
  /** Records in its outbox not yet synced (latest metrics); null when unknown. */
  backlog: number | null;
}

export type AlertInput =
  | { type: 'record'; at: number; fleet: string; record: FailureRecord }
  | {
      type: 'approvals';
      at: number;
      fleet: string;
      terminal: string;
      count: number;
      merchant_id?: string | null;
    }
  | { type: 'terminals'; at: number; terminals: readonly TerminalState[] }
  | { type: 'tick'; at: number };

/** What an alert shows of a record: masked card, no track data, nothing else of the card. */
export interface AlertRecordView {
  id: string;
  occurred_at: string;
  utc_offset_min: number;
  amount_minor: number | null;
  currency: string | null;
  pan_masked: string | null;
  card_brand: string | null;
  rc: string;
  category: FailureRecord['category'];
  stan: string | null;
  rrn: string | null;
}

export type AlertReason =
  | { kind: 'failure' }
  | {
      kind: 'decline_rate';
      per: 'terminal' | 'card_range';
      /** The terminal (fleet/terminal) or the card range (6 digits). */
      group: string;
      rate_pct: number;
      failures: number;
      attempts: number;
      window_min: number;
      threshold_pct: number;
    }
  | { kind: 'terminal_offline'; status: 'offline' | 'silent'; since: number; minutes: number }
  | { kind: 'backlog'; backlog: number; over: number };

export interface AlertEvent {
  /** Idempotency key: the same alert always gets the same key. */
  key: string;
  rule_id: string;
  /** ms since the epoch: when the alert was raised. */
  at: number;
  fleet: string | null;
  terminal: string | null;
  merchant_id: string | null;
  reason: AlertReason;
  /** The failure it is about (failure), or the one that tipped a rate over (decline_rate). */
  record: AlertRecordView | null;
}

interface Entry {
  t: number;
  /** Record id of a failure or an approval record; null for counted approvals. */
  id: string | null;
  fail: boolean;
  n: number;
}

interface Counter {
  entries: Entry[];
  ids: Set<string>;
  failures: number;
  attempts: number;
  firing: boolean;
  fleet: string | null;
  terminal: string | null;
  merchant_id: string | null;
  last: AlertRecordView | null;
}

interface Episode {
  start: number;
  fired: boolean;
}

export interface AlertState {
  /** `${rule}\0${group}` → windowed counts of a decline_rate rule. */
  counters: Map<string, Counter>;
  /** `${rule}\0${fleet}/${terminal}` → an outage or a backlog being alerted. */
  episodes: Map<string, Episode>;
  /** fleet/terminal → the merchant its latest record named. */
  merchants: Map<string, string>;
}

export function initialAlertState(): AlertState {
  return { counters: new Map(), episodes: new Map(), merchants: new Map() };
}

/** A masked card, whatever came in: a digit run is masked to first 6 and last 4, other text scrubbed. */
export function safeCard(pan: string | null): string | null {
  if (!pan) return null;
  const compact = pan.replace(/[\s-]/g, '');
  return /^\d{11,19}$/.test(compact) ? maskPan(compact) : scrubPans(pan);
}

export function recordView(r: FailureRecord): AlertRecordView {
  return {
    id: r.id,
    occurred_at: r.occurred_at,
    utc_offset_min: r.utc_offset_min,
    amount_minor: r.amount_minor,
    currency: r.currency,
    pan_masked: safeCard(r.pan_masked),
    card_brand: r.card_brand,
    rc: r.rc,
    category: r.category,
    stan: r.stan,
    rrn: r.rrn,
  };
}

/** The card range of a masked PAN: its first 6 digits, or null. */
export function cardRange(panMasked: string | null): string | null {
  const m = panMasked ? /^(\d{6})/.exec(panMasked) : null;
  return m ? m[1]! : null;
}

function inScope(
  p: { fleet?: string | undefined; merchant_id?: string | undefined },
  fleet: string,
  merchant: string | null,
): boolean {
  if (p.fleet !== undefined && p.fleet !== fleet) return false;
  if (p.merchant_id !== undefined && p.merchant_id !== merchant) return false;
  return true;
}

function prune(c: Counter, now: number, windowMs: number): void {
  const from = now - windowMs;
  let i = 0;
  while (i < c.entries.length && c.entries[i]!.t <= from) {
    const e = c.entries[i]!;
    c.attempts -= e.n;
    if (e.fail) c.failures -= e.n;
    if (e.id !== null) c.ids.delete(e.id);
    i++;
  }
  if (i > 0) c.entries.splice(0, i);
}

function add(c: Counter, e: Entry): void {
  // entries stay sorted by time; records mostly arrive in order, so the search starts at the end
  let i = c.entries.length;
  while (i > 0 && c.entries[i - 1]!.t > e.t) i--;
  c.entries.splice(i, 0, e);
  c.attempts += e.n;
  if (e.fail) c.failures += e.n;
  if (e.id !== null) c.ids.add(e.id);
}

function counterFor(
  state: AlertState,
  key: string,
  init: Omit<Counter, 'entries' | 'ids' | 'failures' | 'attempts' | 'firing' | 'last'>,
): Counter {
  let c = state.counters.get(key);
  if (!c) {
    c = { entries: [], ids: new Set(), failures: 0, attempts: 0, firing: false, last: null, ...init };
    state.counters.set(key, c);
  }
  return c;
}

/** Re-checks a rate counter at `now`: an alert when it crosses the threshold. */
function checkRate(
  state: AlertState,
  rule: AlertRule & { params: DeclineRateParams },
  key: string,
  group: string,
  c: Counter,
  now: number,
): AlertEvent | undefined {
  const p = rule.params;
  prune(c, now, p.window_min * 60_000);
  const over = c.attempts >= p.min_count && c.failures * 100 > p.threshold_pct * c.attempts;
  if (!over) {
    c.firing = false;
    if (c.entries.length === 0) state.counters.delete(key);
    return undefined;
  }
  if (c.firing) return undefined;
  c.firing = true;
  return {
    key: `${rule.id}:rate:${group}:${now}`,
    rule_id: rule.id,
    at: now,
    fleet: c.fleet,
    terminal: c.terminal,
    merchant_id: c.merchant_id,
    reason: {
      kind: 'decline_rate',
      per: p.per,
      group,
      rate_pct: Math.round((c.failures * 1000) / c.attempts) / 10,
      failures: c.failures,
      attempts: c.attempts,
      window_min: p.window_min,
      threshold_pct: p.threshold_pct,
    },
    record: c.last,
  };
}

function onRecord(
  state: AlertState,
  rules: readonly AlertRule[],
  fleet: string,
  r: FailureRecord,
  now: number,
): AlertEvent[] {
  const out: AlertEvent[] = [];
  const tkey = `${fleet}/${r.terminal_id}`;
  state.merchants.set(tkey, r.merchant_id);
  const approved = r.category === 'approved';
  const t = Date.parse(r.occurred_at);
  for (const rule of rules) {
    if (rule.kind === 'failure') {
      const p = rule.params;
      if (approved || p.merchant_id !== r.merchant_id || (p.fleet !== undefined && p.fleet !== fleet))
        continue;
      if (!(p.categories as string[]).includes(r.category) || PAID_OUTCOMES.includes(r.outcome)) continue;
      out.push({
        key: `${rule.id}:failure:${r.id}`,
        rule_id: rule.id,
        at: now,
        fleet,
        terminal: r.terminal_id,
        merchant_id: r.merchant_id,
        reason: { kind: 'failure' },
        record: recordView(r),
      });
    } else if (rule.kind === 'decline_rate') {
      const p = rule.params;
      if (!inScope(p, fleet, r.merchant_id) || Number.isNaN(t)) continue;
      if (t <= now - p.window_min * 60_000) continue; // already outside the window
      const group = p.per === 'terminal' ? tkey : cardRange(safeCard(r.pan_masked));
      if (group === null) continue;
      const key = `${rule.id}\0${group}`;
      const c = counterFor(state, key, {
        fleet: p.per === 'terminal' ? fleet : null,
        terminal: p.per === 'terminal' ? r.terminal_id : null,
        merchant_id: p.per === 'terminal' ? r.merchant_id : (p.merchant_id ?? null),
      });
      if (c.ids.has(r.id)) continue; // a redelivery or a later version of a counted record
      add(c, { t, id: r.id, fail: !approved, n: 1 });
      if (!approved) c.last = recordView(r);
      const ev = checkRate(state, rule, key, group, c, now);
      if (ev) out.push(ev);
    }
  }
  return out;
}

function onApprovals(
  state: AlertState,
  rules: readonly AlertRule[],
  ev: Extract<AlertInput, { type: 'approvals' }>,
): AlertEvent[] {
  const out: AlertEvent[] = [];
  if (!(ev.count > 0)) return out;
  const tkey = `${ev.fleet}/${ev.terminal}`;
  const merchant = ev.merchant_id ?? state.merchants.get(tkey) ?? null;
  for (const rule of rules) {
    if (rule.kind !== 'decline_rate' || rule.params.per !== 'terminal') continue;
    if (!inScope(rule.params, ev.fleet, merchant)) continue;
    const key = `${rule.id}\0${tkey}`;
    const c = counterFor(state, key, { fleet: ev.fleet, terminal: ev.terminal, merchant_id: merchant });
    add(c, { t: ev.at, id: null, fail: false, n: ev.count });
    const a = checkRate(state, rule, key, tkey, c, ev.at);
    if (a) out.push(a);
  }
  return out;
}

function onTerminals(
  state: AlertState,
  rules: readonly AlertRule[],
  ev: Extract<AlertInput, { type: 'terminals' }>,
): AlertEvent[] {
  const out: AlertEvent[] = [];
  for (const t of ev.terminals) {
    const tkey = `${t.fleet}/${t.terminal}`;
    const merchant = t.merchant_id ?? state.merchants.get(tkey) ?? null;
    for (const rule of rules) {
      const key = `${rule.id}\0${tkey}`;
      if (rule.kind === 'terminal_offline') {
        const p = rule.params;
        const down = t.status !== 'online' && t.status !== 'unknown' && p.states.includes(t.status);
        if (!down || !inScope(p, t.fleet, merchant)) {
          state.episodes.delete(key);
          continue;
        }
        let e = state.episodes.get(key);
        if (!e) state.episodes.set(key, (e = { start: t.since, fired: false }));
        const minutes = (ev.at - e.start) / 60_000;
        if (e.fired || minutes < p.after_min) continue;
        e.fired = true;
        out.push({
          key: `${rule.id}:offline:${tkey}:${e.start}`,
          rule_id: rule.id,
          at: ev.at,
          fleet: t.fleet,
          terminal: t.terminal,
          merchant_id: merchant,
          reason: {
            kind: 'terminal_offline',
            status: t.status as 'offline' | 'silent',
            since: e.start,
            minutes: Math.floor(minutes),
          },
          record: null,
        });
      } else if (rule.kind === 'backlog') {
        const p = rule.params;
        const backlog = t.backlog ?? 0;
        if (!inScope(p, t.fleet, merchant) || backlog * 2 <= p.over) {
          state.episodes.delete(key);
          continue;
        }
        if (backlog <= p.over || state.episodes.has(key)) continue;
        state.episodes.set(key, { start: ev.at, fired: true });
        out.push({
          key: `${rule.id}:backlog:${tkey}:${ev.at}`,
          rule_id: rule.id,
          at: ev.at,
          fleet: t.fleet,
          terminal: t.terminal,
          merchant_id: merchant,
          reason: { kind: 'backlog', backlog, over: p.over },
          record: null,
        });
      }
    }
  }
  return out;
}

function onTick(state: AlertState, rules: readonly AlertRule[], now: number): AlertEvent[] {
  const out: AlertEvent[] = [];
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const [key, c] of state.counters) {
    const rule = byId.get(key.slice(0, key.indexOf('\0')));
    if (rule?.kind !== 'decline_rate') {
      state.counters.delete(key); // its rule was removed
      continue;
    }
    const ev = checkRate(state, rule, key, key.slice(key.indexOf('\0') + 1), c, now);
    if (ev) out.push(ev);
  }
  return out;
}

/**
 * The alerts `input` raises under `rules`; updates `state` (counters, marks) in place. Deterministic:
 * the same state, input and rules give the same alerts and keys.
 */
export function evaluate(state: AlertState, input: AlertInput, rules: readonly AlertRule[]): AlertEvent[] {
  switch (input.type) {
    case 'record':
      return onRecord(state, rules, input.fleet, input.record, input.at);
    case 'approvals':
      return onApprovals(state, rules, input);
    case 'terminals':
      return [...onTick(state, rules, input.at), ...onTerminals(state, rules, input)];
    case 'tick':
      return onTick(state, rules, input.at);
  }
}
