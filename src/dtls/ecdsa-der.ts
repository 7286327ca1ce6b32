// ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 5480 §2.2 / SEC 1 §C.5), the
// form TLS carries ECDSA signatures in (RFC 8422 §5.4), to and from the fixed r|s form of
// the WebAssembly core (32 + 32 bytes, P-256). DER rules as noble applies them: minimal
// lengths and integers, no negative values, no trailing bytes.

const TAG_SEQUENCE = 0x30;
const TAG_INTEGER = 0x02;

/** The DER INTEGER body of a 32-byte unsigned big-endian value. */
function integerBody(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  const pad = v[i] & 0x80 ? 1 : 0;
  const out = new Uint8Array(pad + v.length - i);
  out.set(v.subarray(i), pad);
  return out;
}

/** DER encoding of a P-256 signature given as r|s (64 bytes). */
export function ecdsaSignatureToDer(rs: Uint8Array): Uint8Array {
  const r = integerBody(rs.subarray(0, 32));
  const s = integerBody(rs.subarray(32, 64));
  const len = 2 + r.length + 2 + s.length; // at most 70: short-form length
  const out = new Uint8Array(2 + len);
  out[0] = TAG_SEQUENCE;
  out[1] = len;
  out[2] = TAG_INTEGER;
  out[3] = r.length;
  out.set(r, 4);
  out[4 + r.length] = TAG_INTEGER;
  out[5 + r.length] = s.length;
  out.set(s, 6 + r.length);
  return out;
}

/** Reads one short-form TLV with the given tag at `at`; undefined when malformed. */
function readTlv(der: Uint8Array, at: number, tag: number): { value: Uint8Array; next: number } | undefined {
  if (at + 2 > der.length || der[at] !== tag) return undefined;
  const len = der[at + 1];
  // Every P-256 signature fits short-form lengths; a long form here is either non-minimal
  // (X.690 §10.1) or too long to hold two 33-byte integers.
  if (len & 0x80) return undefined;
  if (at + 2 + len > der.length) return undefined;
  return { value: der.subarray(at + 2, at + 2 + len), next: at + 2 + len };
}

/** The 32-byte big-endian value of a DER INTEGER body; undefined if not minimal, negative or over 256 bits. */
function integerValue(body: Uint8Array): Uint8Array | undefined {
  if (body.length === 0 || body[0] & 0x80) return undefined;
  if (body.length > 1 && body[0] === 0 && !(body[1] & 0x80)) return undefined;
  const v = body[0] === 0 ? body.subarray(1) : body;
  if (v.length > 32) return undefined;
  const out = new Uint8Array(32);
  out.set(v, 32 - v.length);
  return out;
}

/** r|s (64 bytes) of a DER ECDSA-Sig-Value, or undefined when it is not strict DER. */
export function ecdsaSignatureFromDer(der: Uint8Array): Uint8Array | undefined {
  const seq = readTlv(der, 0, TAG_SEQUENCE);
  if (!seq || seq.next !== der.length) return undefined;
  const body = seq.value;
  const r = readTlv(body, 0, TAG_INTEGER);
  if (!r) return undefined;
  const s = readTlv(body, r.next, TAG_INTEGER);
  if (!s || s.next !== body.length) return undefined;
  const rv = integerValue(r.value);
  const sv = integerValue(s.value);
  if (!rv || !sv) return undefined;
  const out = new Uint8Array(64);
  out.set(rv, 0);
  out.set(sv, 32);
  return out;
}
