// Event interfaces of RTCPeerConnection (W3C WebRTC §4.8.3, §5.7, §6.2).
import type { MediaStream } from './media-stream.js';
import type { MediaStreamTrack } from './media-stream-track.js';
import type { RTCIceCandidate } from './rtc-ice-candidate.js';
import type { RTCRtpReceiver } from './rtc-rtp-receiver.js';
import type { RTCRtpTransceiver } from './rtc-rtp-transceiver.js';

export class RTCPeerConnectionIceEvent extends Event {
  readonly candidate: RTCIceCandidate | null;
  readonly url: string | null;
  constructor(type: string, init: { candidate?: RTCIceCandidate | null; url?: string | null } = {}) {
    super(type);
    this.candidate = init.candidate ?? null;
    this.url = init.url ?? null;
  }
}

export class RTCPeerConnectionIceErrorEvent extends Event {
  readonly address: string | null;
  readonly port: number | null;
  readonly url: string;
  readonly errorCode: number;
  readonly errorText: string;
  constructor(type: string, init: { address?: string | null; port?: number | null; url?: string; errorCode: number; errorText?: string }) {
    super(type);
    this.address = init.address ?? null;
    this.port = init.port ?? null;
    this.url = init.url ?? '';
    this.errorCode = init.errorCode;
    this.errorText = init.errorText ?? '';
  }
}

export class RTCTrackEvent extends Event {
  readonly receiver: RTCRtpReceiver;
  readonly track: MediaStreamTrack;
  readonly streams: readonly MediaStream[];
  readonly transceiver: RTCRtpTransceiver;
  constructor(type: string, init: { receiver: RTCRtpReceiver; track: MediaStreamTrack; streams?: MediaStream[]; transceiver: RTCRtpTransceiver }) {
    super(type);
    this.receiver = init.receiver;
    this.track = init.track;
    this.streams = Object.freeze([...(init.streams ?? [])]);
    this.transceiver = init.transceiver;
  }
}
