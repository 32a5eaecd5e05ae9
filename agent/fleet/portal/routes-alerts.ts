/**
 * The alert rules, for operators (a merchant is refused with 403 and logged): the list, a new
 * rule, a rule's edit and delete. A rule is its JSON form, checked by the alerts module's schema
 * (parseAlertRule: the error names the key, `rule.params.window_min: ...`), then against the other
 * rules and the config (a webhook URL has one secret; e-mail needs fleet.alerts.smtp). Stored with
 * source 'portal'; the running alerts get the new rule set at once (onRulesChanged).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConfigError } from '../../config/load.js';
import { type AlertRule, alertRuleJsonSchema, parseAlertRule } from '../alerts/rules.js';
import { OPERATOR } from '../store/types.js';
import { type Ctx, field, html, pageContext, refuse, userOf } from './context.js';
import type { Guards } from './server.js';
import { maskedSpec, ruleEditPage, rulesPage, SECRET_MASK } from './view-rules.js';

const RULE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

const EXAMPLE = {
  id: 'new-rule',
  kind: 'terminal_offline',
  params: { after_min: 10 },
  channels: { email: ['ops@example.com'] },
  mode: 'each-event',
};

export function registerAlertRoutes(app: FastifyInstance, ctx: Ctx, g: Guards): void {
  const { store, log } = ctx;

  const operatorOnly = async (req: FastifyRequest, reply: FastifyReply) => {
    const me = userOf(req);
    if (me.role === 'operator') return;
    log.warn(
      { event: 'portal_scope_refused', user: me.name, path: req.url.split('?')[0], ip: req.ip },
      'a merchant asked for the alert rules',
    );
    return refuse(req, reply, 403, '403', req.tx.t('forbidden'));
  };
  const read = [g.auth, operatorOnly];
  const write = [g.auth, operatorOnly, g.csrf];

  app.get('/alerts', { preHandler: read }, async (req, reply) =>
    html(
      reply,
      200,
      rulesPage(pageContext(req, reply), await store.listAlertRules(OPERATOR), ctx.alerts !== undefined),
    ),
  );

  const editPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    d: { id: string | null; json: string; enabled: boolean; error?: string; saved?: boolean },
  ) => html(reply, status, ruleEditPage(pageContext(req, reply), { ...d, schema: alertRuleJsonSchema() }));

  app.get('/alerts/new', { preHandler: read }, async (req, reply) =>
    editPage(req, reply, 200, { id: null, json: JSON.stringify(EXAMPLE, null, 2), enabled: true }),
  );

  app.get('/alerts/:id', { preHandler: read }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const rule = RULE_ID.test(id)
      ? (await store.listAlertRules(OPERATOR)).find((r) => r.id === id)
      : undefined;
    if (!rule) return refuse(req, reply, 404, '404', req.tx.t('notFound'));
    const saved = (req.query as Record<string, unknown>).saved === '1';
    return editPage(req, reply, 200, {
      id,
      json: JSON.stringify(maskedSpec(rule.spec), null, 2),
      enabled: rule.enabled,
      saved,
    });
  });

  /** Checks the posted rule; the error text names the key. */
  async function check(text: string, editing: string | null): Promise<AlertRule> {
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch {
      throw new Error('rule: not valid JSON');
    }
    const rules = await store.listAlertRules(OPERATOR);
    // a masked secret keeps the stored one of the same URL
    const secrets = new Map<string, string>();
    for (const r of rules) {
      const hooks =
        (r.spec as { channels?: { webhooks?: Array<{ url?: unknown; secret?: unknown }> } }).channels
          ?.webhooks ?? [];
      for (const w of hooks)
        if (typeof w.url === 'string' && typeof w.secret === 'string') secrets.set(w.url, w.secret);
    }
    const hooks = (input as { channels?: { webhooks?: unknown } })?.channels?.webhooks;
    if (Array.isArray(hooks))
      for (const w of hooks as Array<{ url?: unknown; secret?: unknown }>)
        if (w && w.secret === SECRET_MASK && typeof w.url === 'string' && secrets.has(w.url))
          w.secret = secrets.get(w.url);
    let rule: AlertRule;
    try {
      rule = parseAlertRule(input, 'rule');
    } catch (e) {
      if (e instanceof ConfigError) throw new Error(e.message.replace(/^config /, ''));
      throw e;
    }
    if (editing !== null && rule.id !== editing)
      throw new Error(`rule.id: "${rule.id}" is not the rule being edited ("${editing}")`);
    if (editing === null && rules.some((r) => r.id === rule.id))
      throw new Error(`rule.id: a rule "${rule.id}" exists`);
    if (rule.channels.email.length > 0 && !ctx.alerts?.smtp)
      throw new Error('rule.channels.email: fleet.alerts.smtp is not configured');
    rule.channels.webhooks.forEach((w, i) => {
      const other = rules.find(
        (r) =>
          r.id !== rule.id &&
          (
            r.spec as { channels?: { webhooks?: Array<{ url: string; secret: string }> } }
          ).channels?.webhooks?.some((x) => x.url === w.url && x.secret !== w.secret),
      );
      if (other)
        throw new Error(
          `rule.channels.webhooks.${i}.secret: rule "${other.id}" gives this URL another secret: one secret per URL`,
        );
    });
    return rule;
  }

  async function save(req: FastifyRequest, reply: FastifyReply, editing: string | null) {
    const text = field(req.body, 'rule') ?? '';
    const enabled = field(req.body, 'enabled') === '1';
    let rule: AlertRule;
    try {
      rule = await check(text, editing);
    } catch (e) {
      const error = (e as Error).message;
      log.info(
        { event: 'portal_input_refused', reason: 'alert_rule', user: req.user?.name, message: error },
        'alert rule refused',
      );
      return editPage(req, reply, 400, { id: editing, json: text, enabled, error });
    }
    await store.putAlertRule({
      id: rule.id,
      merchant_id: 'merchant_id' in rule.params ? (rule.params.merchant_id ?? null) : null,
      spec: rule as unknown as Record<string, unknown>,
      enabled,
      source: 'portal',
    });
    log.info(
      { event: 'portal_rule_saved', user: userOf(req).name, rule: rule.id, enabled },
      'alert rule saved',
    );
    await ctx.onRulesChanged?.();
    return reply.redirect(`/alerts/${encodeURIComponent(rule.id)}?saved=1`, 303);
  }

  app.post('/alerts/new', { preHandler: write }, async (req, reply) => save(req, reply, null));
  app.post('/alerts/:id', { preHandler: write }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!RULE_ID.test(id)) return refuse(req, reply, 404, '404', req.tx.t('notFound'));
    return save(req, reply, id);
  });
  app.post('/alerts/:id/delete', { preHandler: write }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!RULE_ID.test(id) || !(await store.deleteAlertRule(OPERATOR, id)))
      return refuse(req, reply, 404, '404', req.tx.t('notFound'));
    log.info({ event: 'portal_rule_deleted', user: userOf(req).name, rule: id }, 'alert rule deleted');
    await ctx.onRulesChanged?.();
    return reply.redirect('/alerts', 303);
  });
}
