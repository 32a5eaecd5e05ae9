/**
 * Structured logging with pino: one JSON event per line (pretty on a TTY when asked), card data
 * redacted twice over: known card fields are censored by path, and every string of a line (the
 * message, format arguments, every field of the merged object however deep, child bindings)
 * passes through scrubPans, so a PAN that slipped into free text is masked before it is written.
 *
 * A flood of one event cannot flood the log: each `event` gets LOG_RATE_PER_EVENT lines a second,
 * the rest are counted by reason and reported in one `log_suppressed` line a second. The stderr
 * destination buffers at most LOG_BUFFER_MAX_BYTES while the reader is slow; lines beyond that
 * are dropped and counted (one `log_dropped` line once it drains).
 */
import { createRequire } from 'node:module';
import { pino, type Logger, type DestinationStream } from 'pino';
import { luhnValid, maskPan, scrubPans } from '../protocol/card/pan.js';

const requireLazy = createRequire(import.meta.url);

export type { Logger } from 'pino';

const REDACT_PATHS = [
  'pan',
  'track1',
  'track2',
  'cvv',
  'pinBlock',
  '*.pan',
  '*.track1',
  '*.track2',
  '*.cvv',
  '*.pinBlock',
  'password',
  '*.password',
  'key',
  '*.key',
  'hmacKey',
  '*.hmacKey',
];

export interface LogOptions {
  level?: string;
  /** Pretty-print (pino-pretty) instead of JSON; default: when stdout is a TTY. */
  pretty?: boolean;
  /** Write to this stream instead of stdout (tests use it to scan log output). */
  destination?: DestinationStream;
  name?: string;
  /** Lines per second for each `event` before the rest are summarized (default LOG_RATE_PER_EVENT); false: no limit. */
  rateLimit?: number | false;
}

/** Lines a second one `event` may write; the rest of that second go into one summary line. */
export const LOG_RATE_PER_EVENT = 5;
/** Most bytes the stderr destination holds while its reader is slow; beyond it lines are dropped and counted. */
export const LOG_BUFFER_MAX_BYTES = 4 * 1024 * 1024;
/** Events tracked at once by the rate limit; more distinct events in one second share one budget. */
const MAX_TRACKED_EVENTS = 256;
/** Distinct reasons counted per summary; the rest are counted under '(other)'. */
const MAX_REASONS = 32;
const SCRUB_DEPTH = 8;
const SUMMARY_EVENTS = new Set(['log_suppressed', 'log_dropped']);

export function createLogger(opts: LogOptions = {}): Logger {
  const rate = opts.rateLimit === undefined ? LOG_RATE_PER_EVENT : opts.rateLimit;
  const limiter = rate === false ? null : new EventLimiter(Math.max(1, rate));
  const options = {
    name: opts.name ?? 'pos-agent',
    level: opts.level ?? process.env.POS_AGENT_LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // ISO time, not epoch milliseconds: readable, and a 13-digit number can pass a Luhn check
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void, level: number) {
        // the rate limit first: a suppressed line costs a count, not a scrub (its reason key has
        // every digit run folded to N, so no card number reaches the summary either)
        const first = args[0] as { event?: unknown } | undefined;
        if (
          limiter !== null &&
          typeof first === 'object' &&
          first !== null &&
          typeof first.event === 'string'
        ) {
          if (!SUMMARY_EVENTS.has(first.event) && !limiter.admit(first.event, first, level)) return;
        }
        for (let i = 0; i < args.length; i++) {
          const a = args[i];
          if (typeof a === 'string') args[i] = scrubPans(a);
          else if (a instanceof Error) args[i] = { code: (a as { code?: string }).code, err: scrubError(a) };
          else if (typeof a === 'object' && a !== null) args[i] = scrubValue(a, 0, new WeakSet());
          else if (typeof a === 'number' || typeof a === 'bigint') args[i] = scrubValue(a, 0, null);
        }
        method.apply(this, args);
      },
    },
    // broker addresses may carry user:password@: log them without the password
    serializers: { err: scrubError, url: redactUrl, broker: redactUrl },
  };
  const pretty = opts.pretty ?? process.stdout.isTTY === true;
  let logger: Logger;
  if (opts.destination) logger = pino(options, opts.destination);
  else if (pretty) logger = pino(options, prettyStream());
  else {
    // asynchronous, so a slow reader does not stall the agent; capped, so it cannot grow without bound
    const dest = pino.destination({ dest: 2, sync: false, maxLength: LOG_BUFFER_MAX_BYTES });
    dest.on('drop', () => limiter?.dropped());
    logger = pino(options, dest);
  }
  limiter?.attach(logger);
  // child bindings (logger.child({...})) do not pass through logMethod: scrub them on the way in.
  // Children are made with Object.create(parent), so they inherit this child() too.
  const baseChild = logger.child;
  logger.child = function (this: Logger, bindings: Record<string, unknown>, o?: object) {
    return baseChild.call(this, scrubValue(bindings, 0, new WeakSet()) as Record<string, unknown>, o);
  } as Logger['child'];
  return logger;
}

/**
 * For a person at a terminal: pino-pretty as a stream in this thread, loaded only then. (As a pino
 * transport it would start a worker thread, and pino's worker file cannot be found from inside
 * the bundle.)
 */
function prettyStream(): DestinationStream {
  const pretty = requireLazy('pino-pretty') as (o: Record<string, unknown>) => DestinationStream;
  return pretty({
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true,
    ignore: 'pid,hostname',
    destination: 2,
  });
}

interface EventWindow {
  start: number;
  logged: number;
  suppressed: number;
  level: number;
  reasons: Map<string, number>;
}

/**
 * Per-event rate limit: `perSecond` lines of each event in a one-second window, the rest counted
 * by reason (the line's `code` and `reason`, digit runs folded to N) and reported in one
 * `log_suppressed` line when the window ends. Memory is bounded: windows end after a second and
 * at most MAX_TRACKED_EVENTS are open at once.
 */
class EventLimiter {
  private readonly windows = new Map<string, EventWindow>();
  private timer: NodeJS.Timeout | null = null;
  private droppedLines = 0;
  private logger: Logger | null = null;

  constructor(private readonly perSecond: number) {}

  attach(logger: Logger): void {
    this.logger = logger;
  }

  /** True when the line may be written; false when it was counted into the summary instead. */
  admit(event: string, fields: Record<string, unknown>, level: number): boolean {
    const now = Date.now();
    let key = event;
    let w = this.windows.get(key);
    if (w === undefined && this.windows.size >= MAX_TRACKED_EVENTS) {
      key = '(other)';
      w = this.windows.get(key);
    }
    if (w === undefined) {
      w = { start: now, logged: 0, suppressed: 0, level: 0, reasons: new Map() };
      this.windows.set(key, w);
      this.arm();
    } else if (now - w.start >= 1000) {
      this.report(key, w);
      w.start = now;
    }
    if (w.logged < this.perSecond) {
      w.logged++;
      return true;
    }
    w.suppressed++;
    if (level > w.level) w.level = level;
    let reason = reasonOf(fields);
    if (!w.reasons.has(reason) && w.reasons.size >= MAX_REASONS) reason = '(other)';
    w.reasons.set(reason, (w.reasons.get(reason) ?? 0) + 1);
    return false;
  }

  /** The destination dropped a line (its buffer was full). */
  dropped(): void {
    this.droppedLines++;
    this.arm();
  }

  private arm(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  private tick(): void {
    const now = Date.now();
    for (const [key, w] of this.windows) {
      if (now - w.start < 1000) continue;
      this.report(key, w);
      this.windows.delete(key);
    }
    if (this.droppedLines > 0 && this.logger !== null) {
      const lines = this.droppedLines;
      this.droppedLines = 0;
      this.logger.warn(
        { event: 'log_dropped', lines, max_buffer_bytes: LOG_BUFFER_MAX_BYTES },
        `${lines} log lines dropped: the log reader is too slow`,
      );
    }
    if (this.windows.size === 0 && this.droppedLines === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private report(key: string, w: EventWindow): void {
    if (w.suppressed > 0 && this.logger !== null) {
      const label = this.logger.levels.labels[w.level] ?? 'warn';
      const write = (this.logger as unknown as Record<string, (o: object, m: string) => void>)[label];
      write?.call(
        this.logger,
        {
          event: 'log_suppressed',
          suppressed_event: key,
          count: w.suppressed,
          by_reason: Object.fromEntries(w.reasons),
          window_ms: 1000,
        },
        `${w.suppressed} more ${key} lines in the last second`,
      );
    }
    w.logged = 0;
    w.suppressed = 0;
    w.level = 0;
    w.reasons.clear();
  }
}

/** The reason a suppressed line is counted under: its code and reason, digit runs folded to N. */
function reasonOf(o: Record<string, unknown>): string {
  const code = typeof o.code === 'string' ? o.code : '';
  const reason = typeof o.reason === 'string' ? o.reason : '';
  const key = code && reason ? `${code}: ${reason}` : code || reason || 'other';
  return key.replace(/\d+/g, 'N').slice(0, 80);
}

/**
 * A copy of `v` with every string scrubbed of PANs (object keys too), PAN-shaped integers masked,
 * errors reduced to type/code/message/stack (scrubbed) and byte buffers replaced by their length.
 * Values that need no change are returned as they are; the caller's objects are never modified.
 */
function scrubValue(v: unknown, depth: number, seen: WeakSet<object> | null): unknown {
  switch (typeof v) {
    case 'string':
      return scrubPans(v);
    case 'number':
      return Number.isSafeInteger(v) && Math.abs(v) >= 1e12 ? maskDigits(String(Math.abs(v)), v) : v;
    case 'bigint':
      return maskDigits((v < 0n ? -v : v).toString(), v);
    case 'object':
      break;
    default:
      return v;
  }
  if (v === null) return v;
  if (v instanceof Error) return scrubError(v);
  if (ArrayBuffer.isView(v)) return `[${v.byteLength} bytes]`;
  if (seen === null) seen = new WeakSet();
  if (seen.has(v)) return '[circular]';
  if (depth >= SCRUB_DEPTH) return '[too deep]';
  seen.add(v);
  try {
    if (Array.isArray(v)) {
      let out: unknown[] | null = null;
      for (let i = 0; i < v.length; i++) {
        const x = scrubValue(v[i], depth + 1, seen);
        if (x !== v[i]) (out ??= v.slice())[i] = x;
      }
      return out ?? v;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (proto !== Object.prototype && proto !== null && typeof toJSON === 'function')
      return scrubValue((toJSON as () => unknown).call(v), depth + 1, seen);
    let out: Record<string, unknown> | null = null;
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const x = scrubValue(o[k], depth + 1, seen);
      const k2 = scrubPans(k);
      if (x !== o[k] || k2 !== k) {
        out ??= { ...o };
        if (k2 !== k) delete out[k];
        out[k2] = x;
      }
    }
    return out ?? v;
  } finally {
    seen.delete(v);
  }
}

/** A 13-19 digit Luhn-valid number becomes its masked text; anything else stays as it was. */
function maskDigits(digits: string, original: number | bigint): unknown {
  return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? maskPan(digits) : original;
}

/**
 * A URL with its password (if any) replaced by ***, and query parameters that name a password,
 * secret, token or key likewise; anything that is not a URL is returned as is. A URL that does not
 * parse (`mqtt://user:pw@` with no host, a bad port) still loses its password: everything from
 * the ':' after the user name up to the last '@'.
 */
export function redactUrl(value: unknown): unknown {
  if (typeof value !== 'string' || !value.includes(':')) return value;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return maskLooseUrl(value);
  }
  // an opaque URL ('user:pw@host' reads as scheme 'user:') has no password field to clear
  if (!u.host && value.includes('@')) return maskLooseUrl(value);
  let changed = false;
  if (u.password) {
    u.password = '***';
    changed = true;
  }
  for (const k of [...u.searchParams.keys()]) {
    if (/pass|secret|token|key/i.test(k)) {
      u.searchParams.set(k, '***');
      changed = true;
    }
  }
  return changed ? u.toString() : value;
}

function maskLooseUrl(s: string): string {
  const slashes = s.indexOf('//');
  const start = slashes >= 0 ? slashes + 2 : 0;
  const at = s.lastIndexOf('@');
  const colon = s.indexOf(':', start);
  if (colon < 0) return s;
  if (at > colon) return `${s.slice(0, colon + 1)}***${s.slice(at)}`;
  // no '@' after it: host:port, or user:password with the host left out, or a password typed after
  // the '@' (`mqtt://u@:pw`): a port is digits, anything else after that colon is masked
  if (slashes >= 0 && !/^\d*(?:[/?#]|$)/.test(s.slice(colon + 1))) return `${s.slice(0, colon + 1)}***`;
  return s;
}

function scrubError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  return {
    type: err.name,
    code: (err as { code?: string }).code,
    message: scrubPans(err.message),
    stack: err.stack ? scrubPans(err.stack) : undefined,
  };
}

/** A logger that drops everything (unit tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
