/**
 * The agent's configuration: one schema (zod's functional API, zod/mini: quicker to build than the
 * chained one, and this schema is built at every start) for the file, the environment and the CLI flags.
 * Every key has a default, so `pos-agent run --simulate` runs with no file at all. docs/config.md
 * lists the keys; `pos-agent run --print-config` shows the effective values (secrets masked).
 */
import type * as Zod from 'zod';
import { zodMini } from '../../protocol/zod.js';
import { FRAMINGS } from '../../protocol/framing/types.js';
import { DISPLAY_LIMITS, LCD_LIMITS } from '../../hardware/display/types.js';
import { isPrinterColumns, PRINTER_COLUMNS } from '../../hardware/printer/escpos.js';
import { LANGS } from '../guidance/langs.js';

const z = zodMini();

/**
 * Helpers for the functional API: a value with a default, an optional one. A section is
 * z.prefault(z.strictObject({...}), {}): unknown keys refused, every key defaulted when the section
 * is left out (a required key would be a type error at its `{}`).
 */
const dflt = z._default;
const opt = z.optional;
const text = (min: number, max?: number) =>
  max === undefined
    ? z.string().check(z.minLength(min))
    : z.string().check(z.minLength(min), z.maxLength(max));
const int = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));
const num = (min: number, max: number) => z.number().check(z.minimum(min), z.maximum(max));
const positive = (max: number) => z.number().check(z.positive(), z.maximum(max));

const ident = (max: number) =>
  z.string().check(z.minLength(1), z.maxLength(max), z.regex(/^[\x20-\x7e]+$/, 'printable ASCII only'));
/** An MQTT topic segment (and, when given, at most `max` characters, with its own message). */
const topicSegment = (max?: number, maxMessage?: string) =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(64),
      z.regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only (used in MQTT topics)'),
      ...(max === undefined ? [] : [z.maxLength(max, maxMessage)]),
    );

const BROKER_PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'tcp:', 'tls:', 'ssl:', 'ws:', 'wss:']);

/** 'embedded', 'none', or a URL MQTT.js can connect to (a protocol it knows and a host). */
function isBrokerUrl(v: string): boolean {
  if (v === 'embedded' || v === 'none') return true;
  try {
    const u = new URL(v);
    return BROKER_PROTOCOLS.has(u.protocol) && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Text shown on the display, in scripts and on slips: no control characters or bidi overrides. */
const printable = (max: number) =>
  z.string().check(
    z.trim(),
    z.minLength(1),
    z.maxLength(max),
    z.refine(
      (v) => !/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(v),
      'control characters are not allowed',
    ),
  );

export const configSchema = z.strictObject({
  terminal: z.prefault(
    z.strictObject({
      /** Terminal id as in field 41 (ans8, so at most 8 characters). Also the MQTT topic segment. */
      id: dflt(topicSegment(8, 'at most 8 characters (field 41)'), 'TERM0001'),
      /** Merchant id as in field 42 (ans15). */
      merchant_id: dflt(ident(15), 'MERCHANT0000001'),
      /** Merchant name as printed on the cardholder's statement (for the issuer script). */
      merchant_name: dflt(printable(40), 'DEMO SHOP'),
      /** IANA time zone for local times in prompts and scripts; default the system's. */
      timezone: opt(text(1)),
      /** The acquirer (card-acceptance bank or processor), named in the issuer script; optional. */
      acquirer: opt(printable(40)),
    }),
    {},
  ),
  fleet: dflt(topicSegment(), 'demo'),
  serial: z.prefault(
    z.strictObject({
      /** Device path of the payment module's UART, e.g. /dev/ttyUSB0, or tcp://HOST:PORT. Empty with --simulate. */
      device: opt(text(1)),
      baud: dflt(int(1200, 4_000_000), 115200),
      framing: dflt(z.enum(FRAMINGS), 'line'),
      /** Binary framing: a 5-byte TPDU precedes each message. */
      tpdu: dflt(z.boolean(), false),
      max_frame_bytes: dflt(int(64, 65535), 4096),
    }),
    {},
  ),
  /** ISO 8583 dialect of the host responses: a built-in name (iso87-ascii or ascii, ascii-hex, iso87-bcd or bcd, iso93-ascii, iso93-bcd, iso2003-binary, base24, base1) or a dialect JSON file. */
  dialect: dflt(text(1), 'ascii'),
  simulate: z.prefault(
    z.strictObject({
      enabled: dflt(z.boolean(), false),
      scenario: dflt(text(1), 'shift'),
      /** Frames per second (a transaction is two or three frames). Default: the scenario's own rate. */
      rate: opt(positive(5000)),
      /**
       * A cashier's pace instead of a rate: quiet seconds between one sale and the next, [min, max]
       * or one number. Default: the scenario's (shift: 2.5-5 s); not with rate.
       */
      pace_s: opt(z.union([positive(3600), z.tuple([num(0, 3600), positive(3600)])])),
      /** The default seed opens the demo with a decline within a second. */
      seed: dflt(z.int(), 7),
      /** Stop after this many seconds (0 = run until stopped). */
      duration_s: dflt(z.number().check(z.minimum(0)), 0),
    }),
    {},
  ),
  display: z.prefault(
    z
      .strictObject({
        driver: dflt(z.enum(['console', 'lcd', 'none']), 'console'),
        /** Serial device of the character LCD (driver lcd). */
        lcd_path: opt(text(1)),
        lcd_baud: dflt(int(1200, 1_000_000), 9600),
        /** Character cells, within DISPLAY_LIMITS (and LCD_LIMITS for driver lcd). */
        width: dflt(int(DISPLAY_LIMITS.minWidth, DISPLAY_LIMITS.maxWidth), 20),
        height: dflt(int(DISPLAY_LIMITS.minHeight, DISPLAY_LIMITS.maxHeight), 4),
        /** How long each page stays up before the next (0: pages change on the keypad only). */
        page_ms: dflt(
          z
            .int()
            .check(
              z.refine(
                (v) => v === 0 || (v >= 200 && v <= 60_000),
                '0 (pages change on keys only) or 200 to 60000',
              ),
            ),
          0,
        ),
        /** Sound the buzzer (the terminal bell on the console): approved 1, declined 2, do not retry 3. */
        beep: dflt(z.boolean(), false),
      })
      .check(
        z.superRefine((d, ctx) => {
          if (d.driver !== 'lcd') return;
          if (d.width > LCD_LIMITS.maxWidth) {
            ctx.addIssue({
              code: 'custom',
              path: ['width'],
              message: `an lcd display has at most ${LCD_LIMITS.maxWidth} columns`,
            });
          }
          if (d.height > LCD_LIMITS.maxHeight) {
            ctx.addIssue({
              code: 'custom',
              path: ['height'],
              message: `an lcd display has at most ${LCD_LIMITS.maxHeight} rows`,
            });
          }
        }),
      ),
    {},
  ),
  language: z.prefault(
    z.strictObject({
      /** The cashier's language: a built-in one, or one the `texts` overrides add (checked at start). */
      cashier: dflt(
        z
          .string()
          .check(
            z.regex(
              /^[a-z]{2}$/,
              `a two-letter language code: ${LANGS.join(', ')}, or one added under texts`,
            ),
          ),
        'en',
      ),
      /** Show the customer's text in the card's preferred language (EMV 5F2D) when we have it. */
      customer_follows_card: dflt(z.boolean(), true),
    }),
    {},
  ),
  /** Text overrides: { "de": { "insufficient_funds.cashier": "..." } } or a JSON/YAML file path. */
  texts: opt(z.union([text(1), z.record(z.string(), z.record(z.string(), z.string()))])),
  /** Response-code row overrides per code, e.g. { "85": { "category": "issuer_decline" } }. */
  response_codes: opt(z.record(z.string(), z.record(z.string(), z.unknown()))),
  store: z.prefault(
    z.strictObject({
      path: dflt(text(1), 'pos-agent.db'),
      /** full: a committed record survives power loss; normal: survives a crash of the agent only. */
      synchronous: dflt(z.enum(['full', 'normal']), 'full'),
      budget_mb: dflt(positive(100_000), 64),
      group_commit_ms: dflt(int(0, 1000), 0),
      /** Most records in one transaction: larger batches amortize the per-commit work under a flood, but hold the event loop longer. */
      group_commit_max: dflt(int(1, 100_000), 512),
      /** At stop, longest wait for records the disk has not taken yet (full disk); then they are refused (E_STORE_CLOSED). */
      stop_grace_s: dflt(num(0, 3600), 10),
      /** Days the approval ledger keeps an approval (the outcome matcher looks back this far at most). */
      approval_retention_days: dflt(num(0.01, 3650), 7),
    }),
    {},
  ),
  broker: z.prefault(
    z.strictObject({
      /** mqtt://host:port, mqtts://..., "embedded" (an in-process broker for the demo) or "none". */
      url: dflt(
        z.string().check(
          z.minLength(1),
          z.refine(isBrokerUrl, {
            message: "expected mqtt://host[:port], mqtts://, ws://, wss://, 'embedded' or 'none'",
          }),
        ),
        'embedded',
      ),
      /** Port of the embedded broker (0 = any free port). */
      embedded_port: dflt(int(0, 65535), 1883),
      username: opt(z.string()),
      password: opt(z.string()),
      /** PEM file paths for TLS. */
      ca: opt(z.string()),
      cert: opt(z.string()),
      key: opt(z.string()),
      batch_size: dflt(int(1, 1000), 100),
      inflight: dflt(int(1, 65535), 10),
      heartbeat_s: dflt(num(1, 3600), 10),
    }),
    {},
  ),
  pipeline: z.prefault(
    z.strictObject({
      /** A request with no response after this long is a host timeout. */
      host_timeout_ms: dflt(int(100, 600_000), 30_000),
    }),
    {},
  ),
  /** Following a failed sale to its end (docs/outcomes.md). */
  outcomes: z.prefault(
    z.strictObject({
      /** A failure followed by an approval (same card, or same amount here) this soon was recovered. */
      recovery_window_min: dflt(num(1, 1440), 30),
      /** Two approvals of one card and amount this close are a possible double charge. */
      double_charge_window_min: dflt(num(0.1, 1440), 10),
    }),
    {},
  ),
  printer: z.prefault(
    z.strictObject({
      /** The receipt printer for the PRINT key: tcp://HOST[:9100], serial:PATH[@BAUD] or a file. */
      target: opt(z.string().check(z.trim(), z.minLength(1))),
      /** Paper columns: 32 (58 mm), 42 or 48 (80 mm): the printer's own check (PRINTER_COLUMNS). */
      columns: dflt(
        z.number().check(z.refine(isPrinterColumns, `paper columns are ${PRINTER_COLUMNS.join(', ')}`)),
        32,
      ),
    }),
    {},
  ),
  declines: z.prefault(
    z.strictObject({
      /** Tell the cashier to stop after this many declines of one card in 24 h. */
      max_per_card_per_day: dflt(int(1, 1000), 10),
      /** Secret for the keyed card hash (hex, ≥ 32 chars). Default: generated once, kept beside the database. */
      card_key: opt(z.string().check(z.regex(/^[0-9a-fA-F]{32,}$/, 'hex, at least 32 digits'))),
    }),
    {},
  ),
  log: z.prefault(
    z.strictObject({
      level: dflt(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
    }),
    {},
  ),
});

export type AgentConfig = Zod.infer<typeof configSchema>;

/** Keys whose values are never printed. */
export const SECRET_KEYS = ['broker.password', 'declines.card_key'] as const;
