/**
 * The alerts' outbox is the fleet store's alert_deliveries (storeOutbox), on SQLite and on a real
 * PostgreSQL: keys stored once, claims leased so two senders never take one item, an expired lease
 * taken again and marked as such, digest items held until folded.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { NewDelivery } from '../../../agent/fleet/alerts/outbox.js';
import { openOutbox, storeBackends } from '../../helpers/fleet-stores.js';
import { ROOT } from '../../helpers/global-build.js';

const item = (i: number, day: string | null = null): NewDelivery => ({
  key: `k${String(i).padStart(2, '0')}`,
  channel: 'webhook',
  target: 'https://h.example.com',
  rule_id: 'r',
  payload: '{}',
  digest_day: day,
});

for (const backend of storeBackends('outbox')) {
  describe.skipIf(!backend.available)(`alert outbox on the ${backend.name} fleet store`, () => {
    it('stores a key once, and two senders on one database never claim the same item within its lease', async () => {
      const where = await backend.fresh();
      const a = await openOutbox(backend, where);
      const b = await openOutbox(backend, where);
      expect(await a.enqueue([item(1), item(2), item(1)], 0)).toBe(2);
      expect(
        await b.enqueue(
          Array.from({ length: 20 }, (_, i) => item(i)),
          0,
        ),
      ).toBe(18);
      const [x, y] = await Promise.all([a.claimDue(0, 15, 1000), b.claimDue(0, 15, 1000)]);
      expect(x!.length + y!.length).toBe(20);
      expect(new Set([...x!, ...y!].map((d) => d.key)).size).toBe(20);
      expect([...x!, ...y!].every((d) => d.reclaimed === false && d.attempts === 1)).toBe(true);
      expect(await a.claimDue(999, 50, 1000)).toEqual([]);
      // the lease is over: taken again, marked as such, one attempt more
      const again = await b.claimDue(1000, 50, 1000);
      expect(again).toHaveLength(20);
      expect(again.every((d) => d.reclaimed && d.attempts === 2 && d.next_at === 2000)).toBe(true);
      await a.markDelivered('k00', 1500);
      await a.markFailed('k01', 'HTTP 500', 5000);
      await a.markFailed('k02', 'HTTP 410', null);
      expect(await b.get('k00')).toMatchObject({ state: 'delivered', delivered_at: 1500 });
      expect(await b.get('k01')).toMatchObject({ state: 'pending', next_at: 5000, last_error: 'HTTP 500' });
      expect(await b.get('k03')).toMatchObject({
        rule_id: 'r',
        payload: '{}',
        created_at: 0,
        digest_day: null,
      });
      expect(await b.get('nope')).toBeUndefined();
      expect(await b.counts()).toEqual({
        held: 0,
        pending: 1,
        sending: 17,
        delivered: 1,
        failed: 1,
        digested: 0,
      });
      await a.close();
      await b.close();
    });

    it('holds digest items until folded, and folds them in one step', async () => {
      const o = await openOutbox(backend, await backend.fresh());
      await o.enqueue([item(1, '2026-01-14'), item(2, '2026-01-15'), item(3, '2026-01-16')], 0);
      // held items are never due
      expect(await o.claimDue(Date.parse('9999-01-01T00:00:00Z'), 10, 1)).toEqual([]);
      const held = await o.held('2026-01-16');
      expect(held.map((d) => [d.key, d.state, d.digest_day])).toEqual([
        ['k01', 'held', '2026-01-14'],
        ['k02', 'held', '2026-01-15'],
      ]);
      await o.replaceHeld({ ...item(9), key: 'digest', payload: '{"type":"digest"}' }, ['k01', 'k02'], 5);
      expect(await o.counts()).toMatchObject({ held: 1, digested: 2, pending: 1 });
      expect(await o.held('2026-01-16')).toEqual([]);
      const [d] = await o.claimDue(5, 10, 1000);
      expect(d).toMatchObject({ key: 'digest', payload: '{"type":"digest"}', attempts: 1 });
      await o.close();
    });
  });
}

describe('start-up cost', () => {
  it('loads nodemailer only when the first e-mail goes, not with the alerts module', () => {
    // a resolve hook prints each package the import pulls in (ES modules and CommonJS alike)
    const hook = [
      "import { writeSync } from 'node:fs';",
      'export async function resolve(s, c, next) {',
      '  const r = await next(s, c);',
      '  const m = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);',
      "  if (m) writeSync(1, m[1] + '\\n');",
      '  return r;',
      '}',
    ].join('\n');
    const script = [
      "import { register } from 'node:module';",
      `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`,
      "await import('./dist/agent/fleet/alerts/index.js');",
      // the probe's control: a package imported after the module is seen
      "await import('pino');",
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const loaded = new Set(out.split('\n').filter(Boolean));
    expect(loaded.has('pino')).toBe(true);
    expect(loaded.has('nodemailer')).toBe(false);
  });
});
