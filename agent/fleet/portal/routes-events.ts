/**
 * GET /events: server-sent events for the signed-in user: `failure` (a failure stored, its list
 * row as JSON) and `terminal` (a terminal's row changed), from the live hub (live.ts) under the
 * user's Scope, in the user's language. A comment every 15 s keeps proxies from closing the
 * stream. At most MAX_STREAMS_PER_USER streams per user at once (a tab each), then 429.
 */
import type { FastifyInstance } from 'fastify';
import { type Ctx, refuse, scopeFor, userOf } from './context.js';
import { failureView } from './format.js';
import type { Guards } from './server.js';
import { terminalView } from './view-terminals.js';

export const MAX_STREAMS_PER_USER = 8;
const KEEPALIVE_MS = 15_000;

export function registerEventRoutes(
  app: FastifyInstance,
  ctx: Ctx,
  g: Guards & { headers: Record<string, string> },
): void {
  const open = new Map<number, number>();
  const streams = new Set<() => void>();
  // end the streams before the server waits for its connections to close
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  app.get('/events', { preHandler: g.auth }, async (req, reply) => {
    const me = userOf(req);
    const n = open.get(me.id) ?? 0;
    if (n >= MAX_STREAMS_PER_USER) return refuse(req, reply, 429, '429', req.tx.t('tooMany'));
    open.set(me.id, n + 1);
    const tx = req.tx;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...g.headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const send = (event: string, data: unknown) => {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const unsubscribe = ctx.live.subscribe(scopeFor(req), (ev) => {
      if (ev.type === 'failure' && ev.failure) send('failure', failureView(tx, ev.failure));
      else if (ev.type === 'terminal' && ev.terminal) send('terminal', terminalView(tx, ev.terminal));
    });
    const keepalive = setInterval(() => {
      if (!res.writableEnded) res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    keepalive.unref();
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      streams.delete(end);
      clearInterval(keepalive);
      unsubscribe();
      const left = (open.get(me.id) ?? 1) - 1;
      if (left <= 0) open.delete(me.id);
      else open.set(me.id, left);
    };
    const end = () => {
      close();
      res.end();
    };
    streams.add(end);
    req.raw.on('close', close);
    res.on('close', close);
  });
}
