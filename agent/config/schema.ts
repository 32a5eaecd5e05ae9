/**
 * The agent's configuration: one schema (zod) for the file, the environment and the CLI flags.
 * Every key has a default, so `pos-agent run --simulate` runs with no file at all. docs/config.md
 * lists the keys; `pos-agent run --print-config` shows the effective values (secrets masked).
 */
import type * as Zod from 'zod';
import { zod } from '../../protocol/zod.js';
import { FRAMINGS } from '../../protocol/framing/types.js';
import { DISPLAY_LIMITS, LCD_LIMITS } from '../../hardware/display/types.js';
import { isPrinterColumns, PRINTER_COLUMNS } from '../../hardware/printer/escpos.js';
import { LANGS } from '../guidance/langs.js';

const z = zod();

const ident = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x20-\x7e]+$/, 'printable ASCII only');
const topicSegment = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only (used in MQTT topics)');

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
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine(
      (v) => !/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(v),
      'control characters are not allowed',
    );

export const configSchema = z
  .object({
    terminal: z
      .object({
        /** Terminal id as in field 41 (ans8, so at most 8 characters). Also the MQTT topic segment. */
        id: topicSegment.max(8, 'at most 8 characters (field 41)').default('TERM0001'),
        /** Merchant id as in field 42 (ans15). */
        merchant_id: ident(15).default('MERCHANT0000001'),
        /** Merchant name as printed on the cardholder's statement (for the issuer script). */
        merchant_name: printable(40).default('DEMO SHOP'),
        /** IANA time zone for local times in prompts and scripts; default the system's. */
        timezone: z.string().min(1).optional(),
        /** The acquirer (card-acceptance bank or processor), named in the issuer script; optional. */
        acquirer: printable(40).optional(),
      })
      .strict()
      .prefault({}),
    fleet: topicSegment.default('demo'),
    serial: z
      .object({
        /** Device path of the payment module's UART, e.g. /dev/ttyUSB0, or tcp://HOST:PORT. Empty with --simulate. */
        device: z.string().min(1).optional(),
        baud: z.number().int().min(1200).max(4_000_000).default(115200),
        framing: z.enum(FRAMINGS).default('line'),
        /** Binary framing: a 5-byte TPDU precedes each message. */
        tpdu: z.boolean().default(false),
        max_frame_bytes: z.number().int().min(64).max(65535).default(4096),
      })
      .strict()
      .prefault({}),
    /** ISO 8583 dialect of the host responses: a built-in name (iso87-ascii or ascii, ascii-hex, iso87-bcd or bcd, iso93-ascii, iso93-bcd, iso2003-binary, base24, base1) or a dialect JSON file. */
    dialect: z.string().min(1).default('ascii'),
    simulate: z
      .object({
        enabled: z.boolean().default(false),
        scenario: z.string().min(1).default('shift'),
        /** Frames per second (a transaction is two or three frames). Default: the scenario's own rate. */
        rate: z.number().positive().max(5000).optional(),
        /**
         * A cashier's pace instead of a rate: quiet seconds between one sale and the next, [min, max]
         * or one number. Default: the scenario's (shift: 2.5-5 s); not with rate.
         */
        pace_s: z
          .union([
            z.number().positive().max(3600),
            z.tuple([z.number().min(0).max(3600), z.number().positive().max(3600)]),
          ])
          .optional(),
        /** The default seed opens the demo with a decline within a second. */
        seed: z.number().int().default(7),
        /** Stop after this many seconds (0 = run until stopped). */
        duration_s: z.number().min(0).default(0),
      })
      .strict()
      .prefault({}),
    display: z
      .object({
        driver: z.enum(['console', 'lcd', 'none']).default('console'),
        /** Serial device of the character LCD (driver lcd). */
        lcd_path: z.string().min(1).optional(),
        lcd_baud: z.number().int().min(1200).max(1_000_000).default(9600),
        /** Character cells, within DISPLAY_LIMITS (and LCD_LIMITS for driver lcd). */
        width: z.number().int().min(DISPLAY_LIMITS.minWidth).max(DISPLAY_LIMITS.maxWidth).default(20),
        height: z.number().int().min(DISPLAY_LIMITS.minHeight).max(DISPLAY_LIMITS.maxHeight).default(4),
        /** How long each page stays up before the next (0: pages change on the keypad only). */
        page_ms: z
          .number()
          .int()
          .refine(
            (v) => v === 0 || (v >= 200 && v <= 60_000),
            '0 (pages change on keys only) or 200 to 60000',
          )
          .default(0),
        /** Sound the buzzer (the terminal bell on the console): approved 1, declined 2, do not retry 3. */
        beep: z.boolean().default(false),
      })
      .strict()
      .superRefine((d, ctx) => {
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
      })
      .prefault({}),
    language: z
      .object({
        /** The cashier's language: a built-in one, or one the `texts` overrides add (checked at start). */
        cashier: z
          .string()
          .regex(/^[a-z]{2}$/, `a two-letter language code: ${LANGS.join(', ')}, or one added under texts`)
          .default('en'),
        /** Show the customer's text in the card's preferred language (EMV 5F2D) when we have it. */
        customer_follows_card: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Text overrides: { "de": { "insufficient_funds.cashier": "..." } } or a JSON/YAML file path. */
    texts: z.union([z.string().min(1), z.record(z.string(), z.record(z.string(), z.string()))]).optional(),
    /** Response-code row overrides per code, e.g. { "85": { "category": "issuer_decline" } }. */
    response_codes: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    store: z
      .object({
        path: z.string().min(1).default('pos-agent.db'),
        /** full: a committed record survives power loss; normal: survives a crash of the agent only. */
        synchronous: z.enum(['full', 'normal']).default('full'),
        budget_mb: z.number().positive().max(100_000).default(64),
        group_commit_ms: z.number().int().min(0).max(1000).default(4),
        /** Most records in one transaction: larger batches amortize the per-commit work under a flood, but hold the event loop longer. */
        group_commit_max: z.number().int().min(1).max(100_000).default(512),
        /** At stop, longest wait for records the disk has not taken yet (full disk); then they are refused (E_STORE_CLOSED). */
        stop_grace_s: z.number().min(0).max(3600).default(10),
        /** Days the approval ledger keeps an approval (the outcome matcher looks back this far at most). */
        approval_retention_days: z.number().min(0.01).max(3650).default(7),
      })
      .strict()
      .prefault({}),
    broker: z
      .object({
        /** mqtt://host:port, mqtts://..., "embedded" (an in-process broker for the demo) or "none". */
        url: z
          .string()
          .min(1)
          .refine(isBrokerUrl, {
            message: "expected mqtt://host[:port], mqtts://, ws://, wss://, 'embedded' or 'none'",
          })
          .default('embedded'),
        /** Port of the embedded broker (0 = any free port). */
        embedded_port: z.number().int().min(0).max(65535).default(1883),
        username: z.string().optional(),
        password: z.string().optional(),
        /** PEM file paths for TLS. */
        ca: z.string().optional(),
        cert: z.string().optional(),
        key: z.string().optional(),
        batch_size: z.number().int().min(1).max(1000).default(100),
        inflight: z.number().int().min(1).max(65535).default(10),
        heartbeat_s: z.number().min(1).max(3600).default(10),
      })
      .strict()
      .prefault({}),
    pipeline: z
      .object({
        /** A request with no response after this long is a host timeout. */
        host_timeout_ms: z.number().int().min(100).max(600_000).default(30_000),
      })
      .strict()
      .prefault({}),
    /** Following a failed sale to its end (docs/outcomes.md). */
    outcomes: z
      .object({
        /** A failure followed by an approval (same card, or same amount here) this soon was recovered. */
        recovery_window_min: z.number().min(1).max(1440).default(30),
        /** Two approvals of one card and amount this close are a possible double charge. */
        double_charge_window_min: z.number().min(0.1).max(1440).default(10),
      })
      .strict()
      .prefault({}),
    printer: z
      .object({
        /** The receipt printer for the PRINT key: tcp://HOST[:9100], serial:PATH[@BAUD] or a file. */
        target: z.string().trim().min(1).optional(),
        /** Paper columns: 32 (58 mm), 42 or 48 (80 mm): the printer's own check (PRINTER_COLUMNS). */
        columns: z
          .number()
          .refine(isPrinterColumns, `paper columns are ${PRINTER_COLUMNS.join(', ')}`)
          .default(32),
      })
      .strict()
      .prefault({}),
    declines: z
      .object({
        /** Tell the cashier to stop after this many declines of one card in 24 h. */
        max_per_card_per_day: z.number().int().min(1).max(1000).default(10),
        /** Secret for the keyed card hash (hex, ≥ 32 chars). Default: generated once, kept beside the database. */
        card_key: z
          .string()
          .regex(/^[0-9a-fA-F]{32,}$/, 'hex, at least 32 digits')
          .optional(),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type AgentConfig = Zod.infer<typeof configSchema>;

/** Keys whose values are never printed. */
export const SECRET_KEYS = ['broker.password', 'declines.card_key'] as const;
