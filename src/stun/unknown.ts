// RFC 8489 §6.3.1: a request with comprehension-required attributes we do not know is
// answered with 420 (Unknown Attribute) listing them.
import { encodeErrorCode, encodeUnknownAttributes } from './attributes.js';
import { KNOWN_REQUIRED_ATTRIBUTES, StunAttr, StunClass, StunErrorCodes, isComprehensionRequired } from './constants.js';
import { encodeStunMessage, type StunMessage } from './message.js';

export function unknownRequiredAttributes(m: StunMessage, known: ReadonlySet<number> = KNOWN_REQUIRED_ATTRIBUTES): number[] {
  const out: number[] = [];
  for (const a of m.attributes) if (isComprehensionRequired(a.type) && !known.has(a.type) && !out.includes(a.type)) out.push(a.type);
  return out;
}

/** Builds the 420 error response for `request` (with FINGERPRINT; integrity if a key is given). */
export function unknownAttributeResponse(request: StunMessage, unknown: readonly number[], integrityKey?: Uint8Array): Uint8Array {
  return encodeStunMessage(
    request.method,
    StunClass.error,
    request.transactionId,
    [
      { type: StunAttr.ERROR_CODE, value: encodeErrorCode(StunErrorCodes.unknownAttribute, 'Unknown Attribute') },
      { type: StunAttr.UNKNOWN_ATTRIBUTES, value: encodeUnknownAttributes(unknown) },
    ],
    { integrityKey, fingerprint: true },
  );
}
