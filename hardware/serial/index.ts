/** The board's link to the payment module: serial or TCP, framed, reconnecting. */

export type {
  Link,
  LinkState,
  LinkStats,
  ReconnectOptions,
  SerialBinding,
  SerialLinkOptions,
  TcpLinkOptions,
} from './link.js';
export { LinkError, openSerialLink, openTcpLink } from './link.js';
export type { FramingStats, StreamFraming, StreamFramingOptions } from './stream-framing.js';
export { frameStream, newStats } from './stream-framing.js';
