// INIT and INIT ACK (RFC 9260 §3.3.2, §3.3.3) with the parameters WebRTC peers use:
// Forward-TSN-Supported (RFC 3758 §3.1), Supported Extensions (RFC 5061 §4.2.7) and
// the State Cookie (INIT ACK only).
import { ChunkType, ParamType, pad4 } from '../chunk-type.js';
import { type RawChunk, readU16, readU32, writeChunkHeader, writeU16, writeU32 } from '../packet.js';

export interface InitChunk {
  initiateTag: number;
  /** Advertised receiver window credit. */
  aRwnd: number;
  outboundStreams: number;
  inboundStreams: number;
  initialTsn: number;
  /** The peer supports FORWARD TSN (PR-SCTP). */
  forwardTsn: boolean;
  /** The peer supports RE-CONFIG (stream reset). */
  reconfig: boolean;
  /** INIT ACK only: the opaque state cookie. */
  cookie?: Uint8Array;
  /** RFC 9653: the sender accepts packets with a zero checksum over DTLS (method 1). */
  zeroChecksum?: boolean;
}

/** Error Detection Method Identifier for "SCTP over DTLS" (RFC 9653 §4, RFC 8261). */
const EDMID_DTLS = 1;

const FIXED = 16;

/** Undefined when malformed (RFC 9260 §3.3.2: a zero tag or zero stream counts are invalid). */
export function parseInit(raw: RawChunk): InitChunk | undefined {
  const v = raw.value;
  if (v.length < FIXED) return undefined;
  const init: InitChunk = {
    initiateTag: readU32(v, 0),
    aRwnd: readU32(v, 4),
    outboundStreams: readU16(v, 8),
    inboundStreams: readU16(v, 10),
    initialTsn: readU32(v, 12),
    forwardTsn: false,
    reconfig: false,
  };
  if (init.initiateTag === 0 || init.outboundStreams === 0 || init.inboundStreams === 0) return undefined;
  let off = FIXED;
  while (off + 4 <= v.length) {
    const type = readU16(v, off);
    const len = readU16(v, off + 2);
    if (len < 4 || off + len > v.length) return undefined;
    const body = v.subarray(off + 4, off + len);
    switch (type) {
      case ParamType.STATE_COOKIE:
        init.cookie = body;
        break;
      case ParamType.FORWARD_TSN_SUPPORTED:
        init.forwardTsn = true;
        break;
      case ParamType.ZERO_CHECKSUM_ACCEPTABLE:
        if (body.length >= 4 && readU32(body, 0) === EDMID_DTLS) init.zeroChecksum = true;
        break;
      case ParamType.SUPPORTED_EXTENSIONS:
        for (const t of body) {
          if (t === ChunkType.FORWARD_TSN) init.forwardTsn = true;
          if (t === ChunkType.RE_CONFIG) init.reconfig = true;
        }
        break;
      default:
        // RFC 9260 §3.2.1: the two high bits say what to do with an unknown parameter;
        // 00 and 01 mean stop processing further parameters.
        if ((type & 0x8000) === 0) return init;
    }
    off += pad4(len);
  }
  return init;
}

export function encodeInit(type: ChunkType.INIT | ChunkType.INIT_ACK, init: InitChunk): Uint8Array {
  const ext = [ChunkType.FORWARD_TSN, ChunkType.RE_CONFIG];
  const cookieLen = init.cookie ? 4 + init.cookie.length : 0;
  const extLen = 4 + ext.length;
  const zcLen = init.zeroChecksum ? 8 : 0;
  const len = 4 + FIXED + 4 /* Forward-TSN-Supported */ + pad4(extLen) + zcLen + cookieLen;
  const b = new Uint8Array(len);
  let o = writeChunkHeader(b, 0, type, 0, len);
  writeU32(b, o, init.initiateTag);
  writeU32(b, o + 4, init.aRwnd);
  writeU16(b, o + 8, init.outboundStreams);
  writeU16(b, o + 10, init.inboundStreams);
  writeU32(b, o + 12, init.initialTsn);
  o += FIXED;
  writeU16(b, o, ParamType.FORWARD_TSN_SUPPORTED);
  writeU16(b, o + 2, 4);
  o += 4;
  writeU16(b, o, ParamType.SUPPORTED_EXTENSIONS);
  writeU16(b, o + 2, extLen);
  for (let i = 0; i < ext.length; i++) b[o + 4 + i] = ext[i];
  o += pad4(extLen);
  if (init.zeroChecksum) {
    writeU16(b, o, ParamType.ZERO_CHECKSUM_ACCEPTABLE);
    writeU16(b, o + 2, 8);
    writeU32(b, o + 4, EDMID_DTLS);
    o += 8;
  }
  if (init.cookie) {
    writeU16(b, o, ParamType.STATE_COOKIE);
    writeU16(b, o + 2, 4 + init.cookie.length);
    b.set(init.cookie, o + 4);
  }
  return b;
}
