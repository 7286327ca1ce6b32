// Counter-mode keystream (NIST SP 800-38A §6.5) XORed over a buffer in place.
// The counter is the last 32-bit big-endian word of the 16-byte block; both users fit:
// SRTP AES-CM (RFC 3711 §4.1.1) counts blocks in the low 16 bits of an IV whose low
// 16 bits start at zero (a packet is far below 2^16 blocks, so no carry leaves them),
// and GCM's inc32 (SP 800-38D §6.2) is exactly this.
import { aesEncryptWords, aesOut0, aesOut1, aesOut2, aesOut3, aesRoundsFrom, te0, te1, te2, te3 } from './aes';

// c0..c3: the first counter block as big-endian words. data/len: bytes to transform.
export function ctrXor(rk: usize, nr: i32, c0: u32, c1: u32, c2: u32, c3: u32, data: usize, len: usize): void {
  let p = data;
  const end = data + len;
  let ctr = c3;
  const blocks = <u32>((len + 15) >> 4);
  if ((c3 & 0xffff) + blocks <= 0x10000) {
    // Only the low 16 bits of the counter change, i.e. the two low bytes of state word
    // 3. In round 1, word 3's high bytes feed output words 2 and 3 and its low bytes
    // feed words 0 and 1 (ShiftRows), so words 2 and 3 of round 1 and three of the four
    // lookups of words 0 and 1 are the same for every block: compute them once.
    const s0 = c0 ^ load<u32>(rk);
    const s1 = c1 ^ load<u32>(rk, 4);
    const s2 = c2 ^ load<u32>(rk, 8);
    const k3 = load<u32>(rk, 12);
    const s3hi = (c3 ^ k3) & 0xffff0000;
    const p0 = te0(s0) ^ te1(s1) ^ te2(s2) ^ load<u32>(rk, 16);
    const p1 = te0(s1) ^ te1(s2) ^ te3(s0) ^ load<u32>(rk, 20);
    const r2 = te0(s2) ^ te1(s3hi) ^ te2(s0) ^ te3(s1) ^ load<u32>(rk, 24);
    const r3 = te0(s3hi) ^ te1(s0) ^ te2(s1) ^ te3(s2) ^ load<u32>(rk, 28);
    const lowKey = k3 & 0xffff;
    // Round 2 likewise: round-1 words 2 and 3 are fixed, so each round-2 word has two
    // fixed lookups (plus its round key) to compute once.
    const q0 = te2(r2) ^ te3(r3) ^ load<u32>(rk, 32);
    const q1 = te1(r2) ^ te2(r3) ^ load<u32>(rk, 36);
    const q2 = te0(r2) ^ te1(r3) ^ load<u32>(rk, 40);
    const q3 = te3(r2) ^ te0(r3) ^ load<u32>(rk, 44);
    while (p + 16 <= end) {
      const s3 = s3hi | ((ctr ^ lowKey) & 0xffff);
      const x0 = p0 ^ te3(s3);
      const x1 = p1 ^ te2(s3);
      aesRoundsFrom(rk, nr, rk + 48, q0 ^ te0(x0) ^ te1(x1), q1 ^ te0(x1) ^ te3(x0), q2 ^ te2(x0) ^ te3(x1), q3 ^ te1(x0) ^ te2(x1));
      xorBlock(p);
      ctr++;
      p += 16;
    }
  } else {
    while (p + 16 <= end) {
      aesEncryptWords(rk, nr, c0, c1, c2, ctr);
      xorBlock(p);
      ctr++;
      p += 16;
    }
  }
  if (p < end) {
    aesEncryptWords(rk, nr, c0, c1, c2, ctr);
    let w: u32 = 0;
    let i: u32 = 0;
    while (p < end) {
      if ((i & 3) == 0) {
        const j = i >>> 2;
        w = j == 0 ? aesOut0 : j == 1 ? aesOut1 : j == 2 ? aesOut2 : aesOut3;
      }
      store<u8>(p, load<u8>(p) ^ <u8>(w >>> (24 - ((i & 3) << 3))));
      p++;
      i++;
    }
  }
}

// Keystream words are big-endian: one SIMD byte shuffle puts the block in memory order
// and one vector XOR applies it.
// @ts-ignore: decorator
@inline
function xorBlock(p: usize): void {
  const ks = i32x4(<i32>aesOut0, <i32>aesOut1, <i32>aesOut2, <i32>aesOut3);
  const bytes = i8x16.shuffle(ks, ks, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
  v128.store(p, v128.xor(v128.load(p), bytes));
}
