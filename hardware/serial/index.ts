/** The board's link to the payment module: serial or TCP, framed, reconnecting. */
export { openSerialLink, openTcpLink, LinkError } from './link.js';
export type { Link, LinkState, SerialBinding, LinkStats, ReconnectOptions, SerialLinkOptions, TcpLinkOptions } from './link.js';
export { frameStream, newStats } from './stream-framing.js';
export type { FramingStats, StreamFraming, StreamFramingOptions, FramingName } from './stream-framing.js';
export { BoundedLineSplitter, Overflow } from './line-splitter.js';
