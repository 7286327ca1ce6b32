// API misuse in the W3C facade is reported with the DOMException names the WebRTC spec
// gives (W3C WebRTC 1.0 §4.4, §5) and a message that says what to do instead.
export type DomErrorName =
  | 'InvalidStateError'
  | 'InvalidAccessError'
  | 'InvalidModificationError'
  | 'InvalidCharacterError'
  | 'OperationError'
  | 'NotSupportedError'
  | 'SyntaxError'
  | 'TypeError'
  | 'RangeError'
  | 'NotFoundError'
  | 'DataError';

/** A DOMException (or a plain TypeError/RangeError, as WebIDL throws those). */
export function domError(name: DomErrorName, message: string): Error {
  if (name === 'TypeError') return new TypeError(message);
  if (name === 'RangeError') return new RangeError(message);
  return new DOMException(message, name);
}

/** RTCError (W3C WebRTC §11.1): an OperationError carrying an errorDetail. */
export class RTCError extends DOMException {
  readonly errorDetail: string;
  readonly sdpLineNumber: number | null;
  constructor(init: { errorDetail: string; sdpLineNumber?: number }, message = '') {
    super(message, 'OperationError');
    this.errorDetail = init.errorDetail;
    this.sdpLineNumber = init.sdpLineNumber ?? null;
  }
}
