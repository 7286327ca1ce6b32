// AES encryption of eight blocks at once, bitsliced across the 16 lanes of WebAssembly
// SIMD vectors, for counter mode (NIST SP 800-38A §6.5) where the blocks are independent.
//
// Layout: eight "planes" P0..P7, one v128 each. Byte j of plane k holds bit k of state
// byte j (FIPS-197 §3.4: in[r + 4c] is s[r, c]) of all eight blocks, block b in bit b.
// Byte permutations of the state (ShiftRows, the row rotations of MixColumns) are then
// one i8x16.shuffle per plane, and SubBytes is a Boolean circuit over whole planes: the
// 113-gate circuit of Boyar and Peralta ("A Small Depth-16 Circuit for the AES S-Box",
// SEC 2012, eprint 2011/332). Round keys are expanded once per key into planes whose
// bytes are 0x00 or 0xFF.
//
// Unlike the T-table code in aes.ts this does no data-dependent memory access.
import { loadBE32 } from './aes';
import { ctrXor } from './ctr';

/** Bitsliced round keys: up to 15 round keys (AES-256) × 8 planes × 16 bytes. */
export const AES_BITSLICED_KEYS_SIZE: i32 = 15 * 128;

// The S-box's affine constant 0x63 (FIPS-197 §5.1.1) is left out of the circuit's last
// XNORs and added to round keys 1..Nr instead: ShiftRows moves it, MixColumns maps a
// state of 0x63 bytes to itself (2 ⊕ 3 ⊕ 1 ⊕ 1 = 1), so it reaches AddRoundKey intact.
const SBOX_CONSTANT: u8 = 0x63;

/**
 * Expands round keys (big-endian words at rk, as aesExpandKey writes them, nr rounds)
 * into planes at out (AES_BITSLICED_KEYS_SIZE bytes).
 */
export function aesBitslicedKeys(rk: usize, nr: i32, out: usize): void {
  for (let r = 0; r <= nr; r++) {
    const k = rk + (<usize>r << 4);
    // Round key bytes in state order: each stored big-endian word byte-swapped back.
    let bytes = i32x4(<i32>loadBE32(k), <i32>loadBE32(k + 4), <i32>loadBE32(k + 8), <i32>loadBE32(k + 12));
    if (r > 0) bytes = v128.xor(bytes, i8x16.splat(SBOX_CONSTANT));
    const dst = out + (<usize>r << 7);
    for (let bit = 0; bit < 8; bit++) {
      const plane = i8x16.ne(v128.and(bytes, i8x16.splat(<i8>(<i32>1 << bit))), i64x2.splat(0));
      v128.store(dst + (<usize>bit << 4), plane);
    }
  }
}

// ShiftRows then MixColumns (FIPS-197 §5.1.2-3) on plane x. With s = ShiftRows(x) and
// rot(s) the state whose row r is s's row r + 1: s' = 2·(s ⊕ rot s) ⊕ rot s ⊕ rot²(s ⊕ rot s),
// which is 2·s_r ⊕ 3·s_(r+1) ⊕ s_(r+2) ⊕ s_(r+3). The caller applies the doubling
// across planes (bit k of 2·u is bit k-1 of u, plus bit 7 fed back into bits 0, 1, 3, 4).
// @ts-ignore: decorator
@inline
function shiftRows(x: v128): v128 {
  return i8x16.shuffle(x, x, 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11);
}
// @ts-ignore: decorator
@inline
function rotShiftRows(x: v128): v128 {
  return i8x16.shuffle(x, x, 5, 10, 15, 0, 9, 14, 3, 4, 13, 2, 7, 8, 1, 6, 11, 12);
}
// @ts-ignore: decorator
@inline
function rot2(x: v128): v128 {
  return i8x16.shuffle(x, x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
}

// Encrypts the eight counter blocks nonce || counter .. counter + 7 (nonce: big-endian
// words c0..c2; counter: big-endian, wrapping mod 2^32 as GCM's inc32 does) and XORs the
// keystream over the 128 bytes at p (in place). The state lives in eight v128 locals.
function ctr8(bk: usize, nr: i32, c0: u32, c1: u32, c2: u32, ctr: u32, p: usize): void {
  const n = i32x4(<i32>bswap<u32>(c0), <i32>bswap<u32>(c1), <i32>bswap<u32>(c2), 0);
  let p0 = i32x4.replace_lane(n, 3, <i32>bswap<u32>(ctr));
  let p1 = i32x4.replace_lane(n, 3, <i32>bswap<u32>(ctr + 1));
  let p2 = i32x4.replace_lane(n, 3, <i32>bswap<u32>(ctr + 2));
  let p3 = i32x4.replace_lane(n, 3, <i32>bswap<u32>(ctr + 3));
  let p4 = i32x4.replace_lane(n, 3, <i32>bswap<u32>(ctr + 4));
  let p5 = i32x4.replace_lane(n, 3, <i32>bswap<u32>(ctr + 5));
  let p6 = i32x4.replace_lane(n, 3, <i32>bswap<u32>(ctr + 6));
  let p7 = i32x4.replace_lane(n, 3, <i32>bswap<u32>(ctr + 7));
  const m1 = i8x16.splat(0x55);
  const m2 = i8x16.splat(0x33);
  const m4 = i8x16.splat(0x0f);
  let t: v128;
  // Blocks to planes: an 8×8 bit transposition in every byte lane (three rounds of
  // swap-move; bits a 64-bit shift moves across a byte are masked away).

  
  // Within 2×2 squares: bit c+1 of row r with bit c of row r+1. Bits leaving a byte in
  // the 64-bit shift are masked away, so i64x2 shifts act per byte here.
  t = v128.and(v128.xor(i64x2.shr_u(p0, 1), p1), m1); p1 = v128.xor(p1, t); p0 = v128.xor(p0, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(p2, 1), p3), m1); p3 = v128.xor(p3, t); p2 = v128.xor(p2, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(p4, 1), p5), m1); p5 = v128.xor(p5, t); p4 = v128.xor(p4, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(p6, 1), p7), m1); p7 = v128.xor(p7, t); p6 = v128.xor(p6, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(p0, 2), p2), m2); p2 = v128.xor(p2, t); p0 = v128.xor(p0, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(p1, 2), p3), m2); p3 = v128.xor(p3, t); p1 = v128.xor(p1, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(p4, 2), p6), m2); p6 = v128.xor(p6, t); p4 = v128.xor(p4, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(p5, 2), p7), m2); p7 = v128.xor(p7, t); p5 = v128.xor(p5, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(p0, 4), p4), m4); p4 = v128.xor(p4, t); p0 = v128.xor(p0, i64x2.shl(t, 4));
  t = v128.and(v128.xor(i64x2.shr_u(p1, 4), p5), m4); p5 = v128.xor(p5, t); p1 = v128.xor(p1, i64x2.shl(t, 4));
  t = v128.and(v128.xor(i64x2.shr_u(p2, 4), p6), m4); p6 = v128.xor(p6, t); p2 = v128.xor(p2, i64x2.shl(t, 4));
  t = v128.and(v128.xor(i64x2.shr_u(p3, 4), p7), m4); p7 = v128.xor(p7, t); p3 = v128.xor(p3, i64x2.shl(t, 4));

  p0 = v128.xor(p0, v128.load(bk));
  p1 = v128.xor(p1, v128.load(bk, 16));
  p2 = v128.xor(p2, v128.load(bk, 32));
  p3 = v128.xor(p3, v128.load(bk, 48));
  p4 = v128.xor(p4, v128.load(bk, 64));
  p5 = v128.xor(p5, v128.load(bk, 80));
  p6 = v128.xor(p6, v128.load(bk, 96));
  p7 = v128.xor(p7, v128.load(bk, 112));
  const last = bk + (<usize>nr << 7);
  let k = bk + 128;
  for (;;) {
    // SubBytes without its affine constant (see SBOX_CONSTANT): the circuit's inputs
    // U0..U7 are bits 7..0, its outputs S0..S7 bits 7..0 (top linear layer T, shared
    // non-linear middle M, bottom linear layer L, as in the paper).
    {
      const u0 = p7;
      const u1 = p6;
      const u2 = p5;
      const u3 = p4;
      const u4 = p3;
      const u5 = p2;
      const u6 = p1;
      const u7 = p0;
      const t1 = v128.xor(u0, u3);
      const t2 = v128.xor(u0, u5);
      const t3 = v128.xor(u0, u6);
      const t4 = v128.xor(u3, u5);
      const t5 = v128.xor(u4, u6);
      const t6 = v128.xor(t1, t5);
      const t7 = v128.xor(u1, u2);
      const t8 = v128.xor(u7, t6);
      const t9 = v128.xor(u7, t7);
      const t10 = v128.xor(t6, t7);
      const t11 = v128.xor(u1, u5);
      const t12 = v128.xor(u2, u5);
      const t13 = v128.xor(t3, t4);
      const t14 = v128.xor(t6, t11);
      const t15 = v128.xor(t5, t11);
      const t16 = v128.xor(t5, t12);
      const t17 = v128.xor(t9, t16);
      const t18 = v128.xor(u3, u7);
      const t19 = v128.xor(t7, t18);
      const t20 = v128.xor(t1, t19);
      const t21 = v128.xor(u6, u7);
      const t22 = v128.xor(t7, t21);
      const t23 = v128.xor(t2, t22);
      const t24 = v128.xor(t2, t10);
      const t25 = v128.xor(t20, t17);
      const t26 = v128.xor(t3, t16);
      const t27 = v128.xor(t1, t12);
      const d = u7;
      const m1 = v128.and(t13, t6);
      const m2 = v128.and(t23, t8);
      const m3 = v128.xor(t14, m1);
      const m4 = v128.and(t19, d);
      const m5 = v128.xor(m4, m1);
      const m6 = v128.and(t3, t16);
      const m7 = v128.and(t22, t9);
      const m8 = v128.xor(t26, m6);
      const m9 = v128.and(t20, t17);
      const m10 = v128.xor(m9, m6);
      const m11 = v128.and(t1, t15);
      const m12 = v128.and(t4, t27);
      const m13 = v128.xor(m12, m11);
      const m14 = v128.and(t2, t10);
      const m15 = v128.xor(m14, m11);
      const m16 = v128.xor(m3, m2);
      const m17 = v128.xor(m5, t24);
      const m18 = v128.xor(m8, m7);
      const m19 = v128.xor(m10, m15);
      const m20 = v128.xor(m16, m13);
      const m21 = v128.xor(m17, m15);
      const m22 = v128.xor(m18, m13);
      const m23 = v128.xor(m19, t25);
      const m24 = v128.xor(m22, m23);
      const m25 = v128.and(m22, m20);
      const m26 = v128.xor(m21, m25);
      const m27 = v128.xor(m20, m21);
      const m28 = v128.xor(m23, m25);
      const m29 = v128.and(m28, m27);
      const m30 = v128.and(m26, m24);
      const m31 = v128.and(m20, m23);
      const m32 = v128.and(m27, m31);
      const m33 = v128.xor(m27, m25);
      const m34 = v128.and(m21, m22);
      const m35 = v128.and(m24, m34);
      const m36 = v128.xor(m24, m25);
      const m37 = v128.xor(m21, m29);
      const m38 = v128.xor(m32, m33);
      const m39 = v128.xor(m23, m30);
      const m40 = v128.xor(m35, m36);
      const m41 = v128.xor(m38, m40);
      const m42 = v128.xor(m37, m39);
      const m43 = v128.xor(m37, m38);
      const m44 = v128.xor(m39, m40);
      const m45 = v128.xor(m42, m41);
      const m46 = v128.and(m44, t6);
      const m47 = v128.and(m40, t8);
      const m48 = v128.and(m39, d);
      const m49 = v128.and(m43, t16);
      const m50 = v128.and(m38, t9);
      const m51 = v128.and(m37, t17);
      const m52 = v128.and(m42, t15);
      const m53 = v128.and(m45, t27);
      const m54 = v128.and(m41, t10);
      const m55 = v128.and(m44, t13);
      const m56 = v128.and(m40, t23);
      const m57 = v128.and(m39, t19);
      const m58 = v128.and(m43, t3);
      const m59 = v128.and(m38, t22);
      const m60 = v128.and(m37, t20);
      const m61 = v128.and(m42, t1);
      const m62 = v128.and(m45, t4);
      const m63 = v128.and(m41, t2);
      const l0 = v128.xor(m61, m62);
      const l1 = v128.xor(m50, m56);
      const l2 = v128.xor(m46, m48);
      const l3 = v128.xor(m47, m55);
      const l4 = v128.xor(m54, m58);
      const l5 = v128.xor(m49, m61);
      const l6 = v128.xor(m62, l5);
      const l7 = v128.xor(m46, l3);
      const l8 = v128.xor(m51, m59);
      const l9 = v128.xor(m52, m53);
      const l10 = v128.xor(m53, l4);
      const l11 = v128.xor(m60, l2);
      const l12 = v128.xor(m48, m51);
      const l13 = v128.xor(m50, l0);
      const l14 = v128.xor(m52, m61);
      const l15 = v128.xor(m55, l1);
      const l16 = v128.xor(m56, l0);
      const l17 = v128.xor(m57, l1);
      const l18 = v128.xor(m58, l8);
      const l19 = v128.xor(m63, l4);
      const l20 = v128.xor(l0, l1);
      const l21 = v128.xor(l1, l7);
      const l22 = v128.xor(l3, l12);
      const l23 = v128.xor(l18, l2);
      const l24 = v128.xor(l15, l9);
      const l25 = v128.xor(l6, l10);
      const l26 = v128.xor(l7, l9);
      const l27 = v128.xor(l8, l10);
      const l28 = v128.xor(l11, l14);
      const l29 = v128.xor(l11, l17);
      // S1, S2, S6 and S7 are XNORs in the circuit: their NOT is the 0x63 in the round keys.
      p7 = v128.xor(l6, l24);
      p6 = v128.xor(l16, l26);
      p5 = v128.xor(l19, l28);
      p4 = v128.xor(l6, l21);
      p3 = v128.xor(l20, l22);
      p2 = v128.xor(l25, l29);
      p1 = v128.xor(l13, l27);
      p0 = v128.xor(l6, l23);
    }
    if (k == last) break;
    {
      // u = s ⊕ rot s per plane; r = rot s.
      const r0 = rotShiftRows(p0);
      const r1 = rotShiftRows(p1);
      const r2 = rotShiftRows(p2);
      const r3 = rotShiftRows(p3);
      const r4 = rotShiftRows(p4);
      const r5 = rotShiftRows(p5);
      const r6 = rotShiftRows(p6);
      const r7 = rotShiftRows(p7);
      const u0 = v128.xor(shiftRows(p0), r0);
      const u1 = v128.xor(shiftRows(p1), r1);
      const u2 = v128.xor(shiftRows(p2), r2);
      const u3 = v128.xor(shiftRows(p3), r3);
      const u4 = v128.xor(shiftRows(p4), r4);
      const u5 = v128.xor(shiftRows(p5), r5);
      const u6 = v128.xor(shiftRows(p6), r6);
      const u7 = v128.xor(shiftRows(p7), r7);
      // 2·u (xtime over planes), ⊕ rot s, ⊕ rot²u, ⊕ round key.
      p0 = v128.xor(v128.xor(u7, r0), v128.xor(rot2(u0), v128.load(k)));
      p1 = v128.xor(v128.xor(v128.xor(u0, u7), r1), v128.xor(rot2(u1), v128.load(k, 16)));
      p2 = v128.xor(v128.xor(u1, r2), v128.xor(rot2(u2), v128.load(k, 32)));
      p3 = v128.xor(v128.xor(v128.xor(u2, u7), r3), v128.xor(rot2(u3), v128.load(k, 48)));
      p4 = v128.xor(v128.xor(v128.xor(u3, u7), r4), v128.xor(rot2(u4), v128.load(k, 64)));
      p5 = v128.xor(v128.xor(u4, r5), v128.xor(rot2(u5), v128.load(k, 80)));
      p6 = v128.xor(v128.xor(u5, r6), v128.xor(rot2(u6), v128.load(k, 96)));
      p7 = v128.xor(v128.xor(u6, r7), v128.xor(rot2(u7), v128.load(k, 112)));
    }
    k += 128;
  }

  p0 = v128.xor(shiftRows(p0), v128.load(last));
  p1 = v128.xor(shiftRows(p1), v128.load(last, 16));
  p2 = v128.xor(shiftRows(p2), v128.load(last, 32));
  p3 = v128.xor(shiftRows(p3), v128.load(last, 48));
  p4 = v128.xor(shiftRows(p4), v128.load(last, 64));
  p5 = v128.xor(shiftRows(p5), v128.load(last, 80));
  p6 = v128.xor(shiftRows(p6), v128.load(last, 96));
  p7 = v128.xor(shiftRows(p7), v128.load(last, 112));
  // Planes back to blocks: the same transposition.

  
  // Within 2×2 squares: bit c+1 of row r with bit c of row r+1. Bits leaving a byte in
  // the 64-bit shift are masked away, so i64x2 shifts act per byte here.
  t = v128.and(v128.xor(i64x2.shr_u(p0, 1), p1), m1); p1 = v128.xor(p1, t); p0 = v128.xor(p0, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(p2, 1), p3), m1); p3 = v128.xor(p3, t); p2 = v128.xor(p2, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(p4, 1), p5), m1); p5 = v128.xor(p5, t); p4 = v128.xor(p4, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(p6, 1), p7), m1); p7 = v128.xor(p7, t); p6 = v128.xor(p6, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(p0, 2), p2), m2); p2 = v128.xor(p2, t); p0 = v128.xor(p0, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(p1, 2), p3), m2); p3 = v128.xor(p3, t); p1 = v128.xor(p1, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(p4, 2), p6), m2); p6 = v128.xor(p6, t); p4 = v128.xor(p4, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(p5, 2), p7), m2); p7 = v128.xor(p7, t); p5 = v128.xor(p5, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(p0, 4), p4), m4); p4 = v128.xor(p4, t); p0 = v128.xor(p0, i64x2.shl(t, 4));
  t = v128.and(v128.xor(i64x2.shr_u(p1, 4), p5), m4); p5 = v128.xor(p5, t); p1 = v128.xor(p1, i64x2.shl(t, 4));
  t = v128.and(v128.xor(i64x2.shr_u(p2, 4), p6), m4); p6 = v128.xor(p6, t); p2 = v128.xor(p2, i64x2.shl(t, 4));
  t = v128.and(v128.xor(i64x2.shr_u(p3, 4), p7), m4); p7 = v128.xor(p7, t); p3 = v128.xor(p3, i64x2.shl(t, 4));
  v128.store(p, v128.xor(v128.load(p), p0));
  v128.store(p, v128.xor(v128.load(p, 16), p1), 16);
  v128.store(p, v128.xor(v128.load(p, 32), p2), 32);
  v128.store(p, v128.xor(v128.load(p, 48), p3), 48);
  v128.store(p, v128.xor(v128.load(p, 64), p4), 64);
  v128.store(p, v128.xor(v128.load(p, 80), p5), 80);
  v128.store(p, v128.xor(v128.load(p, 96), p6), 96);
  v128.store(p, v128.xor(v128.load(p, 112), p7), 112);
}

const KEYSTREAM: usize = memory.data(128, 16);

/**
 * Counter-mode keystream XORed over len bytes at data, eight blocks per step; the first
 * counter block is c0..c3 (big-endian words), the counter is the last word (GCM inc32).
 * bk: planes from aesBitslicedKeys; rk: the same key's round keys, for a short tail.
 */
export function ctrXorBitsliced(bk: usize, rk: usize, nr: i32, c0: u32, c1: u32, c2: u32, c3: u32, data: usize, len: usize): void {
  let p = data;
  const end = data + len;
  let ctr = c3;
  while (p + 128 <= end) {
    ctr8(bk, nr, c0, c1, c2, ctr, p);
    ctr += 8;
    p += 128;
  }
  const rest = end - p;
  if (rest == 0) return;
  // An eight-block step costs about what six blocks cost through the T-tables: a tail of
  // up to five blocks goes there.
  if (rest <= 80) {
    ctrXor(rk, nr, c0, c1, c2, ctr, p, rest);
    return;
  }
  memory.fill(KEYSTREAM, 0, 128);
  ctr8(bk, nr, c0, c1, c2, ctr, KEYSTREAM);
  let ks = KEYSTREAM;
  while (p + 16 <= end) {
    v128.store(p, v128.xor(v128.load(p), v128.load(ks)));
    p += 16;
    ks += 16;
  }
  while (p < end) {
    store<u8>(p, load<u8>(p) ^ load<u8>(ks));
    p++;
    ks++;
  }
}
