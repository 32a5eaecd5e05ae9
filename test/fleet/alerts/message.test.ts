/** The alert message: reason, amount, time, terminal, merchant, next step, case link; masked card only. */
import { describe, expect, it } from 'vitest';
import {
  type AlertEvent,
  evaluate,
  initialAlertState,
  recordView,
} from '../../../agent/fleet/alerts/evaluate.js';
import { renderAlert, renderDigest } from '../../../agent/fleet/alerts/message.js';
import { parseAlertsConfig } from '../../../agent/fleet/alerts/rules.js';
import { LANGS } from '../../../agent/guidance/langs.js';
import type { FailureRecord } from '../../../agent/record.js';
import { findPans } from '../../../protocol/card/pan.js';
import { saleRecord } from '../../helpers/sale.js';

const OPTS = { lang: 'en' as const, baseUrl: 'https://portal.example.com/', timezone: 'Europe/Helsinki' };
const FULL_PAN = '4761739001010119';
const AT = Date.parse('2026-01-15T23:30:06.000Z');

function failureEvent(r: FailureRecord = saleRecord()): AlertEvent {
  return {
    key: `every:failure:${r.id}`,
    rule_id: 'every',
    at: AT,
    fleet: 'shops',
    terminal: r.terminal_id,
    merchant_id: r.merchant_id,
    reason: { kind: 'failure' },
    record: recordView(r),
  };
}

describe('renderAlert', () => {
  it('says the reason, amount, time, terminal, merchant, next step and links to the case', () => {
    const m = renderAlert(failureEvent(), OPTS);
    expect(m.subject).toBe('[pos-agent] Declined: EUR 1234.56 at TID00042');
    expect(m.text).toBe(
      [
        'Reason: Declined (Declined by the bank, 05)',
        'Amount: EUR 1234.56',
        'Time: 2026-01-16 01:30:05 +02:00',
        'Terminal: shops/TID00042',
        'Merchant: MID000000123456',
        'Card: 476173******0119',
        `Next step: ${m.body.next_step as string}`,
        'Case: https://portal.example.com/failures/01JQ7Z8K4M2N5P6R7S8T9V0W1X',
        'Rule: every',
        '',
      ].join('\n'),
    );
    expect(String(m.body.next_step).length).toBeGreaterThan(10);
    expect(m.body).toMatchObject({
      v: 1,
      key: 'every:failure:01JQ7Z8K4M2N5P6R7S8T9V0W1X',
      kind: 'failure',
      link: 'https://portal.example.com/failures/01JQ7Z8K4M2N5P6R7S8T9V0W1X',
      record: { pan_masked: '476173******0119', amount_minor: 123456, currency: '978' },
    });
  });

  it('speaks the chosen language, next step from the guidance catalog', () => {
    const en = renderAlert(failureEvent(), OPTS);
    for (const lang of LANGS) {
      const m = renderAlert(failureEvent(), { ...OPTS, lang });
      expect(m.text).toContain('476173******0119');
      expect(m.text).toContain('https://portal.example.com/failures/01JQ7Z8K4M2N5P6R7S8T9V0W1X');
      if (lang !== 'en') expect(m.text).not.toBe(en.text);
    }
    const de = renderAlert(failureEvent(), { ...OPTS, lang: 'de' });
    expect(de.text).toContain('Betrag: EUR 1234,56');
    expect(de.text).toContain('Händler: MID000000123456');
  });

  it('words the other kinds with their own reason and next step, linking the terminal', () => {
    const base = { at: AT, fleet: 'shops', terminal: 'TID00042', merchant_id: null, record: null };
    const offline = renderAlert(
      {
        ...base,
        key: 'k1',
        rule_id: 'down',
        reason: { kind: 'terminal_offline', status: 'offline', since: AT - 600_000, minutes: 10 },
      },
      OPTS,
    );
    expect(offline.subject).toBe('[pos-agent] TID00042 offline for 10 min');
    expect(offline.text).toContain('Reason: The terminal has been offline for 10 minutes.');
    expect(offline.text).toContain('Time: 2026-01-16 01:30:06 +02:00'); // the alert's time, in fleet.alerts.timezone
    expect(offline.text).toContain('Terminal page: https://portal.example.com/terminals/shops/TID00042');
    const backlog = renderAlert(
      { ...base, key: 'k2', rule_id: 'b', reason: { kind: 'backlog', backlog: 812, over: 500 } },
      OPTS,
    );
    expect(backlog.text).toContain('812 records');
    const range = renderAlert(
      {
        ...base,
        terminal: null,
        fleet: null,
        key: 'k3',
        rule_id: 'bin',
        reason: {
          kind: 'decline_rate',
          per: 'card_range',
          group: '535522',
          rate_pct: 75,
          failures: 3,
          attempts: 4,
          window_min: 60,
          threshold_pct: 50,
        },
        record: recordView(saleRecord()),
      },
      OPTS,
    );
    expect(range.subject).toBe('[pos-agent] Declines of cards 535522: 75%');
    expect(range.text).toContain(
      '3 of 4 payments with cards 535522… failed in 60 min (75%, over the limit of 50%).',
    );
    expect(range.text).toContain('Case: https://portal.example.com/failures/');
  });

  it('lets no full PAN through, whatever field it came in', () => {
    const poisoned = saleRecord({
      pan_masked: FULL_PAN,
      terminal_id: `T${FULL_PAN}`,
      merchant_id: FULL_PAN,
      rrn: FULL_PAN,
      stan: FULL_PAN,
      card_brand: FULL_PAN,
      rc: FULL_PAN,
      notes: `card ${FULL_PAN}`,
      boot_id: FULL_PAN,
      id: `01JQ${FULL_PAN}`,
    });
    // through the evaluator (how alerts are made) and straight (an event read back from the outbox)
    const rules = parseAlertsConfig({
      base_url: 'https://p.example.com',
      rules: [
        {
          id: 'every',
          kind: 'failure',
          params: { merchant_id: FULL_PAN.slice(0, 15), categories: ['issuer_decline'] },
          channels: { webhooks: [{ url: 'https://h.example.com', secret: 'whsec-0123456789abcdef' }] },
        },
      ],
    }).rules;
    const viaRules = evaluate(
      initialAlertState(),
      {
        type: 'record',
        at: AT,
        fleet: FULL_PAN,
        record: { ...poisoned, merchant_id: FULL_PAN.slice(0, 15) },
      },
      rules,
    );
    const raw: AlertEvent = {
      ...failureEvent(poisoned),
      fleet: FULL_PAN,
      rule_id: FULL_PAN,
      key: FULL_PAN,
      record: {
        ...recordView(poisoned),
        pan_masked: FULL_PAN,
        rrn: FULL_PAN,
        stan: `${FULL_PAN.slice(0, 8)} ${FULL_PAN.slice(8)}`,
      },
    };
    const rate: AlertEvent = {
      ...raw,
      reason: {
        kind: 'decline_rate',
        per: 'card_range',
        group: FULL_PAN,
        rate_pct: 90,
        failures: 9,
        attempts: 10,
        window_min: 5,
        threshold_pct: 50,
      },
    };
    const events = [...viaRules, raw, rate];
    expect(events).toHaveLength(3);
    for (const lang of LANGS) {
      for (const ev of events) {
        const m = renderAlert(ev, { ...OPTS, lang });
        expect(findPans(m.subject)).toEqual([]);
        expect(findPans(m.text)).toEqual([]);
        expect(findPans(JSON.stringify(m.body))).toEqual([]);
      }
      const d = renderDigest('digest:x', '2026-01-15', events, { ...OPTS, lang });
      expect(findPans(d.subject + d.text + JSON.stringify(d.body))).toEqual([]);
    }
    // the masked form is still shown
    expect(renderAlert(raw, OPTS).text).toContain('Card: 476173******0119');
  });

  it('strips control characters a terminal id could carry into the subject or text', () => {
    const m = renderAlert(
      failureEvent(saleRecord({ terminal_id: 'T1\r\nBcc: x@evil.example\u001b[2J' })),
      OPTS,
    );
    expect(m.subject).not.toMatch(/[\r\n\u001b]/);
    expect(m.text.split('\n').some((l) => l.startsWith('Bcc:'))).toBe(false);
  });
});

describe('renderDigest', () => {
  it('lists the day’s alerts oldest first with a count', () => {
    const a = failureEvent(saleRecord({ id: '01JQAAAAAAAAAAAAAAAAAAAAAA' }));
    const b = { ...failureEvent(saleRecord({ id: '01JQBBBBBBBBBBBBBBBBBBBBBB' })), key: 'kb', at: AT - 1000 };
    const d = renderDigest('digest:email:o@x.example:2026-01-15', '2026-01-15', [a, b], OPTS);
    expect(d.subject).toBe('[pos-agent] 2 alerts on 2026-01-15');
    expect(d.text.indexOf('01JQBBBB')).toBeLessThan(d.text.indexOf('01JQAAAA'));
    expect(d.text).toMatch(/^2 alerts on 2026-01-15\n\n1\. Declined/);
    expect(d.body).toMatchObject({ kind: 'digest', day: '2026-01-15', count: 2 });
  });
});
