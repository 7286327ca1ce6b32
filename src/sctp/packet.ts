// The SCTP common header and checksum (RFC 9260 §3.1, §6.8, Appendix B) and chunk
// framing (§3.2). Over DTLS (RFC 8261 §4) the ports are carried but carry no meaning
// beyond matching; WebRTC uses 5000 on both sides (RFC 8841 §5).
import { crc32c } from '../wasm/core.js';
import { COMMON_HEADER_SIZE, CHUNK_HEADER_SIZE, pad4 } from './chunk-type.js';

export interface CommonHeader {
  sourcePort: number;
  destinationPort: number;
  verificationTag: number;
}

const ZERO4 = new Uint8Array(4);

/** CRC-32c over the packet with its checksum field taken as zero (RFC 9260 §6.8). */
export function packetChecksum(packet: Uint8Array): number {
  let c = crc32c(packet.subarray(0, 8));
  c = crc32c(ZERO4, c);
  return crc32c(packet.subarray(12), c);
}

/**
 * True when the packet is long enough and its checksum matches. With `acceptZero`
 * (RFC 9653: we advertised Zero Checksum Acceptable because DTLS protects the packets)
 * a checksum of zero is accepted too, except on a packet starting with INIT.
 */
export function verifyPacket(packet: Uint8Array, acceptZero = false): boolean {
  if (packet.length < COMMON_HEADER_SIZE + CHUNK_HEADER_SIZE) return false;
  const stored = (packet[8] | (packet[9] << 8) | (packet[10] << 16) | (packet[11] << 24)) >>> 0;
  if (stored === 0 && acceptZero && packet[COMMON_HEADER_SIZE] !== 1) return true;
  return packetChecksum(packet) === stored;
}

export function readCommonHeader(packet: Uint8Array): CommonHeader {
  return {
    sourcePort: (packet[0] << 8) | packet[1],
    destinationPort: (packet[2] << 8) | packet[3],
    verificationTag: ((packet[4] << 24) | (packet[5] << 16) | (packet[6] << 8) | packet[7]) >>> 0,
  };
}

/**
 * Writes the common header into the first 12 bytes and the checksum over the whole
 * packet. The checksum is stored least significant byte first: the CRC register is
 * reflected, and every stack (usrsctp, dcsctp, Pion) writes it so (RFC 9260 Appendix B).
 */
export function sealPacket(packet: Uint8Array, sourcePort: number, destinationPort: number, verificationTag: number, zeroChecksum = false): void {
  packet[0] = sourcePort >>> 8;
  packet[1] = sourcePort & 0xff;
  packet[2] = destinationPort >>> 8;
  packet[3] = destinationPort & 0xff;
  packet[4] = verificationTag >>> 24;
  packet[5] = (verificationTag >>> 16) & 0xff;
  packet[6] = (verificationTag >>> 8) & 0xff;
  packet[7] = verificationTag & 0xff;
  packet[8] = packet[9] = packet[10] = packet[11] = 0;
  // RFC 9653 §5: with Zero Checksum negotiated the field stays 0 (DTLS authenticates).
  if (zeroChecksum) return;
  const c = crc32c(packet);
  packet[8] = c & 0xff;
  packet[9] = (c >>> 8) & 0xff;
  packet[10] = (c >>> 16) & 0xff;
  packet[11] = c >>> 24;
}

/** One chunk inside a packet: a window on the packet's bytes, not a copy. */
export interface RawChunk {
  type: number;
  flags: number;
  /** The chunk value (after the 4-byte header), of the chunk's declared length. */
  value: Uint8Array;
}

/**
 * Splits a packet's chunks (after the common header). Returns undefined when the
 * framing is broken (a length below 4 or past the end), so the whole packet is dropped.
 */
export function splitChunks(packet: Uint8Array): RawChunk[] | undefined {
  const chunks: RawChunk[] = [];
  let off = COMMON_HEADER_SIZE;
  while (off + CHUNK_HEADER_SIZE <= packet.length) {
    const len = (packet[off + 2] << 8) | packet[off + 3];
    if (len < CHUNK_HEADER_SIZE || off + len > packet.length) return undefined;
    chunks.push({ type: packet[off], flags: packet[off + 1], value: packet.subarray(off + CHUNK_HEADER_SIZE, off + len) });
    off += pad4(len);
  }
  // Trailing bytes shorter than a chunk header are padding at most.
  return chunks.length > 0 ? chunks : undefined;
}

/** Writes a chunk header at off; returns the offset of its value. */
export function writeChunkHeader(buf: Uint8Array, off: number, type: number, flags: number, length: number): number {
  buf[off] = type;
  buf[off + 1] = flags;
  buf[off + 2] = length >>> 8;
  buf[off + 3] = length & 0xff;
  return off + CHUNK_HEADER_SIZE;
}

export function readU32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

export function readU16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}
