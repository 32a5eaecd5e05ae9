/**
 * The failures list (search, keyset pages), a failure's page and its case form. Every read runs
 * under the user's Scope inside the store's query. A merchant who asks for a failure outside its
 * scope gets 403 whether that record exists or not (the answer tells nothing), and the attempt is
 * logged (`portal_scope_refused`, with whether the record exists, for the person reading the log);
 * an operator gets 404 for a record that is not there. A merchant's search naming a merchant id
 * that is not its own is refused (403) and logged the same way.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  CASE_STATUSES,
  type CaseChange,
  type CaseStatus,
  DEFAULT_PAGE,
  FleetStoreError,
  NOTE_MAX,
  OPERATOR,
  type User,
} from '../store/types.js';
import { type Ctx, field, html, pageContext, refuse, scopeFor, userOf } from './context.js';
import { readSearchForm, SearchError, toFailureQuery } from './search.js';
import type { Guards } from './server.js';
import { failurePage } from './view-failure.js';
import { failuresPage } from './view-failures.js';

const ID = /^[0-9A-Za-z]{1,40}$/;

/** Names the user may assign a case to: anyone for an operator; users sharing a merchant id for a merchant. */
async function assignable(ctx: Ctx, me: User): Promise<string[]> {
  const users = (await ctx.store.listUsers()).filter((u) => !u.disabled);
  if (me.role === 'operator') return users.map((u) => u.name);
  return users
    .filter((u) => u.role === 'merchant' && u.merchant_ids.some((m) => me.merchant_ids.includes(m)))
    .map((u) => u.name);
}

export function registerFailureRoutes(app: FastifyInstance, ctx: Ctx, g: Guards): void {
  const { store, log } = ctx;

  app.get('/failures', { preHandler: g.auth }, async (req, reply) => {
    const form = readSearchForm(req.query as Record<string, unknown>);
    const me = userOf(req);
    if (me.role === 'merchant' && form.merchant !== undefined && !me.merchant_ids.includes(form.merchant)) {
      log.warn(
        {
          event: 'portal_scope_refused',
          user: me.name,
          merchant_ids: me.merchant_ids,
          merchant: form.merchant.slice(0, 64),
          ip: req.ip,
        },
        "a merchant searched another merchant's failures",
      );
      return refuse(req, reply, 403, '403', req.tx.t('forbidden'));
    }
    try {
      const q = toFailureQuery(form, DEFAULT_PAGE);
      const result = await store.searchFailures(scopeFor(req), q);
      return html(reply, 200, failuresPage(pageContext(req, reply), form, result));
    } catch (e) {
      if (
        e instanceof SearchError ||
        (e instanceof FleetStoreError && (e.code === 'E_QUERY' || e.code === 'E_CURSOR'))
      ) {
        log.info(
          { event: 'portal_input_refused', reason: 'search', user: req.user?.name, message: e.message },
          'search refused',
        );
        return html(reply, 400, failuresPage(pageContext(req, reply), form, null, e.message));
      }
      throw e;
    }
  });

  /** The failure in the user's scope, or the refusal already sent (null). */
  async function loadFailure(req: FastifyRequest, reply: FastifyReply) {
    const id = (req.params as { id: string }).id;
    const me = userOf(req);
    if (!ID.test(id)) {
      await refuse(
        req,
        reply,
        400,
        '400',
        req.tx.t('badInput', { reason: 'id: a record id (letters and digits)' }),
      );
      return null;
    }
    const failure = await store.getFailure(scopeFor(req), id);
    if (failure) return failure;
    if (me.role === 'merchant') {
      const exists = (await store.getFailure(OPERATOR, id)) !== null;
      log.warn(
        {
          event: 'portal_scope_refused',
          user: me.name,
          merchant_ids: me.merchant_ids,
          record_id: id,
          exists,
          ip: req.ip,
        },
        'a merchant asked for a failure outside its merchant ids',
      );
      await refuse(req, reply, 403, '403', req.tx.t('forbidden'));
      return null;
    }
    await refuse(req, reply, 404, '404', req.tx.t('notFound'));
    return null;
  }

  async function render(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    notice?: { ok: boolean; text: string },
  ) {
    const failure = await loadFailure(req, reply);
    if (!failure) return reply;
    const scope = scopeFor(req);
    const kase = await store.getCase(scope, failure.id);
    const events = kase ? await store.caseEvents(scope, kase.id) : [];
    const assignees = await assignable(ctx, userOf(req));
    return html(
      reply,
      status,
      failurePage(pageContext(req, reply), {
        failure,
        kase,
        events,
        assignees,
        catalog: ctx.catalog,
        ...(notice ? { notice } : {}),
      }),
    );
  }

  app.get('/failures/:id', { preHandler: g.auth }, async (req, reply) => {
    const saved = (req.query as Record<string, unknown>).saved === '1';
    return render(req, reply, 200, saved ? { ok: true, text: req.tx.t('saved') } : undefined);
  });

  app.post('/failures/:id/case', { preHandler: [g.auth, g.csrf] }, async (req, reply) => {
    const failure = await loadFailure(req, reply);
    if (!failure) return reply;
    const scope = scopeFor(req);
    const me = userOf(req);
    const kase = await store.getCase(scope, failure.id);
    if (!kase) return refuse(req, reply, 404, '404', req.tx.t('notFound'));
    const bad = (reason: string) => {
      log.info(
        {
          event: 'portal_input_refused',
          reason: 'case_form',
          user: me.name,
          record_id: failure.id,
          message: reason,
        },
        'case change refused',
      );
      return render(req, reply, 400, { ok: false, text: req.tx.t('badInput', { reason }) });
    };
    const status = field(req.body, 'status');
    const assignee = field(req.body, 'assignee');
    const note = (field(req.body, 'note') ?? '').trim();
    const version = Number(field(req.body, 'version'));
    if (!Number.isInteger(version) || version < 1) return bad('version: the case version from the form');
    if (status !== undefined && !(CASE_STATUSES as readonly string[]).includes(status))
      return bad(`status: one of ${CASE_STATUSES.join(', ')}`);
    if (note.length > NOTE_MAX) return bad(`note: at most ${NOTE_MAX} characters`);
    const change: CaseChange = { expectedVersion: version };
    if (status !== undefined && status !== kase.status) change.status = status as CaseStatus;
    if (assignee !== undefined) {
      const want = assignee === '' ? null : assignee;
      if (want !== kase.assignee) {
        if (want !== null && !(await assignable(ctx, me)).includes(want))
          return bad('assignee: a user you may assign cases to');
        change.assignee = want;
      }
    }
    if (note !== '') change.note = note;
    if (change.status === undefined && change.assignee === undefined && change.note === undefined)
      return reply.redirect(`/failures/${encodeURIComponent(failure.id)}`, 303);
    try {
      await store.updateCase(scope, kase.id, change, me.name);
    } catch (e) {
      if (e instanceof FleetStoreError) {
        if (e.code === 'E_CASE_STALE')
          return render(req, reply, 409, { ok: false, text: req.tx.t('staleCase') });
        if (e.code === 'E_CASE_MOVE' || e.code === 'E_NOTE') return bad(e.message);
        if (e.code === 'E_CASE_NOT_FOUND') return refuse(req, reply, 404, '404', req.tx.t('notFound'));
      }
      throw e;
    }
    log.info(
      {
        event: 'portal_case_changed',
        user: me.name,
        record_id: failure.id,
        case_id: kase.id,
        status: change.status ?? null,
        note: change.note !== undefined,
      },
      'case changed',
    );
    return reply.redirect(`/failures/${encodeURIComponent(failure.id)}?saved=1`, 303);
  });
}
