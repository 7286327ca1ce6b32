// A small DER codec (ITU-T X.690 §10): enough to build our self-signed certificate and to
// read a peer's SubjectPublicKeyInfo. Parsing is strict about lengths and bounded in depth.
import { DtlsError } from './errors.js';

export const DER_TAG = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** One decoded TLV. `value` is a view into the input; `raw` spans tag, length and value. */
export interface DerNode {
  tag: number;
  value: Uint8Array;
  raw: Uint8Array;
}

const MAX_DEPTH = 32;

/** Reads one TLV at `offset`; returns the node and the offset after it. */
export function derRead(buf: Uint8Array, offset = 0): { node: DerNode; next: number } {
  if (offset + 2 > buf.length) throw new DtlsError('der', 'DER: truncated header');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new DtlsError('der', 'DER: multi-byte tags are not used in certificates');
  let len = buf[offset + 1];
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    // X.690 §10.1: definite, minimal lengths only; four length bytes are far beyond any certificate.
    if (n === 0 || n > 4) throw new DtlsError('der', 'DER: unsupported length form');
    if (p + n > buf.length) throw new DtlsError('der', 'DER: truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i];
    if (len < 0x80 || (n > 1 && buf[p] === 0)) throw new DtlsError('der', 'DER: non-minimal length');
    p += n;
  }
  if (p + len > buf.length) throw new DtlsError('der', 'DER: value runs past the end');
  return { node: { tag, value: buf.subarray(p, p + len), raw: buf.subarray(offset, p + len) }, next: p + len };
}

/** Decodes exactly one TLV that spans the whole buffer. */
export function derDecode(buf: Uint8Array): DerNode {
  const { node, next } = derRead(buf, 0);
  if (next !== buf.length) throw new DtlsError('der', 'DER: trailing bytes');
  return node;
}

/** The children of a constructed node (SEQUENCE, SET, [n] EXPLICIT). */
export function derChildren(node: DerNode, depth = 0): DerNode[] {
  if (depth > MAX_DEPTH) throw new DtlsError('der', 'DER: nesting too deep');
  if ((node.tag & 0x20) === 0) throw new DtlsError('der', `DER: tag 0x${node.tag.toString(16)} is not constructed`);
  const out: DerNode[] = [];
  let p = 0;
  while (p < node.value.length) {
    const r = derRead(node.value, p);
    out.push(r.node);
    p = r.next;
    if (out.length > 1024) throw new DtlsError('der', 'DER: too many children');
  }
  return out;
}

/** Checks the tag and returns the node, so parsers read like the ASN.1 they follow. */
export function derExpect(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new DtlsError('der', `DER: expected ${what}`);
  return node;
}

export function derOidToString(value: Uint8Array): string {
  if (value.length === 0) throw new DtlsError('der', 'DER: empty OID');
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < value.length; i++) {
    v = v * 128 + (value[i] & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new DtlsError('der', 'DER: OID arc too large');
    if ((value[i] & 0x80) === 0) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  if (value[value.length - 1] & 0x80) throw new DtlsError('der', 'DER: OID ends mid-arc');
  return parts.join('.');
}

// ---- encoding ----

function lengthBytes(len: number): number[] {
  if (len < 0x80) return [len];
  const out: number[] = [];
  while (len > 0) {
    out.unshift(len & 0xff);
    len = Math.floor(len / 256);
  }
  return [0x80 | out.length, ...out];
}

export function derTlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const head = [tag, ...lengthBytes(total)];
  const out = new Uint8Array(head.length + total);
  out.set(head, 0);
  let p = head.length;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

export const derSequence = (...parts: Uint8Array[]): Uint8Array => derTlv(DER_TAG.sequence, ...parts);
export const derSet = (...parts: Uint8Array[]): Uint8Array => derTlv(DER_TAG.set, ...parts);
export const derNull = (): Uint8Array => derTlv(DER_TAG.null);
/** [n] EXPLICIT, constructed context-specific tag. */
export const derExplicit = (n: number, inner: Uint8Array): Uint8Array => derTlv(0xa0 | n, inner);

/** INTEGER from unsigned big-endian magnitude bytes (adds a 0x00 when the top bit is set). */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return m[0] & 0x80 ? derTlv(DER_TAG.integer, new Uint8Array([0]), m) : derTlv(DER_TAG.integer, m);
}

export function derSmallInteger(v: number): Uint8Array {
  const bytes: number[] = [];
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  return derUnsignedInteger(new Uint8Array(bytes));
}

export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const body: number[] = [];
  const push = (v: number): void => {
    const chunk: number[] = [v & 0x7f];
    v = Math.floor(v / 128);
    while (v > 0) {
      chunk.unshift(0x80 | (v & 0x7f));
      v = Math.floor(v / 128);
    }
    body.push(...chunk);
  };
  push(arcs[0] * 40 + arcs[1]);
  for (const a of arcs.slice(2)) push(a);
  return derTlv(DER_TAG.oid, new Uint8Array(body));
}

/** BIT STRING with no unused bits. */
export const derBitString = (bytes: Uint8Array): Uint8Array => derTlv(DER_TAG.bitString, new Uint8Array([0]), bytes);
export const derUtf8 = (s: string): Uint8Array => derTlv(DER_TAG.utf8String, new TextEncoder().encode(s));

/** UTCTime for years 1950–2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
export function derTime(d: Date): Uint8Array {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const y = d.getUTCFullYear();
  const rest = `${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return derTlv(DER_TAG.utcTime, new TextEncoder().encode(`${p2(y % 100)}${rest}`));
  return derTlv(DER_TAG.generalizedTime, new TextEncoder().encode(`${y}${rest}`));
}

/** The bytes of a BIT STRING value with no unused bits. */
export function derBitStringBytes(node: DerNode): Uint8Array {
  derExpect(node, DER_TAG.bitString, 'BIT STRING');
  if (node.value.length < 1 || node.value[0] !== 0) throw new DtlsError('der', 'DER: BIT STRING with unused bits');
  return node.value.subarray(1);
}

/** Magnitude of a non-negative INTEGER as a bigint. */
export function derIntegerToBigInt(node: DerNode): bigint {
  derExpect(node, DER_TAG.integer, 'INTEGER');
  if (node.value.length === 0 || node.value[0] & 0x80) throw new DtlsError('der', 'DER: negative or empty INTEGER');
  let v = 0n;
  for (const b of node.value) v = (v << 8n) | BigInt(b);
  return v;
}
