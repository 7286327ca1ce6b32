// The only export surface of the WebAssembly core. Every export takes and returns
// numbers; byte input and output go through the I/O region (see abi.ts).
import { ABI_VERSION, IO_REGION_SIZE } from './abi';
import { crc32Update } from './checksum/crc32';
import { crc32cUpdate } from './checksum/crc32c';
import { IO_REGION } from './io';

export function abiVersion(): i32 {
  return ABI_VERSION;
}

export function ioRegion(): usize {
  return IO_REGION;
}

export function ioRegionSize(): i32 {
  return IO_REGION_SIZE;
}

// Checksums are the one exception to "negative means error": they return the 32 CRC
// bits (the host reads them with >>> 0). An out-of-range length is clamped to the
// region, so the export cannot read outside it; the host checks lengths first.
// crc continues a running checksum (0 to start) over the first len bytes of the region.
export function crc32(crc: u32, len: i32): u32 {
  return crc32Update(crc, IO_REGION, clampLength(len));
}

export function crc32c(crc: u32, len: i32): u32 {
  return crc32cUpdate(crc, IO_REGION, clampLength(len));
}

function clampLength(len: i32): usize {
  return <usize>(len < 0 ? 0 : len > IO_REGION_SIZE ? IO_REGION_SIZE : len);
}

export * from './crypto/exports';
export * from './rtp/exports';
export * from './srtp/exports';
export * from './ec/exports';
