// SHA-1 (FIPS 180-4 §6.1). Used only inside HMAC-SHA1 (RFC 2104), where it is still
// sound: SRTP's default authentication (RFC 3711 §4.2.1) and STUN MESSAGE-INTEGRITY
// (RFC 8489 §14.5).
import { loadBE32, storeBE32 } from './aes';

// FIPS 180-4 §5.3.1 initial hash value.
export function sha1InitState(state: usize): void {
  store<u32>(state, 0x67452301);
  store<u32>(state, 0xefcdab89, 4);
  store<u32>(state, 0x98badcfe, 8);
  store<u32>(state, 0x10325476, 12);
  store<u32>(state, 0xc3d2e1f0, 16);
}

// Compresses nBlocks consecutive 64-byte blocks at p into the state (five native words).
export function sha1Blocks(state: usize, p: usize, nBlocks: usize): void {
  let h0 = load<u32>(state);
  let h1 = load<u32>(state, 4);
  let h2 = load<u32>(state, 8);
  let h3 = load<u32>(state, 12);
  let h4 = load<u32>(state, 16);
  // Fully unrolled with the schedule in 16 locals (generated; FIPS 180-4 §6.1.2):
  // each round renames a..e instead of moving them.
  for (let blk: usize = 0; blk < nBlocks; blk++) {
    const m = p + (blk << 6);
    let w0 = loadBE32(m + 0);
    let w1 = loadBE32(m + 4);
    let w2 = loadBE32(m + 8);
    let w3 = loadBE32(m + 12);
    let w4 = loadBE32(m + 16);
    let w5 = loadBE32(m + 20);
    let w6 = loadBE32(m + 24);
    let w7 = loadBE32(m + 28);
    let w8 = loadBE32(m + 32);
    let w9 = loadBE32(m + 36);
    let w10 = loadBE32(m + 40);
    let w11 = loadBE32(m + 44);
    let w12 = loadBE32(m + 48);
    let w13 = loadBE32(m + 52);
    let w14 = loadBE32(m + 56);
    let w15 = loadBE32(m + 60);
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    e += rotl<u32>(a, 5) + (d ^ (b & (c ^ d))) + 0x5a827999 + w0;
    b = rotl<u32>(b, 30);
    d += rotl<u32>(e, 5) + (c ^ (a & (b ^ c))) + 0x5a827999 + w1;
    a = rotl<u32>(a, 30);
    c += rotl<u32>(d, 5) + (b ^ (e & (a ^ b))) + 0x5a827999 + w2;
    e = rotl<u32>(e, 30);
    b += rotl<u32>(c, 5) + (a ^ (d & (e ^ a))) + 0x5a827999 + w3;
    d = rotl<u32>(d, 30);
    a += rotl<u32>(b, 5) + (e ^ (c & (d ^ e))) + 0x5a827999 + w4;
    c = rotl<u32>(c, 30);
    e += rotl<u32>(a, 5) + (d ^ (b & (c ^ d))) + 0x5a827999 + w5;
    b = rotl<u32>(b, 30);
    d += rotl<u32>(e, 5) + (c ^ (a & (b ^ c))) + 0x5a827999 + w6;
    a = rotl<u32>(a, 30);
    c += rotl<u32>(d, 5) + (b ^ (e & (a ^ b))) + 0x5a827999 + w7;
    e = rotl<u32>(e, 30);
    b += rotl<u32>(c, 5) + (a ^ (d & (e ^ a))) + 0x5a827999 + w8;
    d = rotl<u32>(d, 30);
    a += rotl<u32>(b, 5) + (e ^ (c & (d ^ e))) + 0x5a827999 + w9;
    c = rotl<u32>(c, 30);
    e += rotl<u32>(a, 5) + (d ^ (b & (c ^ d))) + 0x5a827999 + w10;
    b = rotl<u32>(b, 30);
    d += rotl<u32>(e, 5) + (c ^ (a & (b ^ c))) + 0x5a827999 + w11;
    a = rotl<u32>(a, 30);
    c += rotl<u32>(d, 5) + (b ^ (e & (a ^ b))) + 0x5a827999 + w12;
    e = rotl<u32>(e, 30);
    b += rotl<u32>(c, 5) + (a ^ (d & (e ^ a))) + 0x5a827999 + w13;
    d = rotl<u32>(d, 30);
    a += rotl<u32>(b, 5) + (e ^ (c & (d ^ e))) + 0x5a827999 + w14;
    c = rotl<u32>(c, 30);
    e += rotl<u32>(a, 5) + (d ^ (b & (c ^ d))) + 0x5a827999 + w15;
    b = rotl<u32>(b, 30);
    w0 = rotl<u32>(w13 ^ w8 ^ w2 ^ w0, 1);
    d += rotl<u32>(e, 5) + (c ^ (a & (b ^ c))) + 0x5a827999 + w0;
    a = rotl<u32>(a, 30);
    w1 = rotl<u32>(w14 ^ w9 ^ w3 ^ w1, 1);
    c += rotl<u32>(d, 5) + (b ^ (e & (a ^ b))) + 0x5a827999 + w1;
    e = rotl<u32>(e, 30);
    w2 = rotl<u32>(w15 ^ w10 ^ w4 ^ w2, 1);
    b += rotl<u32>(c, 5) + (a ^ (d & (e ^ a))) + 0x5a827999 + w2;
    d = rotl<u32>(d, 30);
    w3 = rotl<u32>(w0 ^ w11 ^ w5 ^ w3, 1);
    a += rotl<u32>(b, 5) + (e ^ (c & (d ^ e))) + 0x5a827999 + w3;
    c = rotl<u32>(c, 30);
    w4 = rotl<u32>(w1 ^ w12 ^ w6 ^ w4, 1);
    e += rotl<u32>(a, 5) + (b ^ c ^ d) + 0x6ed9eba1 + w4;
    b = rotl<u32>(b, 30);
    w5 = rotl<u32>(w2 ^ w13 ^ w7 ^ w5, 1);
    d += rotl<u32>(e, 5) + (a ^ b ^ c) + 0x6ed9eba1 + w5;
    a = rotl<u32>(a, 30);
    w6 = rotl<u32>(w3 ^ w14 ^ w8 ^ w6, 1);
    c += rotl<u32>(d, 5) + (e ^ a ^ b) + 0x6ed9eba1 + w6;
    e = rotl<u32>(e, 30);
    w7 = rotl<u32>(w4 ^ w15 ^ w9 ^ w7, 1);
    b += rotl<u32>(c, 5) + (d ^ e ^ a) + 0x6ed9eba1 + w7;
    d = rotl<u32>(d, 30);
    w8 = rotl<u32>(w5 ^ w0 ^ w10 ^ w8, 1);
    a += rotl<u32>(b, 5) + (c ^ d ^ e) + 0x6ed9eba1 + w8;
    c = rotl<u32>(c, 30);
    w9 = rotl<u32>(w6 ^ w1 ^ w11 ^ w9, 1);
    e += rotl<u32>(a, 5) + (b ^ c ^ d) + 0x6ed9eba1 + w9;
    b = rotl<u32>(b, 30);
    w10 = rotl<u32>(w7 ^ w2 ^ w12 ^ w10, 1);
    d += rotl<u32>(e, 5) + (a ^ b ^ c) + 0x6ed9eba1 + w10;
    a = rotl<u32>(a, 30);
    w11 = rotl<u32>(w8 ^ w3 ^ w13 ^ w11, 1);
    c += rotl<u32>(d, 5) + (e ^ a ^ b) + 0x6ed9eba1 + w11;
    e = rotl<u32>(e, 30);
    w12 = rotl<u32>(w9 ^ w4 ^ w14 ^ w12, 1);
    b += rotl<u32>(c, 5) + (d ^ e ^ a) + 0x6ed9eba1 + w12;
    d = rotl<u32>(d, 30);
    w13 = rotl<u32>(w10 ^ w5 ^ w15 ^ w13, 1);
    a += rotl<u32>(b, 5) + (c ^ d ^ e) + 0x6ed9eba1 + w13;
    c = rotl<u32>(c, 30);
    w14 = rotl<u32>(w11 ^ w6 ^ w0 ^ w14, 1);
    e += rotl<u32>(a, 5) + (b ^ c ^ d) + 0x6ed9eba1 + w14;
    b = rotl<u32>(b, 30);
    w15 = rotl<u32>(w12 ^ w7 ^ w1 ^ w15, 1);
    d += rotl<u32>(e, 5) + (a ^ b ^ c) + 0x6ed9eba1 + w15;
    a = rotl<u32>(a, 30);
    w0 = rotl<u32>(w13 ^ w8 ^ w2 ^ w0, 1);
    c += rotl<u32>(d, 5) + (e ^ a ^ b) + 0x6ed9eba1 + w0;
    e = rotl<u32>(e, 30);
    w1 = rotl<u32>(w14 ^ w9 ^ w3 ^ w1, 1);
    b += rotl<u32>(c, 5) + (d ^ e ^ a) + 0x6ed9eba1 + w1;
    d = rotl<u32>(d, 30);
    w2 = rotl<u32>(w15 ^ w10 ^ w4 ^ w2, 1);
    a += rotl<u32>(b, 5) + (c ^ d ^ e) + 0x6ed9eba1 + w2;
    c = rotl<u32>(c, 30);
    w3 = rotl<u32>(w0 ^ w11 ^ w5 ^ w3, 1);
    e += rotl<u32>(a, 5) + (b ^ c ^ d) + 0x6ed9eba1 + w3;
    b = rotl<u32>(b, 30);
    w4 = rotl<u32>(w1 ^ w12 ^ w6 ^ w4, 1);
    d += rotl<u32>(e, 5) + (a ^ b ^ c) + 0x6ed9eba1 + w4;
    a = rotl<u32>(a, 30);
    w5 = rotl<u32>(w2 ^ w13 ^ w7 ^ w5, 1);
    c += rotl<u32>(d, 5) + (e ^ a ^ b) + 0x6ed9eba1 + w5;
    e = rotl<u32>(e, 30);
    w6 = rotl<u32>(w3 ^ w14 ^ w8 ^ w6, 1);
    b += rotl<u32>(c, 5) + (d ^ e ^ a) + 0x6ed9eba1 + w6;
    d = rotl<u32>(d, 30);
    w7 = rotl<u32>(w4 ^ w15 ^ w9 ^ w7, 1);
    a += rotl<u32>(b, 5) + (c ^ d ^ e) + 0x6ed9eba1 + w7;
    c = rotl<u32>(c, 30);
    w8 = rotl<u32>(w5 ^ w0 ^ w10 ^ w8, 1);
    e += rotl<u32>(a, 5) + ((b & c) | (d & (b | c))) + 0x8f1bbcdc + w8;
    b = rotl<u32>(b, 30);
    w9 = rotl<u32>(w6 ^ w1 ^ w11 ^ w9, 1);
    d += rotl<u32>(e, 5) + ((a & b) | (c & (a | b))) + 0x8f1bbcdc + w9;
    a = rotl<u32>(a, 30);
    w10 = rotl<u32>(w7 ^ w2 ^ w12 ^ w10, 1);
    c += rotl<u32>(d, 5) + ((e & a) | (b & (e | a))) + 0x8f1bbcdc + w10;
    e = rotl<u32>(e, 30);
    w11 = rotl<u32>(w8 ^ w3 ^ w13 ^ w11, 1);
    b += rotl<u32>(c, 5) + ((d & e) | (a & (d | e))) + 0x8f1bbcdc + w11;
    d = rotl<u32>(d, 30);
    w12 = rotl<u32>(w9 ^ w4 ^ w14 ^ w12, 1);
    a += rotl<u32>(b, 5) + ((c & d) | (e & (c | d))) + 0x8f1bbcdc + w12;
    c = rotl<u32>(c, 30);
    w13 = rotl<u32>(w10 ^ w5 ^ w15 ^ w13, 1);
    e += rotl<u32>(a, 5) + ((b & c) | (d & (b | c))) + 0x8f1bbcdc + w13;
    b = rotl<u32>(b, 30);
    w14 = rotl<u32>(w11 ^ w6 ^ w0 ^ w14, 1);
    d += rotl<u32>(e, 5) + ((a & b) | (c & (a | b))) + 0x8f1bbcdc + w14;
    a = rotl<u32>(a, 30);
    w15 = rotl<u32>(w12 ^ w7 ^ w1 ^ w15, 1);
    c += rotl<u32>(d, 5) + ((e & a) | (b & (e | a))) + 0x8f1bbcdc + w15;
    e = rotl<u32>(e, 30);
    w0 = rotl<u32>(w13 ^ w8 ^ w2 ^ w0, 1);
    b += rotl<u32>(c, 5) + ((d & e) | (a & (d | e))) + 0x8f1bbcdc + w0;
    d = rotl<u32>(d, 30);
    w1 = rotl<u32>(w14 ^ w9 ^ w3 ^ w1, 1);
    a += rotl<u32>(b, 5) + ((c & d) | (e & (c | d))) + 0x8f1bbcdc + w1;
    c = rotl<u32>(c, 30);
    w2 = rotl<u32>(w15 ^ w10 ^ w4 ^ w2, 1);
    e += rotl<u32>(a, 5) + ((b & c) | (d & (b | c))) + 0x8f1bbcdc + w2;
    b = rotl<u32>(b, 30);
    w3 = rotl<u32>(w0 ^ w11 ^ w5 ^ w3, 1);
    d += rotl<u32>(e, 5) + ((a & b) | (c & (a | b))) + 0x8f1bbcdc + w3;
    a = rotl<u32>(a, 30);
    w4 = rotl<u32>(w1 ^ w12 ^ w6 ^ w4, 1);
    c += rotl<u32>(d, 5) + ((e & a) | (b & (e | a))) + 0x8f1bbcdc + w4;
    e = rotl<u32>(e, 30);
    w5 = rotl<u32>(w2 ^ w13 ^ w7 ^ w5, 1);
    b += rotl<u32>(c, 5) + ((d & e) | (a & (d | e))) + 0x8f1bbcdc + w5;
    d = rotl<u32>(d, 30);
    w6 = rotl<u32>(w3 ^ w14 ^ w8 ^ w6, 1);
    a += rotl<u32>(b, 5) + ((c & d) | (e & (c | d))) + 0x8f1bbcdc + w6;
    c = rotl<u32>(c, 30);
    w7 = rotl<u32>(w4 ^ w15 ^ w9 ^ w7, 1);
    e += rotl<u32>(a, 5) + ((b & c) | (d & (b | c))) + 0x8f1bbcdc + w7;
    b = rotl<u32>(b, 30);
    w8 = rotl<u32>(w5 ^ w0 ^ w10 ^ w8, 1);
    d += rotl<u32>(e, 5) + ((a & b) | (c & (a | b))) + 0x8f1bbcdc + w8;
    a = rotl<u32>(a, 30);
    w9 = rotl<u32>(w6 ^ w1 ^ w11 ^ w9, 1);
    c += rotl<u32>(d, 5) + ((e & a) | (b & (e | a))) + 0x8f1bbcdc + w9;
    e = rotl<u32>(e, 30);
    w10 = rotl<u32>(w7 ^ w2 ^ w12 ^ w10, 1);
    b += rotl<u32>(c, 5) + ((d & e) | (a & (d | e))) + 0x8f1bbcdc + w10;
    d = rotl<u32>(d, 30);
    w11 = rotl<u32>(w8 ^ w3 ^ w13 ^ w11, 1);
    a += rotl<u32>(b, 5) + ((c & d) | (e & (c | d))) + 0x8f1bbcdc + w11;
    c = rotl<u32>(c, 30);
    w12 = rotl<u32>(w9 ^ w4 ^ w14 ^ w12, 1);
    e += rotl<u32>(a, 5) + (b ^ c ^ d) + 0xca62c1d6 + w12;
    b = rotl<u32>(b, 30);
    w13 = rotl<u32>(w10 ^ w5 ^ w15 ^ w13, 1);
    d += rotl<u32>(e, 5) + (a ^ b ^ c) + 0xca62c1d6 + w13;
    a = rotl<u32>(a, 30);
    w14 = rotl<u32>(w11 ^ w6 ^ w0 ^ w14, 1);
    c += rotl<u32>(d, 5) + (e ^ a ^ b) + 0xca62c1d6 + w14;
    e = rotl<u32>(e, 30);
    w15 = rotl<u32>(w12 ^ w7 ^ w1 ^ w15, 1);
    b += rotl<u32>(c, 5) + (d ^ e ^ a) + 0xca62c1d6 + w15;
    d = rotl<u32>(d, 30);
    w0 = rotl<u32>(w13 ^ w8 ^ w2 ^ w0, 1);
    a += rotl<u32>(b, 5) + (c ^ d ^ e) + 0xca62c1d6 + w0;
    c = rotl<u32>(c, 30);
    w1 = rotl<u32>(w14 ^ w9 ^ w3 ^ w1, 1);
    e += rotl<u32>(a, 5) + (b ^ c ^ d) + 0xca62c1d6 + w1;
    b = rotl<u32>(b, 30);
    w2 = rotl<u32>(w15 ^ w10 ^ w4 ^ w2, 1);
    d += rotl<u32>(e, 5) + (a ^ b ^ c) + 0xca62c1d6 + w2;
    a = rotl<u32>(a, 30);
    w3 = rotl<u32>(w0 ^ w11 ^ w5 ^ w3, 1);
    c += rotl<u32>(d, 5) + (e ^ a ^ b) + 0xca62c1d6 + w3;
    e = rotl<u32>(e, 30);
    w4 = rotl<u32>(w1 ^ w12 ^ w6 ^ w4, 1);
    b += rotl<u32>(c, 5) + (d ^ e ^ a) + 0xca62c1d6 + w4;
    d = rotl<u32>(d, 30);
    w5 = rotl<u32>(w2 ^ w13 ^ w7 ^ w5, 1);
    a += rotl<u32>(b, 5) + (c ^ d ^ e) + 0xca62c1d6 + w5;
    c = rotl<u32>(c, 30);
    w6 = rotl<u32>(w3 ^ w14 ^ w8 ^ w6, 1);
    e += rotl<u32>(a, 5) + (b ^ c ^ d) + 0xca62c1d6 + w6;
    b = rotl<u32>(b, 30);
    w7 = rotl<u32>(w4 ^ w15 ^ w9 ^ w7, 1);
    d += rotl<u32>(e, 5) + (a ^ b ^ c) + 0xca62c1d6 + w7;
    a = rotl<u32>(a, 30);
    w8 = rotl<u32>(w5 ^ w0 ^ w10 ^ w8, 1);
    c += rotl<u32>(d, 5) + (e ^ a ^ b) + 0xca62c1d6 + w8;
    e = rotl<u32>(e, 30);
    w9 = rotl<u32>(w6 ^ w1 ^ w11 ^ w9, 1);
    b += rotl<u32>(c, 5) + (d ^ e ^ a) + 0xca62c1d6 + w9;
    d = rotl<u32>(d, 30);
    w10 = rotl<u32>(w7 ^ w2 ^ w12 ^ w10, 1);
    a += rotl<u32>(b, 5) + (c ^ d ^ e) + 0xca62c1d6 + w10;
    c = rotl<u32>(c, 30);
    w11 = rotl<u32>(w8 ^ w3 ^ w13 ^ w11, 1);
    e += rotl<u32>(a, 5) + (b ^ c ^ d) + 0xca62c1d6 + w11;
    b = rotl<u32>(b, 30);
    w12 = rotl<u32>(w9 ^ w4 ^ w14 ^ w12, 1);
    d += rotl<u32>(e, 5) + (a ^ b ^ c) + 0xca62c1d6 + w12;
    a = rotl<u32>(a, 30);
    w13 = rotl<u32>(w10 ^ w5 ^ w15 ^ w13, 1);
    c += rotl<u32>(d, 5) + (e ^ a ^ b) + 0xca62c1d6 + w13;
    e = rotl<u32>(e, 30);
    w14 = rotl<u32>(w11 ^ w6 ^ w0 ^ w14, 1);
    b += rotl<u32>(c, 5) + (d ^ e ^ a) + 0xca62c1d6 + w14;
    d = rotl<u32>(d, 30);
    w15 = rotl<u32>(w12 ^ w7 ^ w1 ^ w15, 1);
    a += rotl<u32>(b, 5) + (c ^ d ^ e) + 0xca62c1d6 + w15;
    c = rotl<u32>(c, 30);
    h0 += a;
    h1 += b;
    h2 += c;
    h3 += d;
    h4 += e;
  }
  store<u32>(state, h0);
  store<u32>(state, h1, 4);
  store<u32>(state, h2, 8);
  store<u32>(state, h3, 12);
  store<u32>(state, h4, 16);
}

// Final padding block(s) scratch (FIPS 180-4 §5.1.1).
const TAIL: usize = memory.data(128, 16);

// Hashes len bytes at p on top of state, which has already absorbed prefixLen bytes
// (a multiple of 64), and writes the 20-byte digest to out. The state is consumed.
export function sha1Finish(state: usize, p: usize, len: usize, prefixLen: u64, out: usize): void {
  const full = len >> 6;
  sha1Blocks(state, p, full);
  const rest = len & 63;
  memory.copy(TAIL, p + (full << 6), rest);
  store<u8>(TAIL + rest, 0x80);
  const tailLen: usize = rest < 56 ? 64 : 128;
  memory.fill(TAIL + rest + 1, 0, tailLen - rest - 1);
  const bits = (prefixLen + <u64>len) << 3;
  storeBE32(TAIL + tailLen - 8, <u32>(bits >>> 32));
  storeBE32(TAIL + tailLen - 4, <u32>bits);
  sha1Blocks(state, TAIL, tailLen >> 6);
  for (let i: usize = 0; i < 5; i++) storeBE32(out + (i << 2), load<u32>(state + (i << 2)));
}

// Streaming SHA-1 for inputs fed in pieces: state(20) | pad(4) | count(8) | buf(64).
export const SHA1_STREAM_SIZE: i32 = 96;

export function sha1StreamInit(s: usize): void {
  sha1InitState(s);
  store<u64>(s, 0, 24);
}

export function sha1StreamUpdate(s: usize, p: usize, len: usize): void {
  const count = load<u64>(s, 24);
  let used = <usize>(count & 63);
  let q = p;
  let n = len;
  store<u64>(s, count + <u64>len, 24);
  if (used > 0) {
    const take = min<usize>(64 - used, n);
    memory.copy(s + 32 + used, q, take);
    used += take;
    q += take;
    n -= take;
    if (used < 64) return;
    sha1Blocks(s, s + 32, 1);
  }
  const full = n >> 6;
  sha1Blocks(s, q, full);
  memory.copy(s + 32, q + (full << 6), n & 63);
}

export function sha1StreamFinal(s: usize, out: usize): void {
  const count = load<u64>(s, 24);
  const buffered = <usize>(count & 63);
  sha1Finish(s, s + 32, buffered, count - <u64>buffered, out);
}
