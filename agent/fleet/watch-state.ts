/**
 * The aggregation of `fleet watch`, as a pure reducer: `reduce(state, event)` returns a new state
 * from an incoming MQTT message (topic + payload + arrival time) or a clock tick, and
 * `summarize(state, now)` computes what the screen shows. No I/O, no clock reads: time comes in
 * with the events, so tests drive it directly.
 *
 * - online/offline: the retained `status` (birth 'online', Last Will 'offline'); a terminal that
 *   said 'online' but has sent nothing for `silentAfterMs` is flagged silent.
 * - failures per minute by category: records whose occurred_at falls in the sliding window,
 *   deduplicated by record id (delivery is at least once).
 * - outbox backlog: the latest `metrics` of each terminal.
 * - outliers: terminals with at least `outlierMin` failures in the window and more than
 *   `outlierFactor` × the fleet median.
 */
import { CATEGORIES, type Category } from '../record.js';
import { failuresPayloadSchema, metricsPayloadSchema, statusPayloadSchema } from '../sync/payload-schema.js';
import { parseTopic } from './topics.js';

export interface WatchConfig {
  windowMs: number;
  outlierFactor: number;
  outlierMin: number;
  silentAfterMs: number;
  /** Payloads larger than this are counted as rejected without being parsed. */
  maxPayloadBytes: number;
}

export const DEFAULT_WATCH_CONFIG: WatchConfig = {
  windowMs: 5 * 60_000,
  outlierFactor: 3,
  outlierMin: 5,
  silentAfterMs: 3 * 60_000,
  maxPayloadBytes: 256 * 1024,
};

export interface RecentFailure {
  id: string;
  t: number;
  category: Category;
}

export interface TerminalView {
  key: string;
  fleet: string;
  terminal: string;
  status: 'online' | 'offline' | 'unknown';
  statusAt: string | null;
  version: string | null;
  bootId: string | null;
  lastSeen: number;
  outboxDepth: number | null;
  oldestUnsyncedAgeS: number | null;
  link: 'up' | 'down' | 'unknown';
  alarms: readonly string[];
  /** Failures inside the window (by occurred_at), newest last. */
  recent: readonly RecentFailure[];
  /** Failure records received in total (after dedup within the window). */
  received: number;
}

export interface WatchState {
  config: WatchConfig;
  terminals: ReadonlyMap<string, TerminalView>;
  /** Messages that were not valid v1 payloads on a pos/v1 topic. */
  rejected: number;
  messages: number;
  now: number;
}

export type WatchEvent =
  { type: 'message'; topic: string; payload: Uint8Array | string; at: number } | { type: 'tick'; at: number };

export function initialState(config: Partial<WatchConfig> = {}, now = 0): WatchState {
  return {
    config: { ...DEFAULT_WATCH_CONFIG, ...config },
    terminals: new Map(),
    rejected: 0,
    messages: 0,
    now,
  };
}

function emptyTerminal(key: string, fleet: string, terminal: string, at: number): TerminalView {
  return {
    key,
    fleet,
    terminal,
    status: 'unknown',
    statusAt: null,
    version: null,
    bootId: null,
    lastSeen: at,
    outboxDepth: null,
    oldestUnsyncedAgeS: null,
    link: 'unknown',
    alarms: [],
    recent: [],
    received: 0,
  };
}

function prune(recent: readonly RecentFailure[], now: number, windowMs: number): readonly RecentFailure[] {
  const from = now - windowMs;
  let i = 0;
  while (i < recent.length && (recent[i] as RecentFailure).t <= from) i++;
  return i === 0 ? recent : recent.slice(i);
}

function decode(payload: Uint8Array | string): unknown {
  try {
    return JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  } catch {
    return undefined;
  }
}

export function reduce(state: WatchState, ev: WatchEvent): WatchState {
  const now = Math.max(state.now, ev.at);
  if (ev.type === 'tick') {
    const terminals = new Map<string, TerminalView>();
    for (const [k, t] of state.terminals) {
      const recent = prune(t.recent, now, state.config.windowMs);
      terminals.set(k, recent === t.recent ? t : { ...t, recent });
    }
    return { ...state, terminals, now };
  }
  const topic = parseTopic(ev.topic);
  const size = typeof ev.payload === 'string' ? Buffer.byteLength(ev.payload) : ev.payload.length;
  if (!topic || size > state.config.maxPayloadBytes)
    return { ...state, now, messages: state.messages + 1, rejected: state.rejected + 1 };
  const key = `${topic.fleet}/${topic.terminal}`;
  const prev = state.terminals.get(key) ?? emptyTerminal(key, topic.fleet, topic.terminal, ev.at);
  const body = decode(ev.payload);
  let next: TerminalView | undefined;
  if (topic.kind === 'status') {
    const p = statusPayloadSchema.safeParse(body);
    if (p.success) {
      next = {
        ...prev,
        status: p.data.state,
        statusAt: p.data.at,
        version: p.data.version,
        bootId: p.data.boot_id,
        lastSeen: ev.at,
      };
    }
  } else if (topic.kind === 'metrics') {
    const p = metricsPayloadSchema.safeParse(body);
    if (p.success) {
      next = {
        ...prev,
        outboxDepth: p.data.outbox_depth,
        oldestUnsyncedAgeS: p.data.oldest_unsynced_age_s,
        link: p.data.link,
        alarms: p.data.alarms,
        bootId: p.data.boot_id,
        lastSeen: ev.at,
        // a heartbeat proves the terminal is up even if its retained birth was missed
        status: prev.status === 'unknown' ? 'online' : prev.status,
      };
    }
  } else {
    const p = failuresPayloadSchema.safeParse(body);
    if (p.success) {
      const from = now - state.config.windowMs;
      const seen = new Set(prev.recent.map((r) => r.id));
      const added: RecentFailure[] = [];
      for (const r of p.data.records) {
        if (r.category === 'approved' || seen.has(r.id)) continue;
        seen.add(r.id);
        const t = Date.parse(r.occurred_at);
        if (t > from) added.push({ id: r.id, t, category: r.category });
      }
      const recent = prune(
        added.length ? [...prev.recent, ...added].sort((a, b) => a.t - b.t) : prev.recent,
        now,
        state.config.windowMs,
      );
      next = {
        ...prev,
        recent,
        received: prev.received + added.length,
        lastSeen: ev.at,
        status: prev.status === 'unknown' ? 'online' : prev.status,
      };
    }
  }
  if (!next) return { ...state, now, messages: state.messages + 1, rejected: state.rejected + 1 };
  const terminals = new Map(state.terminals);
  terminals.set(key, next);
  return { ...state, terminals, now, messages: state.messages + 1 };
}

export interface TerminalSummary {
  key: string;
  status: 'online' | 'offline' | 'unknown' | 'silent';
  failures: number;
  perMinute: number;
  topCategory: Category | null;
  outboxDepth: number | null;
  oldestUnsyncedAgeS: number | null;
  link: 'up' | 'down' | 'unknown';
  alarms: readonly string[];
  outlier: boolean;
}

export interface WatchSummary {
  now: number;
  windowMin: number;
  terminals: { total: number; online: number; offline: number; unknown: number; silent: number };
  /** Failures per minute over the window, by category (categories with none omitted). */
  perMinuteByCategory: Array<{ category: Category; perMinute: number; count: number }>;
  perMinuteTotal: number;
  backlog: { records: number; terminals: number; oldestAgeS: number };
  medianFailures: number;
  outlierFactor: number;
  outlierMin: number;
  outliers: TerminalSummary[];
  /** All terminals, worst first: outliers, then by failures in the window, then by backlog. */
  rows: TerminalSummary[];
  messages: number;
  rejected: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function summarize(state: WatchState, now = state.now): WatchSummary {
  const cfg = state.config;
  const windowMin = cfg.windowMs / 60_000;
  const byCat = new Map<Category, number>();
  const counts: number[] = [];
  const rows: TerminalSummary[] = [];
  const terms = { total: 0, online: 0, offline: 0, unknown: 0, silent: 0 };
  const backlog = { records: 0, terminals: 0, oldestAgeS: 0 };
  for (const t of state.terminals.values()) {
    const recent = prune(t.recent, now, cfg.windowMs);
    const local = new Map<Category, number>();
    for (const r of recent) {
      byCat.set(r.category, (byCat.get(r.category) ?? 0) + 1);
      local.set(r.category, (local.get(r.category) ?? 0) + 1);
    }
    let top: Category | null = null;
    for (const [c, n] of local) if (top === null || n > (local.get(top) ?? 0)) top = c;
    const silent = t.status === 'online' && now - t.lastSeen > cfg.silentAfterMs;
    const status = silent ? 'silent' : t.status;
    terms.total++;
    terms[status]++;
    if (t.outboxDepth) {
      backlog.records += t.outboxDepth;
      backlog.terminals++;
      backlog.oldestAgeS = Math.max(backlog.oldestAgeS, t.oldestUnsyncedAgeS ?? 0);
    }
    counts.push(recent.length);
    rows.push({
      key: t.key,
      status,
      failures: recent.length,
      perMinute: recent.length / windowMin,
      topCategory: top,
      outboxDepth: t.outboxDepth,
      oldestUnsyncedAgeS: t.oldestUnsyncedAgeS,
      link: t.link,
      alarms: t.alarms,
      outlier: false,
    });
  }
  const med = median(counts);
  for (const r of rows) r.outlier = r.failures >= cfg.outlierMin && r.failures > cfg.outlierFactor * med;
  rows.sort(
    (a, b) =>
      Number(b.outlier) - Number(a.outlier) ||
      b.failures - a.failures ||
      (b.outboxDepth ?? 0) - (a.outboxDepth ?? 0) ||
      a.key.localeCompare(b.key),
  );
  const perMinuteByCategory = CATEGORIES.filter((c) => byCat.has(c)).map((c) => ({
    category: c,
    count: byCat.get(c) ?? 0,
    perMinute: (byCat.get(c) ?? 0) / windowMin,
  }));
  const total = perMinuteByCategory.reduce((s, c) => s + c.count, 0);
  return {
    now,
    windowMin,
    terminals: terms,
    perMinuteByCategory,
    perMinuteTotal: total / windowMin,
    backlog,
    medianFailures: med,
    outlierFactor: cfg.outlierFactor,
    outlierMin: cfg.outlierMin,
    outliers: rows.filter((r) => r.outlier),
    rows,
    messages: state.messages,
    rejected: state.rejected,
  };
}
