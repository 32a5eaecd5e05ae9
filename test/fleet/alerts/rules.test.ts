/** fleet.alerts: the config schema refuses bad rules naming the key, and a rule's JSON round-trips. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  alertRuleJsonSchema,
  parseAlertRule,
  parseAlertsConfig,
  RULE_KINDS,
  ruleToJson,
} from '../../../agent/fleet/alerts/rules.js';
import { ConfigError } from '../../../agent/config/load.js';
import { ROOT } from '../../helpers/global-build.js';

const SECRET = 'whsec-0123456789abcdef';

function config(rule: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    base_url: 'https://portal.example.com',
    smtp: { url: 'smtp://mail.example.com:587', from: 'alerts@example.com' },
    rules: [rule],
    ...extra,
  };
}

const rate = {
  id: 'rate-t',
  kind: 'decline_rate',
  params: { per: 'terminal', threshold_pct: 30, window_min: 15, min_count: 10 },
  channels: { webhooks: [{ url: 'https://hooks.example.com/pos', secret: SECRET }] },
};

function refusal(input: unknown): ConfigError {
  try {
    parseAlertsConfig(input);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('fleet.alerts config', () => {
  it('accepts the four kinds with defaults filled', () => {
    const cfg = parseAlertsConfig({
      base_url: 'https://portal.example.com',
      smtp: { url: 'smtps://mail.example.com', from: 'alerts@example.com' },
      rules: [
        {
          id: 'm42-every',
          kind: 'failure',
          params: { merchant_id: 'M00000000000042', categories: ['insufficient_funds', 'issuer_decline'] },
          channels: { email: ['owner@shop.example'] },
        },
        rate,
        {
          id: 'bin',
          kind: 'decline_rate',
          params: { per: 'card_range', threshold_pct: 50, window_min: 60, min_count: 5 },
          channels: { email: ['risk@example.com'] },
          mode: 'daily-digest',
          language: 'de',
        },
        {
          id: 'down',
          kind: 'terminal_offline',
          params: { after_min: 10 },
          channels: { email: ['ops@example.com'] },
        },
        { id: 'backlog', kind: 'backlog', params: { over: 500 }, channels: { email: ['ops@example.com'] } },
      ],
    });
    expect(cfg.language).toBe('en');
    expect(cfg.timezone).toBe('UTC');
    expect(cfg.retry).toEqual({ max_attempts: 8, min_delay_s: 30, max_delay_s: 3600 });
    expect(cfg.rules.map((r) => r.mode)).toEqual([
      'each-event',
      'each-event',
      'daily-digest',
      'each-event',
      'each-event',
    ]);
    const down = cfg.rules[3]!;
    expect(down.kind === 'terminal_offline' && down.params.states).toEqual(['offline', 'silent']);
    expect(cfg.rules[1]!.channels.email).toEqual([]);
  });

  it.each([
    ['threshold over 100', { threshold_pct: 120 }, 'fleet.alerts.rules.0.params.threshold_pct', 'under 100'],
    ['threshold 0', { threshold_pct: 0 }, 'fleet.alerts.rules.0.params.threshold_pct', 'more than 0'],
    ['threshold as text', { threshold_pct: '30%' }, 'fleet.alerts.rules.0.params.threshold_pct', 'a number'],
    ['window 0', { window_min: 0 }, 'fleet.alerts.rules.0.params.window_min', 'more than 0 minutes'],
    ['window of 2 days', { window_min: 2880 }, 'fleet.alerts.rules.0.params.window_min', 'at most 1440'],
    ['min_count 2.5', { min_count: 2.5 }, 'fleet.alerts.rules.0.params.min_count', 'whole number'],
    ['per merchant', { per: 'merchant' }, 'fleet.alerts.rules.0.params.per', ''],
    ['unknown param', { threshold: 30 }, 'fleet.alerts.rules.0.params.threshold', 'unknown key'],
  ])('refuses a rate rule with %s, naming the key', (_name, params, key, reason) => {
    const e = refusal(config({ ...rate, params: { ...rate.params, ...params } }));
    expect(e.key).toBe(key);
    expect(e.message).toContain(`config ${key}`);
    expect(e.reason).toContain(reason);
    expect(e.exitCode).toBe(2);
  });

  it.each([
    ['ftp://hooks.example.com/x', 'http:// or https://'],
    ['not a url', 'http:// or https://'],
    ['https://user:pw@hooks.example.com/x', 'no password'],
  ])('refuses the webhook URL %s', (url, reason) => {
    const e = refusal(config({ ...rate, channels: { webhooks: [{ url, secret: SECRET }] } }));
    expect(e.key).toBe('fleet.alerts.rules.0.channels.webhooks.0.url');
    expect(e.reason).toContain(reason);
  });

  it.each([
    [
      'channels.webhooks.0.url',
      { webhooks: [{ url: 'https://h.example.com/x?card=4111111111111111', secret: SECRET }] },
    ],
    [
      'channels.webhooks.0.url',
      { webhooks: [{ url: 'https://h.example.com/t=;4111111111111111=2512101?', secret: SECRET }] },
    ],
    ['channels.webhooks.0.url', { webhooks: [{ url: 'https://h.example.com/?cvv=123', secret: SECRET }] }],
    ['channels.email.0', { email: ['4111111111111111@shop.example'] }],
  ])('refuses card data in %s, never showing it', (key, channels) => {
    const e = refusal(config({ ...rate, channels }));
    expect(e.key).toBe(`fleet.alerts.rules.0.${key}`);
    expect(e.reason).toBe('holds card data (a card number, track data or a security code)');
    expect(e.message).not.toMatch(/4111|2512|123/);
    expect(() => parseAlertRule({ ...rate, channels })).toThrow(`rule.${key}: holds card data`);
  });

  it('refuses card data in a merchant id', () => {
    const e = refusal(config({ ...rate, params: { ...rate.params, merchant_id: 'M=2512101000' } }));
    expect(e.key).toBe('fleet.alerts.rules.0.params.merchant_id');
    expect(e.message).not.toContain('2512');
  });

  it('never shows a card number refused for another reason first (a merchant id too long)', () => {
    const e = refusal(config({ ...rate, params: { ...rate.params, merchant_id: '4761739001010119' } }));
    expect(e.key).toBe('fleet.alerts.rules.0.params.merchant_id');
    expect(e.message).toMatch(/merchant_id: /);
    expect(e.message).not.toMatch(/4761|0119/);
  });

  it('never shows a webhook secret in a refusal', () => {
    const e = refusal(
      config({ ...rate, channels: { webhooks: [{ url: 'https://h.example.com', secret: 'short-secret' }] } }),
    );
    expect(e.key).toBe('fleet.alerts.rules.0.channels.webhooks.0.secret');
    expect(e.message).not.toContain('short-secret');
    expect(e.reason).toContain('at least 16');
  });

  it.each([
    [{ ...rate, channels: {} }, 'fleet.alerts.rules.0.channels', 'at least one'],
    [
      { ...rate, channels: { email: ['not-an-address'] } },
      'fleet.alerts.rules.0.channels.email.0',
      'e-mail address',
    ],
    [{ ...rate, kind: 'weather' }, 'fleet.alerts.rules.0.kind', ''],
    [{ ...rate, mode: 'hourly' }, 'fleet.alerts.rules.0.mode', ''],
    [{ ...rate, id: 'has space' }, 'fleet.alerts.rules.0.id', 'letters, digits'],
    [
      {
        id: 'f',
        kind: 'failure',
        params: { merchant_id: 'M1', categories: ['approved'] },
        channels: rate.channels,
      },
      'fleet.alerts.rules.0.params.categories.0',
      '',
    ],
    [
      { id: 'f', kind: 'failure', params: { merchant_id: 'M1', categories: [] }, channels: rate.channels },
      'fleet.alerts.rules.0.params.categories',
      'at least one category',
    ],
    [
      { id: 'o', kind: 'terminal_offline', params: { after_min: -5 }, channels: rate.channels },
      'fleet.alerts.rules.0.params.after_min',
      'more than 0',
    ],
    [
      { id: 'b', kind: 'backlog', params: { over: 0 }, channels: rate.channels },
      'fleet.alerts.rules.0.params.over',
      '',
    ],
  ])('refuses a bad rule (%#) naming the key', (rule, key, reason) => {
    const e = refusal(config(rule));
    expect(e.key).toBe(key);
    expect(e.reason).toContain(reason);
  });

  it('refuses section-level problems naming the key', () => {
    expect(refusal({ ...config(rate), base_url: 'portal' }).key).toBe('fleet.alerts.base_url');
    expect(refusal({ ...config(rate), timezone: 'Mars/Olympus' }).key).toBe('fleet.alerts.timezone');
    expect(refusal({ ...config(rate), retry: { min_delay_s: 60, max_delay_s: 10 } }).key).toBe(
      'fleet.alerts.retry.max_delay_s',
    );
    const noSmtp = refusal({
      base_url: 'https://p.example.com',
      rules: [{ ...rate, channels: { email: ['a@b.example'] } }],
    });
    expect(noSmtp.key).toBe('fleet.alerts.smtp');
    expect(noSmtp.reason).toContain('a rule sends e-mail');
    expect(refusal({ ...config(rate), rules: [rate, rate] }).key).toBe('fleet.alerts.rules.1.id');
    const other = {
      ...rate,
      id: 'other',
      channels: { webhooks: [{ url: 'https://hooks.example.com/pos', secret: `${SECRET}-2` }] },
    };
    const two = refusal({ ...config(rate), rules: [rate, other] });
    expect(two.key).toBe('fleet.alerts.rules.1.channels.webhooks.0.secret');
    expect(two.message).not.toContain(SECRET);
  });

  it("keeps a rule's JSON form: what ruleToJson writes, parseAlertRule reads back", () => {
    const rule = parseAlertRule(rate);
    expect(parseAlertRule(JSON.parse(ruleToJson(rule)))).toEqual(rule);
    expect(() => parseAlertRule({ ...rate, params: { ...rate.params, window_min: 'x' } })).toThrow(
      /config rule\.params\.window_min/,
    );
    const schema = alertRuleJsonSchema();
    expect(JSON.stringify(schema)).toContain('decline_rate');
    expect(JSON.stringify(schema)).toContain('threshold_pct');
  });
});

describe('docs/fleet-server.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/fleet-server.md'), 'utf8');

  it('shows a config example that parses, every kind in it', () => {
    // the §Alerts example: the YAML block with rules in it (§fleet serve has one of its own)
    const yaml = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .find((y) => y.includes('rules:'))!;
    const tree = parseYaml(yaml) as { fleet: { alerts: unknown } };
    const cfg = parseAlertsConfig(tree.fleet.alerts);
    expect(new Set(cfg.rules.map((r) => r.kind))).toEqual(new Set(RULE_KINDS));
    expect(cfg.rules.some((r) => r.mode === 'daily-digest')).toBe(true);
  });

  it('quotes a refusal as the code words it', () => {
    const e = refusal(config({ ...rate, params: { ...rate.params, window_min: 0 } }));
    expect(doc.replace(/\s+/g, ' ')).toContain(e.message);
  });
});
