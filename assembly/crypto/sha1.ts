// SHA-1 (FIPS 180-4 §6.1). Used only inside HMAC-SHA1 (RFC 2104), where it is still
// sound: SRTP's default authentication (RFC 3711 §4.2.1) and STUN MESSAGE-INTEGRITY
// (RFC 8489 §14.5).
import { loadBE32, storeBE32 } from './aes';

// Message schedule scratch (80 words). The core is single-threaded.
const W: usize = memory.data(80 * 4, 16);

export const SHA1_STATE_SIZE: i32 = 20;

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
  for (let blk: usize = 0; blk < nBlocks; blk++) {
    const m = p + (blk << 6);
    for (let t: usize = 0; t < 16; t++) store<u32>(W + (t << 2), loadBE32(m + (t << 2)));
    for (let t: usize = 16; t < 80; t++) {
      const x =
        load<u32>(W + ((t - 3) << 2)) ^
        load<u32>(W + ((t - 8) << 2)) ^
        load<u32>(W + ((t - 14) << 2)) ^
        load<u32>(W + ((t - 16) << 2));
      store<u32>(W + (t << 2), rotl<u32>(x, 1));
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t: usize = 0; t < 20; t++) {
      const tmp = rotl<u32>(a, 5) + (d ^ (b & (c ^ d))) + e + 0x5a827999 + load<u32>(W + (t << 2));
      e = d;
      d = c;
      c = rotl<u32>(b, 30);
      b = a;
      a = tmp;
    }
    for (let t: usize = 20; t < 40; t++) {
      const tmp = rotl<u32>(a, 5) + (b ^ c ^ d) + e + 0x6ed9eba1 + load<u32>(W + (t << 2));
      e = d;
      d = c;
      c = rotl<u32>(b, 30);
      b = a;
      a = tmp;
    }
    for (let t: usize = 40; t < 60; t++) {
      const tmp = rotl<u32>(a, 5) + ((b & c) | (d & (b | c))) + e + 0x8f1bbcdc + load<u32>(W + (t << 2));
      e = d;
      d = c;
      c = rotl<u32>(b, 30);
      b = a;
      a = tmp;
    }
    for (let t: usize = 60; t < 80; t++) {
      const tmp = rotl<u32>(a, 5) + (b ^ c ^ d) + e + 0xca62c1d6 + load<u32>(W + (t << 2));
      e = d;
      d = c;
      c = rotl<u32>(b, 30);
      b = a;
      a = tmp;
    }
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
