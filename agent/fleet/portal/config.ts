/**
 * The config file of `pos-agent fleet serve`: one object `fleet` with `serve` (where the portal
 * listens, the store, the broker, sessions and sign-in limits) and `alerts` (the alerts module's
 * own section, checked by parseAlertsConfig). Checked once at start; a bad value stops it with a
 * ConfigError that names the key (`config fleet.serve.session_ttl_min = 0: ...`), exit 2.
 * Command-line flags (--db, --pg, --broker, --listen, --group) override the file's keys.
 * docs/fleet-server.md §Config keys lists every key; this schema is the truth behind it.
 */
import type * as Zod from 'zod';
import { lazy, zod } from '../../../protocol/zod.js';
import { ConfigError } from '../../config/load.js';
import { FileProblem, readDataFile } from '../../config/data-file.js';
import { LANGS, type Lang } from '../../guidance/langs.js';
import { type AlertsConfig, parseAlertsConfig, toConfigError } from '../alerts/rules.js';
import { isPgUrl } from '../pg-url.js';

export interface ServeConfig {
  /** HOST:PORT the portal listens on. */
  listen: { host: string; port: number };
  /** SQLite file of the fleet store (used when `pg` is not given). */
  db: string;
  /** PostgreSQL URL of the fleet store. */
  pg?: string | undefined;
  pg_pool: number;
  /** MQTT broker of the collector; none: the portal shows what the store has and collects nothing. */
  broker?: string | undefined;
  /** The fleet to collect (`+`: all). */
  fleet: string;
  /** MQTT 5 shared subscription group of the collectors. */
  group: string;
  /** TLS files of the portal itself (PEM); without them it speaks HTTP (put a TLS proxy in front). */
  tls?: { cert: string; key: string } | undefined;
  /** Cookies marked Secure: auto (when the portal has TLS), or always / never (behind a TLS proxy: always). */
  secure_cookies: 'auto' | 'always' | 'never';
  /** Trust X-Forwarded-For from a proxy in front (the client IP of the sign-in rate limit). */
  trust_proxy: boolean;
  /** How long a session lives after sign-in (minutes). */
  session_ttl_min: number;
  /** Sign-in attempts allowed per client IP per minute, and per user name per 15 minutes. */
  sign_in: { per_ip_per_min: number; per_user_per_15min: number };
  /** Largest request body (bytes); a bigger one is refused with 413. */
  max_body_bytes: number;
  /** A terminal that said online and sent nothing for this long shows silent (seconds). */
  silent_after_s: number;
  /** How often live updates look for new failures and terminal changes (ms). */
  live_poll_ms: number;
  /** The portal's language when neither the user's choice nor Accept-Language names one. */
  language: Lang;
  /** Run the alerts here (one `fleet serve` of several should, see docs). */
  alerts: boolean;
}

export interface FleetServeConfig {
  serve: ServeConfig;
  /** Present when the file has `fleet.alerts`. */
  alerts?: AlertsConfig | undefined;
}

export const DEFAULT_LISTEN = '127.0.0.1:8080';

/** "HOST:PORT" or "[v6]:PORT" → parts; null when it is neither. */
export function parseListen(v: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(v);
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 0 || port > 65535) return null;
  return { host: (m[1] ?? m[2])!, port };
}

function makeSchema() {
  const z = zod();
  const int = (min: number, max: number) => z.number().int('a whole number').min(min).max(max);
  return z.strictObject({
    listen: z
      .string()
      .refine((v) => parseListen(v) !== null, 'HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080')
      .default(DEFAULT_LISTEN),
    db: z.string().min(1).default('pos-fleet.db'),
    pg: z.string().refine(isPgUrl, 'a postgres:// URL').optional(),
    pg_pool: int(1, 100).default(8),
    broker: z
      .string()
      .refine(
        (u) => /^(mqtts?|tcp|tls|wss?):\/\//.test(u) && URL.canParse(u),
        'an mqtt://, mqtts://, ws:// or wss:// URL',
      )
      .optional(),
    fleet: z
      .string()
      .regex(/^(\+|[^/#+\s]{1,64})$/, 'a fleet name (no / # + or spaces) or +')
      .default('+'),
    group: z
      .string()
      .regex(/^[^/#+\s]{1,64}$/, 'a share group name (no / # + or spaces)')
      .default('pos-fleet'),
    tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
    secure_cookies: z.enum(['auto', 'always', 'never']).default('auto'),
    trust_proxy: z.boolean().default(false),
    session_ttl_min: int(1, 30 * 24 * 60).default(8 * 60),
    sign_in: z
      .strictObject({
        per_ip_per_min: int(1, 10_000).default(10),
        per_user_per_15min: int(1, 10_000).default(5),
      })
      .prefault({}),
    max_body_bytes: int(1024, 10 * 1024 * 1024).default(64 * 1024),
    silent_after_s: int(10, 7 * 86_400).default(180),
    live_poll_ms: int(100, 60_000).default(1000),
    language: z.enum(LANGS).default('en'),
    alerts: z.boolean().default(true),
  });
}

const schema = lazy(makeSchema);

interface ServeInput {
  [k: string]: unknown;
}

/** Checks a parsed config tree (the file's content); flags override its serve keys first. */
export function parseServeConfig(tree: unknown, flags: ServeInput = {}): FleetServeConfig {
  if (tree !== undefined && tree !== null && (typeof tree !== 'object' || Array.isArray(tree)))
    throw new ConfigError('(root)', undefined, 'the config file must hold an object with a `fleet` section');
  const root = (tree ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(root))
    if (k !== 'fleet')
      throw new ConfigError(k, undefined, 'unknown key (fleet serve reads `fleet` only)', { show: false });
  const fleet = (root.fleet ?? {}) as Record<string, unknown>;
  if (typeof fleet !== 'object' || Array.isArray(fleet))
    throw new ConfigError('fleet', undefined, 'an object with `serve` and `alerts`');
  for (const k of Object.keys(fleet))
    if (k !== 'serve' && k !== 'alerts')
      throw new ConfigError(`fleet.${k}`, undefined, 'unknown key (serve or alerts)', { show: false });
  const given = { ...((fleet.serve ?? {}) as Record<string, unknown>) };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) given[k] = v;
  // --pg on the command line wins over a db in the file and the other way round
  if (flags.db !== undefined) delete given.pg;
  const r = (schema() as Zod.ZodType).safeParse(given);
  if (!r.success) throw toConfigError('fleet.serve', given, r.error.issues);
  const data = r.data as Omit<ServeConfig, 'listen'> & { listen: string };
  const serve: ServeConfig = { ...data, listen: parseListen(data.listen)! };
  const alerts = fleet.alerts === undefined ? undefined : parseAlertsConfig(fleet.alerts);
  return { serve, alerts };
}

/** Reads and checks the file (JSON by extension, else YAML); a FileProblem becomes a ConfigError. */
export function loadServeConfig(file: string | undefined, flags: ServeInput = {}): FleetServeConfig {
  let tree: unknown = {};
  if (file !== undefined) {
    try {
      tree = readDataFile(file);
    } catch (e) {
      if (e instanceof FileProblem) throw new ConfigError('--config', file, e.reason);
      throw e;
    }
  }
  return parseServeConfig(tree, flags);
}
