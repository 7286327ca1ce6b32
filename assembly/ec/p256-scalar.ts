// Arithmetic modulo the P-256 group order n (FIPS 186-4 D.1.2.3), for ECDSA's handful of
// scalar operations per signature. Eight little-endian u32 limbs, fully reduced; products
// by Montgomery multiplication (generated, unrolled). Constant-time: branches only on the
// public exponent in scInvertMont.
import { lessThanMask } from './p256-field';

export const N: usize = memory.data<u32>([0xfc632551, 0xf3b9cac2, 0xa7179e84, 0xbce6faad, 0xffffffff, 0xffffffff, 0, 0xffffffff]);
// (n - 1) / 2: signatures with s above it are "high S" (BIP 62 / noble's lowS rule).
export const HALF_N: usize = memory.data<u32>([0x7e3192a8, 0x79dce561, 0xd38bcf42, 0xde737d56, 0xffffffff, 0x7fffffff, 0x80000000, 0x7fffffff]);
const N_MINUS_2: usize = memory.data<u8>([
  0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x4f,
]);
const SC_R2: usize = memory.data(32, 16);
const SC_ONE_MONT: usize = memory.data(32, 16);
const ONE: usize = memory.data<u32>([1, 0, 0, 0, 0, 0, 0, 0]);
const T: usize = memory.data(80, 16);
// -n^-1 mod 2^32 (n0' of Montgomery reduction; any other value fails every vector).
const N0INV: u32 = 0xee00bc4f;

// out = a when it is below n, else a - n: reduces any 256-bit value (2^256 < 2n).
export function scReduceOnce(out: usize, a: usize): void {
  let c: i64 = 0;
  for (let i: usize = 0; i < 32; i += 4) {
    const d = <i64>load<u32>(a + i) - <i64>load<u32>(N + i) + c;
    store<u32>(T + i, <u32>d);
    c = d >> 32;
  }
  const keep = <u32>c; // all ones when a < n
  for (let i: usize = 0; i < 32; i += 4) {
    const x = load<u32>(a + i);
    store<u32>(out + i, (x & keep) | (load<u32>(T + i) & ~keep));
  }
}

// out = a + b mod n, for a, b < n.
export function scAdd(out: usize, a: usize, b: usize): void {
  let c: u64 = 0;
  for (let i: usize = 0; i < 32; i += 4) {
    const s = <u64>load<u32>(a + i) + <u64>load<u32>(b + i) + c;
    store<u32>(T + 32 + i, <u32>s);
    c = s >> 32;
  }
  // value = c * 2^256 + T[32..64); subtract n when value >= n.
  let d: i64 = 0;
  for (let i: usize = 0; i < 32; i += 4) {
    d = <i64>load<u32>(T + 32 + i) - <i64>load<u32>(N + i) + (d >> 32);
    store<u32>(T + i, <u32>d);
  }
  const keep = <u32>((<i64>c + (d >> 32)) >> 63); // all ones when value < n
  for (let i: usize = 0; i < 32; i += 4) {
    store<u32>(out + i, (load<u32>(T + 32 + i) & keep) | (load<u32>(T + i) & ~keep));
  }
}

// out = n - a for 0 < a < n.
export function scNegate(out: usize, a: usize): void {
  let c: i64 = 0;
  for (let i: usize = 0; i < 32; i += 4) {
    const d = <i64>load<u32>(N + i) - <i64>load<u32>(a + i) + c;
    store<u32>(out + i, <u32>d);
    c = d >> 32;
  }
}

// out = a * b / 2^256 mod n (Montgomery): column sums as in p256FeMul, then eight rounds
// that each add digit * n (digit = word * -n^-1 mod 2^32) to clear the lowest word.
export function scMontMul(out: usize, a: usize, b: usize): void {
  const a0 = <u64>load<u32>(a, 0);
  const a1 = <u64>load<u32>(a, 4);
  const a2 = <u64>load<u32>(a, 8);
  const a3 = <u64>load<u32>(a, 12);
  const a4 = <u64>load<u32>(a, 16);
  const a5 = <u64>load<u32>(a, 20);
  const a6 = <u64>load<u32>(a, 24);
  const a7 = <u64>load<u32>(a, 28);
  const b0 = <u64>load<u32>(b, 0);
  const b1 = <u64>load<u32>(b, 4);
  const b2 = <u64>load<u32>(b, 8);
  const b3 = <u64>load<u32>(b, 12);
  const b4 = <u64>load<u32>(b, 16);
  const b5 = <u64>load<u32>(b, 20);
  const b6 = <u64>load<u32>(b, 24);
  const b7 = <u64>load<u32>(b, 28);
  let t0: u64 = 0;
  let t1: u64 = 0;
  let t2: u64 = 0;
  let t3: u64 = 0;
  let t4: u64 = 0;
  let t5: u64 = 0;
  let t6: u64 = 0;
  let t7: u64 = 0;
  let t8: u64 = 0;
  let t9: u64 = 0;
  let t10: u64 = 0;
  let t11: u64 = 0;
  let t12: u64 = 0;
  let t13: u64 = 0;
  let t14: u64 = 0;
  let t15: u64 = 0;
  let t16: u64 = 0;
  let m: u64;
  let digit: u64;
  let d32: u32;
  m = a0 * b0; t0 += m & 0xffffffff; t1 += m >> 32;
  m = a0 * b1; t1 += m & 0xffffffff; t2 += m >> 32;
  m = a0 * b2; t2 += m & 0xffffffff; t3 += m >> 32;
  m = a0 * b3; t3 += m & 0xffffffff; t4 += m >> 32;
  m = a0 * b4; t4 += m & 0xffffffff; t5 += m >> 32;
  m = a0 * b5; t5 += m & 0xffffffff; t6 += m >> 32;
  m = a0 * b6; t6 += m & 0xffffffff; t7 += m >> 32;
  m = a0 * b7; t7 += m & 0xffffffff; t8 += m >> 32;
  m = a1 * b0; t1 += m & 0xffffffff; t2 += m >> 32;
  m = a1 * b1; t2 += m & 0xffffffff; t3 += m >> 32;
  m = a1 * b2; t3 += m & 0xffffffff; t4 += m >> 32;
  m = a1 * b3; t4 += m & 0xffffffff; t5 += m >> 32;
  m = a1 * b4; t5 += m & 0xffffffff; t6 += m >> 32;
  m = a1 * b5; t6 += m & 0xffffffff; t7 += m >> 32;
  m = a1 * b6; t7 += m & 0xffffffff; t8 += m >> 32;
  m = a1 * b7; t8 += m & 0xffffffff; t9 += m >> 32;
  m = a2 * b0; t2 += m & 0xffffffff; t3 += m >> 32;
  m = a2 * b1; t3 += m & 0xffffffff; t4 += m >> 32;
  m = a2 * b2; t4 += m & 0xffffffff; t5 += m >> 32;
  m = a2 * b3; t5 += m & 0xffffffff; t6 += m >> 32;
  m = a2 * b4; t6 += m & 0xffffffff; t7 += m >> 32;
  m = a2 * b5; t7 += m & 0xffffffff; t8 += m >> 32;
  m = a2 * b6; t8 += m & 0xffffffff; t9 += m >> 32;
  m = a2 * b7; t9 += m & 0xffffffff; t10 += m >> 32;
  m = a3 * b0; t3 += m & 0xffffffff; t4 += m >> 32;
  m = a3 * b1; t4 += m & 0xffffffff; t5 += m >> 32;
  m = a3 * b2; t5 += m & 0xffffffff; t6 += m >> 32;
  m = a3 * b3; t6 += m & 0xffffffff; t7 += m >> 32;
  m = a3 * b4; t7 += m & 0xffffffff; t8 += m >> 32;
  m = a3 * b5; t8 += m & 0xffffffff; t9 += m >> 32;
  m = a3 * b6; t9 += m & 0xffffffff; t10 += m >> 32;
  m = a3 * b7; t10 += m & 0xffffffff; t11 += m >> 32;
  m = a4 * b0; t4 += m & 0xffffffff; t5 += m >> 32;
  m = a4 * b1; t5 += m & 0xffffffff; t6 += m >> 32;
  m = a4 * b2; t6 += m & 0xffffffff; t7 += m >> 32;
  m = a4 * b3; t7 += m & 0xffffffff; t8 += m >> 32;
  m = a4 * b4; t8 += m & 0xffffffff; t9 += m >> 32;
  m = a4 * b5; t9 += m & 0xffffffff; t10 += m >> 32;
  m = a4 * b6; t10 += m & 0xffffffff; t11 += m >> 32;
  m = a4 * b7; t11 += m & 0xffffffff; t12 += m >> 32;
  m = a5 * b0; t5 += m & 0xffffffff; t6 += m >> 32;
  m = a5 * b1; t6 += m & 0xffffffff; t7 += m >> 32;
  m = a5 * b2; t7 += m & 0xffffffff; t8 += m >> 32;
  m = a5 * b3; t8 += m & 0xffffffff; t9 += m >> 32;
  m = a5 * b4; t9 += m & 0xffffffff; t10 += m >> 32;
  m = a5 * b5; t10 += m & 0xffffffff; t11 += m >> 32;
  m = a5 * b6; t11 += m & 0xffffffff; t12 += m >> 32;
  m = a5 * b7; t12 += m & 0xffffffff; t13 += m >> 32;
  m = a6 * b0; t6 += m & 0xffffffff; t7 += m >> 32;
  m = a6 * b1; t7 += m & 0xffffffff; t8 += m >> 32;
  m = a6 * b2; t8 += m & 0xffffffff; t9 += m >> 32;
  m = a6 * b3; t9 += m & 0xffffffff; t10 += m >> 32;
  m = a6 * b4; t10 += m & 0xffffffff; t11 += m >> 32;
  m = a6 * b5; t11 += m & 0xffffffff; t12 += m >> 32;
  m = a6 * b6; t12 += m & 0xffffffff; t13 += m >> 32;
  m = a6 * b7; t13 += m & 0xffffffff; t14 += m >> 32;
  m = a7 * b0; t7 += m & 0xffffffff; t8 += m >> 32;
  m = a7 * b1; t8 += m & 0xffffffff; t9 += m >> 32;
  m = a7 * b2; t9 += m & 0xffffffff; t10 += m >> 32;
  m = a7 * b3; t10 += m & 0xffffffff; t11 += m >> 32;
  m = a7 * b4; t11 += m & 0xffffffff; t12 += m >> 32;
  m = a7 * b5; t12 += m & 0xffffffff; t13 += m >> 32;
  m = a7 * b6; t13 += m & 0xffffffff; t14 += m >> 32;
  m = a7 * b7; t14 += m & 0xffffffff; t15 += m >> 32;
  d32 = <u32>t0 * N0INV; digit = <u64>d32;
  m = digit * 0xfc632551; t0 += m & 0xffffffff; t1 += m >> 32;
  m = digit * 0xf3b9cac2; t1 += m & 0xffffffff; t2 += m >> 32;
  m = digit * 0xa7179e84; t2 += m & 0xffffffff; t3 += m >> 32;
  m = digit * 0xbce6faad; t3 += m & 0xffffffff; t4 += m >> 32;
  m = digit * 0xffffffff; t4 += m & 0xffffffff; t5 += m >> 32;
  m = digit * 0xffffffff; t5 += m & 0xffffffff; t6 += m >> 32;
  m = digit * 0x0; t6 += m & 0xffffffff; t7 += m >> 32;
  m = digit * 0xffffffff; t7 += m & 0xffffffff; t8 += m >> 32;
  t1 += t0 >> 32;
  d32 = <u32>t1 * N0INV; digit = <u64>d32;
  m = digit * 0xfc632551; t1 += m & 0xffffffff; t2 += m >> 32;
  m = digit * 0xf3b9cac2; t2 += m & 0xffffffff; t3 += m >> 32;
  m = digit * 0xa7179e84; t3 += m & 0xffffffff; t4 += m >> 32;
  m = digit * 0xbce6faad; t4 += m & 0xffffffff; t5 += m >> 32;
  m = digit * 0xffffffff; t5 += m & 0xffffffff; t6 += m >> 32;
  m = digit * 0xffffffff; t6 += m & 0xffffffff; t7 += m >> 32;
  m = digit * 0x0; t7 += m & 0xffffffff; t8 += m >> 32;
  m = digit * 0xffffffff; t8 += m & 0xffffffff; t9 += m >> 32;
  t2 += t1 >> 32;
  d32 = <u32>t2 * N0INV; digit = <u64>d32;
  m = digit * 0xfc632551; t2 += m & 0xffffffff; t3 += m >> 32;
  m = digit * 0xf3b9cac2; t3 += m & 0xffffffff; t4 += m >> 32;
  m = digit * 0xa7179e84; t4 += m & 0xffffffff; t5 += m >> 32;
  m = digit * 0xbce6faad; t5 += m & 0xffffffff; t6 += m >> 32;
  m = digit * 0xffffffff; t6 += m & 0xffffffff; t7 += m >> 32;
  m = digit * 0xffffffff; t7 += m & 0xffffffff; t8 += m >> 32;
  m = digit * 0x0; t8 += m & 0xffffffff; t9 += m >> 32;
  m = digit * 0xffffffff; t9 += m & 0xffffffff; t10 += m >> 32;
  t3 += t2 >> 32;
  d32 = <u32>t3 * N0INV; digit = <u64>d32;
  m = digit * 0xfc632551; t3 += m & 0xffffffff; t4 += m >> 32;
  m = digit * 0xf3b9cac2; t4 += m & 0xffffffff; t5 += m >> 32;
  m = digit * 0xa7179e84; t5 += m & 0xffffffff; t6 += m >> 32;
  m = digit * 0xbce6faad; t6 += m & 0xffffffff; t7 += m >> 32;
  m = digit * 0xffffffff; t7 += m & 0xffffffff; t8 += m >> 32;
  m = digit * 0xffffffff; t8 += m & 0xffffffff; t9 += m >> 32;
  m = digit * 0x0; t9 += m & 0xffffffff; t10 += m >> 32;
  m = digit * 0xffffffff; t10 += m & 0xffffffff; t11 += m >> 32;
  t4 += t3 >> 32;
  d32 = <u32>t4 * N0INV; digit = <u64>d32;
  m = digit * 0xfc632551; t4 += m & 0xffffffff; t5 += m >> 32;
  m = digit * 0xf3b9cac2; t5 += m & 0xffffffff; t6 += m >> 32;
  m = digit * 0xa7179e84; t6 += m & 0xffffffff; t7 += m >> 32;
  m = digit * 0xbce6faad; t7 += m & 0xffffffff; t8 += m >> 32;
  m = digit * 0xffffffff; t8 += m & 0xffffffff; t9 += m >> 32;
  m = digit * 0xffffffff; t9 += m & 0xffffffff; t10 += m >> 32;
  m = digit * 0x0; t10 += m & 0xffffffff; t11 += m >> 32;
  m = digit * 0xffffffff; t11 += m & 0xffffffff; t12 += m >> 32;
  t5 += t4 >> 32;
  d32 = <u32>t5 * N0INV; digit = <u64>d32;
  m = digit * 0xfc632551; t5 += m & 0xffffffff; t6 += m >> 32;
  m = digit * 0xf3b9cac2; t6 += m & 0xffffffff; t7 += m >> 32;
  m = digit * 0xa7179e84; t7 += m & 0xffffffff; t8 += m >> 32;
  m = digit * 0xbce6faad; t8 += m & 0xffffffff; t9 += m >> 32;
  m = digit * 0xffffffff; t9 += m & 0xffffffff; t10 += m >> 32;
  m = digit * 0xffffffff; t10 += m & 0xffffffff; t11 += m >> 32;
  m = digit * 0x0; t11 += m & 0xffffffff; t12 += m >> 32;
  m = digit * 0xffffffff; t12 += m & 0xffffffff; t13 += m >> 32;
  t6 += t5 >> 32;
  d32 = <u32>t6 * N0INV; digit = <u64>d32;
  m = digit * 0xfc632551; t6 += m & 0xffffffff; t7 += m >> 32;
  m = digit * 0xf3b9cac2; t7 += m & 0xffffffff; t8 += m >> 32;
  m = digit * 0xa7179e84; t8 += m & 0xffffffff; t9 += m >> 32;
  m = digit * 0xbce6faad; t9 += m & 0xffffffff; t10 += m >> 32;
  m = digit * 0xffffffff; t10 += m & 0xffffffff; t11 += m >> 32;
  m = digit * 0xffffffff; t11 += m & 0xffffffff; t12 += m >> 32;
  m = digit * 0x0; t12 += m & 0xffffffff; t13 += m >> 32;
  m = digit * 0xffffffff; t13 += m & 0xffffffff; t14 += m >> 32;
  t7 += t6 >> 32;
  d32 = <u32>t7 * N0INV; digit = <u64>d32;
  m = digit * 0xfc632551; t7 += m & 0xffffffff; t8 += m >> 32;
  m = digit * 0xf3b9cac2; t8 += m & 0xffffffff; t9 += m >> 32;
  m = digit * 0xa7179e84; t9 += m & 0xffffffff; t10 += m >> 32;
  m = digit * 0xbce6faad; t10 += m & 0xffffffff; t11 += m >> 32;
  m = digit * 0xffffffff; t11 += m & 0xffffffff; t12 += m >> 32;
  m = digit * 0xffffffff; t12 += m & 0xffffffff; t13 += m >> 32;
  m = digit * 0x0; t13 += m & 0xffffffff; t14 += m >> 32;
  m = digit * 0xffffffff; t14 += m & 0xffffffff; t15 += m >> 32;
  t8 += t7 >> 32;
  t9 += t8 >> 32; t8 &= 0xffffffff;
  t10 += t9 >> 32; t9 &= 0xffffffff;
  t11 += t10 >> 32; t10 &= 0xffffffff;
  t12 += t11 >> 32; t11 &= 0xffffffff;
  t13 += t12 >> 32; t12 &= 0xffffffff;
  t14 += t13 >> 32; t13 &= 0xffffffff;
  t15 += t14 >> 32; t14 &= 0xffffffff;
  t16 += t15 >> 32; t15 &= 0xffffffff;
  let c: i64 = 0;
  let s0 = <i64>t8 - 0xfc632551 + c; c = s0 >> 32; s0 &= 0xffffffff;
  let s1 = <i64>t9 - 0xf3b9cac2 + c; c = s1 >> 32; s1 &= 0xffffffff;
  let s2 = <i64>t10 - 0xa7179e84 + c; c = s2 >> 32; s2 &= 0xffffffff;
  let s3 = <i64>t11 - 0xbce6faad + c; c = s3 >> 32; s3 &= 0xffffffff;
  let s4 = <i64>t12 - 0xffffffff + c; c = s4 >> 32; s4 &= 0xffffffff;
  let s5 = <i64>t13 - 0xffffffff + c; c = s5 >> 32; s5 &= 0xffffffff;
  let s6 = <i64>t14 - 0x0 + c; c = s6 >> 32; s6 &= 0xffffffff;
  let s7 = <i64>t15 - 0xffffffff + c; c = s7 >> 32; s7 &= 0xffffffff;
  const keep = (<i64>t16 + c) >> 63; // all ones when the value was below n
  store<u32>(out, <u32>((<i64>t8 & keep) | (s0 & ~keep)), 0);
  store<u32>(out, <u32>((<i64>t9 & keep) | (s1 & ~keep)), 4);
  store<u32>(out, <u32>((<i64>t10 & keep) | (s2 & ~keep)), 8);
  store<u32>(out, <u32>((<i64>t11 & keep) | (s3 & ~keep)), 12);
  store<u32>(out, <u32>((<i64>t12 & keep) | (s4 & ~keep)), 16);
  store<u32>(out, <u32>((<i64>t13 & keep) | (s5 & ~keep)), 20);
  store<u32>(out, <u32>((<i64>t14 & keep) | (s6 & ~keep)), 24);
  store<u32>(out, <u32>((<i64>t15 & keep) | (s7 & ~keep)), 28);
}


let scalarReady = false;

// R^2 mod n by 256 modular doublings of R = 2^256 - n.
export function p256ScalarInit(): void {
  if (scalarReady) return;
  let c: i64 = 0;
  for (let i: usize = 0; i < 32; i += 4) {
    const d = c - <i64>load<u32>(N + i); // 2^256 - n = R mod n
    store<u32>(SC_ONE_MONT + i, <u32>d);
    c = d >> 32;
  }
  memory.copy(SC_R2, SC_ONE_MONT, 32);
  for (let i = 0; i < 256; i++) scAdd(SC_R2, SC_R2, SC_R2);
  scalarReady = true;
}

export function scToMont(out: usize, a: usize): void {
  scMontMul(out, a, SC_R2);
}

export function scFromMont(out: usize, a: usize): void {
  scMontMul(out, a, ONE);
}

const POW_ACC: usize = memory.data(32, 16);

// out = a^(n-2) = 1 / a in the Montgomery domain (Fermat; the exponent is public).
export function scInvertMont(out: usize, a: usize): void {
  memory.copy(POW_ACC, SC_ONE_MONT, 32);
  for (let i: usize = 0; i < 32; i++) {
    const byte = load<u8>(N_MINUS_2 + i);
    for (let bit = 7; bit >= 0; bit--) {
      scMontMul(POW_ACC, POW_ACC, POW_ACC);
      if ((byte >> <u8>bit) & 1) scMontMul(POW_ACC, POW_ACC, a);
    }
  }
  memory.copy(out, POW_ACC, 32);
}

// All ones when 1 <= a < n (a valid private key or nonce), else 0.
export function scInRangeMask(a: usize): u32 {
  let acc: u32 = 0;
  for (let i: usize = 0; i < 32; i += 4) acc |= load<u32>(a + i);
  return lessThanMask(a, N) & ~(<u32>0 - <u32>(acc == 0));
}
