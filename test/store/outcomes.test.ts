/**
 * Outcomes in the store (issue 12): an outcome change is the record's next version (version+1, the
 * terminal's next seq, unsynced again) written by the same committer as record(), so it is as
 * durable; the local card key never leaves the store; the approval ledger holds no PAN and keeps
 * approvals only for its retention; a database from before outcomes is migrated.
 */
import { createHmac } from 'node:crypto';
import { copyFileSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import type { FailureRecord } from '../../agent/record.js';
import { failureRecordSchema, type NewApproval } from '../../agent/store/index.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../agent/store/schema.js';
import { syntheticFailure } from '../../agent/store/synthetic.js';
import { findPans, maskPan } from '../../protocol/card/pan.js';
import { captureLogger } from '../helpers/log.js';
import { storeEachTest } from '../helpers/store.js';
import { tempDir } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';

const PAN = '4761739001010119';
/** The card key as the pipeline makes it (view.ts panDigest: HMAC-SHA256, 32 hex). */
const cardKey = (pan: string) => createHmac('sha256', 'device-key').update(pan).digest('hex').slice(0, 32);
const T0 = '2026-11-23T10:00:00.000Z';
const LINK = '01JD6ZQ3R5W7Y9A1C3E5G7J9KN';

const { dir, mk } = storeEachTest('store-outcomes-');

function approval(i: number, occurredAt: string, over: Partial<NewApproval> = {}): NewApproval {
  return {
    terminal_id: 'T0001',
    // letters around the digits: SQLite stores a row's texts side by side, and a scan of the file's
    // bytes would join digits of neighbouring columns into a long run
    merchant_id: 'MERCHANT',
    occurred_at: occurredAt,
    mti: '0210',
    amount_minor: 1000 + i,
    currency: '978',
    pan_masked: maskPan(PAN),
    card_key: cardKey(PAN),
    stan: String(i).padStart(6, '0'),
    rrn: `RRN${i}`,
    auth_code: 'A1B2C3',
    ...over,
  };
}

describe('store.update: an outcome change as the next version', () => {
  it('takes version+1 and the next seq, puts the record back in the outbox, keeps call order', async () => {
    const s = mk({ synchronous: 'normal' });
    const a = await s.record(syntheticFailure(4)); // L_TIMEOUT
    const b = await s.record(syntheticFailure(1));
    expect(a).toMatchObject({ seq: 1, version: 1, outcome: 'timed_out', outcome_at: null, linked_id: null });
    expect(b).toMatchObject({ seq: 2, version: 1, outcome: 'declined', recovered_by: null });
    expect(s.markSynced([a, b], T0)).toBe(2);
    expect(s.stats().outboxDepth).toBe(0);

    // two changes of one id queued together apply in call order, each its own version and seq
    const [u1, u2] = await Promise.all([
      s.update(a.id, { outcome: 'reversal_sent', at: '2026-11-23T10:00:01.000Z' }),
      s.update(a.id, {
        outcome: 'recovered',
        at: '2026-11-23T10:00:02.000Z',
        linked_id: LINK,
        recovered_by: 'same_card',
      }),
    ]);
    expect(u1).toMatchObject({ id: a.id, version: 2, seq: 3, outcome: 'reversal_sent' });
    expect(u2).toMatchObject({
      id: a.id,
      version: 3,
      seq: 4,
      outcome: 'recovered',
      outcome_at: '2026-11-23T10:00:02.000Z',
      linked_id: LINK,
      recovered_by: 'same_card',
      synced_at: null,
    });
    failureRecordSchema.parse(u2);
    // the rest of the record is unchanged
    const CHANGED = ['seq', 'version', 'outcome', 'outcome_at', 'linked_id', 'recovered_by', 'synced_at'];
    const same = (x: FailureRecord) => Object.entries(x).filter(([k]) => !CHANGED.includes(k));
    expect(same(u2 as FailureRecord)).toEqual(same(a));
    // back in the outbox, once, under its newest seq; an omitted linked_id keeps the stored one
    expect(s.stats()).toMatchObject({ outboxDepth: 1, total: 2 });
    expect(s.unsynced(10)).toEqual([u2]);
    expect(JSON.parse(s.unsyncedJson(10)[0]?.json ?? '{}')).toEqual(u2);
    const u3 = await s.update(a.id, { outcome: 'possible_double_charge', at: '2026-11-23T10:00:03.000Z' });
    expect(u3).toMatchObject({ version: 4, seq: 5, linked_id: LINK, recovered_by: 'same_card' });
    // counts are per record committed, not per version
    expect(Object.values(s.counts()).reduce((x, y) => x + y, 0)).toBe(2);
  });

  it('resolves null for an id the store does not have, and refuses a bad change with E_RECORD', async () => {
    const s = mk({ synchronous: 'normal' });
    await expect(s.update('01JD6ZQ3R5W7Y9A1C3E5G7J9KM', { outcome: 'reversed', at: T0 })).resolves.toBeNull();
    const r = await s.record(syntheticFailure(1));
    for (const bad of [
      { outcome: 'paid', at: T0 },
      { outcome: 'recovered', at: 'yesterday' },
      { outcome: 'recovered', at: T0, recovered_by: 'cash' },
      { outcome: 'recovered', at: T0, extra: 1 },
    ]) {
      await expect(s.update(r.id, bad as never)).rejects.toMatchObject({ code: 'E_RECORD' });
    }
    expect(s.unsynced(10)).toEqual([r]);
  });

  it('a version acknowledged by the broker after the record changed leaves the change unsynced', async () => {
    const s = mk({ synchronous: 'normal' });
    const r = await s.record(syntheticFailure(1));
    const sent = s.unsyncedJson(10); // version 1 is on its way
    const u = (await s.update(r.id, {
      outcome: 'recovered',
      at: T0,
      recovered_by: 'other_card',
    })) as FailureRecord;
    // the PUBACK of version 1 arrives now: it must not mark version 2 as sent
    expect(s.markSynced(sent, T0)).toBe(0);
    expect(s.unsynced(10)).toEqual([u]);
    expect(s.unsyncedJson(10, sent[0]?.seq).map((x) => [x.id, x.seq])).toEqual([[r.id, 2]]);
    expect(s.markSynced([u], T0)).toBe(1);
    expect(s.stats().outboxDepth).toBe(0);
  });

  it("'full' mode: an update is acknowledged after the WAL flush, survives close and reopen", async () => {
    const path = join(dir(), 'f.db');
    let s = mk();
    const r = await s.record(syntheticFailure(1));
    s.markSynced([r], T0);
    const pending = s.update(r.id, { outcome: 'approved_late', at: T0, linked_id: LINK });
    const q = s.record(syntheticFailure(2)); // queued behind the update: seq after it
    const { unwritten } = await s.close();
    expect(unwritten).toBe(0);
    const u = await pending;
    expect(u).toMatchObject({ version: 2, seq: 2, outcome: 'approved_late', linked_id: LINK });
    expect((await q).seq).toBe(3);
    s = mk({ path });
    expect(s.unsynced(10).map((x) => [x.id, x.seq, x.version])).toEqual([
      [r.id, 2, 2],
      [(await q).id, 3, 1],
    ]);
    expect(s.stats()).toMatchObject({ outboxDepth: 2, total: 2 });
    const again = await s.update(r.id, { outcome: 'possible_double_charge', at: T0 });
    expect(again).toMatchObject({ version: 3, seq: 4 });
  });

  it('keeps an update in memory while the disk is full and writes it once space returns', async () => {
    const { lines, logger } = captureLogger();
    const s = mk({ logger, retryMinMs: 5, retryMaxMs: 40, synchronous: 'normal' });
    const r = await s.record(syntheticFailure(0));
    const pages = s.db.pragma('page_count', { simple: true }) as number;
    s.db.pragma(`max_page_count = ${pages + 4}`);
    const fill = Array.from({ length: 300 }, (_, i) => s.record(syntheticFailure(i + 1)));
    const u = s.update(r.id, { outcome: 'reversed', at: T0 });
    await waitUntil(() => s.alarms().includes('disk_full'), 5000, 'the disk_full alarm');
    s.db.pragma('max_page_count = 1073741823');
    await Promise.all(fill);
    await expect(u).resolves.toMatchObject({ version: 2, seq: 302, outcome: 'reversed' });
    expect(lines.some((l) => l.includes('store_write_retry'))).toBe(true);
  });

  it('refuses updates once closed, like records', async () => {
    const s = mk({ synchronous: 'normal' });
    const r = await s.record(syntheticFailure(1));
    await s.close();
    await expect(s.update(r.id, { outcome: 'reversed', at: T0 })).rejects.toMatchObject({
      code: 'E_STORE_CLOSED',
    });
  });
});

describe('card key and approval ledger', () => {
  it('keeps the card key local: not in the record, the outbox or its JSON; matcher reads find it', async () => {
    const s = mk({ synchronous: 'normal' });
    const key = cardKey(PAN);
    const r = await s.record({ ...syntheticFailure(1), card_key: key });
    expect(r).not.toHaveProperty('card_key');
    expect(s.unsynced(10)[0]).not.toHaveProperty('card_key');
    expect(s.unsyncedJson(10)[0]?.json).not.toContain('card_key');
    expect(s.unsyncedJson(10)[0]?.json).not.toContain(key);
    const open1 = s.openFailures('2000-01-01T00:00:00.000Z');
    expect(open1).toEqual([
      {
        id: r.id,
        occurred_at: r.occurred_at,
        terminal_id: 'T0001',
        outcome: 'declined',
        card_key: key,
        amount_minor: r.amount_minor,
        currency: '978',
        stan: r.stan,
        mti: '0210',
        linked_id: null,
      },
    ]);
    // a final outcome leaves the open list; a PAN is never taken for a card key
    await s.update(r.id, { outcome: 'recovered', at: T0, recovered_by: 'same_card' });
    expect(s.openFailures('2000-01-01T00:00:00.000Z')).toEqual([]);
    await expect(s.record({ ...syntheticFailure(2), card_key: PAN })).rejects.toMatchObject({
      code: 'E_RECORD',
    });
  });

  it('records approvals durably, reads them back since a time, and keeps no PAN in the file', async () => {
    const path = join(dir(), 'f.db');
    let s = mk();
    const now = Date.now();
    const at = (min: number) => new Date(now - min * 60_000).toISOString();
    const a1 = await s.recordApproval(approval(1, at(30)));
    const a2 = await s.recordApproval(approval(2, at(5), { card_key: null, pan_masked: null }));
    expect(a1.id).not.toBe(a2.id);
    expect(a1).toMatchObject({ ...approval(1, at(30)) });
    // a full PAN handed in a text field is masked, a malformed one refused
    const leaky = await s.recordApproval(
      approval(3, at(1), { rrn: null, auth_code: null, merchant_id: PAN }),
    );
    expect(leaky.merchant_id).toBe(maskPan(PAN));
    const masked = await s.recordApproval(approval(4, at(1), { pan_masked: PAN }));
    expect(masked.pan_masked).toBe(maskPan(PAN));
    await expect(s.recordApproval(approval(4, at(1), { pan_masked: '4761' }))).rejects.toMatchObject({
      code: 'E_RECORD',
    });
    await expect(s.recordApproval(approval(4, 'now'))).rejects.toMatchObject({ code: 'E_RECORD' });
    await s.record({
      ...syntheticFailure(1, 'T0001', 'MERCHANT'),
      rrn: 'RRN1',
      card_key: cardKey(PAN),
    });
    await s.close();
    s = mk({ path });
    expect(s.recentApprovals(at(10)).map((a) => a.id)).toEqual([a2.id, leaky.id, masked.id]);
    expect(s.recentApprovals(at(60))[0]).toEqual(a1);
    // one by id, as the outcome keeper reads a possible twin back
    expect(s.approvalById(a1.id)).toEqual(a1);
    expect(s.approvalById(a2.id)).toEqual(a2);
    expect(s.approvalById('01JZZZZZZZZZZZZZZZZZZZZZZZ')).toBeUndefined();
    // the ledger is not in the outbox
    expect(s.stats().outboxDepth).toBe(1);
    await s.close();
    for (const f of [path, `${path}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(f);
      } catch {
        continue;
      }
      expect(findPans(bytes.toString('latin1'))).toEqual([]);
      expect(bytes.includes(Buffer.from(PAN))).toBe(false);
    }
  });

  it('an approval alone waits for the ledger commit; a record commits it at once with itself', async () => {
    const s = mk({ ledgerCommitMs: 60_000, groupCommitMs: 5 });
    // the committer's clock is faked, so half the ledger's minute passes at once; a commit writes
    // its rows synchronously when its timer fires, so the table shows whether one fired
    const written = () => s.db.prepare('SELECT COUNT(*) FROM approvals').pluck().get() as number;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let committed = false;
      const a = s.recordApproval(approval(7, new Date().toISOString())).then((x) => {
        committed = true;
        return x;
      });
      // 30 s: many group commits' worth, half the ledger's: the approval alone is not written yet
      await vi.advanceTimersByTimeAsync(30_000);
      expect(written()).toBe(0);
      expect(committed).toBe(false);
      const r = s.record(syntheticFailure(1));
      await vi.advanceTimersByTimeAsync(5); // the record's group commit, 30 s before the ledger's
      expect(written()).toBe(1);
      await r;
      expect((await a).stan).toBe('000007');
      expect(committed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
    await s.close();
  });

  it('keeps an approval whose field from the host is bad: that field is emptied and named in the log', async () => {
    const { lines, logger } = captureLogger();
    const s = mk({ logger });
    const at = new Date().toISOString();
    // track data where the RRN goes, a currency that is not one
    const odd = await s.recordApproval(approval(5, at, { rrn: '=2512101', currency: 'EURO' }));
    expect(odd).toMatchObject({ rrn: null, currency: null, stan: '000005', pan_masked: maskPan(PAN) });
    const warn = lines.find((l) => l.includes('"event":"approval_fields_emptied"'));
    expect(warn).toContain('rrn: ');
    expect(warn).not.toContain('2512101');
    await s.close();
  });

  it('purges approvals past the retention (at open, and at most once a minute after commits)', async () => {
    const { lines, logger } = captureLogger();
    const path = join(dir(), 'f.db');
    let s = mk({ approvalRetentionDays: 7, logger });
    const day = 86_400_000;
    const iso = (ago: number) => new Date(Date.now() - ago).toISOString();
    await s.recordApproval(approval(1, iso(8 * day)));
    const kept = await s.recordApproval(approval(2, iso(6 * day)));
    // failures' card keys go with the approvals they could match
    const oldFailure = await s.record({
      ...syntheticFailure(1),
      occurred_at: iso(8 * day),
      card_key: cardKey(PAN),
    });
    const newFailure = await s.record({
      ...syntheticFailure(2),
      occurred_at: iso(6 * day),
      card_key: cardKey(PAN),
    });
    await s.close();
    // the open pass purges the 8-day-old one; with a 1-day retention, the 6-day-old one too
    s = mk({ path, approvalRetentionDays: 7, logger });
    expect(s.recentApprovals(iso(30 * day)).map((a) => a.id)).toEqual([kept.id]);
    expect(lines.some((l) => l.includes('"event":"approvals_purged"') && l.includes('"rows":1'))).toBe(true);
    const keys = new Map(s.openFailures(iso(30 * day)).map((f) => [f.id, f.card_key]));
    expect(keys.get(oldFailure.id)).toBeNull(); // the record stays, its card key is gone
    expect(keys.get(newFailure.id)).toBe(cardKey(PAN));
    await s.close();
    s = mk({ path, approvalRetentionDays: 1 });
    expect(s.recentApprovals(iso(30 * day))).toEqual([]);
  });
});

describe('salvage', () => {
  it('a database lost after a crash: its rows come back as their newest version, with their card key', async () => {
    const s0 = mk();
    const key = cardKey(PAN);
    const r = await s0.record({ ...syntheticFailure(1), card_key: key });
    const plain = await s0.record(syntheticFailure(2));
    const u = await s0.update(r.id, { outcome: 'reversed', at: T0, linked_id: LINK });
    // the files as a SIGKILL leaves them: committed pages in the -wal, no clean close
    const crashed = tempDir('store-outcomes-crash-');
    for (const f of ['f.db', 'f.db-wal', 'f.db.hwm']) copyFileSync(join(dir(), f), join(crashed, f));
    await s0.close();
    const path = join(crashed, 'f.db');
    truncateSync(path, 0);
    const s = mk({ path });
    expect(s.alarms()).toContain('db_recreated');
    expect(s.unsynced(10)).toEqual([plain, u]);
    expect(s.openFailures('2000-01-01T00:00:00.000Z').map((o) => [o.id, o.card_key, o.outcome])).toEqual([
      [r.id, key, 'reversed'],
      [plain.id, null, 'declined'],
    ]);
  });
});

describe('migration v4', () => {
  it('gives the rows of an older database version 1 and the outcome their rc implies', async () => {
    const path = join(dir(), 'f.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    for (const m of MIGRATIONS.filter((x) => x.version <= 3)) db.exec(m.sql);
    db.pragma('user_version = 3');
    const ins = db.prepare(
      `INSERT INTO failures (id, seq, boot_id, terminal_id, merchant_id, occurred_at, rc, rc_source, category, retry)
       VALUES (?, ?, 'b', 'T0001', 'M1', '2026-11-23T10:00:00.000Z', ?, ?, 'network', 'retry_now')`,
    );
    ins.run('01JD6ZQ3R5W7Y9A1C3E5G7J9KA', 1, 'L_TIMEOUT', 'local');
    ins.run('01JD6ZQ3R5W7Y9A1C3E5G7J9KB', 2, '91', 'host');
    ins.run('01JD6ZQ3R5W7Y9A1C3E5G7J9KC', 3, 'L_REVERSAL_PENDING', 'local');
    db.prepare("INSERT INTO terminal_seq VALUES ('T0001', 3)").run();
    db.close();
    const s = mk({ path, synchronous: 'normal' });
    expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(s.unsynced(10).map((r) => [r.rc, r.version, r.outcome, r.outcome_at])).toEqual([
      ['L_TIMEOUT', 1, 'timed_out', null],
      ['91', 1, 'declined', null],
      // the same rule as a new record's (initialOutcome), not a second copy that disagrees
      ['L_REVERSAL_PENDING', 1, 'reversal_sent', null],
    ]);
    const u = await s.update('01JD6ZQ3R5W7Y9A1C3E5G7J9KA', { outcome: 'reversal_sent', at: T0 });
    expect(u).toMatchObject({ version: 2, seq: 4 });
  });
});
