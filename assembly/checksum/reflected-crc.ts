// Table-driven reflected CRC-32 shared by CRC-32 (IEEE) and CRC-32c (Castagnoli): the two
// differ only in their polynomial, so each keeps its own four tables built by one function.
// Slicing-by-4: table t holds the CRC of a byte followed by t zero bytes.

export const TABLE_BYTES: i32 = 4 * 256 * 4;

export function buildTables(table: usize, reflectedPoly: u32): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? reflectedPoly ^ (c >>> 1) : c >>> 1;
    store<u32>(table + (n << 2), c);
  }
  for (let n: u32 = 0; n < 256; n++) {
    let c = load<u32>(table + (n << 2));
    for (let t: u32 = 1; t < 4; t++) {
      c = load<u32>(table + ((c & 0xff) << 2)) ^ (c >>> 8);
      store<u32>(table + (t << 10) + (n << 2), c);
    }
  }
}

// Continues a running CRC (0 to start) over len bytes at ptr.
// @ts-ignore: decorator
@inline
export function sliceBy4(table: usize, crc: u32, ptr: usize, len: usize): u32 {
  let c = ~crc;
  let p = ptr;
  const end = ptr + len;
  while (p + 4 <= end) {
    c ^= load<u32>(p); // a little-endian load matches the reflected bit order
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
