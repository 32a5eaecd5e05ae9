/**
 * The logging hardware/ needs, passed in by whoever opens a link or a display (the agent passes its
 * pino logger, which fits this shape). hardware/ imports nothing of the agent: one structured event
 * per call, the fields first, then a short message.
 */
export interface HardwareLogger {
  debug(fields: object, msg?: string): void;
  info(fields: object, msg?: string): void;
  warn(fields: object, msg?: string): void;
  error(fields: object, msg?: string): void;
  child(bindings: Record<string, unknown>): HardwareLogger;
}
