// Errors of omnirtc/dtls. Network input never throws out of the engine (it is dropped and
// counted, or answered with an alert); these are for API misuse and for parsers used directly.

/** Stable codes for DtlsError; tests and callers match on `code`, never on the message. */
export const DTLS_ERROR_CODES = [
  'truncated', // a field ran past the end of its buffer
  'malformed', // a length or value the RFC forbids
  'unsupported', // well formed but outside what this stack implements
  'der', // certificate DER that does not parse
  'crypto', // a key or signature the crypto layer rejected
] as const;
export type DtlsErrorCode = (typeof DTLS_ERROR_CODES)[number];

/** A parse or crypto failure. The engine catches these and maps them to alerts or drops. */
export class DtlsError extends Error {
  override name = 'DtlsError';
  constructor(
    readonly code: DtlsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** API misuse, named as the W3C names it (DESIGN.md "Bad input, errors, limits"). */
export function misuse(name: 'InvalidStateError' | 'InvalidAccessError' | 'OperationError' | 'NotSupportedError' | 'SyntaxError', message: string): DOMException {
  return new DOMException(message, name);
}

/** Inside the handshake: a failure that must end it with this fatal alert (RFC 5246 §7.2.2). */
export class HandshakeFailure extends Error {
  override name = 'HandshakeFailure';
  constructor(
    /** Alert description code (alert.ts ALERT). */
    readonly alert: number,
    message: string,
  ) {
    super(message);
  }
}
