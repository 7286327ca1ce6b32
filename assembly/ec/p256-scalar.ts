// Arithmetic modulo the P-256 group order n (FIPS 186-4 D.1.2.3), for ECDSA's handful of
// scalar operations per signature. Eight little-endian u32 limbs, fully reduced; products
// by word-serial Montgomery multiplication (CIOS: each step a*b + t + carry < 2^64).
// Constant-time: branches only on loop counters and on the public exponent in scInvert.
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
let n0inv: u32 = 0;

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

// out = a * b / 2^256 mod n (CIOS Montgomery multiplication).
export function scMontMul(out: usize, a: usize, b: usize): void {
  memory.fill(T, 0, 40);
  for (let i: usize = 0; i < 8; i++) {
    const bi = <u64>load<u32>(b + (i << 2));
    let carry: u64 = 0;
    let acc: u64 = 0;
    for (let j: usize = 0; j < 8; j++) {
      acc = <u64>load<u32>(T + (j << 2)) + <u64>load<u32>(a + (j << 2)) * bi + carry;
      store<u32>(T + (j << 2), <u32>acc);
      carry = acc >> 32;
    }
    acc = <u64>load<u32>(T, 32) + carry;
    store<u32>(T, <u32>acc, 32);
    store<u32>(T, <u32>(acc >> 32), 36);
    // The digit is the low 32 bits only (written as a u32 first: a cast around the product
    // would make AssemblyScript multiply in 64 bits).
    const digit: u32 = load<u32>(T) * n0inv;
    const m = <u64>digit;
    acc = <u64>load<u32>(T) + m * <u64>load<u32>(N);
    carry = acc >> 32;
    for (let j: usize = 1; j < 8; j++) {
      acc = <u64>load<u32>(T + (j << 2)) + m * <u64>load<u32>(N + (j << 2)) + carry;
      store<u32>(T + ((j - 1) << 2), <u32>acc);
      carry = acc >> 32;
    }
    acc = <u64>load<u32>(T, 32) + carry;
    store<u32>(T, <u32>acc, 28);
    store<u32>(T, load<u32>(T, 36) + <u32>(acc >> 32), 32);
  }
  // T[0..9) < 2n: subtract n once under a mask.
  let d: i64 = 0;
  for (let i: usize = 0; i < 32; i += 4) {
    d = <i64>load<u32>(T + i) - <i64>load<u32>(N + i) + (d >> 32);
    store<u32>(T + 40 + i, <u32>d);
  }
  const keep = <u32>((<i64>load<u32>(T, 32) + (d >> 32)) >> 63);
  for (let i: usize = 0; i < 32; i += 4) {
    store<u32>(out + i, (load<u32>(T + i) & keep) | (load<u32>(T + 40 + i) & ~keep));
  }
}

let scalarReady = false;

// n0inv = -n^-1 mod 2^32 by Newton's iteration; R^2 mod n by doubling R = 2^256 - n.
export function p256ScalarInit(): void {
  if (scalarReady) return;
  const n0 = load<u32>(N);
  let inv: u32 = 1;
  for (let i = 0; i < 5; i++) inv *= 2 - n0 * inv;
  n0inv = 0 - inv;
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
