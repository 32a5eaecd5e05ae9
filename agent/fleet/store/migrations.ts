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
