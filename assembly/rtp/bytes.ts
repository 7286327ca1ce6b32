// Big-endian loads and stores (network byte order, RFC 3550 §2) and LEB128 (AV1 §4.10.5).

// @ts-ignore: decorator
@inline
export function load16be(p: usize): u32 {
  return (<u32>load<u8>(p) << 8) | <u32>load<u8>(p + 1);
}

// @ts-ignore: decorator
@inline
export function load32be(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

// @ts-ignore: decorator
@inline
export function store16be(p: usize, v: u32): void {
  store<u8>(p, <u8>(v >>> 8));
  store<u8>(p + 1, <u8>v);
}

// @ts-ignore: decorator
@inline
export function store32be(p: usize, v: u32): void {
  store<u32>(p, bswap<u32>(v));
}

// LEB128 read results: the decoded value and the bytes it took (0 = malformed/truncated).
export let lebValue: u32 = 0;
export let lebBytes: i32 = 0;

// Reads an unsigned LEB128 of at most 8 bytes (AV1 spec leb128()), never past end. Values
// above 2^32-1 are malformed here: no OBU in a 4 MiB frame can be that long.
export function readLeb128(p: usize, end: usize): void {
  let value: u64 = 0;
  lebBytes = 0;
  lebValue = 0;
  for (let i = 0; i < 8; i++) {
    if (p + <usize>i >= end) return;
    const b = load<u8>(p + <usize>i);
    value |= (<u64>(b & 0x7f)) << (<u64>(i * 7));
    if ((b & 0x80) == 0) {
      if (value > 0xffffffff) return;
      lebValue = <u32>value;
      lebBytes = i + 1;
      return;
    }
  }
}

// @ts-ignore: decorator
@inline
export function leb128Size(v: u32): i32 {
  let n = 1;
  while (v >= 0x80) {
    v >>>= 7;
    n++;
  }
  return n;
}

export function writeLeb128(p: usize, v: u32): i32 {
  let n = 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v != 0) b |= 0x80;
    store<u8>(p + <usize>n, <u8>b);
    n++;
  } while (v != 0);
  return n;
}
