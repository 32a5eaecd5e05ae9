/**
 * zod schemas of the three MQTT payloads (payloads.ts), version 1. docs/payload.schema.json is
 * generated from these (payloadJsonSchema) and a test keeps the two identical and validates real
 * payloads against the JSON file.
 */
import { zod } from '../../protocol/zod.js';
import { CATEGORIES } from '../record.js';
import { failureRecordSchema } from '../store/record-schema.js';

const z = zod();

const iso = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/);
const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^/#+]+$/);

export const recordPayloadSchema = failureRecordSchema().extend({ synced_at: z.null() }).meta({
  title: 'FailureRecord',
  description: 'One failure record (agent/record.ts). `id` is a ULID; receivers deduplicate by it.',
});

export const failuresPayloadSchema = z
  .strictObject({
    v: z.literal(1),
    fleet: id,
    terminal: id,
    boot_id: z.string().min(1).max(64),
    records: z.array(recordPayloadSchema).min(1),
  })
  .meta({
    title: 'FailuresPayload',
    description: 'pos/v1/{fleet}/{terminal}/failures, QoS 1: records in ascending seq',
  });

export const statusPayloadSchema = z
  .strictObject({
    v: z.literal(1),
    state: z.enum(['online', 'offline']),
    terminal: id,
    fleet: id,
    boot_id: z.string().min(1).max(64),
    version: z.string().min(1).max(64),
    config_hash: z.string().min(1).max(64),
    at: iso,
  })
  .meta({
    title: 'StatusPayload',
    description: 'pos/v1/{fleet}/{terminal}/status, QoS 1, retained; Last Will = offline',
  });

export const metricsPayloadSchema = z
  .strictObject({
    v: z.literal(1),
    terminal: id,
    fleet: id,
    boot_id: z.string().min(1).max(64),
    at: iso,
    uptime_s: z.number().min(0),
    outbox_depth: z.number().int().min(0),
    oldest_unsynced_age_s: z.number().min(0),
    link: z.enum(['up', 'down', 'unknown']),
    counts: z.partialRecord(z.enum(CATEGORIES), z.number().int().min(0)),
    rss_mb: z.number().min(0),
    heap_used_mb: z.number().min(0),
    db_bytes: z.number().int().min(0),
    alarms: z.array(z.string()),
  })
  .meta({ title: 'MetricsPayload', description: 'pos/v1/{fleet}/{terminal}/metrics, QoS 0: heartbeat' });

/** The JSON Schema document of docs/payload.schema.json. */
export function payloadJsonSchema(): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (const [name, s] of [
    ['FailuresPayload', failuresPayloadSchema],
    ['StatusPayload', statusPayloadSchema],
    ['MetricsPayload', metricsPayloadSchema],
  ] as const) {
    const j = z.toJSONSchema(s, { target: 'draft-2020-12' }) as Record<string, unknown>;
    delete j.$schema;
    defs[name] = j;
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://pos-agent.example/schemas/payload.v1.json',
    title: 'pos-agent MQTT payloads, version 1',
    description:
      'Payloads under pos/v1/{fleet}/{terminal}/{failures|status|metrics}. Generated from agent/sync/payload-schema.ts; see docs/store-sync.md.',
    oneOf: [
      { $ref: '#/$defs/FailuresPayload' },
      { $ref: '#/$defs/StatusPayload' },
      { $ref: '#/$defs/MetricsPayload' },
    ],
    $defs: defs,
  };
}
