/**
 * Typed errors of the export command and the fleet tools. `code` is stable (logs, tests);
 * `exitCode` follows the CLI contract: 2 bad usage or bad input, 1 runtime failure.
 */
export type ExportErrorCode =
  | 'E_USAGE' // an option value is invalid
  | 'E_DB_MISSING' // --db names a file that does not exist
  | 'E_DB_INVALID' // the file is not a pos-agent failure store
  | 'E_NOT_FOUND' // no record matches the id, STAN or RRN asked for (pos-agent script)
  | 'E_OUTPUT' // the output file cannot be written
  | 'E_PAYLOAD' // an MQTT payload is not a valid v1 payload
  | 'E_SINK' // the collector could not store records
  | 'E_BROKER_PROTOCOL' // the broker does not speak the MQTT version the tool needs
  | 'E_BROKER'; // the broker could not be reached at all

export class ExportError extends Error {
  readonly code: ExportErrorCode;
  readonly exitCode: number;
  constructor(
    code: ExportErrorCode,
    message: string,
    exitCode = code === 'E_OUTPUT' || code === 'E_SINK' ? 1 : 2,
  ) {
    super(message);
    this.name = 'ExportError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Shorthand for a bad option value: names the option in the message. */
export function usageError(option: string, message: string): ExportError {
  return new ExportError('E_USAGE', `${option}: ${message}`);
}
