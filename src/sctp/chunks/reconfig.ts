// RE-CONFIG chunk (RFC 6525 §3.1) and the parameters a data channel close uses:
// Outgoing SSN Reset Request (§4.1), Incoming SSN Reset Request (§4.2) and the
// Re-configuration Response (§4.4). Other request types are parsed as "other" so that
// the association can answer them with "Denied".
import { ChunkType, ParamType, pad4 } from '../chunk-type.js';
import { type RawChunk, readU16, readU32, writeChunkHeader, writeU16, writeU32 } from '../packet.js';

export const enum ReconfigResult {
  SUCCESS_NOTHING_TO_DO = 0,
  SUCCESS_PERFORMED = 1,
  DENIED = 2,
  ERROR_WRONG_SSN = 3,
  ERROR_REQUEST_ALREADY_IN_PROGRESS = 4,
  ERROR_BAD_SEQUENCE_NUMBER = 5,
  IN_PROGRESS = 6,
}

export type ReconfigParam =
  | {
      kind: 'outgoing-reset';
      requestSeq: number;
      responseSeq: number;
      senderLastTsn: number;
      streams: number[];
    }
  | { kind: 'incoming-reset'; requestSeq: number; streams: number[] }
  | { kind: 'response'; responseSeq: number; result: number }
  | { kind: 'other'; type: number; requestSeq: number };

/** Parameters of a RE-CONFIG chunk (at most two, RFC 6525 §3.1); undefined when malformed. */
export function parseReconfig(raw: RawChunk): ReconfigParam[] | undefined {
  const v = raw.value;
  const out: ReconfigParam[] = [];
  let o = 0;
  while (o + 4 <= v.length) {
    const type = readU16(v, o);
    const len = readU16(v, o + 2);
    if (len < 8 || o + len > v.length || out.length >= 2) return undefined;
    const streamsFrom = (start: number): number[] => {
      const s: number[] = [];
      for (let p = start; p + 2 <= o + len; p += 2) s.push(readU16(v, p));
      return s;
    };
    switch (type) {
      case ParamType.OUTGOING_SSN_RESET_REQUEST:
        if (len < 16) return undefined;
        out.push({
          kind: 'outgoing-reset',
          requestSeq: readU32(v, o + 4),
          responseSeq: readU32(v, o + 8),
          senderLastTsn: readU32(v, o + 12),
          streams: streamsFrom(o + 16),
        });
        break;
      case ParamType.INCOMING_SSN_RESET_REQUEST:
        out.push({ kind: 'incoming-reset', requestSeq: readU32(v, o + 4), streams: streamsFrom(o + 8) });
        break;
      case ParamType.RECONFIG_RESPONSE:
        if (len < 12) return undefined;
        out.push({ kind: 'response', responseSeq: readU32(v, o + 4), result: readU32(v, o + 8) });
        break;
      default:
        out.push({ kind: 'other', type, requestSeq: readU32(v, o + 4) });
    }
    o += pad4(len);
  }
  return out.length > 0 ? out : undefined;
}

export function encodeReconfig(params: ReconfigParam[]): Uint8Array {
  const bodies: Uint8Array[] = [];
  for (const p of params) {
    let b: Uint8Array;
    switch (p.kind) {
      case 'outgoing-reset':
        b = new Uint8Array(16 + p.streams.length * 2);
        writeU16(b, 0, ParamType.OUTGOING_SSN_RESET_REQUEST);
        writeU32(b, 4, p.requestSeq);
        writeU32(b, 8, p.responseSeq);
        writeU32(b, 12, p.senderLastTsn);
        for (let i = 0; i < p.streams.length; i++) writeU16(b, 16 + i * 2, p.streams[i]);
        break;
      case 'incoming-reset':
        b = new Uint8Array(8 + p.streams.length * 2);
        writeU16(b, 0, ParamType.INCOMING_SSN_RESET_REQUEST);
        writeU32(b, 4, p.requestSeq);
        for (let i = 0; i < p.streams.length; i++) writeU16(b, 8 + i * 2, p.streams[i]);
        break;
      case 'response':
        b = new Uint8Array(12);
        writeU16(b, 0, ParamType.RECONFIG_RESPONSE);
        writeU32(b, 4, p.responseSeq);
        writeU32(b, 8, p.result);
        break;
      default:
        b = new Uint8Array(8);
        writeU16(b, 0, p.type);
        writeU32(b, 4, p.requestSeq);
    }
    writeU16(b, 2, b.length);
    bodies.push(b);
  }
  const len = 4 + bodies.reduce((n, b) => n + pad4(b.length), 0);
  const out = new Uint8Array(len);
  let o = writeChunkHeader(out, 0, ChunkType.RE_CONFIG, 0, len);
  for (const b of bodies) {
    out.set(b, o);
    o += pad4(b.length);
  }
  return out;
}
