// FORWARD TSN chunk (RFC 3758 §3.2): a new cumulative TSN and, per ordered stream, the
// largest stream sequence number skipped.
import { ChunkType } from '../chunk-type.js';
import { type RawChunk, readU16, readU32, writeChunkHeader, writeU16, writeU32 } from '../packet.js';

export interface ForwardTsnChunk {
  newCumulativeTsn: number;
  streams: { streamId: number; ssn: number }[];
}

export function parseForwardTsn(raw: RawChunk): ForwardTsnChunk | undefined {
  const v = raw.value;
  if (v.length < 4 || (v.length - 4) % 4 !== 0) return undefined;
  const streams: { streamId: number; ssn: number }[] = [];
  for (let o = 4; o + 4 <= v.length; o += 4) streams.push({ streamId: readU16(v, o), ssn: readU16(v, o + 2) });
  return { newCumulativeTsn: readU32(v, 0), streams };
}

export function encodeForwardTsn(f: ForwardTsnChunk): Uint8Array {
  const len = 8 + f.streams.length * 4;
  const b = new Uint8Array(len);
  let o = writeChunkHeader(b, 0, ChunkType.FORWARD_TSN, 0, len);
  writeU32(b, o, f.newCumulativeTsn);
  o += 4;
  for (const s of f.streams) {
    writeU16(b, o, s.streamId);
    writeU16(b, o + 2, s.ssn);
    o += 4;
  }
  return b;
}
