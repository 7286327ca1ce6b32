// Arithmetic modulo the P-256 prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1 (FIPS 186-4
// D.1.2.3). An element is eight little-endian u32 limbs in memory (32 bytes), always fully
// reduced (< p), kept in the Montgomery domain (x * 2^256 mod p) between p256FeToMont and
// p256FeFromMont. Every function here is constant-time: no branch or memory index depends
// on element values (p256FePow branches on its exponent, which callers pass as a constant).

export const FE_SIZE: usize = 32;
const M32: i64 = 0xffffffff;

// out = a * b / 2^256 mod p (Montgomery). The 512-bit product is summed in columns of
// low and high 32-bit halves (each column < 2^36, no carry tests), then reduced word by
// word: -p^-1 = 1 mod 2^32, so the Montgomery digit is the word itself and adding
// digit * p = digit * (2^256 - 2^224 + 2^192 + 2^96 - 1) needs no multiplication.
export function p256FeMul(out: usize, a: usize, b: usize): void {
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
  let t0: i64 = 0;
  let t1: i64 = 0;
  let t2: i64 = 0;
  let t3: i64 = 0;
  let t4: i64 = 0;
  let t5: i64 = 0;
  let t6: i64 = 0;
  let t7: i64 = 0;
  let t8: i64 = 0;
  let t9: i64 = 0;
  let t10: i64 = 0;
  let t11: i64 = 0;
  let t12: i64 = 0;
  let t13: i64 = 0;
  let t14: i64 = 0;
  let t15: i64 = 0;
  let t16: i64 = 0;
  let m: u64;
  m = a0 * b0; t0 += <i64>(m & 0xffffffff); t1 += <i64>(m >> 32);
  m = a0 * b1; t1 += <i64>(m & 0xffffffff); t2 += <i64>(m >> 32);
  m = a0 * b2; t2 += <i64>(m & 0xffffffff); t3 += <i64>(m >> 32);
  m = a0 * b3; t3 += <i64>(m & 0xffffffff); t4 += <i64>(m >> 32);
  m = a0 * b4; t4 += <i64>(m & 0xffffffff); t5 += <i64>(m >> 32);
  m = a0 * b5; t5 += <i64>(m & 0xffffffff); t6 += <i64>(m >> 32);
  m = a0 * b6; t6 += <i64>(m & 0xffffffff); t7 += <i64>(m >> 32);
  m = a0 * b7; t7 += <i64>(m & 0xffffffff); t8 += <i64>(m >> 32);
  m = a1 * b0; t1 += <i64>(m & 0xffffffff); t2 += <i64>(m >> 32);
  m = a1 * b1; t2 += <i64>(m & 0xffffffff); t3 += <i64>(m >> 32);
  m = a1 * b2; t3 += <i64>(m & 0xffffffff); t4 += <i64>(m >> 32);
  m = a1 * b3; t4 += <i64>(m & 0xffffffff); t5 += <i64>(m >> 32);
  m = a1 * b4; t5 += <i64>(m & 0xffffffff); t6 += <i64>(m >> 32);
  m = a1 * b5; t6 += <i64>(m & 0xffffffff); t7 += <i64>(m >> 32);
  m = a1 * b6; t7 += <i64>(m & 0xffffffff); t8 += <i64>(m >> 32);
  m = a1 * b7; t8 += <i64>(m & 0xffffffff); t9 += <i64>(m >> 32);
  m = a2 * b0; t2 += <i64>(m & 0xffffffff); t3 += <i64>(m >> 32);
  m = a2 * b1; t3 += <i64>(m & 0xffffffff); t4 += <i64>(m >> 32);
  m = a2 * b2; t4 += <i64>(m & 0xffffffff); t5 += <i64>(m >> 32);
  m = a2 * b3; t5 += <i64>(m & 0xffffffff); t6 += <i64>(m >> 32);
  m = a2 * b4; t6 += <i64>(m & 0xffffffff); t7 += <i64>(m >> 32);
  m = a2 * b5; t7 += <i64>(m & 0xffffffff); t8 += <i64>(m >> 32);
  m = a2 * b6; t8 += <i64>(m & 0xffffffff); t9 += <i64>(m >> 32);
  m = a2 * b7; t9 += <i64>(m & 0xffffffff); t10 += <i64>(m >> 32);
  m = a3 * b0; t3 += <i64>(m & 0xffffffff); t4 += <i64>(m >> 32);
  m = a3 * b1; t4 += <i64>(m & 0xffffffff); t5 += <i64>(m >> 32);
  m = a3 * b2; t5 += <i64>(m & 0xffffffff); t6 += <i64>(m >> 32);
  m = a3 * b3; t6 += <i64>(m & 0xffffffff); t7 += <i64>(m >> 32);
  m = a3 * b4; t7 += <i64>(m & 0xffffffff); t8 += <i64>(m >> 32);
  m = a3 * b5; t8 += <i64>(m & 0xffffffff); t9 += <i64>(m >> 32);
  m = a3 * b6; t9 += <i64>(m & 0xffffffff); t10 += <i64>(m >> 32);
  m = a3 * b7; t10 += <i64>(m & 0xffffffff); t11 += <i64>(m >> 32);
  m = a4 * b0; t4 += <i64>(m & 0xffffffff); t5 += <i64>(m >> 32);
  m = a4 * b1; t5 += <i64>(m & 0xffffffff); t6 += <i64>(m >> 32);
  m = a4 * b2; t6 += <i64>(m & 0xffffffff); t7 += <i64>(m >> 32);
  m = a4 * b3; t7 += <i64>(m & 0xffffffff); t8 += <i64>(m >> 32);
  m = a4 * b4; t8 += <i64>(m & 0xffffffff); t9 += <i64>(m >> 32);
  m = a4 * b5; t9 += <i64>(m & 0xffffffff); t10 += <i64>(m >> 32);
  m = a4 * b6; t10 += <i64>(m & 0xffffffff); t11 += <i64>(m >> 32);
  m = a4 * b7; t11 += <i64>(m & 0xffffffff); t12 += <i64>(m >> 32);
  m = a5 * b0; t5 += <i64>(m & 0xffffffff); t6 += <i64>(m >> 32);
  m = a5 * b1; t6 += <i64>(m & 0xffffffff); t7 += <i64>(m >> 32);
  m = a5 * b2; t7 += <i64>(m & 0xffffffff); t8 += <i64>(m >> 32);
  m = a5 * b3; t8 += <i64>(m & 0xffffffff); t9 += <i64>(m >> 32);
  m = a5 * b4; t9 += <i64>(m & 0xffffffff); t10 += <i64>(m >> 32);
  m = a5 * b5; t10 += <i64>(m & 0xffffffff); t11 += <i64>(m >> 32);
  m = a5 * b6; t11 += <i64>(m & 0xffffffff); t12 += <i64>(m >> 32);
  m = a5 * b7; t12 += <i64>(m & 0xffffffff); t13 += <i64>(m >> 32);
  m = a6 * b0; t6 += <i64>(m & 0xffffffff); t7 += <i64>(m >> 32);
  m = a6 * b1; t7 += <i64>(m & 0xffffffff); t8 += <i64>(m >> 32);
  m = a6 * b2; t8 += <i64>(m & 0xffffffff); t9 += <i64>(m >> 32);
  m = a6 * b3; t9 += <i64>(m & 0xffffffff); t10 += <i64>(m >> 32);
  m = a6 * b4; t10 += <i64>(m & 0xffffffff); t11 += <i64>(m >> 32);
  m = a6 * b5; t11 += <i64>(m & 0xffffffff); t12 += <i64>(m >> 32);
  m = a6 * b6; t12 += <i64>(m & 0xffffffff); t13 += <i64>(m >> 32);
  m = a6 * b7; t13 += <i64>(m & 0xffffffff); t14 += <i64>(m >> 32);
  m = a7 * b0; t7 += <i64>(m & 0xffffffff); t8 += <i64>(m >> 32);
  m = a7 * b1; t8 += <i64>(m & 0xffffffff); t9 += <i64>(m >> 32);
  m = a7 * b2; t9 += <i64>(m & 0xffffffff); t10 += <i64>(m >> 32);
  m = a7 * b3; t10 += <i64>(m & 0xffffffff); t11 += <i64>(m >> 32);
  m = a7 * b4; t11 += <i64>(m & 0xffffffff); t12 += <i64>(m >> 32);
  m = a7 * b5; t12 += <i64>(m & 0xffffffff); t13 += <i64>(m >> 32);
  m = a7 * b6; t13 += <i64>(m & 0xffffffff); t14 += <i64>(m >> 32);
  m = a7 * b7; t14 += <i64>(m & 0xffffffff); t15 += <i64>(m >> 32);
  let d: i64;
  d = t0 & M32; t1 += t0 >> 32; t3 += d; t6 += d; t7 -= d; t8 += d;
  d = t1 & M32; t2 += t1 >> 32; t4 += d; t7 += d; t8 -= d; t9 += d;
  d = t2 & M32; t3 += t2 >> 32; t5 += d; t8 += d; t9 -= d; t10 += d;
  d = t3 & M32; t4 += t3 >> 32; t6 += d; t9 += d; t10 -= d; t11 += d;
  d = t4 & M32; t5 += t4 >> 32; t7 += d; t10 += d; t11 -= d; t12 += d;
  d = t5 & M32; t6 += t5 >> 32; t8 += d; t11 += d; t12 -= d; t13 += d;
  d = t6 & M32; t7 += t6 >> 32; t9 += d; t12 += d; t13 -= d; t14 += d;
  d = t7 & M32; t8 += t7 >> 32; t10 += d; t13 += d; t14 -= d; t15 += d;
  t9 += t8 >> 32; t8 &= M32;
  t10 += t9 >> 32; t9 &= M32;
  t11 += t10 >> 32; t10 &= M32;
  t12 += t11 >> 32; t11 &= M32;
  t13 += t12 >> 32; t12 &= M32;
  t14 += t13 >> 32; t13 &= M32;
  t15 += t14 >> 32; t14 &= M32;
  t16 += t15 >> 32; t15 &= M32;
  let c: i64;
  c = 0;
  let s0 = t8 - 0xffffffff + c; c = s0 >> 32; s0 &= M32;
  let s1 = t9 - 0xffffffff + c; c = s1 >> 32; s1 &= M32;
  let s2 = t10 - 0xffffffff + c; c = s2 >> 32; s2 &= M32;
  let s3 = t11 + c; c = s3 >> 32; s3 &= M32;
  let s4 = t12 + c; c = s4 >> 32; s4 &= M32;
  let s5 = t13 + c; c = s5 >> 32; s5 &= M32;
  let s6 = t14 - 0x1 + c; c = s6 >> 32; s6 &= M32;
  let s7 = t15 - 0xffffffff + c; c = s7 >> 32; s7 &= M32;
  const keep = (t16 + c) >> 63; // all ones when the value was below p
  store<u32>(out, <u32>((t8 & keep) | (s0 & ~keep)), 0);
  store<u32>(out, <u32>((t9 & keep) | (s1 & ~keep)), 4);
  store<u32>(out, <u32>((t10 & keep) | (s2 & ~keep)), 8);
  store<u32>(out, <u32>((t11 & keep) | (s3 & ~keep)), 12);
  store<u32>(out, <u32>((t12 & keep) | (s4 & ~keep)), 16);
  store<u32>(out, <u32>((t13 & keep) | (s5 & ~keep)), 20);
  store<u32>(out, <u32>((t14 & keep) | (s6 & ~keep)), 24);
  store<u32>(out, <u32>((t15 & keep) | (s7 & ~keep)), 28);
}

// out = a + b mod p, for a, b < p.
export function p256FeAdd(out: usize, a: usize, b: usize): void {
  let c: i64 = 0;
  let t0: i64 = <i64>load<u32>(a, 0) + <i64>load<u32>(b, 0) + c; c = t0 >> 32; t0 &= M32;
  let t1: i64 = <i64>load<u32>(a, 4) + <i64>load<u32>(b, 4) + c; c = t1 >> 32; t1 &= M32;
  let t2: i64 = <i64>load<u32>(a, 8) + <i64>load<u32>(b, 8) + c; c = t2 >> 32; t2 &= M32;
  let t3: i64 = <i64>load<u32>(a, 12) + <i64>load<u32>(b, 12) + c; c = t3 >> 32; t3 &= M32;
  let t4: i64 = <i64>load<u32>(a, 16) + <i64>load<u32>(b, 16) + c; c = t4 >> 32; t4 &= M32;
  let t5: i64 = <i64>load<u32>(a, 20) + <i64>load<u32>(b, 20) + c; c = t5 >> 32; t5 &= M32;
  let t6: i64 = <i64>load<u32>(a, 24) + <i64>load<u32>(b, 24) + c; c = t6 >> 32; t6 &= M32;
  let t7: i64 = <i64>load<u32>(a, 28) + <i64>load<u32>(b, 28) + c; c = t7 >> 32; t7 &= M32;
  const top = c;
  c = 0;
  let s0 = t0 - 0xffffffff + c; c = s0 >> 32; s0 &= M32;
  let s1 = t1 - 0xffffffff + c; c = s1 >> 32; s1 &= M32;
  let s2 = t2 - 0xffffffff + c; c = s2 >> 32; s2 &= M32;
  let s3 = t3 + c; c = s3 >> 32; s3 &= M32;
  let s4 = t4 + c; c = s4 >> 32; s4 &= M32;
  let s5 = t5 + c; c = s5 >> 32; s5 &= M32;
  let s6 = t6 - 0x1 + c; c = s6 >> 32; s6 &= M32;
  let s7 = t7 - 0xffffffff + c; c = s7 >> 32; s7 &= M32;
  const keep = (top + c) >> 63; // all ones when the value was below p
  store<u32>(out, <u32>((t0 & keep) | (s0 & ~keep)), 0);
  store<u32>(out, <u32>((t1 & keep) | (s1 & ~keep)), 4);
  store<u32>(out, <u32>((t2 & keep) | (s2 & ~keep)), 8);
  store<u32>(out, <u32>((t3 & keep) | (s3 & ~keep)), 12);
  store<u32>(out, <u32>((t4 & keep) | (s4 & ~keep)), 16);
  store<u32>(out, <u32>((t5 & keep) | (s5 & ~keep)), 20);
  store<u32>(out, <u32>((t6 & keep) | (s6 & ~keep)), 24);
  store<u32>(out, <u32>((t7 & keep) | (s7 & ~keep)), 28);
}

// out = a - b mod p, for a, b < p: p is added back under a mask when the difference borrows.
export function p256FeSub(out: usize, a: usize, b: usize): void {
  let c: i64 = 0;
  let t0: i64 = <i64>load<u32>(a, 0) - <i64>load<u32>(b, 0) + c; c = t0 >> 32; t0 &= M32;
  let t1: i64 = <i64>load<u32>(a, 4) - <i64>load<u32>(b, 4) + c; c = t1 >> 32; t1 &= M32;
  let t2: i64 = <i64>load<u32>(a, 8) - <i64>load<u32>(b, 8) + c; c = t2 >> 32; t2 &= M32;
  let t3: i64 = <i64>load<u32>(a, 12) - <i64>load<u32>(b, 12) + c; c = t3 >> 32; t3 &= M32;
  let t4: i64 = <i64>load<u32>(a, 16) - <i64>load<u32>(b, 16) + c; c = t4 >> 32; t4 &= M32;
  let t5: i64 = <i64>load<u32>(a, 20) - <i64>load<u32>(b, 20) + c; c = t5 >> 32; t5 &= M32;
  let t6: i64 = <i64>load<u32>(a, 24) - <i64>load<u32>(b, 24) + c; c = t6 >> 32; t6 &= M32;
  let t7: i64 = <i64>load<u32>(a, 28) - <i64>load<u32>(b, 28) + c; c = t7 >> 32; t7 &= M32;
  const borrow = c; // 0, or all ones when a < b
  c = 0;
  t0 = t0 + (borrow & 0xffffffff) + c; c = t0 >> 32; store<u32>(out, <u32>t0, 0);
  t1 = t1 + (borrow & 0xffffffff) + c; c = t1 >> 32; store<u32>(out, <u32>t1, 4);
  t2 = t2 + (borrow & 0xffffffff) + c; c = t2 >> 32; store<u32>(out, <u32>t2, 8);
  t3 = t3 + c; c = t3 >> 32; store<u32>(out, <u32>t3, 12);
  t4 = t4 + c; c = t4 >> 32; store<u32>(out, <u32>t4, 16);
  t5 = t5 + c; c = t5 >> 32; store<u32>(out, <u32>t5, 20);
  t6 = t6 + (borrow & 0x1) + c; c = t6 >> 32; store<u32>(out, <u32>t6, 24);
  t7 = t7 + (borrow & 0xffffffff) + c; c = t7 >> 32; store<u32>(out, <u32>t7, 28);
}

// out = a^2 / 2^256 mod p: as p256FeMul with the 28 cross products computed once and doubled.
export function p256FeSq(out: usize, a: usize): void {
  const a0 = <u64>load<u32>(a, 0);
  const a1 = <u64>load<u32>(a, 4);
  const a2 = <u64>load<u32>(a, 8);
  const a3 = <u64>load<u32>(a, 12);
  const a4 = <u64>load<u32>(a, 16);
  const a5 = <u64>load<u32>(a, 20);
  const a6 = <u64>load<u32>(a, 24);
  const a7 = <u64>load<u32>(a, 28);
  let t0: i64 = 0;
  let t1: i64 = 0;
  let t2: i64 = 0;
  let t3: i64 = 0;
  let t4: i64 = 0;
  let t5: i64 = 0;
  let t6: i64 = 0;
  let t7: i64 = 0;
  let t8: i64 = 0;
  let t9: i64 = 0;
  let t10: i64 = 0;
  let t11: i64 = 0;
  let t12: i64 = 0;
  let t13: i64 = 0;
  let t14: i64 = 0;
  let t15: i64 = 0;
  let t16: i64 = 0;
  let m: u64;
  m = a0 * a0; t0 += <i64>(m & 0xffffffff); t1 += <i64>(m >> 32);
  m = a0 * a1; t1 += <i64>(m & 0xffffffff) << 1; t2 += <i64>(m >> 32) << 1;
  m = a0 * a2; t2 += <i64>(m & 0xffffffff) << 1; t3 += <i64>(m >> 32) << 1;
  m = a0 * a3; t3 += <i64>(m & 0xffffffff) << 1; t4 += <i64>(m >> 32) << 1;
  m = a0 * a4; t4 += <i64>(m & 0xffffffff) << 1; t5 += <i64>(m >> 32) << 1;
  m = a0 * a5; t5 += <i64>(m & 0xffffffff) << 1; t6 += <i64>(m >> 32) << 1;
  m = a0 * a6; t6 += <i64>(m & 0xffffffff) << 1; t7 += <i64>(m >> 32) << 1;
  m = a0 * a7; t7 += <i64>(m & 0xffffffff) << 1; t8 += <i64>(m >> 32) << 1;
  m = a1 * a1; t2 += <i64>(m & 0xffffffff); t3 += <i64>(m >> 32);
  m = a1 * a2; t3 += <i64>(m & 0xffffffff) << 1; t4 += <i64>(m >> 32) << 1;
  m = a1 * a3; t4 += <i64>(m & 0xffffffff) << 1; t5 += <i64>(m >> 32) << 1;
  m = a1 * a4; t5 += <i64>(m & 0xffffffff) << 1; t6 += <i64>(m >> 32) << 1;
  m = a1 * a5; t6 += <i64>(m & 0xffffffff) << 1; t7 += <i64>(m >> 32) << 1;
  m = a1 * a6; t7 += <i64>(m & 0xffffffff) << 1; t8 += <i64>(m >> 32) << 1;
  m = a1 * a7; t8 += <i64>(m & 0xffffffff) << 1; t9 += <i64>(m >> 32) << 1;
  m = a2 * a2; t4 += <i64>(m & 0xffffffff); t5 += <i64>(m >> 32);
  m = a2 * a3; t5 += <i64>(m & 0xffffffff) << 1; t6 += <i64>(m >> 32) << 1;
  m = a2 * a4; t6 += <i64>(m & 0xffffffff) << 1; t7 += <i64>(m >> 32) << 1;
  m = a2 * a5; t7 += <i64>(m & 0xffffffff) << 1; t8 += <i64>(m >> 32) << 1;
  m = a2 * a6; t8 += <i64>(m & 0xffffffff) << 1; t9 += <i64>(m >> 32) << 1;
  m = a2 * a7; t9 += <i64>(m & 0xffffffff) << 1; t10 += <i64>(m >> 32) << 1;
  m = a3 * a3; t6 += <i64>(m & 0xffffffff); t7 += <i64>(m >> 32);
  m = a3 * a4; t7 += <i64>(m & 0xffffffff) << 1; t8 += <i64>(m >> 32) << 1;
  m = a3 * a5; t8 += <i64>(m & 0xffffffff) << 1; t9 += <i64>(m >> 32) << 1;
  m = a3 * a6; t9 += <i64>(m & 0xffffffff) << 1; t10 += <i64>(m >> 32) << 1;
  m = a3 * a7; t10 += <i64>(m & 0xffffffff) << 1; t11 += <i64>(m >> 32) << 1;
  m = a4 * a4; t8 += <i64>(m & 0xffffffff); t9 += <i64>(m >> 32);
  m = a4 * a5; t9 += <i64>(m & 0xffffffff) << 1; t10 += <i64>(m >> 32) << 1;
  m = a4 * a6; t10 += <i64>(m & 0xffffffff) << 1; t11 += <i64>(m >> 32) << 1;
  m = a4 * a7; t11 += <i64>(m & 0xffffffff) << 1; t12 += <i64>(m >> 32) << 1;
  m = a5 * a5; t10 += <i64>(m & 0xffffffff); t11 += <i64>(m >> 32);
  m = a5 * a6; t11 += <i64>(m & 0xffffffff) << 1; t12 += <i64>(m >> 32) << 1;
  m = a5 * a7; t12 += <i64>(m & 0xffffffff) << 1; t13 += <i64>(m >> 32) << 1;
  m = a6 * a6; t12 += <i64>(m & 0xffffffff); t13 += <i64>(m >> 32);
  m = a6 * a7; t13 += <i64>(m & 0xffffffff) << 1; t14 += <i64>(m >> 32) << 1;
  m = a7 * a7; t14 += <i64>(m & 0xffffffff); t15 += <i64>(m >> 32);
  let d: i64;
  d = t0 & M32; t1 += t0 >> 32; t3 += d; t6 += d; t7 -= d; t8 += d;
  d = t1 & M32; t2 += t1 >> 32; t4 += d; t7 += d; t8 -= d; t9 += d;
  d = t2 & M32; t3 += t2 >> 32; t5 += d; t8 += d; t9 -= d; t10 += d;
  d = t3 & M32; t4 += t3 >> 32; t6 += d; t9 += d; t10 -= d; t11 += d;
  d = t4 & M32; t5 += t4 >> 32; t7 += d; t10 += d; t11 -= d; t12 += d;
  d = t5 & M32; t6 += t5 >> 32; t8 += d; t11 += d; t12 -= d; t13 += d;
  d = t6 & M32; t7 += t6 >> 32; t9 += d; t12 += d; t13 -= d; t14 += d;
  d = t7 & M32; t8 += t7 >> 32; t10 += d; t13 += d; t14 -= d; t15 += d;
  t9 += t8 >> 32; t8 &= M32;
  t10 += t9 >> 32; t9 &= M32;
  t11 += t10 >> 32; t10 &= M32;
  t12 += t11 >> 32; t11 &= M32;
  t13 += t12 >> 32; t12 &= M32;
  t14 += t13 >> 32; t13 &= M32;
  t15 += t14 >> 32; t14 &= M32;
  t16 += t15 >> 32; t15 &= M32;
  let c: i64 = 0;
  let s0 = t8 - 0xffffffff + c; c = s0 >> 32; s0 &= M32;
  let s1 = t9 - 0xffffffff + c; c = s1 >> 32; s1 &= M32;
  let s2 = t10 - 0xffffffff + c; c = s2 >> 32; s2 &= M32;
  let s3 = t11 + c; c = s3 >> 32; s3 &= M32;
  let s4 = t12 + c; c = s4 >> 32; s4 &= M32;
  let s5 = t13 + c; c = s5 >> 32; s5 &= M32;
  let s6 = t14 - 0x1 + c; c = s6 >> 32; s6 &= M32;
  let s7 = t15 - 0xffffffff + c; c = s7 >> 32; s7 &= M32;
  const keep = (t16 + c) >> 63; // all ones when the value was below p
  store<u32>(out, <u32>((t8 & keep) | (s0 & ~keep)), 0);
  store<u32>(out, <u32>((t9 & keep) | (s1 & ~keep)), 4);
  store<u32>(out, <u32>((t10 & keep) | (s2 & ~keep)), 8);
  store<u32>(out, <u32>((t11 & keep) | (s3 & ~keep)), 12);
  store<u32>(out, <u32>((t12 & keep) | (s4 & ~keep)), 16);
  store<u32>(out, <u32>((t13 & keep) | (s5 & ~keep)), 20);
  store<u32>(out, <u32>((t14 & keep) | (s6 & ~keep)), 24);
  store<u32>(out, <u32>((t15 & keep) | (s7 & ~keep)), 28);
}

export function p256FeCopy(out: usize, a: usize): void {
  memory.copy(out, a, 32);
}

// out = a when mask is all ones, out unchanged when mask is 0.
export function p256FeSelect(out: usize, a: usize, mask: u32): void {
  for (let i: usize = 0; i < 32; i += 4) {
    const o = load<u32>(out + i);
    store<u32>(out + i, o ^ ((o ^ load<u32>(a + i)) & mask));
  }
}

// All ones when a is zero, else 0.
export function p256FeIsZeroMask(a: usize): u32 {
  let acc: u32 = 0;
  for (let i: usize = 0; i < 32; i += 4) acc |= load<u32>(a + i);
  return <u32>0 - <u32>(acc == 0);
}

// All ones when a == b, else 0.
export function p256FeEqualMask(a: usize, b: usize): u32 {
  let acc: u32 = 0;
  for (let i: usize = 0; i < 32; i += 4) acc |= load<u32>(a + i) ^ load<u32>(b + i);
  return <u32>0 - <u32>(acc == 0);
}

// Big-endian 32 bytes <-> limbs (SEC 1 §2.3.5/§2.3.6 Octet-String conversions).
export function loadBigEndian256(out: usize, s: usize): void {
  for (let i: usize = 0; i < 8; i++) store<u32>(out + (i << 2), bswap<u32>(load<u32>(s + 28 - (i << 2))));
}

export function storeBigEndian256(s: usize, a: usize): void {
  for (let i: usize = 0; i < 8; i++) store<u32>(s + 28 - (i << 2), bswap<u32>(load<u32>(a + (i << 2))));
}

// All ones when the 256-bit integer a is below the 256-bit integer m (both limbs), else 0.
export function lessThanMask(a: usize, m: usize): u32 {
  let c: i64 = 0;
  for (let i: usize = 0; i < 32; i += 4) c = (<i64>load<u32>(a + i) - <i64>load<u32>(m + i) + c) >> 32;
  return <u32>c;
}

// Field constants in limbs: p, 1, R^2 mod p (set up once by p256FieldInit).
export const P: usize = memory.data<u32>([0xffffffff, 0xffffffff, 0xffffffff, 0, 0, 0, 1, 0xffffffff]);
export const FE_R2: usize = memory.data(32, 16);
export const FE_ONE_MONT: usize = memory.data(32, 16);
const ONE: usize = memory.data<u32>([1, 0, 0, 0, 0, 0, 0, 0]);
// (p + 1) / 4 (square root, p = 3 mod 4), big-endian bytes.
const P_PLUS_1_DIV_4: usize = memory.data<u8>([
  0x3f, 0xff, 0xff, 0xff, 0xc0, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
]);
let fieldReady = false;

// R = 2^256 mod p = 2^256 - p; R^2 mod p by 256 modular doublings of R. Computed rather than
// written out so a mistyped constant cannot slip in.
export function p256FieldInit(): void {
  if (fieldReady) return;
  const r = FE_ONE_MONT;
  store<u32>(r, 1, 0);
  store<u32>(r, 0, 4);
  store<u32>(r, 0, 8);
  store<u32>(r, 0xffffffff, 12);
  store<u32>(r, 0xffffffff, 16);
  store<u32>(r, 0xffffffff, 20);
  store<u32>(r, 0xfffffffe, 24);
  store<u32>(r, 0, 28);
  memory.copy(FE_R2, r, 32);
  for (let i = 0; i < 256; i++) p256FeAdd(FE_R2, FE_R2, FE_R2);
  fieldReady = true;
}

export function p256FeToMont(out: usize, a: usize): void {
  p256FeMul(out, a, FE_R2);
}

export function p256FeFromMont(out: usize, a: usize): void {
  p256FeMul(out, a, ONE);
}

const POW_ACC: usize = memory.data(32, 16);

// out = a^e for a big-endian 32-byte public exponent e, left to right.
function p256FePow(out: usize, a: usize, e: usize): void {
  memory.copy(POW_ACC, FE_ONE_MONT, 32);
  for (let i: usize = 0; i < 32; i++) {
    const byte = load<u8>(e + i);
    for (let bit = 7; bit >= 0; bit--) {
      p256FeSq(POW_ACC, POW_ACC);
      if ((byte >> <u8>bit) & 1) p256FeMul(POW_ACC, POW_ACC, a);
    }
  }
  memory.copy(out, POW_ACC, 32);
}

const INV_X2: usize = memory.data(32, 16);
const INV_X3: usize = memory.data(32, 16);
const INV_X6: usize = memory.data(32, 16);
const INV_X15: usize = memory.data(32, 16);
const INV_X30: usize = memory.data(32, 16);
const INV_X32: usize = memory.data(32, 16);
const INV_T: usize = memory.data(32, 16);

function sqTimes(out: usize, a: usize, n: i32): void {
  p256FeSq(out, a);
  for (let i = 1; i < n; i++) p256FeSq(out, out);
}

// 1 / a = a^(p-2) (Fermat); 0 maps to 0. p - 2 = 2^256 - 2^224 + 2^192 + 2^96 - 3 is, from the
// top, 32 ones, 31 zeros, a one, 96 zeros, 94 ones, 0, 1: an addition chain through
// x_k = a^(2^k - 1) does it in 255 squarings and 12 multiplications.
export function p256FeInvert(out: usize, a: usize): void {
  p256FeSq(INV_T, a);
  p256FeMul(INV_X2, INV_T, a); // x2
  p256FeSq(INV_T, INV_X2);
  p256FeMul(INV_X3, INV_T, a); // x3
  sqTimes(INV_T, INV_X3, 3);
  p256FeMul(INV_X6, INV_T, INV_X3); // x6
  sqTimes(INV_T, INV_X6, 6);
  p256FeMul(INV_T, INV_T, INV_X6); // x12
  sqTimes(INV_T, INV_T, 3);
  p256FeMul(INV_X15, INV_T, INV_X3); // x15
  sqTimes(INV_T, INV_X15, 15);
  p256FeMul(INV_X30, INV_T, INV_X15); // x30
  sqTimes(INV_T, INV_X30, 2);
  p256FeMul(INV_X32, INV_T, INV_X2); // x32
  sqTimes(INV_T, INV_X32, 32);
  p256FeMul(INV_T, INV_T, a); // 32 ones, 31 zeros, 1
  sqTimes(INV_T, INV_T, 128);
  p256FeMul(INV_T, INV_T, INV_X32); // then 96 zeros, 32 ones
  sqTimes(INV_T, INV_T, 32);
  p256FeMul(INV_T, INV_T, INV_X32); // 32 more ones
  sqTimes(INV_T, INV_T, 30);
  p256FeMul(INV_T, INV_T, INV_X30); // 30 more ones
  sqTimes(INV_T, INV_T, 2);
  p256FeMul(out, INV_T, a); // 0, 1
}

// A square root of a when one exists (a^((p+1)/4), valid since p = 3 mod 4); callers check
// by squaring.
export function p256FeSqrt(out: usize, a: usize): void {
  p256FePow(out, a, P_PLUS_1_DIV_4);
}
