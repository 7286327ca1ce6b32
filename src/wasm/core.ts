// Typed calls into the WebAssembly core for checksums. Other areas keep their own
// typed wrappers beside this one (one file per concept), all over wasmCore().
import { wasmCore } from './instance.js';

interface ChecksumExports {
  crc32(crc: number, len: number): number;
  crc32c(crc: number, len: number): number;
}

function checksum(which: 'crc32' | 'crc32c', data: Uint8Array, initial: number): number {
  const core = wasmCore();
  const fns = core.fns as unknown as ChecksumExports;
  let crc = initial >>> 0;
  // Inputs larger than the I/O region are fed through it in chunks.
  for (let off = 0; off < data.length || (off === 0 && data.length === 0); ) {
    const n = Math.min(core.ioSize, data.length - off);
    core.io.set(data.subarray(off, off + n));
    crc = fns[which](crc, n) >>> 0;
    off += n;
    if (n === 0) break;
  }
  return crc;
}

/** CRC-32 (IEEE 802.3), as STUN FINGERPRINT uses it before the XOR (RFC 8489 §14.7). */
export function crc32(data: Uint8Array, initial = 0): number {
  return checksum('crc32', data, initial);
}

/** CRC-32c (Castagnoli), the SCTP checksum (RFC 9260 Appendix B). */
export function crc32c(data: Uint8Array, initial = 0): number {
  return checksum('crc32c', data, initial);
}
