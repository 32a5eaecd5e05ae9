/**
 * `pos-agent script`: the issuer script for a real stored failure. In-process on a store made
 * with the real migrations (by id, --stan with a repeated STAN, --rrn, --last, not found, bad
 * usage, --print to a file decoded back), and once end to end on a database written by
 * `run --simulate`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScript } from '../../agent/cli/commands/script.js';
import { ExportError } from '../../agent/export/errors.js';
import { issuerScript } from '../../agent/guidance/index.js';
import type { FailureRecord } from '../../agent/record.js';
import { decodeEscPos } from '../../hardware/printer/decode.js';
import { findPans } from '../../protocol/card/pan.js';
import { killAll, spawnCli } from '../helpers/cli.js';
import { failureRows } from '../helpers/db.js';
import { ensureBuilt } from '../helpers/global-build.js';
import { tempDir } from '../helpers/tmp.js';
import { createStore, insertRecords, makeRecord } from '../export/seed.js';

const dir = tempDir('pos-script-');
const db = join(dir, 'store.db');
let recs: FailureRecord[];

beforeAll(() => {
  const s = createStore(db);
  recs = [
    makeRecord(0, { stan: '004211', rrn: '607312004211', rc: '05', category: 'issuer_decline' }),
    makeRecord(1, { stan: '000777' }),
    // STAN 004211 again, later (STANs wrap): the newest of the two is taken
    makeRecord(2, { stan: '004211', rrn: '607312009999', rc: '01', category: 'issuer_decline' }),
    makeRecord(3, { stan: '000123', rc: '91', category: 'network', rc_source: 'host' }),
  ];
  insertRecords(s, recs);
  s.pragma('wal_checkpoint(TRUNCATE)');
  s.close();
});
afterAll(() => killAll());

const TERM = { merchantName: 'DEMO SHOP' };

describe('pos-agent script (in process)', () => {
  it('prints the script of the record asked for by id, as issuerScript makes it', () => {
    const r = buildScript(recs[1]!.id, { db });
    expect(r.record.id).toBe(recs[1]!.id);
    expect(r.lines).toEqual(issuerScript(recs[1]!, TERM, 'en', { columns: 32 }));
    expect(r.lines.join('\n')).toContain('000777');
    expect(findPans(r.lines.join('\n'))).toEqual([]);
    // read-only and tidy: no -wal or -shm left beside the store
    expect(existsSync(`${db}-wal`)).toBe(false);
    expect(existsSync(`${db}-shm`)).toBe(false);
  });

  it('--last takes the newest record', () => {
    const r = buildScript(undefined, { db, last: true });
    expect(r.record.id).toBe(recs[3]!.id);
    expect(r.lines.join('\n')).toContain('91 - ');
  });

  it('--stan with several matches takes the newest and returns the others; leading zeros optional', () => {
    const r = buildScript(undefined, { db, stan: '4211' });
    expect(r.record.id).toBe(recs[2]!.id);
    expect(r.others.map((o) => o.id)).toEqual([recs[0]!.id]);
    // the newest is a referral: the approval-code line is there
    expect(r.lines.join('\n')).toMatch(/Approval code:\s+_{10}/);
  });

  it('--rrn finds its record; --lang and --columns shape the script', () => {
    const r = buildScript(undefined, { db, rrn: '607312004211', lang: 'de', columns: '48' });
    expect(r.record.id).toBe(recs[0]!.id);
    expect(r.lines).toEqual(issuerScript(recs[0]!, TERM, 'de', { columns: 48 }));
    expect(r.lines.some((l) => l.length > 32)).toBe(true);
  });

  it('takes merchant name, acquirer and language from --config', () => {
    const cfg = join(dir, 'cfg.yaml');
    writeFileSync(
      cfg,
      'terminal:\n  merchant_name: KAHVILA AURORA\n  acquirer: NORDIC ACQUIRING\nlanguage:\n  cashier: fi\n',
    );
    const text = buildScript(undefined, { db, last: true, config: cfg }).lines.join('\n');
    expect(text).toContain('KAHVILA AURORA');
    expect(text).toContain('NORDIC ACQUIRING');
    expect(text).toContain('Maksunvälittäjä');
  });

  it("--lang takes a language the config's texts add, and an unknown one is refused with the full list", () => {
    const cfg = join(dir, 'cfg-sv.yaml');
    writeFileSync(cfg, "texts:\n  sv:\n    script.title: 'Kontakta kortutgivaren'\n");
    expect(buildScript(undefined, { db, last: true, config: cfg, lang: 'sv' }).lines.join('\n')).toContain(
      'Kontakta kortutgivaren',
    );
    expect(() => buildScript(undefined, { db, last: true, config: cfg, lang: 'xx' })).toThrow(
      /use one of: en, zh, de, fr, ru, fi, sv$/,
    );
  });

  it('no such record: E_NOT_FOUND, exit 2', () => {
    for (const sel of [{ stan: '999999' }, { rrn: '000000000000' }]) {
      const err = (() => {
        try {
          buildScript(undefined, { db, ...sel });
        } catch (e) {
          return e;
        }
        return null;
      })() as ExportError;
      expect(err).toBeInstanceOf(ExportError);
      expect(err.code).toBe('E_NOT_FOUND');
      expect(err.exitCode).toBe(2);
    }
    expect(() => buildScript('01JDNOSUCHRECORD000000000', { db })).toThrow(/no failure record with id/);
    const empty = join(dir, 'empty.db');
    createStore(empty).close();
    expect(() => buildScript(undefined, { db: empty, last: true })).toThrow(/holds no failure records/);
  });

  it('bad usage is E_USAGE: no selector, two selectors, a bad STAN, a bad width or language', () => {
    expect(() => buildScript(undefined, { db })).toThrow(/exactly one/);
    expect(() => buildScript(recs[0]!.id, { db, last: true })).toThrow(/exactly one/);
    expect(() => buildScript(undefined, { db, stan: '12a' })).toThrow(/--stan/);
    for (const bad of ['40', '042', '32.0'])
      expect(() => buildScript(undefined, { db, last: true, columns: bad }), bad).toThrow(/--columns/);
    expect(() => buildScript(undefined, { db, last: true, lang: 'xx' })).toThrow(/--lang/);
    expect(() => buildScript(undefined, { db: join(dir, 'none.db'), last: true })).toThrow(/does not exist/);
  });
});

describe('pos-agent script (the built CLI)', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('lists the other matches of a repeated STAN on stderr and exits 0 with the newest', async () => {
    const p = spawnCli(['script', '--stan', '004211', '--db', db]);
    expect(await p.exited).toBe(0);
    expect(p.stderr()).toMatch(/2 records match; the newest is shown/);
    expect(p.stderr()).toContain(recs[0]!.id);
    expect(p.stdout()).toContain('607312009999');
  });

  it('exits 2 with E_NOT_FOUND for a record that is not there', async () => {
    const p = spawnCli(['script', '--rrn', '123', '--db', db]);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toContain('E_NOT_FOUND');
    expect(p.stdout()).toBe('');
  });

  it('--print FILE writes an ESC/POS slip that decodes to the script, with no full PAN', async () => {
    const out = join(dir, 'slip.bin');
    const p = spawnCli(['script', '--last', '--db', db, '--lang', 'ru', '--columns', '42', '--print', out]);
    expect(await p.exited).toBe(0);
    expect(p.stdout()).toContain(`printed the issuer script for ${recs[3]!.id}`);
    const bytes = readFileSync(out);
    const [slip] = decodeEscPos(bytes);
    expect(slip?.codePage).toBe('cp866');
    expect(slip?.lines).toEqual(issuerScript(recs[3]!, TERM, 'ru', { columns: 42 }));
    expect(findPans(bytes.toString('latin1'))).toEqual([]);
  });

  it("--last on a database written by run --simulate prints that sale's script", async () => {
    const sim = join(dir, 'sim.db');
    const run = spawnCli([
      'run',
      '--simulate',
      '--duration',
      '3',
      '--broker',
      'none',
      '--display',
      'none',
      '--db',
      sim,
    ]);
    expect(await run.exited).toBe(0);
    const walBefore = existsSync(`${sim}-wal`);
    const p = spawnCli(['script', '--last', '--db', sim]);
    expect(await p.exited).toBe(0);
    expect(existsSync(`${sim}-wal`)).toBe(walBefore); // read-only: nothing left behind
    const rows = failureRows(sim) as unknown as FailureRecord[];
    expect(rows.length).toBeGreaterThan(0);
    const newest = [...rows].sort((a, b) =>
      a.occurred_at === b.occurred_at ? (a.id < b.id ? 1 : -1) : a.occurred_at < b.occurred_at ? 1 : -1,
    )[0]!;
    const out = p.stdout();
    expect(out).toContain(newest.stan!);
    if (newest.rrn) expect(out).toContain(newest.rrn);
    expect(out).toContain(newest.pan_masked!);
    expect(out).toContain(`${newest.rc} - `);
    expect(out).toContain('DEMO SHOP');
    expect(findPans(out)).toEqual([]);
  }, 60_000);
});
