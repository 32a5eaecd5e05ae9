/**
 * Structured logging with pino: one JSON event per line (pretty on a TTY when asked), card data
 * redacted twice over: known card fields are censored by path, and every message string passes
 * through scrubPans so a PAN that slipped into free text is masked before it is written.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { scrubPans } from '../protocol/card/pan.js';

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
}

export function createLogger(opts: LogOptions = {}): Logger {
  const options = {
    name: opts.name ?? 'pos-agent',
    level: opts.level ?? process.env.POS_AGENT_LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // ISO time, not epoch milliseconds: readable, and a 13-digit number can pass a Luhn check
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        for (let i = 0; i < args.length; i++) {
          const a = args[i];
          if (typeof a === 'string') args[i] = scrubPans(a);
          else if (a instanceof Error) args[i] = { code: (a as { code?: string }).code, err: scrubError(a) };
        }
        method.apply(this, args);
      },
    },
    // broker addresses may carry user:password@: log them without the password
    serializers: { err: scrubError, url: redactUrl, broker: redactUrl },
  };
  if (opts.destination) return pino(options, opts.destination);
  const pretty = opts.pretty ?? process.stdout.isTTY === true;
  if (pretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: {
          colorize: true,
          translateTime: 'SYS:HH:MM:ss.l',
          singleLine: true,
          ignore: 'pid,hostname',
          destination: 2,
        },
      },
    });
  }
  return pino(options, pino.destination(2));
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
  // no '@' after it: host:port, or user:password with the host left out (a port is digits)
  if (slashes >= 0 && at < 0 && !/^\d*(?:[/?#]|$)/.test(s.slice(colon + 1)))
    return `${s.slice(0, colon + 1)}***`;
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
