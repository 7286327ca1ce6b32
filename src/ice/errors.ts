// Errors of the ICE module. Network input never throws; these are for API misuse and
// for candidate strings that cannot be parsed.
export type IceErrorCode = 'ICE_BAD_CANDIDATE' | 'ICE_INVALID_STATE' | 'ICE_BAD_CREDENTIALS' | 'ICE_TOO_MANY_CANDIDATES';

export class IceError extends Error {
  override name = 'IceError';
  constructor(
    readonly code: IceErrorCode,
    message: string,
  ) {
    super(message);
  }
}
