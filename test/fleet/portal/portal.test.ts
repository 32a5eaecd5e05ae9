/**
 * The portal over real HTTP (Fastify on a free port, a SQLite FleetStore): sign-in, the sign-in
 * rate limits, CSRF, a merchant kept to its own merchant ids (pages, search and live events),
 * search by last 4, a case moved with a note into the audit trail, live events, refusals of bad
 * input, the security headers, and no full card number in any answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPans } from '../../../protocol/card/pan.js';
import type { FailureRecord } from '../../../agent/record.js';
import { makeRecord } from '../../export/seed.js';
import { captureLogger } from '../../helpers/log.js';
import { Browser, startPortal, type TestPortal } from './harness.js';
import { metrics, status } from '../payloads.js';

const FULL_PAN = '4111111111111111';

function rec(i: number, merchant: 'M1' | 'M2', over: Partial<FailureRecord> = {}): FailureRecord {
  return makeRecord(i, {
    merchant_id: merchant,
    terminal_id: merchant === 'M1' ? 'T1' : 'T2',
    seq: i + 1,
    pan_masked: `476173******${String(1000 + i).slice(-4)}`,
    ...over,
  });
}

const { lines, logger } = captureLogger({ rateLimit: false });
let p: TestPortal;
const M1_IDS: string[] = [];
const M2_IDS: string[] = [];

beforeAll(async () => {
  p = await startPortal({
    log: logger,
    serve: { sign_in: { per_ip_per_min: 1000, per_user_per_15min: 1000 } },
  });
  const m1 = [rec(1, 'M1'), rec(3, 'M1', { notes: `pan ${FULL_PAN} in a note` }), rec(5, 'M1')];
  const m2 = [rec(2, 'M2'), rec(4, 'M2', { pan_masked: '476173******4242' })];
  await p.store.insert('shops', m1);
  await p.store.insert('shops', m2);
  M1_IDS.push(...m1.map((r) => r.id));
  M2_IDS.push(...m2.map((r) => r.id));
});
afterAll(async () => {
  await p?.close();
});

describe('sign-in', () => {
  it('signs in with the right password, into a new session cookie that is HttpOnly and SameSite=Strict', async () => {
    const b = new Browser(p);
    const form = await b.get('/signin');
    expect(form.status).toBe(200);
    expect(form.body).toContain('data-testid="signin-form"');
    const r = await b.post('/signin', { name: 'olga', password: 'correct horse battery' });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/failures');
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('pos_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/); // plain HTTP, secure_cookies auto
    const page = await b.get('/failures');
    expect(page.status).toBe(200);
    expect(page.body).toContain('olga');
    expect(lines.some((l) => /"event":"portal_signed_in","ok":true,"user":"olga"/.test(l))).toBe(true);
  });

  it('writes a good sign-in even in a flood of refused ones (its own event for the log rate limit)', async () => {
    const log = captureLogger({ rateLimit: 1 });
    const q = await startPortal({ log: log.logger });
    try {
      const b = new Browser(q);
      await b.signIn('olga', 'wrong password');
      await b.signIn('olga', 'wrong password');
      expect((await b.signIn('olga')).status).toBe(303);
      expect(log.lines.filter((l) => /"ok":true,"user":"olga"/.test(l))).toHaveLength(1);
    } finally {
      await q.close();
    }
  });

  it('refuses a wrong password and an unknown name with the same answer, and logs both', async () => {
    const b = new Browser(p);
    const wrong = await b.signIn('olga', 'wrong password');
    const nobody = await b.signIn('nobody', 'wrong password');
    expect(wrong.status).toBe(401);
    expect(nobody.status).toBe(401);
    expect(wrong.body).toContain('Wrong user name or password.');
    expect(b.cookies.has('pos_session')).toBe(false);
    expect((await b.get('/failures')).status).toBe(303);
    expect(
      lines.some((l) => /"portal_sign_in","ok":false,"user":"olga".*"reason":"bad_password"/.test(l)),
    ).toBe(true);
    expect(
      lines.some((l) => /"portal_sign_in","ok":false,"user":"nobody".*"reason":"unknown_user"/.test(l)),
    ).toBe(true);
    expect(lines.join('\n')).not.toContain('wrong password');
  });

  it('sends a page without a session to the sign-in page, and back after it', async () => {
    const b = new Browser(p);
    const r = await b.get(`/failures/${M1_IDS[0]}`);
    expect(r.status).toBe(303);
    expect(r.location).toBe(`/signin?next=${encodeURIComponent(`/failures/${M1_IDS[0]}`)}`);
    await b.get(r.location!);
    const s = await b.post('/signin', {
      name: 'mia',
      password: 'correct horse battery',
      next: `/failures/${M1_IDS[0]}`,
    });
    expect(s.location).toBe(`/failures/${M1_IDS[0]}`);
    const c = new Browser(p);
    await c.get('/signin');
    const off = await c.post('/signin', {
      name: 'mia',
      password: 'correct horse battery',
      next: 'https://evil.example/',
    });
    expect(off.status).toBe(303);
    expect(off.location).toBe('/failures');
  });

  it('switches the language on the sign-in page, before sign-in (the form is there), with its CSRF token', async () => {
    const b = new Browser(p);
    const page = await b.get('/signin');
    expect(page.body).toContain('action="/language"');
    const r = await b.post('/language', { lang: 'de', next: '/signin' });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/signin');
    expect((await b.get('/signin')).body).toContain('<html lang="de"');
    // still no way around the token
    const forged = await b.post('/language', { _csrf: 'forged', lang: 'fi', next: '/signin' });
    expect(forged.status).toBe(403);
    expect((await b.get('/signin')).body).toContain('<html lang="de"');
  });

  it('ends the session at sign-out', async () => {
    const b = new Browser(p);
    await b.signIn('olga');
    await b.get('/failures');
    const out = await b.post('/signout', {});
    expect(out.status).toBe(303);
    expect((await b.get('/failures')).status).toBe(303);
  });
});

describe('CSRF', () => {
  it('refuses a form without a token and with a forged one, and logs it', async () => {
    const b = new Browser(p);
    await b.signIn('olga');
    await b.get(`/failures/${M1_IDS[0]}`);
    const missing = await b.post(
      `/failures/${M1_IDS[0]}/case`,
      { version: '1', status: 'resolved' },
      { csrf: false },
    );
    expect(missing.status).toBe(403);
    expect(missing.body).toContain('The form has expired');
    const forged = await b.post(`/failures/${M1_IDS[0]}/case`, {
      _csrf: 'forged-token-1234',
      version: '1',
      status: 'resolved',
    });
    expect(forged.status).toBe(403);
    // another person's token does not work either
    const other = new Browser(p);
    await other.signIn('mia');
    await other.get('/failures');
    const stolen = await b.post(`/failures/${M1_IDS[0]}/case`, {
      _csrf: other.csrf,
      version: '1',
      status: 'resolved',
    });
    expect(stolen.status).toBe(403);
    expect((await p.store.getCase({ role: 'operator' }, M1_IDS[0]!))!.status).toBe('open');
    expect(lines.filter((l) => l.includes('"portal_csrf_refused"')).length).toBeGreaterThanOrEqual(3);
  });

  it('refuses a forged token on every other form, changing nothing', async () => {
    const b = new Browser(p);
    await b.signIn('olga');
    await b.get('/alerts/new');
    const rule = {
      id: 'csrf-rule',
      kind: 'backlog',
      params: { over: 100 },
      channels: { webhooks: [{ url: 'https://hooks.example/x', secret: 'a-secret-of-16-chars' }] },
    };
    expect((await b.post('/alerts/new', { rule: JSON.stringify(rule), enabled: '1' })).status).toBe(303);
    const before = lines.filter((l) => l.includes('"portal_csrf_refused"')).length;
    const forged = { _csrf: `${b.csrf.slice(0, -4)}AAAA` };
    const forms: Array<[string, Record<string, string>]> = [
      ['/alerts/new', { rule: JSON.stringify({ ...rule, id: 'csrf-other' }), enabled: '1' }],
      ['/alerts/csrf-rule', { rule: JSON.stringify({ ...rule, params: { over: 5 } }) }],
      ['/alerts/csrf-rule/delete', {}],
      ['/language', { lang: 'de', next: '/failures' }],
      ['/signout', {}],
    ];
    for (const [path, fields] of forms) {
      const r = await b.post(path, { ...forged, ...fields });
      expect(r.status, path).toBe(403);
    }
    const rules = await p.store.listAlertRules({ role: 'operator' });
    expect(rules.map((r) => r.id)).toContain('csrf-rule');
    expect(rules.map((r) => r.id)).not.toContain('csrf-other');
    expect(rules.find((r) => r.id === 'csrf-rule')!.enabled).toBe(true);
    expect(JSON.stringify(rules.find((r) => r.id === 'csrf-rule')!.spec)).toContain('"over":100');
    expect(b.cookies.has('pos_lang')).toBe(false);
    // still signed in: the forged sign-out did not end the session
    expect((await b.get('/failures')).status).toBe(200);
    expect(lines.filter((l) => l.includes('"portal_csrf_refused"')).length - before).toBe(forms.length);
    await p.store.deleteAlertRule({ role: 'operator' }, 'csrf-rule');
  });

  it("refuses the sign-in page's token after sign-in: the session has its own", async () => {
    const b = new Browser(p);
    await b.get('/signin');
    const pre = b.csrf;
    expect((await b.post('/signin', { name: 'mia', password: 'correct horse battery' })).status).toBe(303);
    const r = await b.post(`/failures/${M1_IDS[0]}/case`, { _csrf: pre, version: '1', status: 'resolved' });
    expect(r.status).toBe(403);
    expect((await p.store.getCase({ role: 'operator' }, M1_IDS[0]!))!.status).toBe('open');
  });

  it('refuses a sign-in form without its token', async () => {
    const b = new Browser(p);
    const r = await b.post('/signin', { name: 'olga', password: 'correct horse battery' }, { csrf: false });
    expect(r.status).toBe(403);
    expect(b.cookies.has('pos_session')).toBe(false);
  });
});

describe('scope', () => {
  it("refuses a merchant another merchant's failure with 403 and logs it; an unknown id gets the same 403", async () => {
    const b = new Browser(p);
    await b.signIn('mia');
    expect((await b.get(`/failures/${M1_IDS[0]}`)).status).toBe(200);
    const theirs = await b.get(`/failures/${M2_IDS[0]}`);
    expect(theirs.status).toBe(403);
    expect(theirs.body).not.toContain(M2_IDS[0]!.slice(0, 10) + 'x');
    const none = await b.get('/failures/01JDZZZZZZZZZZZZZZZZZZZZZZ');
    expect(none.status).toBe(403);
    const plain = (s: string) => s.replace(/value="[^"]+"/g, '').replace(/name="next" value="[^"]*"/, '');
    expect(plain(none.body)).toBe(plain(theirs.body));
    const log = lines.find((l) => l.includes('"portal_scope_refused"') && l.includes(M2_IDS[0]!))!;
    expect(log).toContain('"user":"mia"');
    expect(log).toContain('"exists":true');
    // and the case form of it
    const post = await b.post(`/failures/${M2_IDS[0]}/case`, { version: '1', status: 'resolved' });
    expect(post.status).toBe(403);
    expect((await p.store.getCase({ role: 'operator' }, M2_IDS[0]!))!.status).toBe('open');
  });

  it("keeps another merchant's failures out of a merchant's search results", async () => {
    const b = new Browser(p);
    await b.signIn('mia');
    const all = await b.get('/failures');
    for (const id of M1_IDS) expect(all.body).toContain(`data-id="${id}"`);
    for (const id of M2_IDS) expect(all.body).not.toContain(id);
    const last4 = await b.get('/failures?last4=4242');
    expect(last4.body).not.toContain(M2_IDS[1]);
    expect(last4.body).toContain('data-testid="no-results"');
    const byMerchant = await b.get('/failures?merchant=M2');
    expect(byMerchant.body).not.toContain('data-testid="result-row"');
    // naming another merchant is refused and logged, as reaching for its failure by id is
    expect(byMerchant.status).toBe(403);
    const log = lines.find((l) => l.includes('"portal_scope_refused"') && l.includes('"merchant":"M2"'))!;
    expect(log).toContain('"user":"mia"');
    expect((await b.get('/failures?merchant=M1')).status).toBe(200);
  });

  it("shows a terminal's page in the reader's language, its agent version and host link too", async () => {
    const at = new Date().toISOString();
    await p.store.health('shops', {
      kind: 'status',
      payload: { ...status('shops', 'T1', 'online'), at },
      receivedAt: at,
    });
    await p.store.health('shops', {
      kind: 'metrics',
      payload: { ...metrics('shops', 'T1', 2), at },
      receivedAt: at,
    });
    const b = new Browser(p);
    await b.signIn('mia');
    const de = await b.request('GET', '/terminals/shops/T1', undefined, { 'accept-language': 'de' });
    expect(de.body).toContain('<dt>Agent-Version</dt><dd data-col="Agent-Version">0.1.0</dd>');
    expect(de.body).toContain('<dt>Host-Verbindung</dt>');
    expect(de.body).not.toMatch(/<dt>(version|link)<\/dt>/);
  });

  it("reads another merchant's terminal as absent (404) and logs the attempt", async () => {
    const b = new Browser(p);
    await b.signIn('mia');
    expect((await b.get('/terminals/shops/T1')).status).toBe(200);
    const theirs = await b.get('/terminals/shops/T2');
    const none = await b.get('/terminals/shops/NOPE');
    expect([theirs.status, none.status]).toEqual([404, 404]);
    const logged = lines.filter((l) => l.includes('"portal_scope_refused"') && l.includes('"fleet":"shops"'));
    expect(logged.map((l) => [/"terminal":"(\w+)"/.exec(l)?.[1], /"exists":(\w+)/.exec(l)?.[1]])).toEqual([
      ['T2', 'true'],
      ['NOPE', 'false'],
    ]);
  });

  it('an operator gets 404 for an unknown failure and sees every merchant', async () => {
    const b = new Browser(p);
    await b.signIn('olga');
    expect((await b.get('/failures/01JDZZZZZZZZZZZZZZZZZZZZZZ')).status).toBe(404);
    const all = await b.get('/failures');
    for (const id of [...M1_IDS, ...M2_IDS]) expect(all.body).toContain(id);
  });

  it('keeps merchants off the alert rules', async () => {
    const b = new Browser(p);
    await b.signIn('mia');
    expect((await b.get('/alerts')).status).toBe(403);
  });
});

describe('search and cases', () => {
  it('finds a failure by the last 4 digits of its card, and by RRN and STAN', async () => {
    const b = new Browser(p);
    await b.signIn('olga');
    const r = await b.get('/failures?last4=4242');
    expect(r.status).toBe(200);
    const rows = r.body.match(/data-testid="result-row" data-id="([^"]+)"/g) ?? [];
    expect(rows).toEqual([`data-testid="result-row" data-id="${M2_IDS[1]}"`]);
    const rrn = await b.get(`/failures?rrn=${100000000000 + 3}`);
    expect(rrn.body).toContain(`data-id="${M1_IDS[1]}"`);
    expect(rrn.body.match(/data-testid="result-row"/g)).toHaveLength(1);
    const stan = await b.get('/failures?stan=5');
    expect(stan.body).toContain(`data-id="${M1_IDS[2]}"`);
    const dates = await b.get(
      '/failures?from=2026-11-23&to=2026-11-23&category=insufficient_funds&case=open',
    );
    expect(dates.body.match(/data-testid="result-row"/g)).toHaveLength(5);
    const none = await b.get('/failures?from=2026-11-24');
    expect(none.body).toContain('data-testid="no-results"');
  });

  it('pages with a keyset cursor', async () => {
    const b = new Browser(p);
    await b.signIn('olga');
    const store = p.store;
    const more = Array.from({ length: 60 }, (_, k) => rec(100 + k, 'M1', { terminal_id: 'T9' }));
    await store.insert('shops', more);
    const first = await b.get('/failures?terminal=T9');
    expect(first.body.match(/data-testid="result-row"/g)).toHaveLength(50);
    const next = /href="(\/failures\?[^"]*after=[^"]+)" data-testid="page-next"/
      .exec(first.body)![1]!
      .replace(/&amp;/g, '&');
    const second = await b.get(next);
    expect(second.body.match(/data-testid="result-row"/g)).toHaveLength(10);
    expect(second.body).not.toContain('data-testid="page-next"');
  });

  it('moves a case to issuer_contacted with a note and an assignee: it is in the audit trail with who and when', async () => {
    const b = new Browser(p);
    await b.signIn('mia');
    const id = M1_IDS[0]!;
    const page = await b.get(`/failures/${id}`);
    expect(page.body).toContain('data-testid="case-status"');
    const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
    const r = await b.post(`/failures/${id}/case`, {
      version,
      status: 'issuer_contacted',
      assignee: 'mia',
      note: 'Called the bank, ref 7781\nCall back tomorrow',
    });
    expect(r.status).toBe(303);
    expect(r.location).toBe(`/failures/${id}?saved=1`);
    const after = await b.get(r.location!);
    expect(after.body).toContain('data-testid="case-notice"');
    const trail = after.body.slice(after.body.indexOf('data-testid="audit-trail"'));
    expect(trail).toMatch(
      /<td class="nowrap">mia<\/td><td class="lines">status open → issuer contacted<\/td>/,
    );
    // a note of two lines keeps them (escaped line by line, shown with white-space: pre-line),
    // in the audit trail and in the timeline
    expect(trail).toContain('note: Called the bank, ref 7781\nCall back tomorrow');
    const timeline = after.body.slice(after.body.indexOf('data-testid="timeline"'));
    expect(timeline.slice(0, timeline.indexOf('</ol>'))).toContain(
      'Called the bank, ref 7781\nCall back tomorrow',
    );
    expect(trail).toContain('assignee (nobody) → mia');
    expect(after.body).toMatch(/data-testid="case-status-now">issuer contacted</);
    // the same form again (the old version) is stale: nothing changes
    const stale = await b.post(`/failures/${id}/case`, { version, status: 'resolved' });
    expect(stale.status).toBe(409);
    expect((await p.store.getCase({ role: 'operator' }, id))!.status).toBe('issuer_contacted');
    // a merchant cannot assign to another merchant's user
    const v2 = /name="version" value="(\d+)"/.exec(stale.body)![1]!;
    const bad = await b.post(`/failures/${id}/case`, { version: v2, assignee: 'max' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('assignee: a user you may assign cases to');
  });

  it('shows the guidance, the printable issuer script, the outcome and the timeline', async () => {
    const b = new Browser(p);
    await b.signIn('olga');
    const r = await b.get(`/failures/${M1_IDS[1]}`);
    expect(r.body).toContain('data-testid="guidance-cashier"');
    expect(r.body).toContain('data-testid="issuer-script"');
    // the script's lines as printed: 48 columns at most, each on its own line
    const script = /data-testid="issuer-script">([^<]*)<\/pre>/
      .exec(r.body)![1]!
      .replace(/&[#a-z0-9]+;/g, '_')
      .split('\n');
    expect(script.length).toBeGreaterThan(8);
    expect(Math.max(...script.map((l) => l.length))).toBeLessThanOrEqual(48);
    expect(r.body).toContain('data-print');
    expect(r.body).toContain('data-testid="timeline"');
    const de = await b.request('GET', `/failures/${M1_IDS[1]}`, undefined, {
      'accept-language': 'de-CH, en;q=0.5',
    });
    expect(de.body).toContain('<html lang="de"');
    expect(de.body).toContain('Nachverfolgung');
  });
});

describe('live updates', () => {
  async function openStream(b: Browser) {
    const ac = new AbortController();
    const res = await fetch(`${p.url}/events`, {
      headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const dec = new TextDecoder();
    return {
      async until(pred: (s: string) => boolean, ms = 5000): Promise<string> {
        const end = Date.now() + ms;
        while (!pred(text)) {
          if (Date.now() > end) throw new Error(`no such event in: ${text}`);
          const r = await Promise.race([
            reader.read(),
            new Promise<null>((res2) => setTimeout(() => res2(null), 200)),
          ]);
          if (r && !r.done) text += dec.decode(r.value, { stream: true });
        }
        return text;
      },
      text: () => text,
      close: () => ac.abort(),
    };
  }

  it('sends a failure event after a record is stored, to its merchant only', async () => {
    const mia = new Browser(p);
    await mia.signIn('mia');
    const max = new Browser(p);
    await max.signIn('max');
    const sMia = await openStream(mia);
    const sMax = await openStream(max);
    await sMia.until((s) => s.includes('retry:'));
    await sMax.until((s) => s.includes('retry:'));
    await new Promise((r) => setTimeout(r, 150)); // both subscribed
    const theirs = rec(500, 'M2');
    const mine = rec(501, 'M1');
    await p.store.insert('shops', [theirs]);
    await p.store.insert('shops', [mine]);
    p.live.kick();
    const got = await sMia.until((s) => s.includes(mine.id));
    expect(got).toContain('event: failure');
    await sMax.until((s) => s.includes(theirs.id));
    expect(sMia.text()).not.toContain(theirs.id);
    expect(sMax.text()).not.toContain(mine.id);
    sMia.close();
    sMax.close();
  });

  it('refuses the stream without a session', async () => {
    const res = await fetch(`${p.url}/events`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    await res.body?.cancel();
  });
});

describe('bad input', () => {
  it('refuses a case note holding track data or a CVV with 400 naming the note; nothing is stored or shown', async () => {
    const b = new Browser(p);
    await b.signIn('mia');
    const id = M1_IDS[2]!;
    const kase = (await p.store.getCase({ role: 'operator' }, id))!;
    const before = await p.store.caseEvents({ role: 'operator' }, kase.id);
    await b.get(`/failures/${id}`);
    for (const [note, kind] of [
      ['swiped ;4111111111111111=25121010000012300000?', 'track data'],
      ['%B4111111111111111^DOE/JOHN^2512101000000000?', 'track data'],
      ['card ok, cvv2: 123', 'a card security code'],
    ]) {
      const r = await b.post(`/failures/${id}/case`, {
        version: String(kase.version),
        status: 'resolved',
        note: note!,
      });
      expect(r.status, note).toBe(400);
      expect(r.body).toContain(`note: holds ${kind}; write the note without it`);
      // the notes' own pieces: a bare "2512" also turns up by chance in the page's ids and times
      expect(r.body).not.toMatch(/25121010|DOE\/JOHN|cvv2: 123/);
    }
    expect(await p.store.caseEvents({ role: 'operator' }, kase.id)).toEqual(before);
    expect((await p.store.getCase({ role: 'operator' }, id))!.status).toBe(kase.status);
  });

  it('refuses malformed search fields with a message naming the field', async () => {
    const b = new Browser(p);
    await b.signIn('olga');
    const r = await b.get('/failures?last4=42x');
    expect(r.status).toBe(400);
    expect(r.body).toContain('last4: the last 4 digits of the card');
    expect((await b.get('/failures?from=yesterday')).body).toContain('from: a date YYYY-MM-DD');
    expect((await b.get('/failures?case=lost')).body).toContain('case: one of open');
    expect((await b.get('/failures?after=bm90LWEtY3Vyc29y')).status).toBe(400);
    expect((await b.get('/failures/not-an-id!')).status).toBe(400);
  });

  it('refuses an oversized body with 413 and another content type with 415', async () => {
    const b = new Browser(p);
    await b.signIn('olga');
    await b.get(`/failures/${M1_IDS[2]}`);
    const caseId = (await p.store.getCase({ role: 'operator' }, M1_IDS[2]!))!.id;
    const before = (await p.store.caseEvents({ role: 'operator' }, caseId)).length;
    const big = await b.post(`/failures/${M1_IDS[2]}/case`, { version: '1', note: 'x'.repeat(70_000) });
    expect(big.status).toBe(413);
    expect(big.body).toContain('The request is too large.');
    const json = await b.request('POST', `/failures/${M1_IDS[2]}/case`, '{"note":"x"}', {
      'content-type': 'application/json',
    });
    expect(json.status).toBe(415);
    const long = await b.post(`/failures/${M1_IDS[2]}/case`, { version: '1', note: 'y'.repeat(2001) });
    expect(long.status).toBe(400);
    expect(long.body).toContain('note: at most 2000 characters');
    const status = await b.post(`/failures/${M1_IDS[2]}/case`, { version: '1', status: 'lost' });
    expect(status.body).toContain('status: one of open');
    expect((await p.store.caseEvents({ role: 'operator' }, caseId)).length).toBe(before);
    expect((await p.store.getCase({ role: 'operator' }, M1_IDS[2]!))!.status).toBe('open');
  });

  it('refuses an oversized sign-in form with 413 before checking any password, also sent in chunks', async () => {
    const b = new Browser(p);
    await b.get('/signin');
    const before = lines.filter((l) => l.includes('"too_large"')).length;
    const big = await b.post('/signin', {
      name: 'olga',
      password: 'correct horse battery',
      pad: 'x'.repeat(70_000),
    });
    expect(big.status).toBe(413);
    // no Content-Length: the limit counts the bytes as they come
    const { request } = await import('node:http');
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${p.url}/signin`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'transfer-encoding': 'chunked',
          cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(`_csrf=${encodeURIComponent(b.csrf)}&name=olga&password=correct+horse+battery&pad=`);
      for (let i = 0; i < 10; i++) req.write('y'.repeat(8000));
      req.end();
    });
    expect(chunked).toBe(413);
    expect(b.cookies.has('pos_session')).toBe(false);
    expect(lines.filter((l) => l.includes('"too_large"')).length - before).toBe(2);
    expect(lines.some((l) => l.includes('"portal_sign_in"') && l.includes('"too_large"'))).toBe(false);
  });

  it('refuses an alert rule that the alerts schema refuses, naming the key', async () => {
    const b = new Browser(p);
    await b.signIn('olga');
    await b.get('/alerts/new');
    const rule = {
      id: 'r1',
      kind: 'decline_rate',
      params: { per: 'terminal', threshold_pct: 40, window_min: 0, min_count: 5 },
      channels: { webhooks: [{ url: 'https://hooks.example/x', secret: 'a-secret-of-16-chars' }] },
    };
    const r = await b.post('/alerts/new', { rule: JSON.stringify(rule), enabled: '1' });
    expect(r.status).toBe(400);
    expect(r.body).toContain('rule.params.window_min');
    const ok = await b.post('/alerts/new', {
      rule: JSON.stringify({ ...rule, params: { ...rule.params, window_min: 15 } }),
      enabled: '1',
    });
    expect(ok.status).toBe(303);
    const edit = await b.get('/alerts/r1');
    expect(edit.body).not.toContain('a-secret-of-16-chars');
    expect(edit.body).toContain('********');
    // saving the masked form keeps the secret
    const json = /<textarea[^>]*name="rule"[^>]*>([^<]*)<\/textarea>/
      .exec(edit.body)![1]!
      .replace(/&quot;/g, '"');
    expect((await b.post('/alerts/r1', { rule: json, enabled: '1' })).status).toBe(303);
    const stored = (await p.store.listAlertRules({ role: 'operator' })).find((x) => x.id === 'r1')!;
    expect(JSON.stringify(stored.spec)).toContain('a-secret-of-16-chars');
    expect((await b.post('/alerts/new', { rule: '{not json', enabled: '1' })).body).toContain(
      'rule: not valid JSON',
    );
  });
});

describe('every answer', () => {
  it('carries the security headers; pages are not stored', async () => {
    const b = new Browser(p);
    await b.signIn('olga');
    for (const path of ['/failures', `/failures/${M1_IDS[0]}`, '/terminals', '/signin', '/nowhere']) {
      const r = await b.get(path);
      expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(r.headers.get('content-security-policy')).not.toContain('unsafe-inline');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.body).not.toMatch(/<script>|<style>|\sstyle="|\son[a-z]+="/);
    }
  });

  it('holds no full card number, though a record note held one', async () => {
    const b = new Browser(p);
    await b.signIn('olga');
    const r = await b.get(`/failures/${M1_IDS[1]}`);
    expect(r.body).toContain('411111******1111');
    await b.get('/terminals');
    for (const body of p.bodies) expect(findPans(body)).toEqual([]);
    for (const l of lines) expect(findPans(l.replace(/"time":"[^"]*"/, ''))).toEqual([]);
  });
});

describe('sign-in rate limits', () => {
  it('refuses a client IP over per_ip_per_min with 429 and logs it', async () => {
    const log = captureLogger({ rateLimit: false });
    const q = await startPortal({
      log: log.logger,
      serve: { sign_in: { per_ip_per_min: 3, per_user_per_15min: 100 } },
    });
    try {
      const b = new Browser(q);
      await b.get('/signin');
      const codes: number[] = [];
      for (let i = 0; i < 4; i++)
        codes.push((await b.post('/signin', { name: `u${i}`, password: 'nope nope' })).status);
      expect(codes).toEqual([401, 401, 401, 429]);
      // the right password does not get through either until the minute is over
      const r = await b.post('/signin', { name: 'olga', password: 'correct horse battery' });
      expect(r.status).toBe(429);
      expect(r.body).toContain('Too many attempts');
      expect(b.cookies.has('pos_session')).toBe(false);
      expect(log.lines.some((l) => l.includes('"reason":"rate_limited_ip"'))).toBe(true);
    } finally {
      await q.close();
    }
  });

  it('refuses a user name over per_user_per_15min from any IP', async () => {
    const log = captureLogger({ rateLimit: false });
    const q = await startPortal({
      log: log.logger,
      serve: { trust_proxy: true, sign_in: { per_ip_per_min: 100, per_user_per_15min: 2 } },
    });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const b = new Browser(q, `10.0.0.${i + 1}`);
        await b.get('/signin');
        codes.push((await b.post('/signin', { name: 'olga', password: 'wrong guess' })).status);
      }
      expect(codes).toEqual([401, 401, 429]);
      const b = new Browser(q, '10.0.0.9');
      await b.get('/signin');
      expect((await b.post('/signin', { name: 'olga', password: 'correct horse battery' })).status).toBe(429);
      // another name is not held back
      expect((await b.post('/signin', { name: 'mia', password: 'correct horse battery' })).status).toBe(303);
      expect(log.lines.some((l) => l.includes('"reason":"rate_limited_user"'))).toBe(true);
    } finally {
      await q.close();
    }
  });
});
