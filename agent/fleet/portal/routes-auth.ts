/**
 * Sign-in, sign-out and the language choice. Sign-in is rate-limited per client IP
 * (@fastify/rate-limit, fleet.serve.sign_in.per_ip_per_min) and per user name (AttemptLimiter,
 * per_user_per_15min), and every attempt writes one audit line (`portal_sign_in`, ok or the
 * reason: unknown_user, bad_password, rate_limited_ip, rate_limited_user; a good one
 * `portal_signed_in`); the answer to a wrong
 * name and a wrong password is the same. A good sign-in ends the old session and starts a new one
 * (new token, new CSRF secret): a session id planted before sign-in is worth nothing after it.
 */
import type { FastifyInstance } from 'fastify';
import { AttemptLimiter, checkPassword, newSessionToken, PASSWORD_MAX } from './auth.js';
import {
  type Ctx,
  field,
  html,
  LANG_COOKIE,
  pageContext,
  PRE_COOKIE,
  safeNext,
  SESSION_COOKIE,
} from './context.js';
import { LANGS } from '../../guidance/langs.js';
import type { Guards } from './server.js';
import { signInPage } from './view-signin.js';

export function registerAuthRoutes(app: FastifyInstance, ctx: Ctx, g: Guards): void {
  const { store, log, config } = ctx;
  const perUser = new AttemptLimiter(config.sign_in.per_user_per_15min, 15 * 60_000);
  // a sign-in has its own event, apart from the refusals: the log's per-event rate limit would
  // otherwise fold it into a flood of refused attempts (log_suppressed), unseen
  const audit = (ok: boolean, name: string, ip: string, reason?: string) =>
    log[ok ? 'info' : 'warn'](
      {
        event: ok ? 'portal_signed_in' : 'portal_sign_in',
        ok,
        user: name.slice(0, 64),
        ip,
        ...(reason ? { reason } : {}),
      },
      ok ? 'signed in' : 'sign-in refused',
    );

  app.get('/signin', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const next = typeof q.next === 'string' ? safeNext(q.next) : undefined;
    if (req.user) return reply.redirect(next ?? '/failures', 303);
    return html(reply, 200, signInPage(pageContext(req, reply, '/signin'), next ? { next } : {}));
  });

  app.post(
    '/signin',
    {
      preHandler: g.csrf,
      config: {
        rateLimit: {
          max: config.sign_in.per_ip_per_min,
          timeWindow: 60_000,
          onExceeded: (req: { ip: string; body?: unknown }) =>
            audit(false, field(req.body, 'name') ?? '', req.ip, 'rate_limited_ip'),
        },
      },
    },
    async (req, reply) => {
      const name = (field(req.body, 'name') ?? '').trim();
      const password = field(req.body, 'password') ?? '';
      const next = safeNext(field(req.body, 'next'));
      const again = (status: number, error: string) =>
        html(reply, status, signInPage(pageContext(req, reply, '/signin'), { name, error, next }));
      if (name === '' || name.length > 64 || password === '' || password.length > PASSWORD_MAX) {
        audit(false, name, req.ip, 'malformed');
        return again(400, req.tx.t('badSignIn'));
      }
      if (!perUser.allow(name)) {
        audit(false, name, req.ip, 'rate_limited_user');
        return again(429, req.tx.t('tooMany'));
      }
      const user = await store.userForSignIn(name);
      const ok = await checkPassword(user && !user.disabled ? user.password_hash : null, password);
      if (!user || user.disabled || !ok) {
        audit(false, name, req.ip, !user ? 'unknown_user' : user.disabled ? 'disabled' : 'bad_password');
        return again(401, req.tx.t('badSignIn'));
      }
      perUser.reset(name);
      if (req.sessionRow) await store.deleteSession(req.sessionRow.id);
      const s = newSessionToken();
      const now = Date.now();
      const ttlMs = config.session_ttl_min * 60_000;
      await store.createSession({
        id: s.id,
        user_id: user.id,
        csrf: s.csrf,
        created_at: new Date(now).toISOString(),
        expires_at: new Date(now + ttlMs).toISOString(),
      });
      audit(true, name, req.ip);
      reply.setCookie(SESSION_COOKIE, s.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.secureCookies,
        maxAge: Math.floor(ttlMs / 1000),
      });
      reply.clearCookie(PRE_COOKIE, { path: '/' });
      // the anonymous secret is not carried over (onSend would write it back)
      req.session = null;
      return reply.redirect(next, 303);
    },
  );

  app.post('/signout', { preHandler: [g.auth, g.csrf] }, async (req, reply) => {
    if (req.sessionRow) await store.deleteSession(req.sessionRow.id);
    log.info({ event: 'portal_sign_out', user: req.user?.name ?? null, ip: req.ip }, 'signed out');
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    req.session = null;
    return reply.redirect('/signin', 303);
  });

  // before sign-in too: the sign-in page has the language form (its token is the pre-session's)
  app.post('/language', { preHandler: g.csrf }, async (req, reply) => {
    const lang = field(req.body, 'lang');
    if (lang && (LANGS as readonly string[]).includes(lang))
      reply.setCookie(LANG_COOKIE, lang, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.secureCookies,
        maxAge: 365 * 86_400,
      });
    return reply.redirect(safeNext(field(req.body, 'next')), 303);
  });
}
