// RTP packets (RFC 3550 §5.1) with CSRCs, padding and header extensions (RFC 8285
// one-byte and two-byte forms, or an opaque RFC 3550 §5.3.1 block). The byte work is in
// the WebAssembly core; this file turns its results into plain objects.
import { RTP_EXT_MODE, RTP_HEADER_SLOT as H, rtpCore } from '../wasm/rtp.js';
import { misuse, RtpError } from './errors.js';
import { pooledCopy } from './output-pool.js';

export interface RtpHeaderExtension {
  /** RFC 8285 local identifier: 1-14 (one-byte form) or 1-255 (two-byte form). */
  readonly id: number;
  readonly data: Uint8Array;
}

export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrc: number[];
  /** RFC 8285 elements, in wire order. */
  extensions: RtpHeaderExtension[];
  /**
   * Which header-extension form: 'one-byte' / 'two-byte' (RFC 8285), 'auto' (serialise:
   * one-byte when every element allows it), or a number for an opaque RFC 3550 block
   * carried in `extensionData`.
   */
  extensionProfile?: 'one-byte' | 'two-byte' | 'auto' | number;
  /** Body of an opaque (non-RFC 8285) extension block, a multiple of 4 bytes. */
  extensionData?: Uint8Array;
  /** Padding bytes at the end (RFC 3550 §5.1, count byte included); 0 for none. */
  paddingLength: number;
  payload: Uint8Array;
}

/**
 * Parses an RTP packet. The payload and extension data are views into `bytes` (no copy).
 * Throws RtpError('malformed-rtp') for truncated headers, lying lengths or extension
 * blocks past the end.
 */
export function parseRtp(bytes: Uint8Array): RtpPacket {
  const core = rtpCore();
  if (bytes.length > core.io.length) throw new RtpError('malformed-rtp', `RTP packet of ${bytes.length} bytes is larger than any datagram`);
  core.io.set(bytes);
  const off = core.fns.rtpParse(bytes.length);
  if (off < 0) throw new RtpError('malformed-rtp', 'RTP packet is truncated or its lengths do not add up (RFC 3550 §5.1, RFC 8285)');
  const h = core.header;
  const flags = h[H.flags];
  const cc = h[H.csrcCount];
  const csrc: number[] = [];
  if (cc > 0) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset + 12, cc * 4);
    for (let i = 0; i < cc; i++) csrc.push(dv.getUint32(i * 4));
  }
  const packet: RtpPacket = {
    payloadType: h[H.payloadType],
    marker: (flags & 1) !== 0,
    sequenceNumber: h[H.sequence],
    timestamp: h[H.timestamp] >>> 0,
    ssrc: h[H.ssrc] >>> 0,
    csrc,
    extensions: [],
    paddingLength: h[H.padding],
    payload: bytes.subarray(off, off + h[H.payloadLength]),
  };
  const profile = h[H.extProfile];
  if (profile >= 0) {
    if (profile === 0xbede) packet.extensionProfile = 'one-byte';
    else if ((profile & 0xfff0) === 0x1000) packet.extensionProfile = 'two-byte';
    else {
      packet.extensionProfile = profile;
      packet.extensionData = bytes.subarray(h[H.extOffset], h[H.extOffset] + h[H.extLength]);
    }
    const n = h[H.extCount];
    for (let i = 0; i < n; i++) {
      const at = H.extTable + i * 3;
      const start = h[at + 1];
      packet.extensions.push({ id: h[at], data: bytes.subarray(start, start + h[at + 2]) });
    }
  }
  return packet;
}

/** The data of the first header extension with this id, or undefined. */
export function getExtension(packet: RtpPacket, id: number): Uint8Array | undefined {
  for (const e of packet.extensions) if (e.id === id) return e.data;
  return undefined;
}

/** Replaces (or adds) the header extension with this id. */
export function setExtension(packet: RtpPacket, id: number, data: Uint8Array): void {
  const i = packet.extensions.findIndex((e) => e.id === id);
  if (i >= 0) packet.extensions[i] = { id, data };
  else packet.extensions.push({ id, data });
}

/** Serialises an RTP packet (version 2). Throws DOMException on fields out of range. */
export function serializeRtp(packet: RtpPacket): Uint8Array {
  const core = rtpCore();
  const cc = packet.csrc.length;
  if (cc > 15) throw misuse('RangeError', 'an RTP packet carries at most 15 CSRCs (RFC 3550 §5.1)');
  const io = core.io;
  let o = 0;
  const need = cc * 4 + packet.payload.length + extensionInputSize(packet);
  if (need > io.length) throw misuse('RangeError', `RTP packet of ${need} bytes does not fit a datagram`);
  for (const c of packet.csrc) {
    io[o] = c >>> 24;
    io[o + 1] = c >>> 16;
    io[o + 2] = c >>> 8;
    io[o + 3] = c;
    o += 4;
  }
  let mode: number = RTP_EXT_MODE.none;
  let profile = 0;
  const extStart = o;
  const p = packet.extensionProfile;
  if (typeof p === 'number') {
    const body = packet.extensionData ?? new Uint8Array(0);
    if (body.length % 4 !== 0) throw misuse('RangeError', 'an opaque RTP header extension body is a multiple of 4 bytes (RFC 3550 §5.3.1)');
    mode = RTP_EXT_MODE.raw;
    profile = p;
    io.set(body, o);
    o += body.length;
  } else if (packet.extensions.length > 0) {
    let oneByteOk = true;
    for (const e of packet.extensions) {
      if (e.id < 1 || e.id > 255 || e.data.length > 255) {
        throw misuse('RangeError', `header extension id ${e.id} / ${e.data.length} bytes: ids are 1-255 and data at most 255 bytes (RFC 8285)`);
      }
      if (e.id > 14 || e.data.length < 1 || e.data.length > 16) oneByteOk = false;
      io[o] = e.id;
      io[o + 1] = e.data.length;
      io.set(e.data, o + 2);
      o += 2 + e.data.length;
    }
    if (p === 'one-byte' && !oneByteOk) {
      throw misuse('RangeError', 'one-byte header extensions need ids 1-14 and 1-16 bytes of data (RFC 8285 §4.2): use two-byte');
    }
    mode = p === 'two-byte' || !oneByteOk ? RTP_EXT_MODE.twoByte : RTP_EXT_MODE.oneByte;
  } else if (p === 'one-byte' || p === 'two-byte') {
    mode = p === 'one-byte' ? RTP_EXT_MODE.oneByte : RTP_EXT_MODE.twoByte;
  }
  const extLen = o - extStart;
  io.set(packet.payload, o);
  o += packet.payload.length;
  const n = core.fns.rtpSerialize(
    o, packet.payloadType, packet.marker ? 1 : 0, packet.sequenceNumber, packet.timestamp >>> 0, packet.ssrc >>> 0,
    cc, mode, profile, extLen, packet.paddingLength,
  );
  if (n < 0) throw misuse('RangeError', 'RTP header fields out of range: payloadType 0-127, padding 0-255, extension profile 0-65535');
  return pooledCopy(core.packets.subarray(0, n));
}

function extensionInputSize(packet: RtpPacket): number {
  if (typeof packet.extensionProfile === 'number') return packet.extensionData?.length ?? 0;
  let n = 0;
  for (const e of packet.extensions) n += 2 + e.data.length;
  return n;
}
