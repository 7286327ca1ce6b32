// Media that flows through tracks in omnirtc's server-side media API (DESIGN.md "Public
// API"): RTP packets and encoded frames, and the sink interface a sender implements.
import type { RTCRtpCodecParameters } from './capabilities.js';
import type { TransportCcSender } from './transport-cc-sender.js';

/** One RTP packet (plaintext, full header) with the fields the API exposes. */
export interface MediaRtpPacket {
  bytes: Uint8Array;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  /** The codec the packet's payload type maps to where it was received, if known. */
  codec: RTCRtpCodecParameters | null;
  /** Written with `writeRtp(bytes, { rid })`: the simulcast encoding (RFC 8851 rid) it is for. */
  rid?: string;
}

/** An encoded frame (one VP8/VP9/AV1 picture, one H.264 access unit, one Opus packet). */
export interface EncodedFrameInit {
  data: Uint8Array;
  /** RTP timestamp units (codec clock rate). */
  timestamp: number;
  keyframe?: boolean;
  /** The simulcast encoding (RFC 8851 rid) this frame is for; absent = the first encoding. */
  rid?: string;
}

/** Options of `track.writeRtp(bytes, options)` / `track.writeFrame(frame, options)`. */
export interface TrackWriteOptions {
  /** Send on the sender encoding with this rid (simulcast, W3C sendEncodings); default: the first. */
  rid?: string;
}

export interface EncodedFrame {
  data: Uint8Array;
  timestamp: number;
  keyframe: boolean;
  /** e.g. "video/VP8". */
  mimeType: string;
}

/** A consumer of a track's media: an RTCRtpSender sending it to a peer. */
export interface TrackSink {
  writeRtp(packet: MediaRtpPacket): void;
  writeFrame(frame: EncodedFrameInit): void;
}

/** Parses the fixed RTP header fields (RFC 3550 §5.1); undefined when not RTP v2. */
export function readRtpHeader(bytes: Uint8Array): Omit<MediaRtpPacket, 'bytes' | 'codec'> | undefined {
  if (bytes.length < 12 || bytes[0] >> 6 !== 2) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    payloadType: bytes[1] & 0x7f,
    marker: (bytes[1] & 0x80) !== 0,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
  };
}

/** The road to the peer, given to senders and receivers by the connection once SRTP keys exist. */
export interface RtpSendPath {
  sendRtp(packet: Uint8Array): void;
  sendRtcp(packet: Uint8Array): void;
  /** The transport's monotonic clock in ms (sliding windows such as maxBitrate enforcement). */
  now?(): number;
  /** The BUNDLE transport's transport-wide sequence counter and abs-send-time stamper. */
  transportCc?: TransportCcSender;
  /**
   * The transport's pacer (src/cc): queues a video packet and stamps its transport-cc and
   * abs-send-time extensions (byte offsets, -1 = none) when it is released.
   */
  pace?(packet: Uint8Array, transportCcOffset: number, absSendTimeOffset: number, retransmission: boolean): void;
}
