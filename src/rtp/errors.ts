// Errors of omnirtc/rtp. Bad bytes from the network raise RtpError with a stable code
// (or are counted and dropped by the stateful parts); API misuse raises DOMException
// with the W3C name, saying what to do.

export type RtpErrorCode =
  | 'malformed-rtp'
  | 'malformed-rtcp'
  | 'malformed-frame'
  | 'malformed-container'
  | 'frame-too-large';

export class RtpError extends Error {
  override name = 'RtpError';
  constructor(
    readonly code: RtpErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** API misuse: a W3C-named DOMException (TypeError-like misuse uses 'TypeError'). */
export function misuse(name: 'InvalidAccessError' | 'NotSupportedError' | 'RangeError' | 'TypeError' | 'InvalidStateError', message: string): DOMException {
  return new DOMException(message, name);
}
