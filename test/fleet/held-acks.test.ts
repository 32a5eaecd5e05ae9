/**
 * Held PUBACKs (agent/fleet/held-acks.ts) against a real Mosquitto: the broker keeps sending while
 * PUBACKs are held (up to the Receive Maximum), PUBACKs leave in the order the messages came, and a
 * message never settled is not acknowledged: the broker sends it again to the same session.
 */
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HeldAck, holdAcks } from '../../agent/fleet/held-acks.js';
import { haveMosquitto, type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { waitUntil } from '../helpers/wait.js';

const available = haveMosquitto(); // throws under CI=true when the binary is missing
let broker: Mosquitto;
beforeAll(async () => {
  if (available) broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.close();
});

interface Holder {
  client: MqttClient;
  got: Array<{ payload: string; id: number; ack: HeldAck }>;
  /** messageIds of the PUBACKs sent, in order. */
  pubacks: number[];
}

/** A QoS 1 subscriber with a persistent session that holds every PUBACK. */
async function holder(clientId: string, topic: string, receiveMaximum = 100): Promise<Holder> {
  const got: Holder['got'] = [];
  const pubacks: number[] = [];
  const opts: IClientOptions = {
    protocolVersion: 5,
    clientId,
    clean: false,
    properties: { sessionExpiryInterval: 300, receiveMaximum },
    customHandleAcks(_topic, message, packet: IPublishPacket, done) {
      got.push({ payload: message.toString(), id: packet.messageId as number, ack: acks.hold(packet) });
      done(0);
    },
  };
  const client = mqtt.connect(broker.url, opts);
  const acks = holdAcks(client);
  const internals = client as unknown as { _sendPacket: (p: { cmd: string; messageId: number }) => void };
  const send = internals._sendPacket.bind(client);
  internals._sendPacket = (p, ...rest: unknown[]) => {
    if (p.cmd === 'puback') pubacks.push(p.messageId);
    (send as (...a: unknown[]) => void)(p, ...rest);
  };
  await new Promise<void>((r) => client.once('connect', () => r()));
  await client.subscribeAsync(topic, { qos: 1 });
  return { client, got, pubacks };
}

describe.skipIf(!available)('held PUBACKs', () => {
  it('keeps receiving while PUBACKs are held, and sends them in the order the messages came', async () => {
    const h = await holder('held-order', 'held/order');
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'held-order-pub' });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => pub.publishAsync('held/order', `m${i}`, { qos: 1 })),
    );
    // all 20 arrive with none acknowledged: mqtt.js did not wait for a PUBACK between them
    await waitUntil(
      () => h.got.length === 20,
      10_000,
      () => `got ${h.got.length}`,
    );
    expect(h.pubacks).toEqual([]);
    for (const g of h.got.slice(1)) g.ack.settle(0);
    expect(h.pubacks).toEqual([]); // the first is not stored yet: nothing after it goes out
    h.got[0]?.ack.settle(0);
    expect(h.pubacks).toEqual(h.got.map((g) => g.id));
    await pub.endAsync();
    await h.client.endAsync();
  });

  it('never acknowledges a message that was not settled: the session gets it again', async () => {
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'held-redo-pub' });
    const h = await holder('held-redo', 'held/redo');
    for (let i = 0; i < 6; i++) await pub.publishAsync('held/redo', `r${i}`, { qos: 1 });
    await waitUntil(
      () => h.got.length === 6,
      10_000,
      () => `got ${h.got.length}`,
    );
    // the first three stored, the others not (a collector killed before their commit)
    for (const g of h.got.slice(0, 3)) g.ack.settle(0);
    // the three PUBACKs handed to the kernel (sent before the close, which is not a reset)
    await waitUntil(
      () => h.pubacks.length === 3 && h.client.stream.writableLength === 0,
      10_000,
      () => `3 PUBACKs written (sent ${h.pubacks.length}, ${h.client.stream.writableLength} bytes queued)`,
    );
    h.client.end(true);
    const again = await holder('held-redo', 'held/redo');
    // a marker published now comes after what the broker resends to the resumed session (in the
    // order first sent): r0-r2 sent again would be here before it
    await pub.publishAsync('held/redo', 'marker', { qos: 1 });
    await waitUntil(
      () => again.got.some((g) => g.payload === 'marker'),
      10_000,
      () => `the marker (got ${JSON.stringify(again.got.map((g) => g.payload))})`,
    );
    expect(again.got.map((g) => g.payload)).toEqual(['r3', 'r4', 'r5', 'marker']);
    for (const g of again.got) g.ack.settle(0);
    await again.client.endAsync();
    await pub.endAsync();
  });
});
