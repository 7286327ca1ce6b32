// Errors of the SRTP module, with stable codes. A packet that fails is dropped and
// counted by its context (SrtpContext.getStats()); the throwing API raises SrtpError.

export type SrtpErrorCode =
  /** The authentication tag does not match (forged, corrupted, or the wrong key). */
  | 'auth'
  /** Already received, or older than the replay window (RFC 3711 §3.3.2). */
  | 'replay'
  /** Not an RTP/RTCP packet this profile can process: wrong version, truncated, too large. */
  | 'malformed'
  /** A new SSRC does not fit the context's (or the process's) bounded stream table. */
  | 'capacity'
  /** The packet or SRTCP index would wrap: rekey (RFC 3711 §9.2). */
  | 'exhausted';

export const SRTP_ERROR_CODES: readonly SrtpErrorCode[] = ['auth', 'replay', 'malformed', 'capacity', 'exhausted'];

export class SrtpError extends Error {
  override name = 'SrtpError';
  readonly code: SrtpErrorCode;
  constructor(code: SrtpErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
