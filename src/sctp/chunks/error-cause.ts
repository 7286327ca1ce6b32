// Error causes carried by ABORT and ERROR chunks (RFC 9260 §3.3.10).
import { type RawChunk, readU16, writeChunkHeader, writeU16 } from '../packet.js';
import { pad4 } from '../chunk-type.js';

export const enum ErrorCauseCode {
  INVALID_STREAM_IDENTIFIER = 1,
  MISSING_MANDATORY_PARAMETER = 2,
  STALE_COOKIE = 3,
  OUT_OF_RESOURCE = 4,
  UNRECOGNIZED_CHUNK_TYPE = 6,
  NO_USER_DATA = 9,
  PROTOCOL_VIOLATION = 13,
  USER_INITIATED_ABORT = 12,
}

export interface ErrorCause {
  code: number;
  info: Uint8Array;
}

export function parseErrorCauses(raw: RawChunk): ErrorCause[] {
  const v = raw.value;
  const out: ErrorCause[] = [];
  let o = 0;
  while (o + 4 <= v.length && out.length < 16) {
    const len = readU16(v, o + 2);
    if (len < 4 || o + len > v.length) break;
    out.push({ code: readU16(v, o), info: v.subarray(o + 4, o + len) });
    o += pad4(len);
  }
  return out;
}

/** An ABORT or ERROR chunk carrying causes; flags carries the T bit for ABORT. */
export function encodeCauseChunk(type: number, flags: number, causes: ErrorCause[]): Uint8Array {
  let len = 4;
  for (const c of causes) len += pad4(4 + c.info.length);
  const b = new Uint8Array(len);
  let o = writeChunkHeader(b, 0, type, flags, len);
  for (const c of causes) {
    writeU16(b, o, c.code);
    writeU16(b, o + 2, 4 + c.info.length);
    b.set(c.info, o + 4);
    o += pad4(4 + c.info.length);
  }
  return b;
}
