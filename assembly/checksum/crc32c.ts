import { TABLE_BYTES, buildTables, sliceBy4 } from './reflected-crc';

// CRC-32c (Castagnoli, reflected polynomial 0x82F63B78), the SCTP checksum
// (RFC 9260 §6.8 and Appendix B; check values in RFC 3720 §B.4).
const TABLE: usize = memory.data(TABLE_BYTES, 16);
buildTables(TABLE, 0x82f63b78);

export function crc32cUpdate(crc: u32, ptr: usize, len: usize): u32 {
  return sliceBy4(TABLE, crc, ptr, len);
}
