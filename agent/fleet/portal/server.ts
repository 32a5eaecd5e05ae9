/**
 * The portal's web server: Fastify with its official plugins (cookies, form bodies, CSRF tokens,
 * the sign-in rate limit), the hooks every request passes (language, session, security headers),
 * the refusal pages, and the route modules. Forms only: a body of any other type is refused (415),
 * a body over fleet.serve.max_body_bytes too (413).
 *
 * Sessions live in the fleet store (server side); the cookie holds a random token whose SHA-256 is
 * the session's key. CSRF: @fastify/csrf-protection, its secret the session's csrf (rotated with
 * the session at sign-in); before sign-in, a signed HttpOnly pre-session cookie holds it. Every
 * answer carries a CSP without inline script or style, X-Frame-Options DENY, nosniff, no referrer,
 * and no-store unless it is a static asset.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import { createCatalog } from '../../guidance/catalog.js';
import { PORTAL_CSS, PORTAL_JS } from './assets.js';
import { sessionId } from './auth.js';
import {
  type Ctx,
  html,
  LANG_COOKIE,
  pageContext,
  type PortalOptions,
  PRE_COOKIE,
  refuse,
  SESSION_COOKIE,
} from './context.js';
import { messagePage } from './html.js';
import { pickLang, texts } from './i18n.js';
import { registerAlertRoutes } from './routes-alerts.js';
import { registerAuthRoutes } from './routes-auth.js';
import { registerEventRoutes } from './routes-events.js';
import { registerFailureRoutes } from './routes-failures.js';
import { registerTerminalRoutes } from './routes-terminals.js';

export type { PortalOptions } from './context.js';

export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Headers of every answer (the SSE stream writes them itself). */
export function securityHeaders(tls: boolean): Record<string, string> {
  return {
    'content-security-policy': CSP,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    ...(tls ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}

export async function buildPortal(o: PortalOptions): Promise<FastifyInstance> {
  const tls = o.tls !== undefined;
  const ctx: Ctx = {
    ...o,
    catalog: o.catalog ?? createCatalog(),
    secureCookies: o.config.secure_cookies === 'always' || (o.config.secure_cookies === 'auto' && tls),
  };
  const app = Fastify({
    ...(o.tls ? { https: { cert: o.tls.cert, key: o.tls.key } } : {}),
    bodyLimit: o.config.max_body_bytes,
    trustProxy: o.config.trust_proxy,
    // no request log: the portal logs what matters itself (sign-ins, refusals, changes, errors)
    logger: false,
    routerOptions: { maxParamLength: 200 },
  }) as unknown as FastifyInstance;

  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  app.decorateRequest('sessionRow', null);
  app.decorateRequest('tx', null as never);

  // a random key per process signs the pre-session cookie: a restart only expires sign-in forms
  await app.register(fastifyCookie, { secret: randomBytes(32).toString('hex') });
  app.removeAllContentTypeParsers();
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session', logLevel: 'debug' });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, c) => {
      const err = new Error(`rate limit: try again in ${Math.ceil(c.ttl / 1000)} s`) as Error & {
        statusCode: number;
        code: string;
      };
      err.statusCode = 429;
      err.code = 'E_RATE_LIMIT';
      return err;
    },
  });

  const headers = securityHeaders(tls);
  app.addHook('onRequest', async (req) => {
    req.tx = texts(pickLang(req.cookies[LANG_COOKIE], req.headers['accept-language'], o.config.language));
    const token = req.cookies[SESSION_COOKIE];
    if (token && token.length <= 100) {
      const s = await o.store.getSession(sessionId(token));
      if (s) {
        req.user = s.user;
        req.sessionRow = s.session;
        req.session = { _csrf: s.session.csrf };
        return;
      }
    }
    // before sign-in: the CSRF secret rides in a signed pre-session cookie
    const pre = req.cookies[PRE_COOKIE];
    const unsigned = pre ? req.unsignCookie(pre) : null;
    req.session = { ...(unsigned?.valid && unsigned.value ? { _csrf: unsigned.value } : {}) };
    (req as FastifyRequest & { preSecret?: string }).preSecret = req.session._csrf;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    // a CSRF secret made for this anonymous request goes back in the pre-session cookie
    const r = req as FastifyRequest & { preSecret?: string };
    if (!req.user && req.session?._csrf && req.session._csrf !== r.preSecret) {
      reply.setCookie(PRE_COOKIE, req.session._csrf, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.secureCookies,
        signed: true,
        maxAge: 3600,
      });
    }
    return payload;
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    const t = req.tx?.t ?? texts(o.config.language).t;
    if (!req.tx) req.tx = texts(o.config.language);
    const code = err.code ?? '';
    if (code.startsWith('FST_CSRF')) {
      o.log.warn(
        {
          event: 'portal_csrf_refused',
          user: req.user?.name ?? null,
          ip: req.ip,
          path: req.url.split('?')[0],
          code,
        },
        'form refused: missing or wrong CSRF token',
      );
      return refuse(req, reply, 403, '403', t('csrf'));
    }
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      o.log.warn(
        { event: 'portal_input_refused', reason: 'too_large', path: req.url.split('?')[0], ip: req.ip },
        'request body too large',
      );
      return refuse(req, reply, 413, '413', t('tooLarge'));
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      o.log.warn(
        { event: 'portal_input_refused', reason: 'media_type', path: req.url.split('?')[0], ip: req.ip },
        'request body of another type',
      );
      return refuse(
        req,
        reply,
        415,
        '415',
        t('badInput', { reason: 'send a form (application/x-www-form-urlencoded)' }),
      );
    }
    if (err.statusCode === 429) return refuse(req, reply, 429, '429', t('tooMany'));
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      o.log.warn(
        {
          event: 'portal_input_refused',
          reason: code || 'bad_request',
          path: req.url.split('?')[0],
          ip: req.ip,
        },
        'request refused',
      );
      return refuse(
        req,
        reply,
        err.statusCode,
        String(err.statusCode),
        t('badInput', { reason: err.message }),
      );
    }
    o.log.error({ event: 'portal_error', err, path: req.url.split('?')[0] }, 'portal request failed');
    return html(reply, 500, messagePage(pageContext(req, reply), '500', 'Internal error; it is logged.'));
  });
  app.setNotFoundHandler((req, reply) => refuse(req, reply, 404, '404', req.tx.t('notFound')));

  /** The routes that need a signed-in user: the rest are redirected to the sign-in page. */
  const auth = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.user) return;
    if (req.method === 'GET' || req.method === 'HEAD') {
      const next = req.url.length <= 1000 ? req.url : '/failures';
      return reply.redirect(`/signin?next=${encodeURIComponent(next)}`, 303);
    }
    return refuse(req, reply, 401, '401', req.tx.t('signIn'));
  };
  const csrf = app.csrfProtection;

  const asset = (type: string, body: string) => async (_req: FastifyRequest, reply: FastifyReply) =>
    reply.type(type).header('cache-control', 'public, max-age=3600').send(body);
  app.get('/assets/portal.css', asset('text/css; charset=utf-8', PORTAL_CSS));
  app.get('/assets/portal.js', asset('text/javascript; charset=utf-8', PORTAL_JS));
  app.get('/healthz', async (_req, reply) => reply.type('text/plain').send('ok\n'));
  app.get('/', async (_req, reply) => reply.redirect('/failures', 303));

  registerAuthRoutes(app, ctx, { auth, csrf });
  registerFailureRoutes(app, ctx, { auth, csrf });
  registerTerminalRoutes(app, ctx, { auth, csrf });
  registerAlertRoutes(app, ctx, { auth, csrf });
  registerEventRoutes(app, ctx, { auth, csrf, headers });
  return app;
}

export interface Guards {
  auth: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  csrf: FastifyInstance['csrfProtection'];
}
