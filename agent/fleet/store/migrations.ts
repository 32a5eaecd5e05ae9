/**
 * The fleet tables beside the collector's `failures` (the records): one table spec as data, turned
 * into the DDL of each backend, so SQLite and PostgreSQL cannot drift apart. They are one more step
 * of the collector's own migrations, not a second schema story: SQLite collector migration v5
 * (agent/fleet/collector-schema.ts, PRAGMA user_version) and PostgreSQL collector schema v4
 * (pos_collector_schema, applied by pgMigrate in agent/fleet/sinks.ts). Existing records get a case
 * each (status open, or recovered when their outcome says the sale was paid) and their terminals a
 * row. Pure (SQL text).
 */
export type Dialect = 'sqlite' | 'postgres';

type ColType = 'id' | 'text' | 'int' | 'real' | 'ts' | 'bool' | 'json';

const TYPES: Record<ColType, Record<Dialect, string>> = {
  id: { sqlite: 'INTEGER PRIMARY KEY', postgres: 'bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY' },
  text: { sqlite: 'TEXT', postgres: 'text' },
  int: { sqlite: 'INTEGER', postgres: 'bigint' },
  real: { sqlite: 'REAL', postgres: 'double precision' },
  ts: { sqlite: 'TEXT', postgres: 'timestamptz' },
  bool: { sqlite: 'INTEGER', postgres: 'boolean' },
  json: { sqlite: 'TEXT', postgres: 'text' },
};

/** [column, type, constraints (same text on both backends)] */
type Col = readonly [string, ColType, string?];

interface TableSpec {
  name: string;
  cols: readonly Col[];
  /** Table constraints (primary key over columns, foreign keys). */
  extra?: readonly string[];
  /** [index name, columns (with ASC/DESC), unique?] */
  indexes: ReadonlyArray<readonly [string, string, boolean?]>;
}

const FALSE = { sqlite: '0', postgres: 'false' };
const TRUE = { sqlite: '1', postgres: 'true' };

export const FLEET_TABLES: readonly TableSpec[] = [
  {
    name: 'terminals',
    cols: [
      ['fleet', 'text', 'NOT NULL'],
      ['terminal_id', 'text', 'NOT NULL'],
      ['merchant_id', 'text'],
      ['status', 'text', "CHECK (status IN ('online','offline'))"],
      ['status_at', 'ts'],
      ['last_seen', 'ts', 'NOT NULL'],
      ['boot_id', 'text'],
      ['version', 'text'],
      ['outbox_depth', 'int'],
      ['oldest_unsynced_age_s', 'real'],
      ['link', 'text'],
      ['alarms', 'json', "NOT NULL DEFAULT '[]'"],
      ['counts', 'json', "NOT NULL DEFAULT '{}'"],
      ['metrics_at', 'ts'],
      ['failures', 'int', 'NOT NULL DEFAULT 0'],
      ['last_failure_at', 'ts'],
    ],
    extra: ['PRIMARY KEY (fleet, terminal_id)'],
    indexes: [
      ['terminals_merchant', 'merchant_id, fleet, terminal_id'],
      ['terminals_last_seen', 'last_seen'],
    ],
  },
  {
    name: 'users',
    cols: [
      ['id', 'id'],
      ['name', 'text', 'NOT NULL UNIQUE'],
      ['role', 'text', "NOT NULL CHECK (role IN ('operator','merchant'))"],
      ['merchant_ids', 'json', "NOT NULL DEFAULT '[]'"],
      ['password_hash', 'text', 'NOT NULL'],
      ['disabled', 'bool', 'NOT NULL DEFAULT <false>'],
      ['created_at', 'ts', 'NOT NULL'],
    ],
    indexes: [],
  },
  {
    name: 'sessions',
    cols: [
      ['id', 'text', 'PRIMARY KEY'],
      ['user_id', 'int', 'NOT NULL REFERENCES users (id) ON DELETE CASCADE'],
      ['csrf', 'text', 'NOT NULL'],
      ['created_at', 'ts', 'NOT NULL'],
      ['expires_at', 'ts', 'NOT NULL'],
    ],
    indexes: [
      ['sessions_expires', 'expires_at'],
      ['sessions_user', 'user_id'],
    ],
  },
  {
    name: 'cases',
    cols: [
      ['id', 'id'],
      ['record_id', 'text', 'NOT NULL UNIQUE'],
      ['fleet', 'text'],
      ['terminal_id', 'text', 'NOT NULL'],
      ['merchant_id', 'text', 'NOT NULL'],
      ['occurred_at', 'ts', 'NOT NULL'],
      [
        'status',
        'text',
        "NOT NULL DEFAULT 'open' CHECK (status IN ('open','customer_contacted','issuer_contacted','resolved','recovered','written_off'))",
      ],
      ['assignee', 'text'],
      ['version', 'int', 'NOT NULL DEFAULT 1'],
      ['created_at', 'ts', 'NOT NULL'],
      ['updated_at', 'ts', 'NOT NULL'],
    ],
    indexes: [
      ['cases_status', 'status, occurred_at'],
      ['cases_merchant_status', 'merchant_id, status, occurred_at'],
      ['cases_assignee', 'assignee, status'],
    ],
  },
  {
    name: 'case_events',
    cols: [
      ['id', 'id'],
      ['case_id', 'int', 'NOT NULL REFERENCES cases (id) ON DELETE CASCADE'],
      ['at', 'ts', 'NOT NULL'],
      ['actor', 'text', 'NOT NULL'],
      ['action', 'text', "NOT NULL CHECK (action IN ('status','assignee','note'))"],
      ['old', 'text'],
      ['new', 'text'],
    ],
    indexes: [['case_events_case', 'case_id, id']],
  },
  {
    name: 'alert_rules',
    cols: [
      ['id', 'text', 'PRIMARY KEY'],
      ['merchant_id', 'text'],
      ['spec', 'json', 'NOT NULL'],
      ['enabled', 'bool', 'NOT NULL DEFAULT <true>'],
      ['source', 'text', "NOT NULL CHECK (source IN ('config','portal'))"],
      ['updated_at', 'ts', 'NOT NULL'],
    ],
    indexes: [['alert_rules_merchant', 'merchant_id']],
  },
  {
    name: 'alert_deliveries',
    cols: [
      ['id', 'id'],
      ['key', 'text', 'NOT NULL UNIQUE'],
      ['rule_id', 'text'],
      ['channel', 'text', "NOT NULL CHECK (channel IN ('email','webhook'))"],
      ['target', 'text', 'NOT NULL'],
      ['payload', 'json', 'NOT NULL'],
      [
        'state',
        'text',
        "NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sending','delivered','failed'))",
      ],
      ['attempts', 'int', 'NOT NULL DEFAULT 0'],
      ['next_at', 'ts', 'NOT NULL'],
      ['last_error', 'text'],
      ['created_at', 'ts', 'NOT NULL'],
      ['delivered_at', 'ts'],
    ],
    indexes: [['alert_deliveries_due', 'state, next_at']],
  },
];

/** Indexes the portal's searches need on the records (`failures`), beyond the collector's own. */
const RECORD_INDEXES: Record<Dialect, readonly string[]> = {
  sqlite: [
    // rowid is the tie-breaker of the keyset (occurred_at, rowid): SQLite indexes end with it
    'CREATE INDEX failures_merchant ON failures (merchant_id, occurred_at)',
    'CREATE INDEX failures_last4_at ON failures (pan_last4, occurred_at)',
    'CREATE INDEX failures_received ON failures (synced_at)',
  ],
  postgres: [
    'CREATE INDEX failures_page ON failures (occurred_at DESC, row_id DESC)',
    'CREATE INDEX failures_merchant ON failures (merchant_id, occurred_at DESC, row_id DESC)',
    'CREATE INDEX failures_last4 ON failures (pan_last4, occurred_at DESC)',
    'CREATE INDEX failures_rrn ON failures (rrn)',
    'CREATE INDEX failures_stan ON failures (stan)',
    'CREATE INDEX failures_received ON failures (synced_at, row_id)',
  ],
};

function colSql(d: Dialect, [name, type, cons]: Col): string {
  const c = (cons ?? '').replace('<false>', FALSE[d]).replace('<true>', TRUE[d]);
  return `  ${name} ${TYPES[type][d]}${c ? ` ${c}` : ''}`;
}

/** CREATE TABLE and CREATE INDEX statements of the fleet tables, in dependency order. */
export function fleetTablesSql(d: Dialect): string[] {
  const out: string[] = [];
  for (const t of FLEET_TABLES) {
    const lines = [...t.cols.map((c) => colSql(d, c)), ...(t.extra ?? []).map((e) => `  ${e}`)];
    out.push(`CREATE TABLE ${t.name} (\n${lines.join(',\n')}\n)`);
    for (const [name, cols, unique] of t.indexes) {
      out.push(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${name} ON ${t.name} (${cols})`);
    }
  }
  return out;
}

/**
 * A case for every record already stored (newest version; one per id), status from its outcome,
 * and a terminal row per (fleet, terminal) with its merchant and failure count.
 */
function backfillSql(d: Dialect): string[] {
  const now = d === 'sqlite' ? "strftime('%Y-%m-%dT%H:%M:%fZ','now')" : 'now()';
  const row = d === 'sqlite' ? 'rowid' : 'row_id';
  return [
    `INSERT INTO cases (record_id, fleet, terminal_id, merchant_id, occurred_at, status, created_at, updated_at)
  SELECT f.id, f.fleet, f.terminal_id, f.merchant_id, f.occurred_at,
         CASE WHEN f.outcome IN ('recovered','approved_late') THEN 'recovered' ELSE 'open' END, ${now}, ${now}
  FROM failures f
  WHERE f.${row} = (SELECT g.${row} FROM failures g WHERE g.id = f.id ORDER BY g.version DESC, g.${row} DESC LIMIT 1)`,
    `INSERT INTO terminals (fleet, terminal_id, merchant_id, last_seen, failures, last_failure_at)
  SELECT coalesce(f.fleet, ''), f.terminal_id, max(f.merchant_id), max(coalesce(f.synced_at, f.occurred_at)), count(*), max(f.occurred_at)
  FROM failures f GROUP BY coalesce(f.fleet, ''), f.terminal_id`,
  ];
}

/** The whole step: new tables, record indexes, backfill. */
export function fleetMigrationSql(d: Dialect): string[] {
  return [...fleetTablesSql(d), ...RECORD_INDEXES[d], ...backfillSql(d)];
}

export const FLEET_MIGRATION_DESCRIPTION =
  'fleet store: terminals, users, sessions, cases and case_events, alert_rules, alert_deliveries; search indexes on the records';

// ---- the next step: alert_deliveries becomes the one alert outbox -----------------------------

/**
 * alert_deliveries as the alerts' outbox needs it (SQLite v6, PostgreSQL v5): the digest states
 * (held, digested) and the day a held item waits for, and `reclaimed` (the latest claim took it
 * from an expired lease). The spec above stays as v5 created it; this is the table from now on.
 */
export const DELIVERIES_TABLE: TableSpec = {
  name: 'alert_deliveries',
  cols: [
    ['id', 'id'],
    ['key', 'text', 'NOT NULL UNIQUE'],
    ['rule_id', 'text'],
    ['channel', 'text', "NOT NULL CHECK (channel IN ('email','webhook'))"],
    ['target', 'text', 'NOT NULL'],
    ['payload', 'json', 'NOT NULL'],
    [
      'state',
      'text',
      "NOT NULL DEFAULT 'pending' CHECK (state IN ('held','pending','sending','delivered','failed','digested'))",
    ],
    ['attempts', 'int', 'NOT NULL DEFAULT 0'],
    ['next_at', 'ts', 'NOT NULL'],
    ['last_error', 'text'],
    ['created_at', 'ts', 'NOT NULL'],
    ['delivered_at', 'ts'],
    ['digest_day', 'text'],
    ['reclaimed', 'bool', 'NOT NULL DEFAULT <false>'],
  ],
  indexes: [
    ['alert_deliveries_due', 'state, next_at'],
    ['alert_deliveries_held', 'state, digest_day'],
  ],
};

/** The columns alert_deliveries had before this step. */
const V5_DELIVERY_COLS =
  'id, key, rule_id, channel, target, payload, state, attempts, next_at, last_error, created_at, delivered_at';

/** SQLite: epoch milliseconds (an INTEGER column) as our ISO text, exactly (no float rounding). */
const msIso = (c: string) =>
  `strftime('%Y-%m-%dT%H:%M:%S', ${c} / 1000, 'unixepoch') || '.' || printf('%03d', ${c} % 1000) || 'Z'`;

/**
 * The step's SQL. SQLite rebuilds the table (a CHECK cannot be altered there) and takes over the
 * rows of `alert_outbox`, the stand-alone SQLite outbox of the alerts that this step retires (it
 * lived in the same file when `fleet serve` ran on SQLite), then drops it. PostgreSQL alters the
 * table in place (the alerts' own outbox was never there).
 */
export function deliveriesMigrationSql(d: Dialect): string[] {
  const t = DELIVERIES_TABLE;
  if (d === 'postgres') {
    return [
      `ALTER TABLE ${t.name} DROP CONSTRAINT alert_deliveries_state_check,
  ADD CONSTRAINT alert_deliveries_state_check CHECK (state IN ('held','pending','sending','delivered','failed','digested')),
  ADD COLUMN digest_day text,
  ADD COLUMN reclaimed boolean NOT NULL DEFAULT false`,
      `CREATE INDEX alert_deliveries_held ON ${t.name} (state, digest_day)`,
    ];
  }
  const lines = t.cols.map((c) => colSql(d, c));
  return [
    `CREATE TABLE ${t.name}_v6 (\n${lines.join(',\n')}\n)`,
    `INSERT INTO ${t.name}_v6 (${V5_DELIVERY_COLS}) SELECT ${V5_DELIVERY_COLS} FROM ${t.name} ORDER BY id`,
    `DROP TABLE ${t.name}`,
    `ALTER TABLE ${t.name}_v6 RENAME TO ${t.name}`,
    ...t.indexes.map(([name, cols]) => `CREATE INDEX ${name} ON ${t.name} (${cols})`),
    // the retired outbox's table as it was made (empty when it never was), its rows kept, then gone
    `CREATE TABLE IF NOT EXISTS alert_outbox (key TEXT PRIMARY KEY, channel TEXT NOT NULL, target TEXT NOT NULL,
  rule_id TEXT NOT NULL, payload TEXT NOT NULL, digest_day TEXT, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL, last_error TEXT, created_at INTEGER NOT NULL, delivered_at INTEGER)`,
    `INSERT INTO ${t.name} (key, rule_id, channel, target, payload, state, attempts, next_at, last_error, created_at, delivered_at, digest_day)
  SELECT key, rule_id, channel, target, payload, state, attempts, ${msIso('next_at')}, last_error, ${msIso('created_at')},
    CASE WHEN delivered_at IS NULL THEN NULL ELSE ${msIso('delivered_at')} END, digest_day
  FROM alert_outbox WHERE true ORDER BY created_at, key ON CONFLICT (key) DO NOTHING`,
    'DROP TABLE alert_outbox',
  ];
}

export const DELIVERIES_MIGRATION_DESCRIPTION =
  "fleet store: alert_deliveries is the alerts' one outbox (held and digested states, digest_day, reclaimed); the alerts' alert_outbox table taken over and dropped";

// ---- the next step: a page of a merchant's cases from their index alone ------------------------

/**
 * cases_merchant_status from SQLite v7 and PostgreSQL v6 on: the record id added at its end, so a
 * merchant's search by case status reads the page's cases (instant, status, record id to join
 * on) from the index alone. SQLite also needs it to choose this index over (status, occurred_at)
 * for a page bounded on both sides in occurred_at (a window and a cursor, sql-store.ts): with no
 * statistics it guesses about one row from either, and then takes the cheaper to read, the one
 * that covers the query. The table spec above stays as v5 created it.
 */
export const CASES_MERCHANT_INDEX = {
  name: 'cases_merchant_status',
  cols: 'merchant_id, status, occurred_at, record_id',
} as const;

/** The step's SQL: the same on both backends (the index is small next to the records). */
export function casesIndexMigrationSql(): string[] {
  const { name, cols } = CASES_MERCHANT_INDEX;
  return [`DROP INDEX ${name}`, `CREATE INDEX ${name} ON cases (${cols})`];
}

export const CASES_INDEX_MIGRATION_DESCRIPTION =
  "fleet store: the cases' (merchant_id, status, occurred_at) index carries the record id (a page of a merchant's cases from the index alone)";
