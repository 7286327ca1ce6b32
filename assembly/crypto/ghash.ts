// GHASH (NIST SP 800-38D §6.4) with Shoup's 8-bit tables held as WebAssembly SIMD
// vectors: per key, M[b] = b(x)·H for every byte b (4 KiB); shared, R[v] = the reduction
// of byte v shifted past x^127. One block costs 16 steps of "shift Z up one byte,
// fold the spilled byte back in, add M[next byte]"; the byte shift is one i8x16.shuffle.
//
// Bit order (SP 800-38D §6.3): bit 7 of byte 0 is the coefficient of x^0, bit 0 of byte
// 15 that of x^127; multiplying by x is a right shift of the 128-bit big-endian string.
// Table lookups are data-dependent (not cache-timing safe); see README.

export const GHASH_TABLE_SIZE: i32 = 4096;

const R: usize = memory.data(4096, 64);

// ×x on a block held as two big-endian halves; reduction by x^128 = x^7+x^2+x+1 (0xE1).
let mulHi: u64 = 0;
let mulLo: u64 = 0;
function mulX(): void {
  const carry = mulLo & 1;
  mulLo = (mulLo >>> 1) | (mulHi << 63);
  mulHi = (mulHi >>> 1) ^ (carry ? <u64>0xe1 << 56 : 0);
}

function storeHalves(p: usize, hi: u64, lo: u64): void {
  store<u64>(p, bswap<u64>(hi));
  store<u64>(p, bswap<u64>(lo), 8);
}

function buildReduction(): void {
  for (let v: u32 = 0; v < 256; v++) {
    mulHi = 0;
    mulLo = <u64>v; // byte 15
    for (let k = 0; k < 8; k++) mulX();
    storeHalves(R + (<usize>v << 4), mulHi, mulLo);
  }
}
buildReduction();

// Fills the 4 KiB table at t for the hash key H (16 bytes at h).
export function ghashSetKey(t: usize, h: usize): void {
  mulHi = bswap<u64>(load<u64>(h));
  mulLo = bswap<u64>(load<u64>(h, 8));
  // M[0x80] = H (x^0), M[0x40] = H·x, ..., M[0x01] = H·x^7.
  for (let bit: u32 = 0x80; bit != 0; bit >>= 1) {
    storeHalves(t + (<usize>bit << 4), mulHi, mulLo);
    mulX();
  }
  v128.store(t, i64x2.splat(0));
  // Linearity fills the rest: M[a ^ b] = M[a] ^ M[b].
  for (let i: u32 = 2; i < 256; i <<= 1) {
    for (let j: u32 = 1; j < i; j++) {
      v128.store(t + (<usize>(i | j) << 4), v128.xor(v128.load(t + (<usize>i << 4)), v128.load(t + (<usize>j << 4))));
    }
  }
}

// Absorbs one 16-byte block x (a v128 in memory byte order) into y: y = (y ^ x)·H.
// @ts-ignore: decorator
@inline
function ghashStep(t: usize, y: v128): v128 {
  // Horner over the bytes from 15 down to 0: Z = Z·x^8 + M[byte].
  let z = v128.load(t + (<usize>i8x16.extract_lane_u(y, 15) << 4));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 14));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 13));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 12));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 11));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 10));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 9));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 8));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 7));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 6));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 5));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 4));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 3));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 2));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 1));
  z = shiftIn(t, z, i8x16.extract_lane_u(y, 0));
  return z;
}

// @ts-ignore: decorator
@inline
function shiftIn(t: usize, z: v128, b: u8): v128 {
  const spill = <usize>i8x16.extract_lane_u(z, 15);
  const moved = i8x16.shuffle(z, i64x2.splat(0), 16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
  return v128.xor(v128.xor(moved, v128.load(R + (spill << 4))), v128.load(t + (<usize>b << 4)));
}

// A running GHASH: Y (16) | partial block (16) | partial length (4).
export const GHASH_STATE_SIZE: i32 = 48;

export function ghashStart(s: usize): void {
  v128.store(s, i64x2.splat(0));
  store<u32>(s, 0, 32);
}

// Absorbs len bytes, buffering a trailing partial block.
export function ghashUpdate(s: usize, t: usize, p: usize, len: usize): void {
  let y = v128.load(s);
  let q = p;
  let n = len;
  let used = <usize>load<u32>(s, 32);
  if (used > 0) {
    const take = min<usize>(16 - used, n);
    memory.copy(s + 16 + used, q, take);
    used += take;
    q += take;
    n -= take;
    if (used < 16) {
      store<u32>(s, <u32>used, 32);
      return;
    }
    y = ghashStep(t, v128.xor(y, v128.load(s + 16)));
    used = 0;
  }
  while (n >= 16) {
    y = ghashStep(t, v128.xor(y, v128.load(q)));
    q += 16;
    n -= 16;
  }
  if (n > 0) {
    memory.copy(s + 16, q, n);
    used = n;
  }
  v128.store(s, y);
  store<u32>(s, <u32>used, 32);
}

// Zero-pads and absorbs any partial block (SP 800-38D §7.1 step 5: A and C are each
// padded to a block boundary).
export function ghashPad(s: usize, t: usize): void {
  const used = <usize>load<u32>(s, 32);
  if (used == 0) return;
  memory.fill(s + 16 + used, 0, 16 - used);
  v128.store(s, ghashStep(t, v128.xor(v128.load(s), v128.load(s + 16))));
  store<u32>(s, 0, 32);
}

// Absorbs the final length block: len(A) || len(C) in bits, 64-bit big-endian each.
export function ghashLengths(s: usize, t: usize, aadLen: u64, ctLen: u64): void {
  ghashPad(s, t);
  const lens = i64x2(<i64>bswap<u64>(aadLen << 3), <i64>bswap<u64>(ctLen << 3));
  v128.store(s, ghashStep(t, v128.xor(v128.load(s), lens)));
}
