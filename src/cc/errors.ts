// Errors of the congestion-control module (src/cc): only configuration can be wrong here;
// feedback from the network is never thrown on (bad values are dropped and counted).
export type CcErrorCode = 'CC_BAD_BITRATE_BOUNDS' | 'CC_BAD_PACER_OPTION';

export class CcError extends RangeError {
  readonly code: CcErrorCode;
  constructor(code: CcErrorCode, message: string) {
    super(message);
    this.name = 'CcError';
    this.code = code;
  }
}
