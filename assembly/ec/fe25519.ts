// Arithmetic in GF(2^255 - 19) for X25519 (RFC 7748 §4.1, §5). An element is ten signed
// 64-bit limbs in memory (80 bytes) in radix 2^25.5: limb i holds 26 bits when i is even,
// 25 when odd, at bit offset ceil(25.5 * i). Products of two limbs fit easily in i64, so a
// multiplication is 100 i64 multiplies with no carry tests. Nothing here branches on or
// indexes memory by element values: every function is constant-time.

export const FE25519_SIZE: usize = 80;

// Sequential carry so every limb ends in [0, 2^26) / [0, 2^25) except limb 1, which may
// exceed 2^25 by a little after the final wrap; that slack is what ref10's bounds allow.
// The carry out of limb 9 wraps to limb 0 times 19 (2^255 = 19 mod p).
@inline
function fe25519CarryStore(h: usize, h0: i64, h1: i64, h2: i64, h3: i64, h4: i64, h5: i64, h6: i64, h7: i64, h8: i64, h9: i64): void {
  let c: i64;
  c = h0 >> 26; h1 += c; h0 -= c << 26;
  c = h1 >> 25; h2 += c; h1 -= c << 25;
  c = h2 >> 26; h3 += c; h2 -= c << 26;
  c = h3 >> 25; h4 += c; h3 -= c << 25;
  c = h4 >> 26; h5 += c; h4 -= c << 26;
  c = h5 >> 25; h6 += c; h5 -= c << 25;
  c = h6 >> 26; h7 += c; h6 -= c << 26;
  c = h7 >> 25; h8 += c; h7 -= c << 25;
  c = h8 >> 26; h9 += c; h8 -= c << 26;
  c = h9 >> 25; h0 += c * 19; h9 -= c << 25;
  c = h0 >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

// h = f * g mod 2^255 - 19 (ref10 radix 2^25.5: odd limbs hold 25 bits, so odd x odd
// products are doubled; products past limb 9 wrap with the factor 19 since 2^255 = 19).
export function fe25519Mul(h: usize, f: usize, g: usize): void {
  const f0 = load<i64>(f, 0);
  const f1 = load<i64>(f, 8);
  const f2 = load<i64>(f, 16);
  const f3 = load<i64>(f, 24);
  const f4 = load<i64>(f, 32);
  const f5 = load<i64>(f, 40);
  const f6 = load<i64>(f, 48);
  const f7 = load<i64>(f, 56);
  const f8 = load<i64>(f, 64);
  const f9 = load<i64>(f, 72);
  const g0 = load<i64>(g, 0);
  const g1 = load<i64>(g, 8);
  const g2 = load<i64>(g, 16);
  const g3 = load<i64>(g, 24);
  const g4 = load<i64>(g, 32);
  const g5 = load<i64>(g, 40);
  const g6 = load<i64>(g, 48);
  const g7 = load<i64>(g, 56);
  const g8 = load<i64>(g, 64);
  const g9 = load<i64>(g, 72);
  const g1_19 = g1 * 19;
  const g2_19 = g2 * 19;
  const g3_19 = g3 * 19;
  const g4_19 = g4 * 19;
  const g5_19 = g5 * 19;
  const g6_19 = g6 * 19;
  const g7_19 = g7 * 19;
  const g8_19 = g8 * 19;
  const g9_19 = g9 * 19;
  const f1_2 = f1 << 1;
  const f3_2 = f3 << 1;
  const f5_2 = f5 << 1;
  const f7_2 = f7 << 1;
  const f9_2 = f9 << 1;
  const h0 = f0 * g0 + f1_2 * g9_19 + f2 * g8_19 + f3_2 * g7_19 + f4 * g6_19 + f5_2 * g5_19 + f6 * g4_19 + f7_2 * g3_19 + f8 * g2_19 + f9_2 * g1_19;
  const h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19 + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  const h2 = f0 * g2 + f1_2 * g1 + f2 * g0 + f3_2 * g9_19 + f4 * g8_19 + f5_2 * g7_19 + f6 * g6_19 + f7_2 * g5_19 + f8 * g4_19 + f9_2 * g3_19;
  const h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19 + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  const h4 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0 + f5_2 * g9_19 + f6 * g8_19 + f7_2 * g7_19 + f8 * g6_19 + f9_2 * g5_19;
  const h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  const h6 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2 + f5_2 * g1 + f6 * g0 + f7_2 * g9_19 + f8 * g8_19 + f9_2 * g7_19;
  const h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  const h8 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4 + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + f9_2 * g9_19;
  const h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
  fe25519CarryStore(h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
}

// h = f^2 mod 2^255 - 19: the 55 distinct limb products of fe25519Mul, cross terms doubled.
export function fe25519Sq(h: usize, f: usize): void {
  const f0 = load<i64>(f, 0);
  const f1 = load<i64>(f, 8);
  const f2 = load<i64>(f, 16);
  const f3 = load<i64>(f, 24);
  const f4 = load<i64>(f, 32);
  const f5 = load<i64>(f, 40);
  const f6 = load<i64>(f, 48);
  const f7 = load<i64>(f, 56);
  const f8 = load<i64>(f, 64);
  const f9 = load<i64>(f, 72);
  const f0_2 = f0 << 1;
  const f1_2 = f1 << 1;
  const f2_2 = f2 << 1;
  const f3_2 = f3 << 1;
  const f4_2 = f4 << 1;
  const f5_2 = f5 << 1;
  const f6_2 = f6 << 1;
  const f7_2 = f7 << 1;
  const f8_2 = f8 << 1;
  const f9_2 = f9 << 1;
  const f5_19 = f5 * 19;
  const f6_19 = f6 * 19;
  const f7_19 = f7 * 19;
  const f8_19 = f8 * 19;
  const f9_19 = f9 * 19;
  const f5_38 = f5 * 38;
  const f6_38 = f6 * 38;
  const f7_38 = f7 * 38;
  const f8_38 = f8 * 38;
  const f9_38 = f9 * 38;
  const h0 = f0 * f0 + f1_2 * f9_38 + f2_2 * f8_19 + f3_2 * f7_38 + f4_2 * f6_19 + f5 * f5_38;
  const h1 = f0_2 * f1 + f2_2 * f9_19 + f3_2 * f8_19 + f4_2 * f7_19 + f5_2 * f6_19;
  const h2 = f0_2 * f2 + f1_2 * f1 + f3_2 * f9_38 + f4_2 * f8_19 + f5_2 * f7_38 + f6 * f6_19;
  const h3 = f0_2 * f3 + f1_2 * f2 + f4_2 * f9_19 + f5_2 * f8_19 + f6_2 * f7_19;
  const h4 = f0_2 * f4 + f1_2 * f3_2 + f2 * f2 + f5_2 * f9_38 + f6_2 * f8_19 + f7 * f7_38;
  const h5 = f0_2 * f5 + f1_2 * f4 + f2_2 * f3 + f6_2 * f9_19 + f7_2 * f8_19;
  const h6 = f0_2 * f6 + f1_2 * f5_2 + f2_2 * f4 + f3_2 * f3 + f7_2 * f9_38 + f8 * f8_19;
  const h7 = f0_2 * f7 + f1_2 * f6 + f2_2 * f5 + f3_2 * f4 + f8_2 * f9_19;
  const h8 = f0_2 * f8 + f1_2 * f7_2 + f2_2 * f6 + f3_2 * f5_2 + f4 * f4 + f9 * f9_38;
  const h9 = f0_2 * f9 + f1_2 * f8 + f2_2 * f7 + f3_2 * f6 + f4_2 * f5;
  fe25519CarryStore(h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
}

// Limb-wise sums and differences without carries: the result feeds one multiplication,
// whose bounds (|limb| < 2^27) it stays within.
export function fe25519Add(h: usize, f: usize, g: usize): void {
  for (let i: usize = 0; i < 80; i += 8) store<i64>(h + i, load<i64>(f + i) + load<i64>(g + i));
}

export function fe25519Sub(h: usize, f: usize, g: usize): void {
  for (let i: usize = 0; i < 80; i += 8) store<i64>(h + i, load<i64>(f + i) - load<i64>(g + i));
}

// h = f * 121665, the constant a24 of RFC 7748 §5 for curve25519.
export function fe25519MulA24(h: usize, f: usize): void {
  fe25519CarryStore(
    h,
    load<i64>(f, 0) * 121665,
    load<i64>(f, 8) * 121665,
    load<i64>(f, 16) * 121665,
    load<i64>(f, 24) * 121665,
    load<i64>(f, 32) * 121665,
    load<i64>(f, 40) * 121665,
    load<i64>(f, 48) * 121665,
    load<i64>(f, 56) * 121665,
    load<i64>(f, 64) * 121665,
    load<i64>(f, 72) * 121665,
  );
}

export function fe25519Copy(h: usize, f: usize): void {
  memory.copy(h, f, 80);
}

export function fe25519SetSmall(h: usize, v: i64): void {
  memory.fill(h, 0, 80);
  store<i64>(h, v);
}

// Swaps f and g when bit is 1, leaves them when 0, with the same instructions either way
// (RFC 7748 §5 cswap).
export function fe25519CondSwap(f: usize, g: usize, bit: i64): void {
  const mask = -bit;
  for (let i: usize = 0; i < 80; i += 8) {
    const a = load<i64>(f + i);
    const b = load<i64>(g + i);
    const x = (a ^ b) & mask;
    store<i64>(f + i, a ^ x);
    store<i64>(g + i, b ^ x);
  }
}

// Limb bit widths and offsets of the radix-2^25.5 representation.
const LIMB_BITS: StaticArray<i32> = [26, 25, 26, 25, 26, 25, 26, 25, 26, 25];

// Decodes 32 little-endian bytes, ignoring bit 255 (RFC 7748 §5: implementations MUST mask
// it). Values in [p, 2^255) are accepted as they are; arithmetic treats them mod p.
export function fe25519FromBytes(h: usize, s: usize): void {
  let acc: u64 = 0;
  let accBits: i32 = 0;
  let byteIndex: usize = 0;
  for (let i = 0; i < 10; i++) {
    const bits = unchecked(LIMB_BITS[i]);
    while (accBits < bits) {
      let b = <u64>load<u8>(s + byteIndex);
      if (byteIndex == 31) b &= 0x7f;
      acc |= b << <u64>accBits;
      accBits += 8;
      byteIndex++;
    }
    store<i64>(h + (<usize>i << 3), <i64>(acc & ((<u64>1 << <u64>bits) - 1)));
    acc >>= <u64>bits;
    accBits -= bits;
  }
}

// Encodes the unique representative in [0, p) as 32 little-endian bytes. q = floor(h / p)
// is found by one pass of carries from 19 * h9 (ref10's fe_tobytes method), then h - q p.
export function fe25519ToBytes(s: usize, f: usize): void {
  let h0 = load<i64>(f, 0);
  let h1 = load<i64>(f, 8);
  let h2 = load<i64>(f, 16);
  let h3 = load<i64>(f, 24);
  let h4 = load<i64>(f, 32);
  let h5 = load<i64>(f, 40);
  let h6 = load<i64>(f, 48);
  let h7 = load<i64>(f, 56);
  let h8 = load<i64>(f, 64);
  let h9 = load<i64>(f, 72);
  let q = (19 * h9 + (<i64>1 << 24)) >> 25;
  q = (h0 + q) >> 26;
  q = (h1 + q) >> 25;
  q = (h2 + q) >> 26;
  q = (h3 + q) >> 25;
  q = (h4 + q) >> 26;
  q = (h5 + q) >> 25;
  q = (h6 + q) >> 26;
  q = (h7 + q) >> 25;
  q = (h8 + q) >> 26;
  q = (h9 + q) >> 25;
  h0 += 19 * q;
  let c: i64;
  c = h0 >> 26; h1 += c; h0 -= c << 26;
  c = h1 >> 25; h2 += c; h1 -= c << 25;
  c = h2 >> 26; h3 += c; h2 -= c << 26;
  c = h3 >> 25; h4 += c; h3 -= c << 25;
  c = h4 >> 26; h5 += c; h4 -= c << 26;
  c = h5 >> 25; h6 += c; h5 -= c << 25;
  c = h6 >> 26; h7 += c; h6 -= c << 26;
  c = h7 >> 25; h8 += c; h7 -= c << 25;
  c = h8 >> 26; h9 += c; h8 -= c << 26;
  c = h9 >> 25; h9 -= c << 25; // drops 2^255 (q p was subtracted via the + 19 q)
  const limbs = TOBYTES_LIMBS; // static scratch: the stub runtime never frees allocations
  store<i64>(limbs, h0, 0);
  store<i64>(limbs, h1, 8);
  store<i64>(limbs, h2, 16);
  store<i64>(limbs, h3, 24);
  store<i64>(limbs, h4, 32);
  store<i64>(limbs, h5, 40);
  store<i64>(limbs, h6, 48);
  store<i64>(limbs, h7, 56);
  store<i64>(limbs, h8, 64);
  store<i64>(limbs, h9, 72);
  let acc: u64 = 0;
  let accBits: i32 = 0;
  let out: usize = 0;
  for (let i = 0; i < 10; i++) {
    acc |= <u64>load<i64>(limbs + (<usize>i << 3)) << <u64>accBits;
    accBits += unchecked(LIMB_BITS[i]);
    while (accBits >= 8) {
      store<u8>(s + out, <u8>acc);
      acc >>= 8;
      accBits -= 8;
      out++;
    }
  }
  if (out < 32) store<u8>(s + out, <u8>acc);
}

// h = f^(p - 2) = 1 / f (Fermat), by ref10's addition chain: 254 squarings, 11 products.
export function fe25519Invert(h: usize, f: usize): void {
  const t0 = INV_T0;
  const t1 = INV_T1;
  const t2 = INV_T2;
  const t3 = INV_T3;
  fe25519Sq(t0, f); // 2
  fe25519Sq(t1, t0); // 4
  fe25519Sq(t1, t1); // 8
  fe25519Mul(t1, f, t1); // 9
  fe25519Mul(t0, t0, t1); // 11
  fe25519Sq(t2, t0); // 22
  fe25519Mul(t1, t1, t2); // 2^5 - 1
  fe25519Sq(t2, t1);
  for (let i = 1; i < 5; i++) fe25519Sq(t2, t2);
  fe25519Mul(t1, t2, t1); // 2^10 - 1
  fe25519Sq(t2, t1);
  for (let i = 1; i < 10; i++) fe25519Sq(t2, t2);
  fe25519Mul(t2, t2, t1); // 2^20 - 1
  fe25519Sq(t3, t2);
  for (let i = 1; i < 20; i++) fe25519Sq(t3, t3);
  fe25519Mul(t2, t3, t2); // 2^40 - 1
  for (let i = 0; i < 10; i++) fe25519Sq(t2, t2);
  fe25519Mul(t1, t2, t1); // 2^50 - 1
  fe25519Sq(t2, t1);
  for (let i = 1; i < 50; i++) fe25519Sq(t2, t2);
  fe25519Mul(t2, t2, t1); // 2^100 - 1
  fe25519Sq(t3, t2);
  for (let i = 1; i < 100; i++) fe25519Sq(t3, t3);
  fe25519Mul(t2, t3, t2); // 2^200 - 1
  for (let i = 0; i < 50; i++) fe25519Sq(t2, t2);
  fe25519Mul(t1, t2, t1); // 2^250 - 1
  for (let i = 0; i < 5; i++) fe25519Sq(t1, t1); // 2^255 - 2^5
  fe25519Mul(h, t1, t0); // 2^255 - 21 = p - 2
}

const TOBYTES_LIMBS: usize = memory.data(80, 16);
const INV_T0: usize = memory.data(80, 16);
const INV_T1: usize = memory.data(80, 16);
const INV_T2: usize = memory.data(80, 16);
const INV_T3: usize = memory.data(80, 16);
