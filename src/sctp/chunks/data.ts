// DATA chunk (RFC 9260 §3.3.1) with the I bit of RFC 7053 §4.1.
import { ChunkType, DATA_HEADER_SIZE } from '../chunk-type.js';
import { type RawChunk, readU16, readU32, writeChunkHeader, writeU16, writeU32 } from '../packet.js';

export interface DataChunk {
  flags: number;
  tsn: number;
  streamId: number;
  ssn: number;
  ppid: number;
  /** A window on the received packet; the receiver copies what it keeps. */
  userData: Uint8Array;
}

/** Undefined for a DATA chunk too short to hold its header (the packet is then dropped). */
export function parseData(raw: RawChunk): DataChunk | undefined {
  const v = raw.value;
  if (v.length < DATA_HEADER_SIZE - 4) return undefined;
  return {
    flags: raw.flags,
    tsn: readU32(v, 0),
    streamId: readU16(v, 4),
    ssn: readU16(v, 6),
    ppid: readU32(v, 8),
    userData: v.subarray(12),
  };
}

/** Writes a DATA chunk at off; returns the unpadded end offset. */
export function writeData(
  buf: Uint8Array,
  off: number,
  flags: number,
  tsn: number,
  streamId: number,
  ssn: number,
  ppid: number,
  userData: Uint8Array,
): number {
  const o = writeChunkHeader(buf, off, ChunkType.DATA, flags, DATA_HEADER_SIZE + userData.length);
  writeU32(buf, o, tsn);
  writeU16(buf, o + 4, streamId);
  writeU16(buf, o + 6, ssn);
  writeU32(buf, o + 8, ppid);
  buf.set(userData, o + 12);
  return o + 12 + userData.length;
}
