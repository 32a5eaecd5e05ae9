/**
 * What a channel's sender is: one attempt to deliver one rendered message. A sender throws
 * DeliveryError and says whether retrying can help (dispatch.ts decides when, with the backoff).
 */
import type { AlertMessage } from './message.js';
import type { Channel, Delivery } from './outbox.js';

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    /** True when a retry cannot succeed (refused by the receiver, an address rejected). */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface Sender {
  send(d: Delivery, msg: AlertMessage): Promise<void>;
  close?(): Promise<void>;
}

export type Senders = Partial<Record<Channel, Sender>>;
