/** The store's typed errors, and how it reads SQLite's error codes. */

export type StoreErrorCode =
  | 'E_RECORD' // the NewFailure is invalid
  | 'E_STORE_OPEN' // the database cannot be opened (and is not corrupt: e.g. no such directory)
  | 'E_STORE_FOREIGN' // a file at the database path (or <db>.hwm) that the agent did not create
  | 'E_STORE_DURABILITY' // journal_mode / synchronous read back differently than set
  | 'E_STORE_BACKLOG' // too many records waiting in memory while the disk refuses writes
  | 'E_STORE_WRITE' // a record was refused by SQLite for a reason retrying cannot fix
  | 'E_STORE_CLOSED'; // the store is closed (or closed before the record could commit)

export class StoreError extends Error {
  /** Process exit code for the CLI: 2 (bad input) for a foreign file at the database path. */
  readonly exitCode: number | undefined;
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
    this.exitCode = code === 'E_STORE_FOREIGN' ? 2 : undefined;
  }
}

/** The refusal of a file the agent did not create; names the file, never quotes it. */
export function foreign(path: string, what: string): StoreError {
  return new StoreError(
    'E_STORE_FOREIGN',
    `${path} exists and is ${what}, not a failure store this agent created; refusing to touch it: move it away or choose another --db / store.path`,
  );
}

/** Write errors that waiting can fix: the batch stays queued and is retried with backoff. */
export const RETRYABLE = /^SQLITE_(FULL|BUSY|LOCKED|IOERR|PROTOCOL|NOMEM)/;
/** Open errors that mean the file is damaged: it is moved aside and recreated (if it is ours). */
export const CORRUPT = /^SQLITE_(NOTADB|CORRUPT)/;

export function sqliteCode(e: unknown): string {
  return typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : '';
}

/** An Error with an SQLite-style code, so the store classifies it like SQLite's own errors. */
export function codedError(message: string, code: string, cause?: unknown): Error {
  const e = new Error(message, cause === undefined ? undefined : { cause });
  (e as Error & { code: string }).code = code;
  return e;
}
