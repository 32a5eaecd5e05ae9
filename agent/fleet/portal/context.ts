/**
 * What the portal's route modules share: the options the server was built with, the request's
 * user, session and language (set by the hooks in server.ts), and small helpers for forms,
 * redirects and refusals. Types and helpers only; the hooks and routes live in their modules.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AlertsConfig } from '../alerts/rules.js';
import type { Catalog } from '../../guidance/catalog.js';
import { type FleetStore, type Scope, scopeOf, type Session, type User } from '../store/types.js';
import type { ServeConfig } from './config.js';
import { messagePage, type PageContext } from './html.js';
import type { Texts } from './i18n.js';
import type { LiveHub } from './live.js';

export interface PortalOptions {
  store: FleetStore;
  config: ServeConfig;
  log: Logger;
  live: LiveHub;
  /** The alerts section, when alerts run (rule edits are checked against its SMTP settings). */
  alerts?: AlertsConfig | undefined;
  /** Called after a rule was added, changed or deleted in the portal. */
  onRulesChanged?: (() => Promise<void>) | undefined;
  /** PEM contents of the portal's TLS certificate and key (HTTPS). */
  tls?: { cert: string | Buffer; key: string | Buffer } | undefined;
  /** The guidance catalog (default: the built-in texts). */
  catalog?: Catalog;
}

export interface Ctx extends PortalOptions {
  catalog: Catalog;
  secureCookies: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
    /** The CSRF secret holder @fastify/csrf-protection reads (`session._csrf`). */
    session: { _csrf?: string } | null;
    sessionRow: Session | null;
    tx: Texts;
  }
}

export const SESSION_COOKIE = 'pos_session';
export const PRE_COOKIE = 'pos_pre';
export const LANG_COOKIE = 'pos_lang';

/** The signed-in user (routes behind the auth hook only). */
export function userOf(req: FastifyRequest): User {
  if (!req.user) throw new Error('route without the auth hook');
  return req.user;
}

export function scopeFor(req: FastifyRequest): Scope {
  return scopeOf(userOf(req));
}

export function pageContext(req: FastifyRequest, reply: FastifyReply, path?: string): PageContext {
  return {
    tx: req.tx,
    user: req.user,
    csrf: req.session ? reply.generateCsrf() : '',
    path: path ?? req.url.split('?')[0]!,
  };
}

/** A form field's value: the first string given, trimmed of nothing; undefined when absent. */
export function field(body: unknown, key: string): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>)[key];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : undefined;
}

/** A local path to go back to after a form (never another site: no scheme, no //). */
export function safeNext(v: string | undefined, fallback = '/failures'): string {
  if (!v || v.length > 1000 || !/^\/(?![/\\])[\x21-\x7e]*$/.test(v)) return fallback;
  return v;
}

/** An HTML page answer. */
export function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

/** A refusal page with its status (400, 403, 404, 409, 413, 415, 429). */
export function refuse(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
) {
  return html(reply, status, messagePage(pageContext(req, reply), title, message));
}
