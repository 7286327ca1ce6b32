// Errors of the STUN module. Parsing never throws out of an engine's event loop: the
// engines catch StunError, drop the datagram and count it under its `code`.
export type StunErrorCode =
  | 'STUN_TOO_SHORT'
  | 'STUN_NOT_STUN'
  | 'STUN_BAD_LENGTH'
  | 'STUN_BAD_COOKIE'
  | 'STUN_BAD_ATTRIBUTE'
  | 'STUN_TOO_MANY_ATTRIBUTES'
  | 'STUN_BAD_FINGERPRINT'
  | 'STUN_BAD_INTEGRITY'
  | 'STUN_BAD_ADDRESS'
  | 'STUN_TOO_LARGE';

export class StunError extends Error {
  override name = 'StunError';
  constructor(
    readonly code: StunErrorCode,
    message: string,
  ) {
    super(message);
  }
}
