import { sliceBy4 } from './crc32';

// CRC-32c (Castagnoli, reflected polynomial 0x82F63B78), the SCTP checksum
// (RFC 9260 §6.8 and Appendix B; check values in RFC 3720 §B.4).

const TABLE: usize = memory.data(4 * 256 * 4, 16);

function buildTables(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    store<u32>(TABLE + (n << 2), c);
  }
  for (let n: u32 = 0; n < 256; n++) {
    let c = load<u32>(TABLE + (n << 2));
    for (let t: u32 = 1; t < 4; t++) {
      c = load<u32>(TABLE + ((c & 0xff) << 2)) ^ (c >>> 8);
      store<u32>(TABLE + (t << 10) + (n << 2), c);
    }
  }
}
buildTables();

export function crc32cUpdate(crc: u32, ptr: usize, len: usize): u32 {
  return sliceBy4(TABLE, crc, ptr, len);
}
