/**
 * The FleetStore's behaviour, one file for both adapters: SQLite (a file) and PostgreSQL (a real
 * throwaway cluster, a fresh schema per test). Scope in every read, keyset paging, cases and their
 * audit trail, outcome moves, terminals from health telemetry, users, sessions, alert rules and the
 * delivery outbox.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pgLib from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLLECTOR_MIGRATIONS,
  COLLECTOR_SCHEMA_VERSION,
  PG_SCHEMA_VERSION,
  recordDigest,
  SQLITE_DIGEST_FUNCTION,
} from '../../agent/fleet/collector-schema.js';
import { toPgParams } from '../../agent/fleet/store/ingest.js';
import { fleetTablesSql } from '../../agent/fleet/store/migrations.js';
import { migrate } from '../../agent/store/migrate.js';
import type { FailureRecord } from '../../agent/record.js';
import { openPgFleetStore, sqliteFleetStore } from '../../agent/fleet/store/index.js';
import {
  type FleetStore,
  FleetStoreError,
  OPERATOR,
  type Scope,
  SYSTEM_ACTOR,
  type TerminalRow,
} from '../../agent/fleet/store/types.js';
import { findPans } from '../../protocol/card/pan.js';
import { makeRecord } from '../export/seed.js';
import { freshSchemaUrl, havePostgres, type Postgres, startPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/tmp.js';
import { metrics, status } from './payloads.js';

const tmp = tempDir('pos-fleet-store-');
const pgAvailable = havePostgres(); // throws under CI=true when PostgreSQL is missing
let pg: Postgres | undefined;
beforeAll(async () => {
  if (pgAvailable) pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.close();
});

let files = 0;
const BACKENDS: Array<[string, boolean, () => Promise<FleetStore>]> = [
  ['SQLite', true, async () => sqliteFleetStore(join(tmp, `store-${++files}.db`))],
  ['PostgreSQL', pgAvailable, async () => openPgFleetStore(await freshSchemaUrl(pg as Postgres, 'store'))],
];

const M1: Scope = { role: 'merchant', merchantIds: ['M1'] };
const M2: Scope = { role: 'merchant', merchantIds: ['M2'] };

/** Records of merchant M1 on T1 (even i) and M2 on T2 (odd i), one minute apart. */
function mixed(n: number, from = 0): FailureRecord[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const m = i % 2 === 0 ? 'M1' : 'M2';
    return makeRecord(i, { merchant_id: m, terminal_id: m === 'M1' ? 'T1' : 'T2', seq: i + 1 });
  });
}

async function insertAll(s: FleetStore, fleet: string, recs: FailureRecord[]) {
  for (const t of ['T1', 'T2']) {
    const mine = recs.filter((r) => r.terminal_id === t);
    if (mine.length) await s.insert(fleet, mine);
  }
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FleetStoreError) return e.code;
    throw e;
  }
  return 'resolved';
}

for (const [name, available, open] of BACKENDS) {
  describe.skipIf(!available)(`FleetStore on ${name}`, () => {
    let s: FleetStore;
    beforeAll(async () => {
      s = await open();
    });
    afterAll(async () => {
      await s?.close();
    });

    it('searches by id, RRN, STAN, last 4, terminal, dates, category and case status, in scope only', async () => {
      const recs = mixed(40);
      recs[7] = { ...(recs[7] as FailureRecord), category: 'network', rc: '91', rc_source: 'host' };
      await insertAll(s, 'F', recs);
      const r5 = recs[5] as FailureRecord; // M2
      expect((await s.searchFailures(OPERATOR, { id: r5.id })).items.map((r) => r.id)).toEqual([r5.id]);
      expect((await s.searchFailures(OPERATOR, { rrn: r5.rrn as string })).items.map((r) => r.id)).toEqual([
        r5.id,
      ]);
      expect((await s.searchFailures(M2, { stan: r5.stan as string })).items.map((r) => r.id)).toEqual([
        r5.id,
      ]);
      // the merchant of another merchant's record finds nothing, by any key
      expect((await s.searchFailures(M1, { id: r5.id })).items).toEqual([]);
      expect((await s.searchFailures(M1, { rrn: r5.rrn as string })).items).toEqual([]);
      expect(await s.getFailure(M1, r5.id)).toBeNull();
      const got = await s.getFailure(M2, r5.id);
      expect(got).toMatchObject({ id: r5.id, fleet: 'F', merchant_id: 'M2', case_status: 'open', seq: 6 });
      expect(got?.received_at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
      const last4 = (r5.pan_masked as string).slice(-4);
      expect((await s.searchFailures(OPERATOR, { last4 })).items.map((r) => r.id)).toEqual([r5.id]);
      expect((await s.searchFailures(M1, { last4 })).items).toEqual([]);
      const t1 = await s.searchFailures(OPERATOR, { terminal: 'T1', limit: 500 });
      expect(t1.items).toHaveLength(20);
      expect(t1.items.every((r) => r.merchant_id === 'M1')).toBe(true);
      const range = await s.searchFailures(OPERATOR, {
        from: recs[10]!.occurred_at,
        to: recs[15]!.occurred_at,
      });
      expect(range.items.map((r) => r.id)).toEqual(
        recs
          .slice(10, 15)
          .map((r) => r.id)
          .reverse(),
      );
      expect((await s.searchFailures(OPERATOR, { categories: ['network'] })).items.map((r) => r.id)).toEqual([
        recs[7]!.id,
      ]);
      // case status: move one case, find it by its status
      const c = await s.getCase(OPERATOR, recs[3]!.id);
      await s.updateCase(M2, c!.id, { status: 'customer_contacted' }, 'ann');
      expect(
        (await s.searchFailures(M2, { caseStatuses: ['customer_contacted'] })).items.map((r) => [
          r.id,
          r.case_status,
        ]),
      ).toEqual([[recs[3]!.id, 'customer_contacted']]);
      expect((await s.searchFailures(M1, { caseStatuses: ['customer_contacted'] })).items).toEqual([]);
      expect(await code(s.searchFailures(OPERATOR, { last4: '12a4' }))).toBe('E_QUERY');
      expect(await code(s.searchFailures(OPERATOR, { from: 'yesterday' }))).toBe('E_QUERY');
      expect(await code(s.searchFailures(OPERATOR, { after: 'bm90IGEgY3Vyc29y' }))).toBe('E_CURSOR');
      expect(await code(s.searchFailures(OPERATOR, { limit: 0 }))).toBe('E_QUERY');
      // an empty merchant scope sees nothing (never everything)
      expect((await s.searchFailures({ role: 'merchant', merchantIds: [] })).items).toEqual([]);
    });

    it('pages newest first by keyset: every row once, in order, the same with a scope', async () => {
      const fresh = await open();
      try {
        const recs = mixed(23, 1000);
        // two records at the same instant: the row breaks the tie
        recs[4] = { ...(recs[4] as FailureRecord), occurred_at: recs[6]!.occurred_at };
        await insertAll(fresh, 'P', recs);
        for (const [scope, expected, byCase] of [
          [OPERATOR, recs, false],
          [M1, recs.filter((r) => r.merchant_id === 'M1'), false],
          [OPERATOR, recs, true], // ordered by the case's copy of occurred_at
        ] as const) {
          const seen: string[] = [];
          let after: string | undefined;
          let pages = 0;
          do {
            const p = await fresh.searchFailures(scope, {
              limit: 5,
              ...(byCase ? { caseStatuses: ['open'] as const } : {}),
              ...(after ? { after } : {}),
            });
            seen.push(...p.items.map((r) => r.id));
            after = p.next ?? undefined;
            pages++;
          } while (after);
          expect(pages).toBe(Math.ceil(expected.length / 5));
          expect(seen).toHaveLength(expected.length);
          expect(new Set(seen).size).toBe(expected.length);
          const times = await Promise.all(
            seen.map(async (id) => (await fresh.getFailure(OPERATOR, id))!.occurred_at),
          );
          expect([...times].sort().reverse()).toEqual(times);
        }
      } finally {
        await fresh.close();
      }
    });

    it('pages a search by case status alone exactly like the whole query: ties across pages, two rows of one case, records the scope hides', async () => {
      const fresh = await open();
      try {
        // 30 failures of M1, three at each instant; stored one by one in a shuffled order, so the
        // row (the tie-breaker) is neither the array's nor the ids' order
        const base = Date.UTC(2026, 10, 1, 12, 0, 0);
        const recs = Array.from({ length: 30 }, (_, k) =>
          makeRecord(3000 + k, {
            merchant_id: 'M1',
            terminal_id: 'T1',
            seq: k + 1,
            occurred_at: new Date(base - Math.floor(k / 3) * 60_000).toISOString(),
          }),
        );
        // what the store should hold, in row order: [id/amount, instant, record's merchant, case's]
        const rows: Array<[string, string, string, string]> = [];
        const key = (r: FailureRecord) => `${r.id}/${String(r.amount_minor)}`;
        const store = async (r: FailureRecord, caseMerchant = r.merchant_id) => {
          await fresh.insert('Q', [r]);
          const old = rows.findIndex(([k]) => k.startsWith(`${r.id}/`));
          if (r.version > 1 && old >= 0) rows.splice(old, 1); // a newer version replaces the row
          rows.push([key(r), r.occurred_at, r.merchant_id, caseMerchant]);
        };
        for (let k = 0; k < 30; k++) await store(recs[(k * 7) % 30]!);
        // the same id and version with other content: a second row of the same case
        await store({ ...recs[10]!, amount_minor: 99_999 });
        // newer versions under another merchant: the case keeps M1, so M1's case search does not
        // show the record (nor does M2's); inside a window they leave it short of a page
        for (const k of [4, 20]) await store({ ...recs[k]!, version: 2, merchant_id: 'M2' }, 'M1');

        const newestFirst = (scope: Scope) =>
          rows
            .map((r, row) => ({ r, row }))
            .filter(({ r }) => scope.role === 'operator' || (r[2] === 'M1' && r[3] === 'M1'))
            .sort((a, b) => b.r[1].localeCompare(a.r[1]) || b.row - a.row)
            .map(({ r }) => r[0]);
        for (const scope of [M1, OPERATOR]) {
          const expected = newestFirst(scope);
          // the whole query, in one page (a filter on the record takes it)
          const whole = await fresh.searchFailures(scope, { caseStatuses: ['open'], fleet: 'Q', limit: 500 });
          expect(whole.items.map((r) => `${r.id}/${String(r.amount_minor)}`)).toEqual(expected);
          for (const limit of [1, 2, 4, 5]) {
            const seen: string[] = [];
            let after: string | undefined;
            let pages = 0;
            do {
              const p = await fresh.searchFailures(scope, {
                caseStatuses: ['open'],
                limit,
                ...(after ? { after } : {}),
              });
              seen.push(...p.items.map((r) => `${r.id}/${String(r.amount_minor)}`));
              if (p.next) expect(p.items).toHaveLength(limit);
              after = p.next ?? undefined;
              pages++;
            } while (after);
            expect(seen).toEqual(expected);
            expect(pages).toBe(Math.ceil(expected.length / limit));
          }
        }
        expect(newestFirst(M1)).toHaveLength(29); // 30 + 1 row of the conflict - 2 hidden
      } finally {
        await fresh.close();
      }
    });

    it('opens a case per failure; outcome versions move it, with an audit row in the same transaction', async () => {
      const [a, b, c] = mixed(3, 2000).map((r) => ({ ...r, terminal_id: 'T9', merchant_id: 'M1' }));
      await s.insert('C', [a!, b!, c!]);
      await s.insert('C', [a!]); // a redelivery opens nothing new
      const ca = await s.getCase(M1, a!.id);
      expect(ca).toMatchObject({
        status: 'open',
        merchant_id: 'M1',
        terminal_id: 'T9',
        version: 1,
        assignee: null,
      });
      expect(await s.getCase(M2, a!.id)).toBeNull();
      // a is paid after all (a newer version): the case follows
      await s.insert('C', [
        {
          ...a!,
          version: 2,
          seq: 10,
          outcome: 'recovered',
          recovered_by: 'same_card',
          outcome_at: a!.occurred_at,
        },
      ]);
      expect(await s.getCase(M1, a!.id)).toMatchObject({ status: 'recovered', version: 2 });
      expect((await s.getFailure(M1, a!.id))?.case_status).toBe('recovered');
      expect(await s.caseEvents(M1, ca!.id)).toMatchObject([
        { actor: SYSTEM_ACTOR, action: 'status', old: 'open', new: 'recovered' },
      ]);
      // b resolved by a person, then a possible double charge reopens it
      const cb = await s.getCase(M1, b!.id);
      await s.updateCase(M1, cb!.id, { status: 'resolved' }, 'ann');
      await s.insert('C', [
        { ...b!, version: 2, seq: 11, outcome: 'possible_double_charge', outcome_at: b!.occurred_at },
      ]);
      expect((await s.caseEvents(OPERATOR, cb!.id)).map((e) => [e.actor, e.old, e.new])).toEqual([
        ['ann', 'open', 'resolved'],
        [SYSTEM_ACTOR, 'resolved', 'open'],
      ]);
      // a reversal changes the outcome, not the case
      await s.insert('C', [{ ...c!, version: 2, seq: 12, outcome: 'reversed', outcome_at: c!.occurred_at }]);
      expect(await s.getCase(M1, c!.id)).toMatchObject({ status: 'open', version: 1 });
      // a record seen first at a recovered version: its case opens and moves at once
      const d = {
        ...makeRecord(2100, { terminal_id: 'T9', merchant_id: 'M1' }),
        version: 3,
        outcome: 'recovered' as const,
        recovered_by: 'other_card' as const,
      };
      await s.insert('C', [d]);
      expect(await s.getCase(M1, d.id)).toMatchObject({ status: 'recovered' });
      const t = await s.getTerminal(OPERATOR, 'C', 'T9');
      expect(t).toMatchObject({ merchant_id: 'M1', failures: 4, state: 'unknown' });
    });

    it('stores a batch of messages in one transaction: cases and terminals as for each message', async () => {
      const [a, b] = mixed(2, 2200).map((r, i) => ({ ...r, terminal_id: `TB${i}`, merchant_id: 'M1' }));
      const res = await s.insertBatch([
        { fleet: 'BT', records: [a!] },
        { fleet: 'BT', records: [b!] },
        { fleet: 'BT', records: [a!] }, // a redelivery in the same batch
        {
          fleet: 'BT',
          records: [{ ...b!, version: 2, seq: 20, outcome: 'recovered', outcome_at: b!.occurred_at }],
        },
      ]);
      expect(res).toMatchObject({ inserted: 2, replaced: 0, duplicates: 1, conflicts: [] });
      expect(res.stale.map((x) => x.id)).toEqual([b!.id]);
      expect(await s.getCase(M1, a!.id)).toMatchObject({ status: 'open', terminal_id: 'TB0' });
      expect(await s.getCase(M1, b!.id)).toMatchObject({ status: 'recovered' });
      expect(await s.getTerminal(OPERATOR, 'BT', 'TB0')).toMatchObject({ failures: 1, merchant_id: 'M1' });
      expect(await s.getTerminal(OPERATOR, 'BT', 'TB1')).toMatchObject({ failures: 1, merchant_id: 'M1' });
    });

    it('changes a case by the moves table: status, assignee, notes, each audited; refuses bad moves, stale versions and other merchants', async () => {
      const r = makeRecord(3000, { terminal_id: 'T8', merchant_id: 'M1' });
      await s.insert('K', [r]);
      const c = (await s.getCase(OPERATOR, r.id))!;
      const pan = '4761739001010010';
      const after = await s.updateCase(
        M1,
        c.id,
        {
          status: 'issuer_contacted',
          assignee: 'bob',
          note: `called issuer about ${pan}`,
          expectedVersion: 1,
        },
        'ann',
      );
      expect(after).toMatchObject({ status: 'issuer_contacted', assignee: 'bob', version: 2 });
      const ev = await s.caseEvents(M1, c.id);
      expect(ev.map((e) => [e.actor, e.action, e.old, e.new?.replace(/\d{6}\*+\d{4}/, 'MASKED')])).toEqual([
        ['ann', 'status', 'open', 'issuer_contacted'],
        ['ann', 'assignee', null, 'bob'],
        ['ann', 'note', null, 'called issuer about MASKED'],
      ]);
      expect(findPans(JSON.stringify(ev))).toEqual([]);
      expect(await code(s.updateCase(M1, c.id, { status: 'resolved', expectedVersion: 1 }, 'ann'))).toBe(
        'E_CASE_STALE',
      );
      expect(await code(s.updateCase(M2, c.id, { status: 'resolved' }, 'eve'))).toBe('E_CASE_NOT_FOUND');
      expect(await s.caseEvents(M2, c.id)).toEqual([]);
      await s.updateCase(M1, c.id, { status: 'written_off' }, 'ann');
      expect(await code(s.updateCase(M1, c.id, { status: 'customer_contacted' }, 'ann'))).toBe('E_CASE_MOVE');
      expect(await code(s.updateCase(M1, c.id, { note: ' ' }, 'ann'))).toBe('E_NOTE');
      expect(await code(s.updateCase(M1, c.id, { note: 'x'.repeat(2001) }, 'ann'))).toBe('E_NOTE');
      // track data and a CVV cannot be masked in place: refused (a PAN alone is masked, above)
      for (const note of [';4111111111111111=25121010000012300000?', 'exp =2512101, cvv2: 123'])
        expect(await code(s.updateCase(M1, c.id, { note }, 'ann'))).toBe('E_NOTE');
      // refused changes wrote nothing
      expect(await s.getCase(M1, r.id)).toMatchObject({ status: 'written_off', version: 3 });
      expect(await s.caseEvents(M1, c.id)).toHaveLength(4);
      await s.updateCase(M1, c.id, { status: 'open', assignee: null }, 'ann');
      expect(await s.getCase(M1, r.id)).toMatchObject({ status: 'open', assignee: null });
    });

    it('keeps terminals from health telemetry: newest status and metrics win, state derived at read time, scoped by merchant', async () => {
      const at = (m: number) => new Date(Date.UTC(2026, 10, 23, 8, m)).toISOString();
      await s.health('H', { kind: 'status', payload: status('H', 'TA', 'online', at(0)), receivedAt: at(0) });
      await s.health('H', {
        kind: 'metrics',
        payload: { ...metrics('H', 'TA', 12, 30), at: at(1), alarms: ['disk_low'] },
        receivedAt: at(1),
      });
      // an older metrics message arriving late changes nothing but last_seen's max
      await s.health('H', {
        kind: 'metrics',
        payload: { ...metrics('H', 'TA', 99), at: at(0) },
        receivedAt: at(1),
      });
      await s.health('H', { kind: 'status', payload: status('H', 'TB', 'online', at(0)), receivedAt: at(0) });
      await s.health('H', {
        kind: 'status',
        payload: status('H', 'TB', 'offline', at(2)),
        receivedAt: at(2),
      });
      await s.health('H', { kind: 'status', payload: status('H', 'TB', 'online', at(1)), receivedAt: at(3) }); // late, older
      await s.insert('H', [makeRecord(4000, { terminal_id: 'TA', merchant_id: 'M1' })]);
      const now = at(2);
      const ta = (await s.getTerminal(OPERATOR, 'H', 'TA', { now })) as TerminalRow;
      expect(ta).toMatchObject({
        state: 'online',
        status: 'online',
        outbox_depth: 12,
        oldest_unsynced_age_s: 30,
        alarms: ['disk_low'],
        merchant_id: 'M1',
        failures: 1,
        metrics_at: at(1),
      });
      // the record just stored counts as heard from (at the wall clock): silent an hour later
      const later = new Date(Date.now() + 3600_000).toISOString();
      expect((await s.getTerminal(OPERATOR, 'H', 'TA', { now: later }))?.state).toBe('silent');
      expect(await s.getTerminal(OPERATOR, 'H', 'TB', { now })).toMatchObject({
        state: 'offline',
        status_at: at(2),
      });
      expect(await s.getTerminal(M2, 'H', 'TA')).toBeNull();
      expect((await s.listTerminals(M1, { fleet: 'H', now })).items.map((t) => t.terminal_id)).toEqual([
        'TA',
      ]);
      expect(
        (await s.listTerminals(OPERATOR, { fleet: 'H', now, states: ['offline'] })).items.map(
          (t) => t.terminal_id,
        ),
      ).toEqual(['TB']);
      expect(
        (await s.listTerminals(OPERATOR, { fleet: 'H', minBacklog: 10 })).items.map((t) => t.terminal_id),
      ).toEqual(['TA']);
      const p1 = await s.listTerminals(OPERATOR, { fleet: 'H', limit: 1 });
      const p2 = await s.listTerminals(OPERATOR, { fleet: 'H', limit: 1, after: p1.next! });
      expect([...p1.items, ...p2.items].map((t) => t.terminal_id)).toEqual(['TA', 'TB']);
      expect(p2.next).toBeNull();
    });

    it('counts failures and feeds them in the order received, in scope', async () => {
      const fresh = await open();
      try {
        const recs = mixed(10, 5000);
        await insertAll(fresh, 'N', recs);
        const from = '2026-01-01T00:00:00.000Z';
        const to = '2027-01-01T00:00:00.000Z';
        expect(await fresh.countFailures(OPERATOR, { from, to, by: 'merchant' })).toEqual([
          { key: 'M1', failures: 5 },
          { key: 'M2', failures: 5 },
        ]);
        expect(await fresh.countFailures(M1, { from, to, by: 'terminal' })).toEqual([
          { key: 'N/T1', failures: 5 },
        ]);
        expect(await fresh.countFailures(M1, { from, to, by: 'bin' })).toEqual([
          { key: '476173', failures: 5 },
        ]);
        const feed1 = await fresh.recentFailures(M2, { since: from, limit: 3 });
        expect(feed1.items).toHaveLength(3);
        const feed2 = await fresh.recentFailures(M2, { since: from, after: feed1.next!, limit: 10 });
        expect(feed2.items).toHaveLength(2);
        const feed3 = await fresh.recentFailures(M2, { since: from, after: feed2.next! });
        expect(feed3).toEqual({ items: [], next: feed2.next });
      } finally {
        await fresh.close();
      }
    });

    it('keeps users and sessions: unique names, merchant ids required, expired and disabled sessions dead', async () => {
      const op = await s.createUser({ name: 'olga', role: 'operator', passwordHash: '$argon2id$v=19$fake' });
      const me = await s.createUser({
        name: 'mia',
        role: 'merchant',
        merchantIds: ['M1', 'M1', 'M3'],
        passwordHash: 'h',
      });
      expect(me).toMatchObject({ role: 'merchant', merchant_ids: ['M1', 'M3'], disabled: false });
      expect(await code(s.createUser({ name: 'mia', role: 'operator', passwordHash: 'h' }))).toBe(
        'E_USER_EXISTS',
      );
      expect(await code(s.createUser({ name: 'max', role: 'merchant', passwordHash: 'h' }))).toBe('E_USER');
      expect(
        await code(s.createUser({ name: 'oli', role: 'operator', merchantIds: ['M1'], passwordHash: 'h' })),
      ).toBe('E_USER');
      expect(await s.userForSignIn('olga')).toMatchObject({
        id: op.id,
        password_hash: '$argon2id$v=19$fake',
      });
      expect(await s.userForSignIn('nobody')).toBeNull();
      await s.setPasswordHash(op.id, 'h2');
      expect((await s.userForSignIn('olga'))?.password_hash).toBe('h2');
      const t0 = '2026-11-23T08:00:00.000Z';
      await s.createSession({
        id: 's1',
        user_id: me.id,
        csrf: 'c1',
        created_at: t0,
        expires_at: '2026-11-23T09:00:00.000Z',
      });
      await s.createSession({
        id: 's2',
        user_id: op.id,
        csrf: 'c2',
        created_at: t0,
        expires_at: '2026-11-23T08:30:00.000Z',
      });
      expect(await s.getSession('s1', '2026-11-23T08:45:00.000Z')).toMatchObject({
        session: { csrf: 'c1' },
        user: { name: 'mia' },
      });
      expect(await s.getSession('s2', '2026-11-23T08:45:00.000Z')).toBeNull();
      expect(await s.purgeSessions('2026-11-23T08:45:00.000Z')).toBe(1);
      await s.setUserDisabled(me.id, true);
      expect(await s.getSession('s1', '2026-11-23T08:45:00.000Z')).toBeNull();
      expect((await s.listUsers()).map((u) => [u.name, u.disabled])).toEqual([
        ['mia', true],
        ['olga', false],
      ]);
    });

    it('keeps alert rules per merchant and an outbox that sends each key once', async () => {
      await s.putAlertRule({
        id: 'r-op',
        merchant_id: null,
        spec: { kind: 'offline', minutes: 10 },
        enabled: true,
        source: 'config',
      });
      await s.putAlertRule({
        id: 'r-m1',
        merchant_id: 'M1',
        spec: { kind: 'failure' },
        enabled: true,
        source: 'portal',
      });
      expect((await s.listAlertRules(OPERATOR)).map((r) => r.id)).toEqual(['r-m1', 'r-op']);
      expect((await s.listAlertRules(M1)).map((r) => [r.id, r.spec])).toEqual([
        ['r-m1', { kind: 'failure' }],
      ]);
      expect(await s.deleteAlertRule(M2, 'r-m1')).toBe(false);
      expect(await s.deleteAlertRule(M1, 'r-m1')).toBe(true);

      const t = (s2: number) => new Date(Date.UTC(2026, 10, 23, 8, 0, s2)).toISOString();
      const d = {
        rule_id: 'r-op',
        channel: 'webhook' as const,
        target: 'http://x/hook',
        payload: { a: 1 },
        next_at: t(0),
      };
      expect(await s.enqueueDelivery({ ...d, key: 'k1' })).toBe(true);
      expect(await s.enqueueDelivery({ ...d, key: 'k1' })).toBe(false);
      expect(await s.enqueueDelivery({ ...d, key: 'k2' })).toBe(true);
      const got = await s.claimDeliveries(t(1), 10, 30_000);
      expect(got.map((x) => [x.key, x.state, x.attempts])).toEqual([
        ['k1', 'sending', 1],
        ['k2', 'sending', 1],
      ]);
      expect(await s.claimDeliveries(t(2), 10, 30_000)).toEqual([]); // leased
      await s.markDelivered(got[0]!.key, t(3));
      await s.markFailed(got[1]!.key, 'HTTP 500', t(10));
      expect(await s.claimDeliveries(t(5), 10, 30_000)).toEqual([]);
      const again = await s.claimDeliveries(t(10), 10, 30_000);
      // a retry is not a reclaim: its earlier attempt ended and was marked
      expect(again.map((x) => [x.key, x.attempts, x.last_error, x.reclaimed])).toEqual([
        ['k2', 2, 'HTTP 500', false],
      ]);
      await s.markFailed(again[0]!.key, 'HTTP 500', null);
      expect(await s.getDelivery('k2')).toMatchObject({ state: 'failed', attempts: 2 });
      expect(await s.getDelivery('k1')).toMatchObject({ state: 'delivered', delivered_at: t(3) });
      // a lease that ran out (a sender died) is taken again
      await s.enqueueDelivery({ ...d, key: 'k3' });
      expect((await s.claimDeliveries(t(20), 10, 1000)).map((x) => x.reclaimed)).toEqual([false]);
      expect((await s.claimDeliveries(t(22), 10, 1000)).map((x) => [x.key, x.attempts, x.reclaimed])).toEqual(
        [['k3', 2, true]],
      );
      // a late mark of the sender that lost its lease cannot undo a delivery
      await s.markDelivered('k3', t(23));
      await s.markFailed('k3', 'timeout', t(30));
      expect(await s.getDelivery('k3')).toMatchObject({ state: 'delivered', delivered_at: t(23) });
    });

    it('holds digest deliveries until folded, and folds a day in one step', async () => {
      const item = (key: string, day: string | null) => ({
        key,
        rule_id: 'digest-rule',
        channel: 'email' as const,
        target: 'ops@example.org',
        payload: { n: key },
        digest_day: day,
      });
      const at = '2026-02-01T00:00:00.000Z';
      expect(
        await s.enqueueDeliveries(
          [item('h3', '2026-01-16'), item('h1', '2026-01-14'), item('h2', '2026-01-15'), item('h1', null)],
          at,
        ),
      ).toBe(3);
      expect(await s.getDelivery('h1')).toMatchObject({
        state: 'held',
        digest_day: '2026-01-14',
        next_at: at,
      });
      // held deliveries are never due
      expect(
        (await s.claimDeliveries('9999-01-01T00:00:00.000Z', 100, 1)).filter((d) => d.key.startsWith('h')),
      ).toEqual([]);
      const held = await s.heldDeliveries('2026-01-16');
      expect(held.map((d) => [d.key, d.payload])).toEqual([
        ['h1', { n: 'h1' }],
        ['h2', { n: 'h2' }],
      ]);
      await s.digestHeld({ ...item('hd', null), payload: { days: 2 } }, ['h1', 'h2'], at);
      expect(await s.heldDeliveries('2026-01-16')).toEqual([]);
      expect(await s.getDelivery('hd')).toMatchObject({
        state: 'pending',
        digest_day: null,
        payload: { days: 2 },
      });
      const counts = await s.deliveryCounts();
      expect(counts).toMatchObject({ held: 1, digested: 2 });
      expect(Object.keys(counts).sort()).toEqual([
        'delivered',
        'digested',
        'failed',
        'held',
        'pending',
        'sending',
      ]);
      expect(await code(s.heldDeliveries('16.1.2026'))).toBe('E_QUERY');
      expect(await code(s.enqueueDeliveries([item('bad', '2026-1-1')]))).toBe('E_QUERY');
    });

    it('gives concurrent senders disjoint deliveries', async () => {
      for (let i = 0; i < 40; i++) {
        await s.enqueueDelivery({
          key: `c${i}`,
          rule_id: null,
          channel: 'email',
          target: 'ops@example.org',
          payload: {},
          next_at: '2026-01-01T00:00:00.000Z',
        });
      }
      const now = '2026-01-01T00:00:01.000Z';
      const runs = await Promise.all(Array.from({ length: 4 }, () => s.claimDeliveries(now, 15, 60_000)));
      const keys = runs
        .flat()
        .map((d) => d.key)
        .filter((k) => k.startsWith('c'));
      expect(keys).toHaveLength(40);
      expect(new Set(keys).size).toBe(40);
    });
  });
}

describe("the migration step that ends the cases' merchant index with the record id", () => {
  it('SQLite v6 to v7: the index is rebuilt over the cases as they are', async () => {
    const file = join(tmp, 'v6.db');
    const db = new Database(file);
    db.function(SQLITE_DIGEST_FUNCTION, { varargs: true }, (...v: unknown[]) => recordDigest(v));
    migrate(
      db,
      COLLECTOR_MIGRATIONS.filter((m) => m.version <= 6),
    );
    const cols = (d: Database.Database) =>
      d.prepare("SELECT name FROM pragma_index_info('cases_merchant_status') ORDER BY seqno").pluck().all();
    expect(cols(db)).toEqual(['merchant_id', 'status', 'occurred_at']);
    db.close();
    const s = sqliteFleetStore(file);
    const r = makeRecord(1, { merchant_id: 'M1' });
    await s.insert('F', [r]);
    expect((await s.searchFailures(M1, { caseStatuses: ['open'] })).items.map((x) => x.id)).toEqual([r.id]);
    await s.close();
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(COLLECTOR_SCHEMA_VERSION);
    expect(cols(after)).toEqual(['merchant_id', 'status', 'occurred_at', 'record_id']);
    after.close();
  });

  it.skipIf(!pgAvailable)(
    'PostgreSQL v5 to v6: the index is rebuilt over the cases as they are',
    async () => {
      const url = await freshSchemaUrl(pg as Postgres, 'v5');
      const s5 = await openPgFleetStore(url);
      const r = makeRecord(1, { merchant_id: 'M1' });
      await s5.insert('F', [r]);
      await s5.close();
      const c = new pgLib.Client({ connectionString: url });
      await c.connect();
      const def = async () =>
        (
          await c.query(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'cases_merchant_status'",
          )
        ).rows;
      try {
        // back to v5: the index as v4 made it
        await c.query('DROP INDEX cases_merchant_status');
        await c.query('CREATE INDEX cases_merchant_status ON cases (merchant_id, status, occurred_at)');
        await c.query("UPDATE pos_collector_schema SET version = 5 WHERE table_name = 'failures'");
        const s = await openPgFleetStore(url);
        expect((await s.searchFailures(M1, { caseStatuses: ['open'] })).items.map((x) => x.id)).toEqual([
          r.id,
        ]);
        await s.close();
        expect(await def()).toEqual([
          { indexdef: expect.stringMatching(/\(merchant_id, status, occurred_at, record_id\)$/) as string },
        ]);
        expect((await c.query('SELECT version FROM pos_collector_schema')).rows).toEqual([
          { version: PG_SCHEMA_VERSION },
        ]);
      } finally {
        await c.end();
      }
    },
  );
});

describe('the migration step that makes alert_deliveries the one outbox', () => {
  const row = (key: string, state: string) => [key, 'r', 'webhook', 'http://x/hook', '{"a":1}', state];
  const V5_INSERT =
    'INSERT INTO alert_deliveries (key, rule_id, channel, target, payload, state, attempts, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)';

  it('SQLite v5 to v6: keeps the deliveries and takes over the rows of the retired alert_outbox', async () => {
    const file = join(tmp, 'v5.db');
    const db = new Database(file);
    db.function(SQLITE_DIGEST_FUNCTION, { varargs: true }, (...v: unknown[]) => recordDigest(v));
    migrate(
      db,
      COLLECTOR_MIGRATIONS.filter((m) => m.version <= 5),
    );
    db.prepare(V5_INSERT).run(
      ...row('old', 'sending'),
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    );
    // the alerts' own SQLite outbox as it was made beside the collector's tables
    db.exec(`CREATE TABLE alert_outbox (key TEXT PRIMARY KEY, channel TEXT NOT NULL, target TEXT NOT NULL,
      rule_id TEXT NOT NULL, payload TEXT NOT NULL, digest_day TEXT, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
      next_at INTEGER NOT NULL, last_error TEXT, created_at INTEGER NOT NULL, delivered_at INTEGER) STRICT`);
    const ins = db.prepare(
      'INSERT INTO alert_outbox (key, channel, target, rule_id, payload, digest_day, state, attempts, next_at, created_at, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const T = Date.parse('2026-01-15T10:00:00.123Z');
    ins.run('ob-held', 'email', 'a@b.example', 'd', '{"x":1}', '2026-01-15', 'held', 0, T, T, null);
    ins.run('ob-sent', 'webhook', 'http://x/hook', 'e', '{"x":2}', null, 'delivered', 1, T + 1, T, T + 999);
    ins.run('old', 'webhook', 'http://x/hook', 'e', '{"x":3}', null, 'pending', 0, T, T, null); // a key in both: the store's row stays
    db.close();

    const s = sqliteFleetStore(file);
    expect(await s.getDelivery('old')).toMatchObject({
      state: 'sending',
      payload: { a: 1 },
      reclaimed: false,
    });
    expect(await s.getDelivery('ob-held')).toMatchObject({
      state: 'held',
      digest_day: '2026-01-15',
      next_at: '2026-01-15T10:00:00.123Z',
      created_at: '2026-01-15T10:00:00.123Z',
      payload: { x: 1 },
    });
    expect(await s.getDelivery('ob-sent')).toMatchObject({
      state: 'delivered',
      attempts: 1,
      next_at: '2026-01-15T10:00:00.124Z',
      delivered_at: '2026-01-15T10:00:01.122Z',
    });
    expect(await s.deliveryCounts()).toMatchObject({ held: 1, sending: 1, delivered: 1 });
    await s.close();
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(COLLECTOR_SCHEMA_VERSION);
    expect(after.prepare("SELECT name FROM sqlite_master WHERE name = 'alert_outbox'").all()).toEqual([]);
    after.close();
  });

  it.skipIf(!pgAvailable)('PostgreSQL v4 to v5: keeps the deliveries, then holds digest items', async () => {
    const url = await freshSchemaUrl(pg as Postgres, 'v4');
    await (await openPgFleetStore(url)).close();
    // back to v4: alert_deliveries as that step made it, one row in it
    const c = new pgLib.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query('DROP TABLE alert_deliveries');
      for (const sql of fleetTablesSql('postgres').filter((q) =>
        / ON alert_deliveries | alert_deliveries \(/.test(q),
      ))
        await c.query(sql);
      await c.query(toPgParams(V5_INSERT), [
        ...row('old', 'pending'),
        '2026-01-01T00:00:00.000Z',
        '2026-01-01T00:00:00.000Z',
      ]);
      await c.query("UPDATE pos_collector_schema SET version = 4 WHERE table_name = 'failures'");
    } finally {
      await c.end();
    }
    const s = await openPgFleetStore(url);
    expect(await s.getDelivery('old')).toMatchObject({
      state: 'pending',
      reclaimed: false,
      digest_day: null,
    });
    await s.enqueueDeliveries([
      {
        key: 'h',
        rule_id: 'd',
        channel: 'email',
        target: 'a@b.example',
        payload: {},
        digest_day: '2026-01-15',
      },
    ]);
    expect((await s.heldDeliveries('2026-01-16')).map((d) => d.key)).toEqual(['h']);
    await s.close();
  });
});
