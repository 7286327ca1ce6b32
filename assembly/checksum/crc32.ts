import { TABLE_BYTES, buildTables, sliceBy4 } from './reflected-crc';

// CRC-32 as ISO-HDLC / IEEE 802.3 (reflected polynomial 0xEDB88320, init and final
// xor 0xFFFFFFFF). STUN FINGERPRINT uses it (RFC 8489 §14.7).
const TABLE: usize = memory.data(TABLE_BYTES, 16);
buildTables(TABLE, 0xedb88320);

export function crc32Update(crc: u32, ptr: usize, len: usize): u32 {
  return sliceBy4(TABLE, crc, ptr, len);
}
