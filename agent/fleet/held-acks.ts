/**
 * Holding a QoS 1 PUBACK until the message is stored, while the next messages keep coming.
 *
 * mqtt.js hands a client the next message only after the PUBACK of the one before has been sent
 * (its customHandleAcks and handleMessage run one message at a time), so a collector that
 * acknowledges after its commit could store one message per transaction, one at a time. Here the
 * collector takes a message's PUBACK over instead: the client's handleMessage (the documented
 * override point) tells mqtt.js to skip it, and the collector sends it itself once the message's
 * transaction has committed. The broker sends up to the Receive Maximum of unacknowledged
 * messages meanwhile (MQTT 5, 3.1.2.11.3), which is what lets several messages share a commit.
 *
 * - PUBACKs go out in the order the PUBLISHes came in (MQTT 5, 4.6): a settled message waits
 *   for the ones before it.
 * - A PUBACK is sent only on the connection its message came in on. After a reconnect the
 *   broker sends the unacknowledged messages again (a persistent session), and they are stored
 *   once (same id, version and content).
 * - A message that is never settled (its write failed) is never acknowledged.
 *
 * Sending the PUBACK uses mqtt.js's internal _sendPacket (checked when holding starts);
 * test/fleet/collect.test.ts runs it against a real broker.
 */
import type { IPublishPacket, MqttClient } from 'mqtt';

/** A held PUBACK: settle it with the reason code to send, once the message is stored. */
export interface HeldAck {
  settle(reasonCode: number): void;
}

export interface HeldAcks {
  /** Holds the PUBACK of a QoS 1 packet (call from customHandleAcks, then call its done(0)). */
  hold(packet: IPublishPacket): HeldAck;
  /** Unacknowledged messages held now (on the current connection). */
  pending(): number;
}

/** The error mqtt.js gets from handleMessage for a held message: it skips the PUBACK. */
const HELD = new Error('PUBACK held until the message is stored');

interface Slot {
  messageId: number;
  code: number | null;
}

type SendPacket = (packet: { cmd: 'puback'; messageId: number; reasonCode: number }) => void;

export function holdAcks(client: MqttClient): HeldAcks {
  const internals = client as unknown as { _sendPacket?: SendPacket };
  if (typeof internals._sendPacket !== 'function') {
    throw new Error('this mqtt.js has no _sendPacket: the collector cannot hold PUBACKs');
  }
  const send: SendPacket = (p) => internals._sendPacket?.call(client, p);
  const held = new WeakSet<IPublishPacket>();
  // the PUBACKs owed on the current connection, in the order the messages came
  let queue: Slot[] = [];
  let stream: unknown = null;

  const flush = (q: Slot[]) => {
    if (q !== queue) return; // a connection that is gone: the broker sends those messages again
    while (queue.length > 0 && queue[0]?.code !== null) {
      const s = queue.shift() as Slot;
      if (client.connected && client.stream === stream) {
        send({ cmd: 'puback', messageId: s.messageId, reasonCode: s.code as number });
      }
    }
  };
  client.on('close', () => {
    queue = [];
  });

  const original = client.handleMessage.bind(client);
  client.handleMessage = (packet, callback) => {
    if (packet.cmd === 'publish' && held.has(packet)) {
      held.delete(packet);
      callback(HELD); // mqtt.js sends no PUBACK and goes on with the next message
      return;
    }
    original(packet, callback);
  };

  return {
    hold(packet) {
      if (client.stream !== stream) {
        stream = client.stream;
        queue = [];
      }
      held.add(packet);
      const q = queue;
      const slot: Slot = { messageId: packet.messageId as number, code: null };
      q.push(slot);
      let settled = false;
      return {
        settle(code) {
          if (settled) return;
          settled = true;
          slot.code = code;
          flush(q);
        },
      };
    },
    pending: () => queue.length,
  };
}
