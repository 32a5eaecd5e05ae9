/**
 * `pos-agent fleet serve --demo` as a person runs it (the built CLI): the banner names the URL and
 * the two demo users with their passwords; the simulated terminals' failures reach the portal
 * through the embedded broker, a merchant sees its own merchant's only, the operator sees every
 * terminal; SIGTERM ends it with exit 0 and its temp dir removed. No output holds a card number.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { findPans } from '../../../protocol/card/pan.js';
import { DEMO_TERMINALS } from '../../../agent/cli/commands/fleet-demo.js';
import { exitWithin, killAll, spawnCli } from '../../helpers/cli.js';
import { waitUntil } from '../../helpers/wait.js';
import { Browser, type TestPortal } from './harness.js';

afterAll(() => killAll());

describe('fleet serve --demo', () => {
  it('has its terminals in docs/fleet-server.md, one table row each', () => {
    const doc = readFileSync(new URL('../../../docs/fleet-server.md', import.meta.url), 'utf8');
    for (const t of DEMO_TERMINALS)
      expect(doc).toContain(`| ${t.id} | ${t.merchant} | ${t.scenario} | ${t.pace[0]}-${t.pace[1]} |`);
  });

  it('prints the URL and demo users, shows the simulated terminals live, and cleans up at SIGTERM', async () => {
    const p = spawnCli(['fleet', 'serve', '--demo', '--listen', '127.0.0.1:0']);
    const banner = await waitUntil(
      () => /removed at exit/.test(p.stdout()) && p.stdout(),
      30_000,
      () => `the banner; stdout: ${p.stdout()}; stderr: ${p.stderr().slice(-1500)}`,
      250,
    );
    const url = /portal at (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1]!;
    const pw = (name: string) => new RegExp(`sign in as ${name} +password (\\S+)`).exec(banner)![1]!;
    const dir = /data lives in (\S+) and/.exec(banner)![1]!;
    expect(existsSync(dir)).toBe(true);
    const portal = { url, bodies: [] as string[] } as unknown as TestPortal;

    const cafe = new Browser(portal);
    expect((await cafe.signIn('demo-cafe', pw('demo-cafe'))).status).toBe(303);
    const list = await waitUntil(
      async () => {
        const r = await cafe.get('/failures');
        return r.body.includes('data-testid="result-row"') && r.body;
      },
      60_000,
      'a failure of the cafe',
      250,
    );
    expect(list).toContain('CAFE-DEMO');
    expect(list).not.toMatch(/BAKERY-DEMO|KIOSK-DEMO/);
    expect((await cafe.signIn('demo-cafe', 'not the password')).status).toBe(401);

    const op = new Browser(portal);
    expect((await op.signIn('demo-operator', pw('demo-operator'))).status).toBe(303);
    await waitUntil(
      async () => {
        const body = (await op.get('/terminals')).body;
        return DEMO_TERMINALS.every((t) => body.includes(`data-key="demo/${t.id}"`));
      },
      30_000,
      'every simulated terminal on the terminals page',
      250,
    );

    p.child.kill('SIGTERM');
    expect(await exitWithin(p, 20_000)).toBe(0);
    expect(existsSync(dir)).toBe(false);
    for (const text of [p.stdout(), p.stderr(), ...portal.bodies]) expect(findPans(text)).toEqual([]);
  }, 120_000);
});
