/**
 * A portal for tests: the Fastify server on a free loopback port over a FleetStore (SQLite by
 * default), with an operator and two merchant users, and a tiny browser (fetch with a cookie jar,
 * no redirects followed) that reads each page's CSRF token. Every body it receives is kept, so a
 * test can scan them all for card numbers at the end.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parseServeConfig } from '../../../agent/fleet/portal/config.js';
import { hashPassword } from '../../../agent/fleet/portal/auth.js';
import { createLiveHub, type LiveHub } from '../../../agent/fleet/portal/live.js';
import { buildPortal } from '../../../agent/fleet/portal/server.js';
import { sqliteFleetStore } from '../../../agent/fleet/store/sqlite.js';
import type { FleetStore } from '../../../agent/fleet/store/types.js';
import type { AlertsConfig } from '../../../agent/fleet/alerts/rules.js';
import type { Logger } from '../../../agent/log.js';
import { tempDir } from '../../helpers/tmp.js';

export const PASSWORD = 'correct horse battery';

export interface TestPortal {
  url: string;
  store: FleetStore;
  live: LiveHub;
  app: FastifyInstance;
  bodies: string[];
  close(): Promise<void>;
}

let n = 0;

export async function startPortal(o: {
  log: Logger;
  store?: FleetStore;
  serve?: Record<string, unknown>;
  alerts?: AlertsConfig;
  onRulesChanged?: () => Promise<void>;
}): Promise<TestPortal> {
  const store = o.store ?? sqliteFleetStore(join(tempDir('pos-portal-'), `portal-${++n}.db`));
  const hash = await hashPassword(PASSWORD);
  await store.createUser({ name: 'olga', role: 'operator', passwordHash: hash });
  await store.createUser({ name: 'mia', role: 'merchant', merchantIds: ['M1'], passwordHash: hash });
  await store.createUser({ name: 'max', role: 'merchant', merchantIds: ['M2'], passwordHash: hash });
  const { serve } = parseServeConfig({
    fleet: { serve: { listen: '127.0.0.1:0', live_poll_ms: 100, ...o.serve } },
  });
  const live = createLiveHub({
    store,
    log: o.log,
    pollMs: serve.live_poll_ms,
    silentAfterMs: serve.silent_after_s * 1000,
  });
  const app = await buildPortal({
    store,
    config: serve,
    log: o.log,
    live,
    alerts: o.alerts,
    onRulesChanged: o.onRulesChanged,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    live,
    app,
    bodies: [],
    async close() {
      live.close();
      await app.close();
      await store.close();
    },
  };
}

export interface Answer {
  status: number;
  body: string;
  headers: Headers;
  location: string | null;
}

/** A browser of one person: cookies kept, CSRF token of the last page read. */
export class Browser {
  readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(
    readonly portal: TestPortal,
    readonly ip?: string,
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const i = pair.indexOf('=');
      const k = pair.slice(0, i);
      const v = pair.slice(i + 1);
      if (v === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
  }

  async request(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const res = await fetch(this.portal.url + path, {
      method,
      redirect: 'manual',
      headers: {
        cookie: this.cookieHeader(),
        ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(this.ip ? { 'x-forwarded-for': this.ip } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body } : {}),
    });
    this.keep(res);
    const text = await res.text();
    this.portal.bodies.push(text);
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1]!;
    return { status: res.status, body: text, headers: res.headers, location: res.headers.get('location') };
  }

  get(path: string): Promise<Answer> {
    return this.request('GET', path);
  }

  /** A form POST with this page's CSRF token (unless the fields give their own _csrf). */
  post(path: string, fields: Record<string, string>, opts: { csrf?: boolean } = {}): Promise<Answer> {
    const f = new URLSearchParams(
      opts.csrf === false || '_csrf' in fields ? fields : { _csrf: this.csrf, ...fields },
    );
    return this.request('POST', path, f.toString());
  }

  async signIn(name: string, password = PASSWORD): Promise<Answer> {
    await this.get('/signin');
    return this.post('/signin', { name, password });
  }
}
