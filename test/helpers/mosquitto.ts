/**
 * Mosquitto for tests: the spawner lives in scripts/lib/mosquitto.ts (shared with benchmarks and
 * fault runs). Here: the CI rule (a missing binary fails under CI=true, skips otherwise) and
 * `collect()`, a QoS 1 subscriber with a persistent session that gathers what arrives.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll } from 'vitest';
import {
  mosquittoBinary,
  startMosquitto,
  type Mosquitto,
  type MosquittoOptions,
} from '../../scripts/lib/mosquitto.js';

export * from '../../scripts/lib/mosquitto.js';

/** True when mosquitto is available; throws under CI=true when it is not (tests must not skip there). */
export function haveMosquitto(): boolean {
  const bin = mosquittoBinary();
  if (!bin && process.env.CI === 'true') {
    throw new Error('mosquitto binary not found (CI=true): install it (apt-get install -y mosquitto)');
  }
  return bin !== null;
}

/**
 * A Mosquitto for the test file (or describe block) it is called in: started before its tests
 * when mosquitto is available, closed after them. Returns a getter for it.
 */
export function mosquittoForFile(opts: MosquittoOptions = {}): () => Mosquitto {
  let broker: Mosquitto | undefined;
  beforeAll(async () => {
    if (haveMosquitto()) broker = await startMosquitto(opts);
  });
  afterAll(async () => {
    await broker?.close();
  });
  return () => {
    if (!broker) throw new Error('no Mosquitto: started only when haveMosquitto()');
    return broker;
  };
}

export interface Message {
  topic: string;
  payload: string;
  retain: boolean;
}

export interface Collector {
  messages: Message[];
  client: MqttClient;
  /** Parsed failures records in arrival order (duplicates kept). */
  records(): Array<{ id: string; seq: number; terminal_id: string } & Record<string, unknown>>;
  close(): Promise<void>;
}

/** A QoS 1 subscriber with a persistent session (clean: false) so it misses nothing across restarts. */
export async function collect(
  url: string,
  filter: string,
  clientId = `collector-${process.pid}-${Date.now()}`,
): Promise<Collector> {
  const client = mqtt.connect(url, {
    clientId,
    clean: false,
    reconnectPeriod: 100,
    connectTimeout: 3000,
    protocolVersion: 4,
  });
  client.on('error', () => {});
  const messages: Message[] = [];
  client.on('message', (topic, payload, packet) => {
    messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain });
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('collector: no connection')), 5000);
    client.once('connect', () => {
      clearTimeout(t);
      resolve();
    });
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    messages,
    client,
    records() {
      const out: ReturnType<Collector['records']> = [];
      for (const m of messages) {
        if (!m.topic.endsWith('/failures')) continue;
        for (const r of JSON.parse(m.payload).records) out.push(r);
      }
      return out;
    },
    async close() {
      await client.endAsync(true).catch(() => {});
    },
  };
}
