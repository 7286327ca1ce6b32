import type { TransportSource } from '../../src/webrtc/rtc-transports';

// Shared pieces of the webrtc sender/receiver unit tests (webrtc-rtp-feedback, webrtc-twcc).

/** A transport view with nothing behind it: these tests drive sender and receiver directly. */
export const NO_TRANSPORT: TransportSource = {
  localCandidates: () => [],
  remoteCandidates: () => [],
  selectedPair: () => undefined,
  localParameters: () => null,
  remoteParameters: () => null,
  remoteCertificates: () => [],
  mid: () => '0',
};

/** A bare RTP packet (RFC 3550 §5.1: V=2, PT 100, sequence 0, SSRC 0) with timestamp `ts`. */
export function rtp(ts: number, payload: number[]): Uint8Array {
  const p = new Uint8Array(12 + payload.length);
  p[0] = 0x80;
  p[1] = 100;
  new DataView(p.buffer).setUint32(4, ts);
  p.set(payload, 12);
  return p;
}
