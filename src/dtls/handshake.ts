// DTLS handshake message framing (RFC 6347 §4.2.2): every message carries message_seq and
// may be split into fragments, each with its own offset and length.
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { DtlsError } from './errors.js';

export const HANDSHAKE_TYPE = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  helloVerifyRequest: 3,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
} as const;

export const HANDSHAKE_HEADER_LENGTH = 12;

export interface HandshakeFragment {
  msgType: number;
  /** Total length of the message body. */
  length: number;
  messageSeq: number;
  fragmentOffset: number;
  body: Uint8Array;
}

/** Splits a handshake record's plaintext into fragments (a record may hold several). */
export function parseHandshakeFragments(data: Uint8Array): HandshakeFragment[] {
  const r = new ByteReader(data);
  const out: HandshakeFragment[] = [];
  while (!r.done) {
    const msgType = r.u8('msg_type');
    const length = r.u24('length');
    const messageSeq = r.u16('message_seq');
    const fragmentOffset = r.u24('fragment_offset');
    const fragmentLength = r.u24('fragment_length');
    const body = r.bytes(fragmentLength, 'handshake fragment');
    if (fragmentOffset + fragmentLength > length) throw new DtlsError('malformed', 'handshake fragment past the message end');
    out.push({ msgType, length, messageSeq, fragmentOffset, body });
  }
  return out;
}

export function encodeHandshakeFragment(msgType: number, messageSeq: number, body: Uint8Array, offset: number, fragmentLength: number): Uint8Array {
  const w = new ByteWriter(HANDSHAKE_HEADER_LENGTH + fragmentLength);
  w.u8(msgType).u24(body.length).u16(messageSeq).u24(offset).u24(fragmentLength);
  return w.bytes(body.subarray(offset, offset + fragmentLength)).finish();
}

/**
 * The message as the transcript hash sees it: one unfragmented DTLS handshake message,
 * header included (RFC 6347 §4.2.6).
 */
export function transcriptBytes(msgType: number, messageSeq: number, body: Uint8Array): Uint8Array {
  return encodeHandshakeFragment(msgType, messageSeq, body, 0, body.length);
}
