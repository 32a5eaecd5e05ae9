/**
 * `pos-agent run` as a user runs it: the compiled CLI in a child process, the in-process
 * simulator, a real SQLite file, and a real Mosquitto. SIGTERM while busy loses nothing; SIGKILL
 * and a restart on the same file lose nothing either; bad config exits 2 naming the key.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findPans } from '../../protocol/card/pan.js';
import { exitWithin, logEvents, spawnCli } from '../helpers/cli.js';
import { failureCount, failureRows } from '../helpers/db.js';
import { ensureBuilt } from '../helpers/global-build.js';
import { collect, haveMosquitto, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';

const dir = tempDir('pos-e2e-');
beforeAll(() => ensureBuilt(), 240_000);

describe('pos-agent run', () => {
  it('exits 2 and names the key on a bad config value', async () => {
    const p = spawnCli([
      'run',
      '--simulate',
      '--lang',
      'xx',
      '--broker',
      'none',
      '--display',
      'none',
      '--db',
      join(dir, 'bad.db'),
    ]);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toContain('language.cashier');
  });

  it('--print-config refuses what run would refuse', async () => {
    const p = spawnCli(['run', '--simulate', '--scenario', 'nope', '--print-config']);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toContain('simulate.scenario');
  });

  it('a language the texts add can be the cashier language; one without texts is refused', async () => {
    const texts = join(dir, 'sv.yaml');
    writeFileSync(texts, 'sv:\n  emv.03: "GODKÄND"\n');
    const common = [
      'run',
      '--simulate',
      '--duration',
      '1',
      '--rate',
      '20',
      '--broker',
      'none',
      '--display',
      'console',
    ];
    const out: string[] = [];
    const p = spawnCli([...common, '--lang', 'sv', '--db', join(dir, 'sv.db')], {
      env: { POS_AGENT_TEXTS: texts },
    });
    p.child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
    const refused = spawnCli([...common, '--lang', 'sv', '--db', join(dir, 'sv2.db')]);
    expect(await p.exited).toBe(0);
    expect(out.join('')).toContain('[GODKÄND]'); // the approval screen, in the added language
    expect(await refused.exited).toBe(2);
    expect(refused.stderr()).toContain('language.cashier');
  });

  it('exits 2 naming the key when a file the config points at is bad, and does not hang on an open LCD', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ texts: join(dir, 'no-such-texts.yaml') }, 'config texts'],
      [{ response_codes: { '51': { category: 'bogus' } } }, 'config response_codes'],
      [
        {
          broker: { url: 'mqtts://broker.example:8883', ca: join(dir, 'no-such-ca.pem') },
          // an LCD on a missing device keeps reconnecting: the start-up failure must still exit
          display: { driver: 'lcd', lcd_path: join(dir, 'no-such-lcd') },
        },
        'config broker.ca',
      ],
    ];
    // the cases run side by side: each is its own process, config file and database
    await Promise.all(
      cases.map(async ([cfg, want]) => {
        const name = want.replace(/\W/g, '_');
        const file = join(dir, `bad-${name}.json`);
        writeFileSync(file, JSON.stringify(cfg));
        const p = spawnCli(['run', '--simulate', '--config', file, '--db', join(dir, `bad-${name}.db`)]);
        const code = await exitWithin(p, 15_000);
        expect(code).toBe(2);
        expect(p.stderr()).toContain(want);
      }),
    );
  });

  it('exits 2 naming the file when --db or <db>.key is a file the agent did not create; leaves it as it was', async () => {
    const secret = 'root:$6$TopSecretSalt$hash:19000:0:99999:7:::\n';
    const notDb = join(dir, 'shadow-copy');
    writeFileSync(notDb, secret);
    const badKeyDb = join(dir, 'keyed.db');
    writeFileSync(`${badKeyDb}.key`, secret);
    const cases = [
      [notDb, notDb],
      [badKeyDb, `${badKeyDb}.key`],
    ] as const;
    await Promise.all(
      cases.map(async ([db, named]) => {
        const p = spawnCli(['run', '--simulate', '--broker', 'none', '--display', 'none', '--db', db]);
        const code = await exitWithin(p, 15_000);
        expect(code, p.stderr()).toBe(2);
        expect(p.stderr()).toContain(named);
        expect(p.stderr()).not.toContain('TopSecretSalt');
      }),
    );
    expect(readFileSync(notDb, 'utf8')).toBe(secret);
    expect(readFileSync(`${badKeyDb}.key`, 'utf8')).toBe(secret);
    expect(existsSync(badKeyDb)).toBe(false); // refused before the database was touched
    expect(readdirSync(dir).filter((f) => f.startsWith('shadow-copy'))).toEqual(['shadow-copy']);
  });

  it('SIGTERM while busy: every failure the pipeline saw is in the database', async () => {
    const db = join(dir, 'term.db');
    const p = spawnCli(
      [
        'run',
        '--simulate',
        '--scenario',
        'burst',
        '--rate',
        '400',
        '--broker',
        'none',
        '--display',
        'none',
        '--db',
        db,
      ],
      { env: { POS_AGENT_LOG_LEVEL: 'info' } },
    );
    await waitUntil(() => failureCount(db) > 20, 20_000, 'over 20 failures committed', 100);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    const stopped = logEvents(p.stderr()).find((e) => e.event === 'agent_stopped');
    expect(stopped, p.stderr().slice(-2000)).toBeDefined();
    const failures = stopped!.failures as number;
    expect(failures).toBeGreaterThan(20);
    const rows = failureRows(db);
    expect(rows.length).toBe(failures);
    expect(findPans(JSON.stringify(rows))).toEqual([]);
    expect(findPans(p.stderr())).toEqual([]);
  }, 60_000);

  it.runIf(haveMosquitto())(
    'with a Mosquitto: every record reaches pos/v1/F/T/failures, across SIGKILL and restart on the same file',
    async () => {
      const broker: Mosquitto = await startMosquitto();
      const sub = await collect(broker.url, 'pos/v1/e2e/T77/#');
      try {
        const db = join(dir, 'kill.db');
        const args = [
          'run',
          '--simulate',
          '--scenario',
          'shift',
          '--rate',
          '200',
          '--db',
          db,
          '--broker',
          broker.url,
          '--fleet',
          'e2e',
          '--terminal',
          'T77',
          '--display',
          'none',
        ];
        const first = spawnCli(args);
        await waitUntil(() => sub.records().length >= 5, 20_000, 'five records at the broker', 100);
        first.child.kill('SIGKILL');
        await first.exited;
        const second = spawnCli([...args, '--seed', '2']);
        const before = failureCount(db);
        await waitUntil(
          () => failureCount(db) >= before + 5,
          20_000,
          'five failures committed after the restart',
          100,
        );
        second.child.kill('SIGTERM');
        expect(await second.exited).toBe(0);

        const rows = failureRows(db);
        // at least 5 committed before the kill (5 reached the broker) and 5 more after the restart
        expect(rows.length).toBeGreaterThanOrEqual(10);
        const ids = new Set(rows.map((r) => r.id as string));
        await waitUntil(
          () => ids.size > 0 && [...ids].every((id) => sub.records().some((r) => r.id === id)),
          15_000,
          'all records on the broker',
        );
        const received = new Map(sub.records().map((r) => [r.id, r]));
        for (const id of ids) expect(received.has(id)).toBe(true);
        // per-terminal seq has no gap after dedup by id
        const seqs = [...received.values()].map((r) => r.seq).sort((a, b) => a - b);
        expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
        // status: retained online birth seen, and offline after the clean stop
        const status = sub.messages
          .filter((m) => m.topic === 'pos/v1/e2e/T77/status')
          .map((m) => JSON.parse(m.payload) as { state: string });
        expect(status.some((s) => s.state === 'online')).toBe(true);
        expect(status[status.length - 1]?.state).toBe('offline');
        expect(findPans(sub.messages.map((m) => m.payload).join('\n'))).toEqual([]);
      } finally {
        await sub.close();
        await broker.close();
      }
    },
    90_000,
  );
});
