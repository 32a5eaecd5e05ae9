/**
 * Who is signing in: argon2id password hashes (@node-rs/argon2, the OWASP minimum parameters:
 * 19 MiB, 2 passes, 1 lane), session tokens and the per-user sign-in limit. The session cookie holds
 * a random 256-bit token; the store keeps only its SHA-256 (a leaked sessions table opens no
 * session) with the session's CSRF secret and expiry. A name nobody has costs the same hash check
 * as a wrong password, so the answer's time does not tell which names exist.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify, Algorithm } from '@node-rs/argon2';

const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Longest password accepted (argon2 hashes anything; this bounds the work a request can ask). */
export const PASSWORD_MAX = 1024;
export const PASSWORD_MIN = 8;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

let dummy: Promise<string> | undefined;

/** True when `password` matches `phc`; with phc null (no such user) checks a dummy hash and says no. */
export async function checkPassword(phc: string | null, password: string): Promise<boolean> {
  if (password.length > PASSWORD_MAX) return false;
  if (phc === null) {
    await verify(await (dummy ??= hashPassword(randomBytes(16).toString('hex'))), password).catch(
      () => false,
    );
    return false;
  }
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

/** A new session: the cookie's token, the store's id (its SHA-256) and the CSRF secret. */
export function newSessionToken(): { token: string; id: string; csrf: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, id: sessionId(token), csrf: randomBytes(18).toString('base64url') };
}

/** The store's key of a cookie token. */
export function sessionId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Sign-in attempts per user name in a sliding window (the per-IP limit is @fastify/rate-limit's).
 * Bounded: at most `maxKeys` names are tracked, the oldest forgotten first.
 */
export class AttemptLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts an attempt for `key` at `now`; false when it is over the limit (not counted then). */
  allow(key: string, now = Date.now()): boolean {
    const list = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length >= this.max) {
      this.hits.set(key, list);
      return false;
    }
    list.push(now);
    this.hits.delete(key);
    this.hits.set(key, list);
    if (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value as string);
    return true;
  }

  /** A good sign-in clears the name's count. */
  reset(key: string): void {
    this.hits.delete(key);
  }
}
