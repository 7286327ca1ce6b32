// HEARTBEAT and HEARTBEAT ACK (RFC 9260 §3.3.5, §3.3.6): one Heartbeat Info parameter
// that the receiver echoes unchanged.
import { type ChunkType, ParamType } from '../chunk-type.js';
import { type RawChunk, readU16, writeChunkHeader, writeU16 } from '../packet.js';

/** The Heartbeat Info body, or undefined when the parameter is missing or malformed. */
export function parseHeartbeatInfo(raw: RawChunk): Uint8Array | undefined {
  const v = raw.value;
  if (v.length < 4 || readU16(v, 0) !== ParamType.HEARTBEAT_INFO) return undefined;
  const len = readU16(v, 2);
  if (len < 4 || len > v.length) return undefined;
  return v.subarray(4, len);
}

export function encodeHeartbeat(type: ChunkType.HEARTBEAT | ChunkType.HEARTBEAT_ACK, info: Uint8Array): Uint8Array {
  const len = 8 + info.length;
  const b = new Uint8Array(len);
  const o = writeChunkHeader(b, 0, type, 0, len);
  writeU16(b, o, ParamType.HEARTBEAT_INFO);
  writeU16(b, o + 2, 4 + info.length);
  b.set(info, o + 4);
  return b;
}
