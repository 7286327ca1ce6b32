// CRC-32 as ISO-HDLC / IEEE 802.3 (reflected polynomial 0xEDB88320, init and final
// xor 0xFFFFFFFF). STUN FINGERPRINT uses it (RFC 8489 §14.7).
// Slicing-by-4: four 256-entry tables, built once at instantiation into static memory.

const TABLE: usize = memory.data(4 * 256 * 4, 16);

function buildTables(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
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

// Continues a running CRC (pass 0 to start) over len bytes at ptr.
export function crc32Update(crc: u32, ptr: usize, len: usize): u32 {
  return sliceBy4(TABLE, crc, ptr, len);
}

// Shared by CRC-32 and CRC-32c: they differ only in their tables.
// @ts-ignore: decorator
@inline
export function sliceBy4(table: usize, crc: u32, ptr: usize, len: usize): u32 {
  let c = ~crc;
  let p = ptr;
  const end = ptr + len;
  while (p + 4 <= end) {
    c ^= load<u32>(p); // little-endian load matches the reflected bit order
    c =
      load<u32>(table + (3 << 10) + ((c & 0xff) << 2)) ^
      load<u32>(table + (2 << 10) + (((c >>> 8) & 0xff) << 2)) ^
      load<u32>(table + (1 << 10) + (((c >>> 16) & 0xff) << 2)) ^
      load<u32>(table + ((c >>> 24) << 2));
    p += 4;
  }
  while (p < end) {
    c = load<u32>(table + (((c ^ load<u8>(p)) & 0xff) << 2)) ^ (c >>> 8);
    p++;
  }
  return ~c;
}
