// P-256 group operations (SEC 2 §2.4.2) in Jacobian coordinates (X, Y, Z) with x = X/Z^2,
// y = Y/Z^3, coordinates in the Montgomery domain of p256-field.ts. A point is 96 bytes
// (X | Y | Z); Z = 0 is the point at infinity. Affine table entries are 64 bytes (x | y).
//
// Constant-time rules: scalar digits select table entries by scanning the whole row with
// masks, and infinity inputs are handled by masked selects, never by branches. The only
// data-dependent branch is the doubling fallback in p256PointAdd (P == Q), which cannot be
// reached by the secret-scalar multiplications: for a scalar k < n and a point of order n
// (every valid P-256 point: the cofactor is 1) the running sum and the digit's multiple
// are never equal or opposite (argued at p256ScalarMulVar and p256ScalarMulBase). Only
// ECDSA verification, over public values, can take it. p256ScalarMulPublic (verification's
// u2 Q) is variable-time by design and must never see a secret scalar. Scratch points
// derived from secrets stay in static memory after a call (the scalars themselves are wiped
// by the callers in p256-ecdsa.ts and x25519.ts).
import {
  P,
  FE_ONE_MONT,
  p256FeAdd,
  p256FeCopy,
  p256FeEqualMask,
  p256FeFromMont,
  p256FeInvert,
  p256FeIsZeroMask,
  p256FeMul,
  p256FeSelect,
  p256FeSq,
  p256FeSqrt,
  p256FeSub,
  p256FeToMont,
  p256FieldInit,
  lessThanMask,
  loadBigEndian256,
  storeBigEndian256,
} from './p256-field';

export const POINT_SIZE: usize = 96;
const AFFINE_SIZE: usize = 64;

// Scratch field elements (static: the stub runtime never frees; each memory.data call
// site reserves its own 32 bytes).
const Z1Z1: usize = memory.data(32, 16);
const Z2Z2: usize = memory.data(32, 16);
const U1: usize = memory.data(32, 16);
const U2: usize = memory.data(32, 16);
const S1: usize = memory.data(32, 16);
const S2: usize = memory.data(32, 16);
const H: usize = memory.data(32, 16);
const I: usize = memory.data(32, 16);
const J: usize = memory.data(32, 16);
const R: usize = memory.data(32, 16);
const V: usize = memory.data(32, 16);
const T1: usize = memory.data(32, 16);
const T2: usize = memory.data(32, 16);
const DELTA: usize = memory.data(32, 16);
const GAMMA: usize = memory.data(32, 16);
const BETA: usize = memory.data(32, 16);
const ALPHA: usize = memory.data(32, 16);
const SUM: usize = memory.data(96, 16);
const DBL: usize = memory.data(96, 16);

// out = 2 p (dbl-2001-b, a = -3). out may alias p. Doubling infinity gives Z = 0 again.
export function p256PointDouble(out: usize, p: usize): void {
  const x = p;
  const y = p + 32;
  const z = p + 64;
  p256FeSq(DELTA, z);
  p256FeSq(GAMMA, y);
  p256FeMul(BETA, x, GAMMA);
  p256FeSub(T1, x, DELTA);
  p256FeAdd(T2, x, DELTA);
  p256FeMul(ALPHA, T1, T2);
  p256FeAdd(T1, ALPHA, ALPHA);
  p256FeAdd(ALPHA, T1, ALPHA); // alpha = 3 (x - delta)(x + delta)
  // Z3 = (y + z)^2 - gamma - delta, before y and z may be overwritten.
  p256FeAdd(T1, y, z);
  p256FeSq(T1, T1);
  p256FeSub(T1, T1, GAMMA);
  p256FeSub(out + 64, T1, DELTA);
  // X3 = alpha^2 - 8 beta
  p256FeAdd(BETA, BETA, BETA);
  p256FeAdd(BETA, BETA, BETA); // 4 beta
  p256FeSq(T1, ALPHA);
  p256FeAdd(T2, BETA, BETA);
  p256FeSub(out, T1, T2);
  // Y3 = alpha (4 beta - X3) - 8 gamma^2
  p256FeSub(T1, BETA, out);
  p256FeMul(T1, ALPHA, T1);
  p256FeSq(T2, GAMMA);
  p256FeAdd(T2, T2, T2);
  p256FeAdd(T2, T2, T2);
  p256FeAdd(T2, T2, T2);
  p256FeSub(out + 32, T1, T2);
}

// out = p + q (add-2007-bl), any inputs. out may alias p or q.
export function p256PointAdd(out: usize, p: usize, q: usize): void {
  p256FeSq(Z1Z1, p + 64);
  p256FeSq(Z2Z2, q + 64);
  p256FeMul(U1, p, Z2Z2);
  p256FeMul(U2, q, Z1Z1);
  p256FeMul(S1, p + 32, q + 64);
  p256FeMul(S1, S1, Z2Z2);
  p256FeMul(S2, q + 32, p + 64);
  p256FeMul(S2, S2, Z1Z1);
  p256FeSub(H, U2, U1);
  p256FeAdd(I, H, H);
  p256FeSq(I, I);
  p256FeMul(J, H, I);
  p256FeSub(R, S2, S1);
  p256FeAdd(R, R, R);
  p256FeMul(V, U1, I);
  // X3 = r^2 - J - 2V
  p256FeSq(T1, R);
  p256FeSub(T1, T1, J);
  p256FeSub(T1, T1, V);
  p256FeSub(SUM, T1, V);
  // Y3 = r (V - X3) - 2 S1 J
  p256FeSub(T1, V, SUM);
  p256FeMul(T1, R, T1);
  p256FeMul(T2, S1, J);
  p256FeAdd(T2, T2, T2);
  p256FeSub(SUM + 32, T1, T2);
  // Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H
  p256FeAdd(T1, p + 64, q + 64);
  p256FeSq(T1, T1);
  p256FeSub(T1, T1, Z1Z1);
  p256FeSub(T1, T1, Z2Z2);
  p256FeMul(SUM + 64, T1, H);
  const pInf = p256FeIsZeroMask(p + 64);
  const qInf = p256FeIsZeroMask(q + 64);
  // P == Q (both finite): the formula degenerates; double instead. See the header comment
  // for why secret-scalar multiplications never get here.
  if ((p256FeIsZeroMask(H) & p256FeIsZeroMask(R) & ~pInf & ~qInf) != 0) {
    p256PointDouble(SUM, p);
  }
  selectPoint(SUM, q, pInf);
  selectPoint(SUM, p, qInf);
  memory.copy(out, SUM, 96);
}

// out = p + (x, y) for an affine point q (madd-2007-bl), with p possibly infinity (then
// the result is q, selected by mask). q must not equal +-p: the comb guarantees it.
function p256PointAddAffine(out: usize, p: usize, q: usize): void {
  p256FeSq(Z1Z1, p + 64);
  p256FeMul(U2, q, Z1Z1);
  p256FeMul(S2, q + 32, p + 64);
  p256FeMul(S2, S2, Z1Z1);
  p256FeSub(H, U2, p);
  p256FeSq(Z2Z2, H); // HH
  p256FeAdd(I, Z2Z2, Z2Z2);
  p256FeAdd(I, I, I); // I = 4 HH
  p256FeMul(J, H, I);
  p256FeSub(R, S2, p + 32);
  p256FeAdd(R, R, R);
  p256FeMul(V, p, I);
  p256FeSq(T1, R);
  p256FeSub(T1, T1, J);
  p256FeSub(T1, T1, V);
  p256FeSub(SUM, T1, V);
  p256FeSub(T1, V, SUM);
  p256FeMul(T1, R, T1);
  p256FeMul(T2, p + 32, J);
  p256FeAdd(T2, T2, T2);
  p256FeSub(SUM + 32, T1, T2);
  p256FeAdd(T1, p + 64, H);
  p256FeSq(T1, T1);
  p256FeSub(T1, T1, Z1Z1);
  p256FeSub(SUM + 64, T1, Z2Z2);
  const pInf = p256FeIsZeroMask(p + 64);
  p256FeSelect(SUM, q, pInf);
  p256FeSelect(SUM + 32, q + 32, pInf);
  p256FeSelect(SUM + 64, FE_ONE_MONT, pInf);
  memory.copy(out, SUM, 96);
}

// out = a (96 bytes) when mask is all ones, unchanged when 0; 128-bit bitselects.
@inline
function selectPoint(out: usize, a: usize, mask: u32): void {
  selectBytes(out, a, mask, 96);
}

@inline
function selectBytes(out: usize, a: usize, mask: u32, len: usize): void {
  const m = i32x4.splat(<i32>mask);
  for (let o: usize = 0; o < len; o += 16) v128.store(out + o, v128.bitselect(v128.load(a + o), v128.load(out + o), m));
}

@inline
function equalMask(a: u32, b: u32): u32 {
  return <u32>0 - <u32>(a == b);
}

@inline
function nibble(k: usize, i: u32): u32 {
  return (load<u32>(k + ((<usize>i >> 3) << 2)) >> ((i & 7) << 2)) & 15;
}

const WINDOW_TABLE: usize = memory.data(16 * 96, 16);
const SELECTED: usize = memory.data(96, 16);
const ACC: usize = memory.data(96, 16);

// out = k p for a scalar k < n (eight little-endian u32 limbs) and a finite point p of
// order n; fixed 4-bit windows, most significant first: 63 x (4 doublings + 1 addition).
// Exceptions: before adding digit w the sum is 16 S p with 16 S + w <= k < n, so it equals
// +-w p only when S = w = 0, the infinity case that the selects handle.
export function p256ScalarMulVar(out: usize, p: usize, k: usize): void {
  memory.fill(WINDOW_TABLE, 0, 96); // entry 0: infinity
  memory.copy(WINDOW_TABLE + 96, p, 96);
  p256PointDouble(WINDOW_TABLE + 192, p);
  for (let j: usize = 3; j < 16; j++) p256PointAdd(WINDOW_TABLE + j * 96, WINDOW_TABLE + (j - 1) * 96, p);
  memory.fill(ACC, 0, 96);
  for (let i: i32 = 63; i >= 0; i--) {
    if (i != 63) {
      p256PointDouble(ACC, ACC);
      p256PointDouble(ACC, ACC);
      p256PointDouble(ACC, ACC);
      p256PointDouble(ACC, ACC);
    }
    const w = nibble(k, <u32>i);
    memory.fill(SELECTED, 0, 96);
    for (let j: u32 = 0; j < 16; j++) selectPoint(SELECTED, WINDOW_TABLE + <usize>j * 96, equalMask(j, w));
    p256PointAdd(ACC, ACC, SELECTED);
  }
  memory.copy(out, ACC, 96);
}

const NAF_TABLE: usize = memory.data(8 * 96, 16);
const NAF_DIGITS: usize = memory.data(260, 16);
const NAF_K: usize = memory.data(40, 16);
const NEGATED: usize = memory.data(96, 16);
const ZERO_FE: usize = memory.data(32, 16);

// out = k p for a PUBLIC scalar k < n (ECDSA verification's u2 Q): width-5 NAF (digits odd
// in [-15, 15], at least four zeros between them), so about 52 additions instead of 64 and
// the table entry is read directly. Branches and indexes depend on k: never use it on secrets.
export function p256ScalarMulPublic(out: usize, p: usize, k: usize): void {
  // Recode: while k > 0, take the signed residue mod 32 when k is odd, then halve.
  memory.copy(NAF_K, k, 32);
  store<u32>(NAF_K, 0, 32);
  let top: i32 = -1;
  for (let i = 0; i < 258; i++) {
    let low = <i32>(load<u32>(NAF_K) & 31);
    let digit: i32 = 0;
    if (low & 1) {
      digit = low >= 16 ? low - 32 : low;
      // k -= digit (k + 16 stays below 2^257: nine limbs are enough).
      let c: i64 = -<i64>digit;
      for (let j: usize = 0; j < 36; j += 4) {
        const v = <i64>load<u32>(NAF_K + j) + c;
        store<u32>(NAF_K + j, <u32>v);
        c = v >> 32;
      }
      top = i;
    }
    store<i8>(NAF_DIGITS + <usize>i, <i8>digit);
    // k >>= 1
    for (let j: usize = 0; j < 32; j += 4) {
      store<u32>(NAF_K + j, (load<u32>(NAF_K + j) >> 1) | (load<u32>(NAF_K + j + 4) << 31));
    }
    store<u32>(NAF_K + 32, load<u32>(NAF_K + 32) >> 1);
  }
  // Odd multiples p, 3p, ..., 15p.
  memory.copy(NAF_TABLE, p, 96);
  p256PointDouble(DBL, p);
  for (let j: usize = 1; j < 8; j++) p256PointAdd(NAF_TABLE + j * 96, NAF_TABLE + (j - 1) * 96, DBL);
  memory.fill(ACC, 0, 96);
  for (let i = top; i >= 0; i--) {
    p256PointDouble(ACC, ACC);
    const digit = <i32>load<i8>(NAF_DIGITS + <usize>i);
    if (digit > 0) {
      p256PointAdd(ACC, ACC, NAF_TABLE + <usize>((digit - 1) >> 1) * 96);
    } else if (digit < 0) {
      const entry = NAF_TABLE + <usize>((-digit - 1) >> 1) * 96;
      memory.copy(NEGATED, entry, 96);
      p256FeSub(NEGATED + 32, ZERO_FE, entry + 32);
      p256PointAdd(ACC, ACC, NEGATED);
    }
  }
  memory.copy(out, ACC, 96);
}

// Fixed-base comb table: row i holds j 16^i G for j = 1..15 as affine points, built once.
const BASE_TABLE: usize = memory.data(64 * 15 * 64, 16);
const ROW: usize = memory.data(15 * 96, 16);
const PREFIX: usize = memory.data(15 * 32, 16);
const ZINV: usize = memory.data(32, 16);
const ZINV2: usize = memory.data(32, 16);
const INV: usize = memory.data(32, 16);
const BASE: usize = memory.data(96, 16);
const G_BYTES: usize = memory.data<u8>([
  0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2,
  0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
  0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16,
  0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5,
]);
const B_BYTES: usize = memory.data<u8>([
  0x5a, 0xc6, 0x35, 0xd8, 0xaa, 0x3a, 0x93, 0xe7, 0xb3, 0xeb, 0xbd, 0x55, 0x76, 0x98, 0x86, 0xbc,
  0x65, 0x1d, 0x06, 0xb0, 0xcc, 0x53, 0xb0, 0xf6, 0x3b, 0xce, 0x3c, 0x3e, 0x27, 0xd2, 0x60, 0x4b,
]);
const CURVE_B: usize = memory.data(32, 16);
let baseReady = false;

// Field constants, curve b and the comb table (64 rows of 15 additions, each row brought to
// affine with one inversion by Montgomery's batch trick).
export function p256Init(): void {
  if (baseReady) return;
  p256FieldInit();
  loadBigEndian256(T1, B_BYTES);
  p256FeToMont(CURVE_B, T1);
  loadBigEndian256(T1, G_BYTES);
  p256FeToMont(BASE, T1);
  loadBigEndian256(T1, G_BYTES + 32);
  p256FeToMont(BASE + 32, T1);
  p256FeCopy(BASE + 64, FE_ONE_MONT);
  for (let i: usize = 0; i < 64; i++) {
    memory.copy(ROW, BASE, 96);
    for (let j: usize = 1; j < 15; j++) p256PointAdd(ROW + j * 96, ROW + (j - 1) * 96, BASE);
    p256PointAdd(BASE, ROW + 14 * 96, BASE); // 16^(i+1) G
    p256FeCopy(PREFIX, ROW + 64);
    for (let j: usize = 1; j < 15; j++) p256FeMul(PREFIX + j * 32, PREFIX + (j - 1) * 32, ROW + j * 96 + 64);
    p256FeInvert(INV, PREFIX + 14 * 32);
    for (let j: isize = 14; j >= 0; j--) {
      const pt = ROW + <usize>j * 96;
      if (j > 0) {
        p256FeMul(ZINV, INV, PREFIX + <usize>(j - 1) * 32);
        p256FeMul(INV, INV, pt + 64);
      } else {
        p256FeCopy(ZINV, INV);
      }
      const entry = BASE_TABLE + (i * 15 + <usize>j) * AFFINE_SIZE;
      p256FeSq(ZINV2, ZINV);
      p256FeMul(entry, pt, ZINV2);
      p256FeMul(ZINV2, ZINV2, ZINV);
      p256FeMul(entry + 32, pt + 32, ZINV2);
    }
  }
  baseReady = true;
}

const SELECTED_AFFINE: usize = memory.data(64, 16);
const COMB_SUM: usize = memory.data(96, 16);

// out = k G for a scalar k < n: one mixed addition per 4-bit digit, no doublings. Before
// adding digit d_i the sum is S G with S < 16^i <= d_i 16^i and S + d_i 16^i <= k < n, so
// it is never +-d_i 16^i G; S = 0 (infinity) is handled by the select in the addition.
export function p256ScalarMulBase(out: usize, k: usize): void {
  memory.fill(ACC, 0, 96);
  for (let i: u32 = 0; i < 64; i++) {
    const w = nibble(k, i);
    memory.fill(SELECTED_AFFINE, 0, 64);
    const row = BASE_TABLE + <usize>i * 15 * AFFINE_SIZE;
    for (let j: u32 = 1; j < 16; j++) {
      const mask = equalMask(j, w);
      const entry = row + <usize>(j - 1) * AFFINE_SIZE;
      selectBytes(SELECTED_AFFINE, entry, mask, 64);
    }
    p256PointAddAffine(COMB_SUM, ACC, SELECTED_AFFINE);
    selectPoint(ACC, COMB_SUM, ~equalMask(0, w));
  }
  memory.copy(out, ACC, 96);
}

// Affine coordinates of p as two 32-byte big-endian integers (SEC 1 §2.3.3 without the
// prefix) at out and out + 32. Returns false for infinity.
export function p256PointToAffineBytes(out: usize, p: usize): bool {
  if (p256FeIsZeroMask(p + 64) != 0) return false;
  p256FeInvert(ZINV, p + 64);
  p256FeSq(ZINV2, ZINV);
  p256FeMul(T1, p, ZINV2);
  p256FeFromMont(T1, T1);
  storeBigEndian256(out, T1);
  p256FeMul(ZINV2, ZINV2, ZINV);
  p256FeMul(T1, p + 32, ZINV2);
  p256FeFromMont(T1, T1);
  storeBigEndian256(out + 32, T1);
  return true;
}

// rhs = x^3 - 3x + b (SEC 2 §2.4.2 with a = -3), Montgomery domain.
function curveRhs(rhs: usize, x: usize): void {
  p256FeSq(T2, x);
  p256FeMul(T2, T2, x);
  p256FeSub(T2, T2, x);
  p256FeSub(T2, T2, x);
  p256FeSub(T2, T2, x);
  p256FeAdd(rhs, T2, CURVE_B);
}

const RHS: usize = memory.data(32, 16);
const ZERO: usize = memory.data(32, 16);

// Decodes a SEC 1 §2.3.4 point (uncompressed 04|x|y or compressed 02/03|x) of len bytes at
// s into Jacobian out, checking that the coordinates are below p and that the point is on
// the curve (public input: branches are fine). Infinity (a lone 00) is refused.
export function p256PointDecode(out: usize, s: usize, len: i32): bool {
  const prefix = load<u8>(s);
  if (len == 65 && prefix == 4) {
    loadBigEndian256(T1, s + 1);
    loadBigEndian256(T2, s + 33);
    if (lessThanMask(T1, P) == 0 || lessThanMask(T2, P) == 0) return false;
    p256FeToMont(out, T1);
    p256FeToMont(out + 32, T2);
    curveRhs(RHS, out);
    p256FeSq(T1, out + 32);
    if (p256FeEqualMask(T1, RHS) == 0) return false;
  } else if (len == 33 && (prefix == 2 || prefix == 3)) {
    loadBigEndian256(T1, s + 1);
    if (lessThanMask(T1, P) == 0) return false;
    p256FeToMont(out, T1);
    curveRhs(RHS, out);
    p256FeSqrt(out + 32, RHS);
    p256FeSq(T1, out + 32);
    if (p256FeEqualMask(T1, RHS) == 0) return false;
    p256FeFromMont(T1, out + 32);
    if ((load<u32>(T1) & 1) != <u32>(prefix & 1)) p256FeSub(out + 32, ZERO, out + 32);
  } else {
    return false;
  }
  p256FeCopy(out + 64, FE_ONE_MONT);
  return true;
}
