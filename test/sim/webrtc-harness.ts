import { MediaStream, MediaStreamTrack, RTCPeerConnection, type RTCPeerConnectionIceEvent, type RTCTrackEvent } from '../../src/webrtc/index';

// Shared set-up for two omnirtc peers over real UDP on 127.0.0.1 (webrtc-*-loopback tests).

/** Gathers on 127.0.0.1 only (network safety rule). */
export const LOOPBACK_CONFIG = { iceAddresses: ['127.0.0.1'] };

/** Forwards every candidate `from` gathers to `to` (trickle ICE, RFC 8838). */
export function trickle(from: RTCPeerConnection, to: RTCPeerConnection): void {
  from.addEventListener('icecandidate', (e) => {
    const c = (e as RTCPeerConnectionIceEvent).candidate;
    void to.addIceCandidate(c ?? null).catch(() => undefined);
  });
}

/** Two loopback peers, each trickling its candidates to the other. */
export function trickledPair(): [RTCPeerConnection, RTCPeerConnection] {
  const a = new RTCPeerConnection(LOOPBACK_CONFIG);
  const b = new RTCPeerConnection(LOOPBACK_CONFIG);
  trickle(a, b);
  trickle(b, a);
  return [a, b];
}

/** One offer/answer exchange, `offerer` first. */
export async function negotiate(offerer: RTCPeerConnection, answerer: RTCPeerConnection): Promise<void> {
  await offerer.setLocalDescription();
  await answerer.setRemoteDescription(offerer.localDescription!);
  await answerer.setLocalDescription();
  await offerer.setRemoteDescription(answerer.localDescription!);
}

/** Resolves once `pc` reaches connectionState `state`; rejects after `ms`. */
export function waitFor(pc: RTCPeerConnection, state: string, ms = 10000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pc.connectionState === state) return resolve();
    const timer = setTimeout(() => reject(new Error(`connectionState stayed ${pc.connectionState}, wanted ${state}`)), ms);
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === state) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/**
 * `a` sends an audio and a video track in one stream; after one negotiation both peers are
 * connected. Returns a's tracks and the track events b has seen (and goes on collecting).
 */
export async function connectWithAudioVideo(a: RTCPeerConnection, b: RTCPeerConnection): Promise<{ audio: MediaStreamTrack; video: MediaStreamTrack; tracks: RTCTrackEvent[] }> {
  const audio = new MediaStreamTrack({ kind: 'audio' });
  const video = new MediaStreamTrack({ kind: 'video' });
  const stream = new MediaStream();
  a.addTrack(audio, stream);
  a.addTrack(video, stream);
  const tracks: RTCTrackEvent[] = [];
  b.ontrack = (e) => tracks.push(e);
  await negotiate(a, b);
  await Promise.all([waitFor(a, 'connected'), waitFor(b, 'connected')]);
  return { audio, video, tracks };
}
