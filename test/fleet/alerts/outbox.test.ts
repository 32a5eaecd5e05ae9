/** The SQLite outbox: keys stored once, claims leased so two senders never take one item. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteOutbox } from '../../../agent/fleet/alerts/outbox-sqlite.js';
import type { NewDelivery } from '../../../agent/fleet/alerts/outbox.js';
import { ROOT } from '../../helpers/global-build.js';
import { tempDir } from '../../helpers/tmp.js';

const item = (i: number, day: string | null = null): NewDelivery => ({
  key: `k${String(i).padStart(2, '0')}`,
  channel: 'webhook',
  target: 'https://h.example.com',
  rule_id: 'r',
  payload: '{}',
  digest_day: day,
});

describe('SQLite alert outbox', () => {
  it('stores a key once, and two outboxes on one file never claim the same item within its lease', async () => {
    const file = join(tempDir('outbox-'), 'fleet.db');
    const a = openSqliteOutbox(file);
    const b = openSqliteOutbox(file);
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
    expect(await a.claimDue(999, 50, 1000)).toEqual([]);
    // the lease is over: taken again, marked as such, one attempt more
    const again = await b.claimDue(1000, 50, 1000);
    expect(again).toHaveLength(20);
    expect(again.every((d) => d.reclaimed && d.attempts === 2)).toBe(true);
    await a.markDelivered('k00', 1500);
    await a.markFailed('k01', 'HTTP 500', 5000);
    await a.markFailed('k02', 'HTTP 410', null);
    expect(await b.get('k00')).toMatchObject({ state: 'delivered', delivered_at: 1500 });
    expect(await b.get('k01')).toMatchObject({ state: 'pending', next_at: 5000, last_error: 'HTTP 500' });
    expect(await b.counts()).toMatchObject({ delivered: 1, pending: 1, failed: 1, sending: 17 });
    await a.close();
    await b.close();
  });

  it('holds digest items until folded, and folds them in one step', async () => {
    const o = openSqliteOutbox(join(tempDir('outbox-'), 'fleet.db'));
    await o.enqueue([item(1, '2026-01-14'), item(2, '2026-01-15'), item(3, '2026-01-16')], 0);
    expect(await o.claimDue(Number.MAX_SAFE_INTEGER, 10, 1)).toEqual([]); // held items are never due
    const held = await o.held('2026-01-16');
    expect(held.map((d) => d.key)).toEqual(['k01', 'k02']);
    await o.replaceHeld({ ...item(9), key: 'digest' }, ['k01', 'k02'], 5);
    expect(await o.counts()).toMatchObject({ held: 1, digested: 2, pending: 1 });
    expect(await o.held('2026-01-16')).toEqual([]);
    await o.close();
  });
});

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
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const loaded = new Set(out.split('\n').filter(Boolean));
    // better-sqlite3 is loaded (the outbox adapter): the probe sees packages load
    expect(loaded.has('better-sqlite3')).toBe(true);
    expect(loaded.has('nodemailer')).toBe(false);
  });
});
