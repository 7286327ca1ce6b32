// STUN message encode/decode (RFC 8489 §5, §14). A decoded message keeps its raw bytes
// and attribute offsets so MESSAGE-INTEGRITY and FINGERPRINT can be checked without
// re-encoding.
import { crc32 } from '../wasm/core.js';
import { FINGERPRINT_XOR, HEADER_LENGTH, MAGIC_COOKIE, StunAttr, type StunClass } from './constants.js';
import { StunError } from './errors.js';
import { hmacSha1, hmacSha256 } from './hash.js';

/** Bounds on what we accept from the network. */
export const MAX_STUN_MESSAGE = 65535 + HEADER_LENGTH;
export const MAX_ATTRIBUTES = 64;

export interface StunAttribute {
  readonly type: number;
  /** A view into the message's bytes (not a copy). */
  readonly value: Uint8Array;
  /** Offset of the attribute header in the message. */
  readonly offset: number;
}

export interface StunMessage {
  readonly method: number;
  readonly cls: StunClass;
  readonly transactionId: Uint8Array;
  readonly attributes: readonly StunAttribute[];
  /** The encoded message; present on decoded messages. */
  readonly raw: Uint8Array;
}

/** RFC 8489 §5: the class bits C1 C0 are interleaved with the 12 method bits. */
export function messageType(method: number, cls: StunClass): number {
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | ((cls & 1) << 4) | ((cls & 2) << 7);
}

function splitType(t: number): { method: number; cls: StunClass } {
  const method = (t & 0x000f) | ((t & 0x00e0) >> 1) | ((t & 0x3e00) >> 2);
  const cls = (((t >> 4) & 1) | ((t >> 7) & 2)) as StunClass;
  return { method, cls };
}

/**
 * RFC 7983 / RFC 8489 §5 quick test: could these bytes be a STUN message? (first two bits
 * zero, magic cookie, length a multiple of 4 that matches the datagram).
 */
export function isStunMessage(b: Uint8Array): boolean {
  if (b.length < HEADER_LENGTH || (b[0] & 0xc0) !== 0) return false;
  if (b[4] !== 0x21 || b[5] !== 0x12 || b[6] !== 0xa4 || b[7] !== 0x42) return false;
  const len = (b[2] << 8) | b[3];
  return (len & 3) === 0 && len + HEADER_LENGTH === b.length;
}

/** Decodes one STUN message; throws StunError on anything malformed. */
export function decodeStunMessage(b: Uint8Array): StunMessage {
  if (b.length < HEADER_LENGTH) throw new StunError('STUN_TOO_SHORT', `${b.length} bytes is shorter than a STUN header`);
  if ((b[0] & 0xc0) !== 0) throw new StunError('STUN_NOT_STUN', 'first two bits are not zero');
  if (b.length > MAX_STUN_MESSAGE) throw new StunError('STUN_TOO_LARGE', 'message too large');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const len = dv.getUint16(2);
  if ((len & 3) !== 0 || len + HEADER_LENGTH !== b.length) {
    throw new StunError('STUN_BAD_LENGTH', `length field ${len} does not match ${b.length - HEADER_LENGTH} bytes`);
  }
  if (dv.getUint32(4) !== MAGIC_COOKIE) throw new StunError('STUN_BAD_COOKIE', 'magic cookie missing');
  const { method, cls } = splitType(dv.getUint16(0));
  const attributes: StunAttribute[] = [];
  let off = HEADER_LENGTH;
  let sawIntegrity = false;
  let sawFingerprint = false;
  while (off < b.length) {
    if (off + 4 > b.length) throw new StunError('STUN_BAD_ATTRIBUTE', 'truncated attribute header');
    const type = dv.getUint16(off);
    const alen = dv.getUint16(off + 2);
    const end = off + 4 + alen;
    if (end > b.length) throw new StunError('STUN_BAD_ATTRIBUTE', `attribute 0x${type.toString(16)} overruns the message`);
    if (sawFingerprint) throw new StunError('STUN_BAD_ATTRIBUTE', 'attribute after FINGERPRINT');
    // RFC 8489 §14.5/14.6: after MESSAGE-INTEGRITY(-SHA256) only FINGERPRINT (and
    // MESSAGE-INTEGRITY-SHA256 after MESSAGE-INTEGRITY) may follow; others are ignored.
    const keep =
      !sawIntegrity ||
      type === StunAttr.FINGERPRINT ||
      (type === StunAttr.MESSAGE_INTEGRITY_SHA256 && !attributes.some((a) => a.type === type));
    if (keep) {
      if (attributes.length >= MAX_ATTRIBUTES) throw new StunError('STUN_TOO_MANY_ATTRIBUTES', 'too many attributes');
      attributes.push({ type, value: b.subarray(off + 4, end), offset: off });
    }
    if (type === StunAttr.MESSAGE_INTEGRITY || type === StunAttr.MESSAGE_INTEGRITY_SHA256) sawIntegrity = true;
    if (type === StunAttr.FINGERPRINT) {
      if (alen !== 4) throw new StunError('STUN_BAD_ATTRIBUTE', 'FINGERPRINT must be 4 bytes');
      sawFingerprint = true;
    }
    off = end + ((4 - (alen & 3)) & 3);
  }
  if (off !== b.length) throw new StunError('STUN_BAD_ATTRIBUTE', 'attribute padding overruns the message');
  return { method, cls, transactionId: b.subarray(8, 20), attributes, raw: b };
}

export function getAttribute(m: StunMessage, type: number): Uint8Array | undefined {
  for (const a of m.attributes) if (a.type === type) return a.value;
  return undefined;
}

export function hasAttribute(m: StunMessage, type: number): boolean {
  for (const a of m.attributes) if (a.type === type) return true;
  return false;
}

function findAttr(m: StunMessage, type: number): StunAttribute | undefined {
  for (const a of m.attributes) if (a.type === type) return a;
  return undefined;
}

/** The message bytes up to `offset`, with the length field set as if it ended `extra` bytes after it. */
function prefixWithLength(raw: Uint8Array, offset: number, extra: number): Uint8Array {
  const copy = raw.slice(0, offset);
  const len = offset - HEADER_LENGTH + extra;
  copy[2] = len >> 8;
  copy[3] = len & 0xff;
  return copy;
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/** RFC 8489 §14.7: true when FINGERPRINT is present and correct; false when absent. */
export function checkFingerprint(m: StunMessage): boolean {
  const a = findAttr(m, StunAttr.FINGERPRINT);
  if (!a) return false;
  const expected = (crc32(prefixWithLength(m.raw, a.offset, 8)) ^ FINGERPRINT_XOR) >>> 0;
  const v = a.value;
  return ((v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3]) >>> 0 === expected;
}

/**
 * RFC 8489 §14.5/§14.6: checks MESSAGE-INTEGRITY-SHA256 when present, else
 * MESSAGE-INTEGRITY. Returns false when neither is present or the HMAC differs.
 */
export function checkIntegrity(m: StunMessage, key: Uint8Array): boolean {
  const s = findAttr(m, StunAttr.MESSAGE_INTEGRITY_SHA256);
  if (s) {
    // §14.6: the value may be truncated to no fewer than 16 bytes, in multiples of 4.
    if (s.value.length < 16 || s.value.length > 32 || (s.value.length & 3) !== 0) return false;
    const mac = hmacSha256(key, prefixWithLength(m.raw, s.offset, 4 + s.value.length));
    return constantTimeEqual(mac.subarray(0, s.value.length), s.value);
  }
  const a = findAttr(m, StunAttr.MESSAGE_INTEGRITY);
  if (a?.value.length !== 20) return false;
  return constantTimeEqual(hmacSha1(key, prefixWithLength(m.raw, a.offset, 24)), a.value);
}

export interface StunAttributeInput {
  readonly type: number;
  readonly value: Uint8Array;
}

export interface EncodeOptions {
  /** Append MESSAGE-INTEGRITY with this key (RFC 8489 §14.5). */
  integrityKey?: Uint8Array;
  /** Append MESSAGE-INTEGRITY-SHA256 with this key (RFC 8489 §14.6). */
  integritySha256Key?: Uint8Array;
  /** Append FINGERPRINT (RFC 8489 §14.7). */
  fingerprint?: boolean;
  /** Value of attribute padding bytes (RFC 8489 §14: any value; default 0). */
  paddingByte?: number;
}

/** Encodes a message; integrity and fingerprint attributes are appended in RFC order. */
export function encodeStunMessage(
  method: number,
  cls: StunClass,
  transactionId: Uint8Array,
  attributes: readonly StunAttributeInput[],
  opts: EncodeOptions = {},
): Uint8Array {
  if (transactionId.length !== 12) throw new StunError('STUN_BAD_ATTRIBUTE', 'transaction ID must be 12 bytes');
  let size = HEADER_LENGTH;
  for (const a of attributes) {
    if (a.value.length > 0xffff) throw new StunError('STUN_TOO_LARGE', 'attribute value too large');
    size += 4 + ((a.value.length + 3) & ~3);
  }
  if (opts.integrityKey) size += 24;
  if (opts.integritySha256Key) size += 36;
  if (opts.fingerprint) size += 8;
  if (size > MAX_STUN_MESSAGE) throw new StunError('STUN_TOO_LARGE', 'message too large');
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, messageType(method, cls));
  dv.setUint32(4, MAGIC_COOKIE);
  out.set(transactionId, 8);
  let off = HEADER_LENGTH;
  for (const a of attributes) {
    dv.setUint16(off, a.type);
    dv.setUint16(off + 2, a.value.length);
    out.set(a.value, off + 4);
    const padded = (a.value.length + 3) & ~3;
    if (opts.paddingByte && padded !== a.value.length) out.fill(opts.paddingByte, off + 4 + a.value.length, off + 4 + padded);
    off += 4 + padded;
  }
  if (opts.integrityKey) {
    dv.setUint16(2, off + 24 - HEADER_LENGTH);
    const mac = hmacSha1(opts.integrityKey, out.subarray(0, off));
    dv.setUint16(off, StunAttr.MESSAGE_INTEGRITY);
    dv.setUint16(off + 2, 20);
    out.set(mac, off + 4);
    off += 24;
  }
  if (opts.integritySha256Key) {
    dv.setUint16(2, off + 36 - HEADER_LENGTH);
    const mac = hmacSha256(opts.integritySha256Key, out.subarray(0, off));
    dv.setUint16(off, StunAttr.MESSAGE_INTEGRITY_SHA256);
    dv.setUint16(off + 2, 32);
    out.set(mac, off + 4);
    off += 36;
  }
  if (opts.fingerprint) {
    dv.setUint16(2, off + 8 - HEADER_LENGTH);
    const crc = (crc32(out.subarray(0, off)) ^ FINGERPRINT_XOR) >>> 0;
    dv.setUint16(off, StunAttr.FINGERPRINT);
    dv.setUint16(off + 2, 4);
    dv.setUint32(off + 4, crc);
    off += 8;
  }
  dv.setUint16(2, off - HEADER_LENGTH);
  return out;
}

/** A fresh random 96-bit transaction ID (RFC 8489 §5). */
export function newTransactionId(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(12));
}
