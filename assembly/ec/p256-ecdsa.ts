// P-256 key pairs, ECDH (SEC 1 §3.3.1, the shared secret is the x-coordinate) and ECDSA
// (SEC 1 §4.1.3 signing with a caller-supplied nonce, §4.1.4 verification). Byte strings
// are big-endian 32-byte integers. Results match @noble/curves byte for byte: signatures
// are normalised to low S as noble's default does.
import { ERR_INVALID_ARGUMENT, ERR_MALFORMED } from '../abi';
import { P, lessThanMask, loadBigEndian256, p256FeEqualMask, p256FeIsZeroMask, p256FeMul, p256FeSq, p256FeToMont, storeBigEndian256 } from './p256-field';
import { p256Init, p256PointAdd, p256PointDecode, p256PointToAffineBytes, p256ScalarMulBase, p256ScalarMulPublic, p256ScalarMulVar } from './p256-point';
import {
  HALF_N,
  N,
  p256ScalarInit,
  scAdd,
  scFromMont,
  scInRangeMask,
  scInvertMont,
  scMontMul,
  scNegate,
  scReduceOnce,
  scToMont,
} from './p256-scalar';
import { hmacSha256 } from './sha256';

const D: usize = memory.data(32, 16);
const K: usize = memory.data(32, 16);
const E: usize = memory.data(32, 16);
const RR: usize = memory.data(32, 16);
const SS: usize = memory.data(32, 16);
const W: usize = memory.data(32, 16);
const U1: usize = memory.data(32, 16);
const U2: usize = memory.data(32, 16);
const TMP: usize = memory.data(32, 16);
const PT: usize = memory.data(96, 16);
const PT2: usize = memory.data(96, 16);
const XY: usize = memory.data(64, 16);

function init(): void {
  p256Init();
  p256ScalarInit();
}

function wipe(): void {
  memory.fill(D, 0, 32);
  memory.fill(K, 0, 32);
  memory.fill(W, 0, 32);
  memory.fill(TMP, 0, 32);
}

// Writes the uncompressed public key 04|x|y (65 bytes) of private key d (32 bytes) to out.
// ERR_INVALID_ARGUMENT when d is not in [1, n-1].
export function p256PublicKey(out: usize, d: usize): i32 {
  init();
  loadBigEndian256(D, d);
  if (scInRangeMask(D) == 0) {
    wipe();
    return ERR_INVALID_ARGUMENT;
  }
  p256ScalarMulBase(PT, D);
  wipe();
  p256PointToAffineBytes(out + 1, PT); // finite: 1 <= d < n
  store<u8>(out, 4);
  return 65;
}

// Writes the x-coordinate of d Q (32 bytes) to out for a peer key Q of len bytes (SEC 1
// encoded, validated). ERR_INVALID_ARGUMENT for a bad d, ERR_MALFORMED for a bad point.
export function p256Ecdh(out: usize, d: usize, q: usize, len: i32): i32 {
  init();
  if (!p256PointDecode(PT2, q, len)) return ERR_MALFORMED;
  loadBigEndian256(D, d);
  if (scInRangeMask(D) == 0) {
    wipe();
    return ERR_INVALID_ARGUMENT;
  }
  p256ScalarMulVar(PT, PT2, D);
  wipe();
  if (!p256PointToAffineBytes(XY, PT)) return ERR_MALFORMED; // unreachable for order-n Q
  memory.copy(out, XY, 32);
  return 32;
}

// ECDSA signature (r | s, 64 bytes) of the 32-byte hash h under d with nonce k (RFC 6979's
// k, derived by the host). ERR_INVALID_ARGUMENT for a bad d; ERR_MALFORMED when k is out of
// range or r or s comes out zero: the host then takes the next k from its generator
// (RFC 6979 §3.2 step h.3), as noble does.
export function p256Sign(out: usize, d: usize, h: usize, k: usize): i32 {
  init();
  loadBigEndian256(D, d);
  if (scInRangeMask(D) == 0) {
    wipe();
    return ERR_INVALID_ARGUMENT;
  }
  loadBigEndian256(K, k);
  if (scInRangeMask(K) == 0) {
    wipe();
    return ERR_MALFORMED;
  }
  p256ScalarMulBase(PT, K);
  p256PointToAffineBytes(XY, PT);
  loadBigEndian256(RR, XY);
  scReduceOnce(RR, RR); // r = x mod n (x < p < 2n)
  loadBigEndian256(E, h);
  scReduceOnce(E, E); // e = bits2int(h) mod n
  // s = k^-1 (e + r d) mod n, in the Montgomery domain.
  scToMont(TMP, RR);
  scToMont(W, D);
  scMontMul(W, TMP, W); // r d (Montgomery)
  scToMont(TMP, E);
  scAdd(W, W, TMP); // e + r d (Montgomery)
  scToMont(TMP, K);
  scInvertMont(TMP, TMP);
  scMontMul(SS, TMP, W);
  scFromMont(SS, SS);
  wipe();
  if (scInRangeMask(RR) == 0 || scInRangeMask(SS) == 0) return ERR_MALFORMED;
  // Low S (public value, branch is fine).
  if (lessThanMask(HALF_N, SS) != 0) scNegate(SS, SS);
  storeBigEndian256(out, RR);
  storeBigEndian256(out + 32, SS);
  return 64;
}

const DRBG_K: usize = memory.data(32, 16);
const DRBG_V: usize = memory.data(32, 16);
const DRBG_MSG: usize = memory.data(128, 16);
const H1: usize = memory.data(32, 16);

function drbgWipe(): void {
  memory.fill(DRBG_K, 0, 32);
  memory.fill(DRBG_V, 0, 32);
  memory.fill(DRBG_MSG, 0, 128);
}

// ECDSA signature (r | s) of the 32-byte hash h under d with RFC 6979 §3.2's deterministic
// k (HMAC-DRBG over SHA-256, seeded with int2octets(d) || bits2octets(h)), as @noble/curves
// signs by default. ERR_INVALID_ARGUMENT for a bad d.
export function p256SignDeterministic(out: usize, d: usize, h: usize): i32 {
  init();
  loadBigEndian256(D, d);
  if (scInRangeMask(D) == 0) {
    wipe();
    return ERR_INVALID_ARGUMENT;
  }
  // bits2octets(h) = int2octets(bits2int(h) mod n) (§2.3.4); d < n is its own int2octets.
  loadBigEndian256(E, h);
  scReduceOnce(E, E);
  storeBigEndian256(H1, E);
  // Steps b-f: V = 0x01..., K = 0x00..., then two rounds keyed with the seed.
  memory.fill(DRBG_V, 1, 32);
  memory.fill(DRBG_K, 0, 32);
  for (let round: u8 = 0; round < 2; round++) {
    memory.copy(DRBG_MSG, DRBG_V, 32);
    store<u8>(DRBG_MSG, round, 32);
    memory.copy(DRBG_MSG + 33, d, 32);
    memory.copy(DRBG_MSG + 65, H1, 32);
    hmacSha256(DRBG_K, DRBG_K, DRBG_MSG, 97);
    hmacSha256(DRBG_V, DRBG_K, DRBG_V, 32);
  }
  // Steps g-h: qlen = hlen = 256, so each candidate is one V. A candidate fails (k out of
  // range, r or s zero) with probability about 2^-32; the bound only keeps the loop finite.
  for (let attempt = 0; attempt < 64; attempt++) {
    hmacSha256(DRBG_V, DRBG_K, DRBG_V, 32);
    const result = p256Sign(out, d, h, DRBG_V);
    if (result != ERR_MALFORMED) {
      drbgWipe();
      return result;
    }
    memory.copy(DRBG_MSG, DRBG_V, 32);
    store<u8>(DRBG_MSG, 0, 32);
    hmacSha256(DRBG_K, DRBG_K, DRBG_MSG, 33);
    hmacSha256(DRBG_V, DRBG_K, DRBG_V, 32);
  }
  drbgWipe();
  return ERR_MALFORMED;
}

// 1 when (r, s) (two 32-byte integers) is a valid signature of hash h under the SEC 1
// public key q (len bytes), 0 when it is not (including r or s outside [1, n-1], any S
// accepted), ERR_MALFORMED when q is not a point on the curve. All inputs are public.
export function p256Verify(h: usize, r: usize, s: usize, q: usize, len: i32): i32 {
  init();
  if (!p256PointDecode(PT2, q, len)) return ERR_MALFORMED;
  loadBigEndian256(RR, r);
  loadBigEndian256(SS, s);
  if (scInRangeMask(RR) == 0 || scInRangeMask(SS) == 0) return 0;
  loadBigEndian256(E, h);
  scReduceOnce(E, E);
  scToMont(W, SS);
  scInvertMont(W, W); // s^-1 (Montgomery)
  scToMont(TMP, E);
  scMontMul(U1, TMP, W);
  scFromMont(U1, U1); // e / s
  scToMont(TMP, RR);
  scMontMul(U2, TMP, W);
  scFromMont(U2, U2); // r / s
  p256ScalarMulBase(PT, U1);
  p256ScalarMulPublic(PT2, PT2, U2);
  p256PointAdd(PT, PT, PT2);
  return p256JacobianXMatches(PT, RR) ? 1 : 0;
}

const Z2: usize = memory.data(32, 16);
const CAND: usize = memory.data(32, 16);

// x(R) mod n == r without the inversion to affine: x(R) = X / Z^2, and x(R) mod n == r
// means x(R) is r or r + n (x < p < 2n), the latter only when r + n < p. So test
// X == r Z^2 and, if r + n < p, X == (r + n) Z^2, in the field. Infinity never matches.
function p256JacobianXMatches(pt: usize, r: usize): bool {
  if (p256FeIsZeroMask(pt + 64) != 0) return false;
  p256FeSq(Z2, pt + 64);
  p256FeToMont(CAND, r); // r < n < p
  p256FeMul(CAND, CAND, Z2);
  if (p256FeEqualMask(CAND, pt) != 0) return true;
  // r + n, when it is below p.
  let c: u64 = 0;
  for (let i: usize = 0; i < 32; i += 4) {
    const v = <u64>load<u32>(r + i) + <u64>load<u32>(N + i) + c;
    store<u32>(CAND + i, <u32>v);
    c = v >> 32;
  }
  if (c != 0 || lessThanMask(CAND, P) == 0) return false;
  p256FeToMont(CAND, CAND);
  p256FeMul(CAND, CAND, Z2);
  return p256FeEqualMask(CAND, pt) != 0;
}

