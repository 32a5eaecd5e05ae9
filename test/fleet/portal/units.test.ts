/**
 * The portal's pure parts: the serve config (a bad value names its key; flags win), the six
 * languages of its words (no text missing), the language choice, and the search form's checks.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../agent/config/load.js';
import { parseServeConfig } from '../../../agent/fleet/portal/config.js';
import { allRows, pickLang } from '../../../agent/fleet/portal/i18n.js';
import { SearchError, toFailureQuery } from '../../../agent/fleet/portal/search.js';
import { isPgUrl } from '../../../agent/fleet/pg-url.js';

function configError(tree: unknown, flags = {}): string {
  try {
    parseServeConfig(tree, flags);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return 'accepted';
}

describe('fleet serve config', () => {
  it('has defaults and lets flags override the file', () => {
    const c = parseServeConfig(
      { fleet: { serve: { db: 'a.db', listen: '0.0.0.0:9000' } } },
      { listen: '[::1]:8081' },
    );
    expect(c.serve.listen).toEqual({ host: '::1', port: 8081 });
    expect(c.serve.db).toBe('a.db');
    expect(c.serve.session_ttl_min).toBe(480);
    expect(c.alerts).toBeUndefined();
    const pg = parseServeConfig({ fleet: { serve: { pg: 'postgres://u@h/db' } } }, { db: 'x.db' });
    expect(pg.serve.pg).toBeUndefined();
  });

  it('names the key of a bad value', () => {
    expect(configError({ fleet: { serve: { listen: 'localhost' } } })).toMatch(
      /^config fleet\.serve\.listen = "localhost": HOST:PORT/,
    );
    expect(configError({ fleet: { serve: { sign_in: { per_ip_per_min: 0 } } } })).toMatch(
      /^config fleet\.serve\.sign_in\.per_ip_per_min = 0/,
    );
    expect(configError({ fleet: { serve: { colour: 'red' } } })).toBe(
      'config fleet.serve.colour: unknown key',
    );
    expect(configError({ fleet: { serve: { pg: 'mysql://x' } } })).toMatch(/fleet\.serve\.pg/);
    expect(configError({ broker: {} })).toMatch(/^config broker: unknown key/);
    expect(configError({ fleet: { alerts: { base_url: 'nope' } } })).toMatch(
      /^config fleet\.alerts\.base_url/,
    );
    expect(configError({}, { group: 'a/b' })).toMatch(/^config fleet\.serve\.group/);
  });
});

describe('portal words', () => {
  it('has every text in all six languages', () => {
    for (const [key, row] of allRows()) {
      expect(row, key).toHaveLength(6);
      for (const t of row) expect(t.trim(), key).not.toBe('');
    }
  });

  it('takes the user choice, else the best Accept-Language, else the default', () => {
    expect(pickLang('fi', 'de', 'en')).toBe('fi');
    expect(pickLang('xx', 'sv, de-AT;q=0.8, fr;q=0.9', 'en')).toBe('fr');
    expect(pickLang(undefined, 'zh-CN', 'en')).toBe('zh');
    expect(pickLang(undefined, 'sv', 'ru')).toBe('ru');
    expect(pickLang(undefined, 'de;q=0', 'en')).toBe('en');
  });
});

describe('search form', () => {
  it('turns fields into a store query', () => {
    expect(toFailureQuery({ last4: '4242', stan: '12', from: '2026-11-23', to: '2026-11-23' }, 50)).toEqual({
      limit: 50,
      last4: '4242',
      stan: '000012',
      from: '2026-11-23T00:00:00.000Z',
      to: '2026-11-24T00:00:00.000Z',
    });
  });

  it('refuses a bad field naming it', () => {
    const bad = (form: Record<string, string>) => {
      try {
        toFailureQuery(form, 50);
      } catch (e) {
        if (e instanceof SearchError) return e.field;
      }
      return 'accepted';
    };
    expect(bad({ last4: '12345' })).toBe('last4');
    expect(bad({ id: 'x'.repeat(300) })).toBe('id');
    expect(bad({ from: '2026-02-30' })).toBe('from');
    // a day that does not exist is refused in `to` too (it became 2027-01-02 and 2026-03-03)
    expect(bad({ to: '2026-13-01' })).toBe('to');
    expect(bad({ to: '2026-02-30' })).toBe('to');
    expect(bad({ to: '2026-11-23T25:00' })).toBe('to');
    expect(bad({ from: '2026-11-24', to: '2026-11-23' })).toBe('to');
    expect(bad({ category: 'approved' })).toBe('category');
    expect(bad({ terminal: 'T 1' })).toBe('terminal');
  });
});

describe('docs/fleet-server.md', () => {
  it('shows a fleet.serve example that parses, with every key of the schema', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const doc = readFileSync(new URL('../../../docs/fleet-server.md', import.meta.url), 'utf8');
    const block = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .find((y) => y.includes('serve:'))!;
    const tree = parse(block) as { fleet: { serve: Record<string, unknown> } };
    const c = parseServeConfig(tree);
    expect(Object.keys(c.serve).sort()).toEqual(Object.keys(tree.fleet.serve).sort());
  });

  it("takes the deploy's fleet.yaml as written: the store over the local socket, no host in its URL", async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const doc = readFileSync(new URL('../../../docs/fleet-server.md', import.meta.url), 'utf8');
    const deploy = doc.slice(doc.indexOf('## Deploy with PostgreSQL and Mosquitto'));
    const block = /```yaml\n([\s\S]*?)```/.exec(deploy)![1]!;
    const c = parseServeConfig(parse(block));
    expect(c.serve.pg).toBe('postgres://pos-fleet@/fleet?host=/run/postgresql');
    expect(c.serve).toMatchObject({ secure_cookies: 'always', trust_proxy: true, group: 'fleet' });
    // the units run the built program, never `npx` (which could fetch a registry package)
    const units = [...deploy.matchAll(/```\n(\[Unit\][\s\S]*?)```/g)].map((m) => m[1]!);
    expect(units).toHaveLength(2);
    for (const u of units) {
      expect(u).toContain('ExecStart=/usr/bin/node /opt/pos-agent/dist/bin/pos-agent.js fleet ');
      expect(u).toContain('--username pos-collector');
      expect(u).toContain('EnvironmentFile=/etc/pos-fleet/mqtt.env');
      expect(u).not.toContain('npx');
    }
    expect(units[0]).toContain(' fleet serve ');
  });
});

describe('isPgUrl (fleet serve --pg, fleet collect --pg)', () => {
  it('takes the socket form with no host, and refuses what is not a postgres URL', () => {
    for (const u of [
      'postgres://pos-fleet@/fleet?host=/run/postgresql',
      'postgresql:///fleet',
      'postgres://u@db.example:5432/fleet',
    ])
      expect(isPgUrl(u), u).toBe(true);
    for (const u of ['mysql://x/db', 'postgres://u@db example/fleet', 'fleet'])
      expect(isPgUrl(u), u).toBe(false);
  });
});
