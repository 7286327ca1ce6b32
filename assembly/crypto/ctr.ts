// Counter-mode keystream (NIST SP 800-38A §6.5) XORed over a buffer in place.
// The counter is the last 32-bit big-endian word of the 16-byte block; both users fit:
// SRTP AES-CM (RFC 3711 §4.1.1) counts blocks in the low 16 bits of an IV whose low
// 16 bits start at zero (a packet is far below 2^16 blocks, so no carry leaves them),
// and GCM's inc32 (SP 800-38D §6.2) is exactly this.
import { aesEncryptWords, aesOut0, aesOut1, aesOut2, aesOut3, bswap32 } from './aes';

// c0..c3: the first counter block as big-endian words. data/len: bytes to transform.
export function ctrXor(rk: usize, nr: i32, c0: u32, c1: u32, c2: u32, c3: u32, data: usize, len: usize): void {
  let p = data;
  const end = data + len;
  let ctr = c3;
  while (p + 16 <= end) {
    aesEncryptWords(rk, nr, c0, c1, c2, ctr);
    // Keystream words are big-endian; the data is XORed as little-endian loads, so
    // swap the keystream once rather than the data twice.
    store<u32>(p, load<u32>(p) ^ bswap32(aesOut0));
    store<u32>(p, load<u32>(p, 4) ^ bswap32(aesOut1), 4);
    store<u32>(p, load<u32>(p, 8) ^ bswap32(aesOut2), 8);
    store<u32>(p, load<u32>(p, 12) ^ bswap32(aesOut3), 12);
    ctr++;
    p += 16;
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
