// GHASH (NIST SP 800-38D §6.4) without carry-less multiply instructions: per hash key
// H, 16 tables of 16 WebAssembly SIMD vectors, table j holding n·x^(8j)·H for every
// nibble n (4 KiB per key), and one shared 16-entry reduction table.
//
// Bit order (SP 800-38D §6.3): bit 7 of byte 0 is the coefficient of x^0, bit 0 of byte
// 15 that of x^127; multiplying by x is a right shift of the 128-bit big-endian string.
// Table lookups are data-dependent (not cache-timing safe); see src/srtp/index.ts.

export const GHASH_TABLE_SIZE: i32 = 4096;

// R4[s] = s·x^124·x^4 mod P for the low nibble s of byte 15 (what a 4-bit shift spills).
const R4: usize = memory.data(256, 64);

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
  for (let v: u32 = 0; v < 16; v++) {
    mulHi = 0;
    mulLo = <u64>v; // low nibble of byte 15
    for (let k = 0; k < 4; k++) mulX();
    storeHalves(R4 + (<usize>v << 4), mulHi, mulLo);
  }
}
buildReduction();

// Fills the table at t for the hash key H (16 bytes at h).
export function ghashSetKey(t: usize, h: usize): void {
  mulHi = bswap<u64>(load<u64>(h));
  mulLo = bswap<u64>(load<u64>(h, 8));
  for (let j: usize = 0; j < 16; j++) {
    const tj = t + (j << 8);
    v128.store(tj, i64x2.splat(0));
    // The nibble's most significant bit is the lowest power of x (x^(8j)).
    for (let bit: usize = 8; bit != 0; bit >>= 1) {
      storeHalves(tj + (bit << 4), mulHi, mulLo);
      mulX();
    }
    // Skip x^(8j+4) .. x^(8j+7): the low nibble reuses this table times x^4.
    for (let k = 0; k < 4; k++) mulX();
    for (let i: usize = 2; i < 16; i <<= 1) {
      for (let m: usize = 1; m < i; m++) {
        v128.store(tj + ((i | m) << 4), v128.xor(v128.load(tj + (i << 4)), v128.load(tj + (m << 4))));
      }
    }
  }
}

// One multiplication by H. With Y = sum over bytes j of (h_j + l_j·x^4)·x^(8j), where
// h_j and l_j are the byte's high and low nibbles, Y·H = A + B·x^4 with A = sum of
// T_j[h_j] and B = sum of T_j[l_j]: 32 independent lookups and one 4-bit shift (a
// Horner scheme would chain 16 dependent steps per block).
// @ts-ignore: decorator
@inline
function mulH(t: usize, y: v128): v128 {
  const w0 = i32x4.extract_lane(y, 0);
  const v0 = w0 << 4;
  const w1 = i32x4.extract_lane(y, 1);
  const v1 = w1 << 4;
  const w2 = i32x4.extract_lane(y, 2);
  const v2 = w2 << 4;
  const w3 = i32x4.extract_lane(y, 3);
  const v3 = w3 << 4;
  let a = v128.load(t + <usize>(w0 & 0xf0), 0);
  let b = v128.load(t + <usize>(v0 & 0xf0), 0);
  let c = v128.load(t + <usize>((w0 >>> 8) & 0xf0), 256);
  let d = v128.load(t + <usize>((v0 >>> 8) & 0xf0), 256);
  a = v128.xor(a, v128.load(t + <usize>((w0 >>> 16) & 0xf0), 512));
  b = v128.xor(b, v128.load(t + <usize>((v0 >>> 16) & 0xf0), 512));
  c = v128.xor(c, v128.load(t + <usize>((w0 >>> 24) & 0xf0), 768));
  d = v128.xor(d, v128.load(t + <usize>((v0 >>> 24) & 0xf0), 768));
  a = v128.xor(a, v128.load(t + <usize>(w1 & 0xf0), 1024));
  b = v128.xor(b, v128.load(t + <usize>(v1 & 0xf0), 1024));
  c = v128.xor(c, v128.load(t + <usize>((w1 >>> 8) & 0xf0), 1280));
  d = v128.xor(d, v128.load(t + <usize>((v1 >>> 8) & 0xf0), 1280));
  a = v128.xor(a, v128.load(t + <usize>((w1 >>> 16) & 0xf0), 1536));
  b = v128.xor(b, v128.load(t + <usize>((v1 >>> 16) & 0xf0), 1536));
  c = v128.xor(c, v128.load(t + <usize>((w1 >>> 24) & 0xf0), 1792));
  d = v128.xor(d, v128.load(t + <usize>((v1 >>> 24) & 0xf0), 1792));
  a = v128.xor(a, v128.load(t + <usize>(w2 & 0xf0), 2048));
  b = v128.xor(b, v128.load(t + <usize>(v2 & 0xf0), 2048));
  c = v128.xor(c, v128.load(t + <usize>((w2 >>> 8) & 0xf0), 2304));
  d = v128.xor(d, v128.load(t + <usize>((v2 >>> 8) & 0xf0), 2304));
  a = v128.xor(a, v128.load(t + <usize>((w2 >>> 16) & 0xf0), 2560));
  b = v128.xor(b, v128.load(t + <usize>((v2 >>> 16) & 0xf0), 2560));
  c = v128.xor(c, v128.load(t + <usize>((w2 >>> 24) & 0xf0), 2816));
  d = v128.xor(d, v128.load(t + <usize>((v2 >>> 24) & 0xf0), 2816));
  a = v128.xor(a, v128.load(t + <usize>(w3 & 0xf0), 3072));
  b = v128.xor(b, v128.load(t + <usize>(v3 & 0xf0), 3072));
  c = v128.xor(c, v128.load(t + <usize>((w3 >>> 8) & 0xf0), 3328));
  d = v128.xor(d, v128.load(t + <usize>((v3 >>> 8) & 0xf0), 3328));
  a = v128.xor(a, v128.load(t + <usize>((w3 >>> 16) & 0xf0), 3584));
  b = v128.xor(b, v128.load(t + <usize>((v3 >>> 16) & 0xf0), 3584));
  c = v128.xor(c, v128.load(t + <usize>((w3 >>> 24) & 0xf0), 3840));
  d = v128.xor(d, v128.load(t + <usize>((v3 >>> 24) & 0xf0), 3840));
  const hi = v128.xor(a, c);
  const lo = v128.xor(b, d);
  // lo · x^4: a 4-bit right shift of the big-endian string, the 4 bits that leave
  // byte 15 folded back by R4.
  const prev = i8x16.shuffle(lo, i64x2.splat(0), 16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
  const shifted = v128.or(v128.and(i16x8.shr_u(lo, 4), i8x16.splat(0x0f)), v128.and(i16x8.shl(prev, 4), i8x16.splat(<i8>0xf0)));
  const spill = <usize>(i8x16.extract_lane_u(lo, 15) & 0x0f);
  return v128.xor(v128.xor(hi, shifted), v128.load(R4 + (spill << 4)));
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
    y = mulH(t, v128.xor(y, v128.load(s + 16)));
    used = 0;
  }
  while (n >= 16) {
    y = mulH(t, v128.xor(y, v128.load(q)));
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
  v128.store(s, mulH(t, v128.xor(v128.load(s), v128.load(s + 16))));
  store<u32>(s, 0, 32);
}

// Absorbs the final length block: len(A) || len(C) in bits, 64-bit big-endian each.
export function ghashLengths(s: usize, t: usize, aadLen: u64, ctLen: u64): void {
  ghashPad(s, t);
  const lens = i64x2(<i64>bswap<u64>(aadLen << 3), <i64>bswap<u64>(ctLen << 3));
  v128.store(s, mulH(t, v128.xor(v128.load(s), lens)));
}
