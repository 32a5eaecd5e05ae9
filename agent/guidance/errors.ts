/** Typed errors of the guidance layer (catalogs, layout, scripts, decline tracking). */
export type GuidanceErrorCode = 'E_GEOMETRY' | 'E_CONFIG' | 'E_CARD_KEY' | 'E_LANG' | 'E_USAGE';

export class GuidanceError extends Error {
  readonly code: GuidanceErrorCode;
  /** CLI exit code when this error ends a command (2: bad usage or bad input). */
  readonly exitCode = 2;
  constructor(code: GuidanceErrorCode, message: string) {
    super(message);
    this.name = 'GuidanceError';
    this.code = code;
  }
}
