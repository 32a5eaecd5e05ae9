/**
 * The terminals list and one terminal's page, under the user's Scope. The state (online, offline,
 * silent) is derived by the store at read time with fleet.serve.silent_after_s, as `fleet watch`
 * derives it; the chart counts the last 24 hours' failures by reason. A terminal outside a
 * merchant's scope reads as absent (404), and the attempt is logged (`portal_scope_refused`).
 */
import type { FastifyInstance } from 'fastify';
import { FleetStoreError, OPERATOR } from '../store/types.js';
import { type Ctx, html, pageContext, refuse, scopeFor, userOf } from './context.js';
import type { Guards } from './server.js';
import { terminalPage, terminalsPage } from './view-terminals.js';

const NAME = /^[^/#+\s]{1,64}$/;

export function registerTerminalRoutes(app: FastifyInstance, ctx: Ctx, g: Guards): void {
  const { store, config } = ctx;
  const silentAfterMs = config.silent_after_s * 1000;

  app.get('/terminals', { preHandler: g.auth }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const after = typeof q.after === 'string' && q.after !== '' ? q.after : undefined;
    if (after !== undefined && !/^[A-Za-z0-9_-]{1,400}$/.test(after))
      return refuse(
        req,
        reply,
        400,
        '400',
        req.tx.t('badInput', { reason: 'after: a page cursor from a "next" link' }),
      );
    const scope = scopeFor(req);
    const now = Date.now();
    try {
      const result = await store.listTerminals(scope, {
        silentAfterMs,
        limit: 100,
        ...(after ? { after } : {}),
      });
      const byCategory = await store.countFailures(scope, {
        by: 'category',
        from: new Date(now - 86_400_000).toISOString(),
        to: new Date(now + 60_000).toISOString(),
      });
      return html(reply, 200, terminalsPage(pageContext(req, reply), result, byCategory, after));
    } catch (e) {
      if (e instanceof FleetStoreError && e.code === 'E_CURSOR')
        return refuse(req, reply, 400, '400', req.tx.t('badInput', { reason: e.message }));
      throw e;
    }
  });

  app.get('/terminals/:fleet/:terminal', { preHandler: g.auth }, async (req, reply) => {
    const { fleet, terminal } = req.params as { fleet: string; terminal: string };
    if (!NAME.test(fleet) || !NAME.test(terminal))
      return refuse(
        req,
        reply,
        400,
        '400',
        req.tx.t('badInput', { reason: 'fleet/terminal: names without / # + or spaces' }),
      );
    const row = await store.getTerminal(scopeFor(req), fleet, terminal, { silentAfterMs });
    if (!row) {
      const me = userOf(req);
      if (me.role === 'merchant') {
        // absent to the merchant either way; the log says whether it exists (for the operator)
        const exists = (await store.getTerminal(OPERATOR, fleet, terminal, { silentAfterMs })) !== null;
        ctx.log.warn(
          {
            event: 'portal_scope_refused',
            user: me.name,
            merchant_ids: me.merchant_ids,
            fleet,
            terminal,
            exists,
            ip: req.ip,
          },
          'a merchant asked for a terminal outside its merchant ids',
        );
      }
      return refuse(req, reply, 404, '404', req.tx.t('notFound'));
    }
    return html(reply, 200, terminalPage(pageContext(req, reply), row));
  });
}
