// SACK chunk (RFC 9260 §3.3.4): cumulative TSN ack, receiver window, gap ack blocks as
// offsets from the cumulative TSN, and duplicate TSNs.
import { ChunkType } from '../chunk-type.js';
import { type RawChunk, readU16, readU32, writeChunkHeader, writeU16, writeU32 } from '../packet.js';

export interface SackChunk {
  cumulativeTsnAck: number;
  aRwnd: number;
  /** Gap ack block start and end offsets, pairwise (RFC 9260 §3.3.4). */
  gapStarts: number[];
  gapEnds: number[];
  duplicateTsns: number[];
}

export function parseSack(raw: RawChunk): SackChunk | undefined {
  const v = raw.value;
  if (v.length < 12) return undefined;
  const nGaps = readU16(v, 8);
  const nDups = readU16(v, 10);
  if (v.length < 12 + nGaps * 4 + nDups * 4) return undefined;
  const gapStarts: number[] = new Array(nGaps);
  const gapEnds: number[] = new Array(nGaps);
  let o = 12;
  for (let i = 0; i < nGaps; i++, o += 4) {
    gapStarts[i] = readU16(v, o);
    gapEnds[i] = readU16(v, o + 2);
    // A block must be non-empty and past the cumulative point (start 0 would ack it).
    if (gapStarts[i] === 0 || gapEnds[i] < gapStarts[i]) return undefined;
  }
  const duplicateTsns: number[] = new Array(nDups);
  for (let i = 0; i < nDups; i++, o += 4) duplicateTsns[i] = readU32(v, o);
  return { cumulativeTsnAck: readU32(v, 0), aRwnd: readU32(v, 4), gapStarts, gapEnds, duplicateTsns };
}

export function encodeSack(s: SackChunk): Uint8Array {
  const n = s.gapStarts.length;
  const len = 16 + n * 4 + s.duplicateTsns.length * 4;
  const b = new Uint8Array(len);
  const o = writeChunkHeader(b, 0, ChunkType.SACK, 0, len);
  writeU32(b, o, s.cumulativeTsnAck);
  writeU32(b, o + 4, s.aRwnd);
  writeU16(b, o + 8, n);
  writeU16(b, o + 10, s.duplicateTsns.length);
  let p = o + 12;
  for (let i = 0; i < n; i++, p += 4) {
    writeU16(b, p, s.gapStarts[i]);
    writeU16(b, p + 2, s.gapEnds[i]);
  }
  for (const d of s.duplicateTsns) {
    writeU32(b, p, d);
    p += 4;
  }
  return b;
}
