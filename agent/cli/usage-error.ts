/** Bad usage of a command (an unknown name, a missing or conflicting option): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'E_USAGE';
  readonly exitCode = 2;
}
