// Annex-B byte streams (H.264 Annex B, H.265 Annex B): NAL units behind 00 00 01 start
// codes. Units are listed in UNIT_TABLE as (address, length) pairs; trailing zero bytes
// (trailing_zero_8bits, the leading zero of a 4-byte start code) are not part of a unit.
import { OBU_TABLE } from './regions';

// The unit table shares OBU_TABLE (AV1 and H.26x never run at once): 8192 entries,
// the upper half used when parameter sets are spliced in.
export const UNIT_TABLE: usize = OBU_TABLE;
export const MAX_UNITS: i32 = 4095;
export const SPLICE_BASE: i32 = 4096;

// @ts-ignore: decorator
@inline
export function unitPtr(i: i32): usize {
  return <usize>load<u32>(UNIT_TABLE + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline
export function unitLen(i: i32): i32 {
  return load<i32>(UNIT_TABLE + (<usize>i << 3) + 4);
}

// @ts-ignore: decorator
@inline
export function setUnit(i: i32, ptr: usize, len: i32): void {
  store<u32>(UNIT_TABLE + (<usize>i << 3), <u32>ptr);
  store<i32>(UNIT_TABLE + (<usize>i << 3) + 4, len);
}

function addUnit(index: i32, start: usize, end: usize): i32 {
  while (end > start && load<u8>(end - 1) == 0) end--;
  if (end == start) return index; // zero-length NAL unit: nothing to send
  if (index >= MAX_UNITS + SPLICE_BASE) return -1;
  setUnit(index, start, <i32>(end - start));
  return index + 1;
}

// Lists the NAL units of the len bytes at p into the table from index first. Returns the
// index after the last unit, -1 when there are too many, -2 when p holds no start code.
export function scanAnnexB(p: usize, len: i32, first: i32, limit: i32): i32 {
  const end = p + <usize>len;
  let i = p;
  let unitStart: usize = 0;
  let inUnit = false;
  let index = first;
  while (i + 2 < end) {
    const b2 = load<u8>(i + 2);
    if (b2 > 1) {
      i += 3;
      continue;
    }
    if (b2 == 1 && load<u8>(i) == 0 && load<u8>(i + 1) == 0) {
      if (inUnit) {
        index = addUnit(index, unitStart, i);
        if (index < 0 || index > limit) return -1;
      }
      unitStart = i + 3;
      inUnit = true;
      i += 3;
      continue;
    }
    i++;
  }
  if (!inUnit) return -2;
  index = addUnit(index, unitStart, end);
  if (index < 0 || index > limit) return -1;
  return index;
}
