// Counter-mode keystream (NIST SP 800-38A §6.5) XORed over a buffer in place.
// The counter is the last 32-bit big-endian word of the 16-byte block; both users fit:
// SRTP AES-CM (RFC 3711 §4.1.1) counts blocks in the low 16 bits of an IV whose low
// 16 bits start at zero (a packet is far below 2^16 blocks, so no carry leaves them),
// and GCM's inc32 (SP 800-38D §6.2) is exactly this.
import { aesEncryptWords, aesOut0, aesOut1, aesOut2, aesOut3, aesRoundsFrom, bswap32, te0, te1, te2, te3 } from './aes';

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
    while (p + 16 <= end) {
      const s3 = s3hi | ((ctr ^ lowKey) & 0xffff);
      aesRoundsFrom(rk, nr, rk + 32, p0 ^ te3(s3), p1 ^ te2(s3), r2, r3);
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

// Keystream words are big-endian; the data is XORed as little-endian loads, so swap the
// keystream once rather than the data twice.
// @ts-ignore: decorator
@inline
function xorBlock(p: usize): void {
  store<u32>(p, load<u32>(p) ^ bswap32(aesOut0));
  store<u32>(p, load<u32>(p, 4) ^ bswap32(aesOut1), 4);
  store<u32>(p, load<u32>(p, 8) ^ bswap32(aesOut2), 8);
  store<u32>(p, load<u32>(p, 12) ^ bswap32(aesOut3), 12);
}
