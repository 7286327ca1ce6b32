// What omnirtc offers and accepts: codecs with their payload types, fmtp and RTCP feedback
// (RFC 4585 nack/pli, RFC 5104 ccm fir, transport-cc, goog-remb), and header extensions
// (RFC 8285). Payload types follow Chromium's numbering so offers look familiar to peers.
import type { CodecSpec } from '../sdp/jsep.js';

export interface RTCRtpCodec {
  mimeType: string;
  clockRate: number;
  channels?: number;
  sdpFmtpLine?: string;
}

export interface RTCRtpCodecParameters extends RTCRtpCodec {
  payloadType: number;
}

export interface RTCRtcpFeedback {
  type: string;
  parameter?: string;
}

export interface RTCRtpHeaderExtensionCapability {
  uri: string;
}

export interface RTCRtpCapabilities {
  codecs: RTCRtpCodec[];
  headerExtensions: RTCRtpHeaderExtensionCapability[];
}

/** A local codec description: payload type we offer, feedback we support, RTX pair. */
export type LocalCodec = CodecSpec;

export type MediaKind = 'audio' | 'video';

// transport-cc and goog-remb are not offered: omnirtc does not generate that feedback yet,
// and a peer that negotiates them expects it (it falls back to RTCP RR loss otherwise).
const VIDEO_FEEDBACK: RTCRtcpFeedback[] = [
  { type: 'ccm', parameter: 'fir' },
  { type: 'nack' },
  { type: 'nack', parameter: 'pli' },
];

export const DEFAULT_CODECS: Record<MediaKind, readonly LocalCodec[]> = {
  audio: [
    { payloadType: 111, name: 'opus', clockRate: 48000, channels: 2, fmtp: 'minptime=10;useinbandfec=1', feedback: [] },
    { payloadType: 0, name: 'PCMU', clockRate: 8000, feedback: [] },
    { payloadType: 8, name: 'PCMA', clockRate: 8000, feedback: [] },
  ],
  video: [
    { payloadType: 96, name: 'VP8', clockRate: 90000, feedback: VIDEO_FEEDBACK, rtxPayloadType: 97 },
    { payloadType: 98, name: 'VP9', clockRate: 90000, fmtp: 'profile-id=0', feedback: VIDEO_FEEDBACK, rtxPayloadType: 99 },
    {
      payloadType: 109,
      name: 'H264',
      clockRate: 90000,
      fmtp: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
      feedback: VIDEO_FEEDBACK,
      rtxPayloadType: 114,
    },
    {
      payloadType: 103,
      name: 'H264',
      clockRate: 90000,
      fmtp: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f',
      feedback: VIDEO_FEEDBACK,
      rtxPayloadType: 104,
    },
    { payloadType: 45, name: 'AV1', clockRate: 90000, fmtp: 'level-idx=5;profile=0;tier=0', feedback: VIDEO_FEEDBACK, rtxPayloadType: 46 },
  ],
};

export const EXT = {
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  absSendTime: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  transportCc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  mid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
  rid: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  repairedRid: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
} as const;

/** Header extensions with the ids we offer (Chromium's ids, RFC 8285 one-byte form). */
export const DEFAULT_EXTENSIONS: Record<MediaKind, readonly { id: number; uri: string }[]> = {
  audio: [
    { id: 1, uri: EXT.audioLevel },
    { id: 2, uri: EXT.absSendTime },
    { id: 4, uri: EXT.mid },
  ],
  video: [
    { id: 2, uri: EXT.absSendTime },
    { id: 4, uri: EXT.mid },
    { id: 10, uri: EXT.rid },
    { id: 11, uri: EXT.repairedRid },
  ],
};

export function mimeTypeOf(kind: MediaKind, name: string): string {
  return `${kind}/${name}`;
}

/** RTCRtpSender/Receiver.getCapabilities(kind) (W3C WebRTC §5.2). */
export function capabilitiesFor(kind: string): RTCRtpCapabilities | null {
  if (kind !== 'audio' && kind !== 'video') return null;
  const codecs: RTCRtpCodec[] = [];
  for (const c of DEFAULT_CODECS[kind]) {
    const codec: RTCRtpCodec = { mimeType: mimeTypeOf(kind, c.name), clockRate: c.clockRate };
    if (c.channels !== undefined) codec.channels = c.channels;
    if (c.fmtp !== undefined) codec.sdpFmtpLine = c.fmtp;
    codecs.push(codec);
  }
  if (kind === 'video') codecs.push({ mimeType: 'video/rtx', clockRate: 90000 });
  return { codecs, headerExtensions: DEFAULT_EXTENSIONS[kind].map((e) => ({ uri: e.uri })) };
}
