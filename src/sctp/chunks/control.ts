// The small fixed-form control chunks: COOKIE ECHO / COOKIE ACK (RFC 9260 §3.3.11,
// §3.3.12), SHUTDOWN (§3.3.8), SHUTDOWN ACK (§3.3.9), SHUTDOWN COMPLETE (§3.3.13).
import { ChunkType } from '../chunk-type.js';
import { type RawChunk, readU32, writeChunkHeader, writeU32 } from '../packet.js';

export function encodeCookieEcho(cookie: Uint8Array): Uint8Array {
  const b = new Uint8Array(4 + cookie.length);
  writeChunkHeader(b, 0, ChunkType.COOKIE_ECHO, 0, b.length);
  b.set(cookie, 4);
  return b;
}

/** A chunk with no value: COOKIE ACK, SHUTDOWN ACK, SHUTDOWN COMPLETE (with its T bit). */
export function encodeEmptyChunk(type: number, flags = 0): Uint8Array {
  const b = new Uint8Array(4);
  writeChunkHeader(b, 0, type, flags, 4);
  return b;
}

export function encodeShutdown(cumulativeTsnAck: number): Uint8Array {
  const b = new Uint8Array(8);
  writeChunkHeader(b, 0, ChunkType.SHUTDOWN, 0, 8);
  writeU32(b, 4, cumulativeTsnAck);
  return b;
}

export function parseShutdown(raw: RawChunk): number | undefined {
  return raw.value.length >= 4 ? readU32(raw.value, 0) : undefined;
}
