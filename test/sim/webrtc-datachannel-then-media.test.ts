import { MediaStream, MediaStreamTrack, RTCPeerConnection, type RTCDataChannel, type RTCDataChannelEvent, type RTCPeerConnectionIceEvent, type RTCTrackEvent } from '../../src/webrtc/index';

// A data-channel-only session keys no SRTP contexts (Connection #keySrtp, memory per idle
// connection); media added later by renegotiation must still flow both ways, with the
// DTLS-SRTP keys exported at the first handshake (RFC 5764 §4.2).
const CONFIG = { iceAddresses: ['127.0.0.1'] };

function trickle(from: RTCPeerConnection, to: RTCPeerConnection): void {
  from.addEventListener('icecandidate', (e) => void to.addIceCandidate((e as RTCPeerConnectionIceEvent).candidate ?? null).catch(() => undefined));
}

function rtp(seq: number, payload: number[]): Uint8Array {
  const p = new Uint8Array(12 + payload.length);
  p[0] = 0x80;
  p[1] = 111;
  p[2] = seq >> 8;
  p[3] = seq & 0xff;
  new DataView(p.buffer).setUint32(4, seq * 960);
  new DataView(p.buffer).setUint32(8, 0x4321);
  p.set(payload, 12);
  return p;
}

async function negotiate(offerer: RTCPeerConnection, answerer: RTCPeerConnection): Promise<void> {
  await offerer.setLocalDescription();
  await answerer.setRemoteDescription(offerer.localDescription!);
  await answerer.setLocalDescription();
  await offerer.setRemoteDescription(answerer.localDescription!);
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what} within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

/** Writes packets on `local` until `remote` has seen `count` of them (bounded: 40 rounds). */
async function sendUntilReceived(local: MediaStreamTrack, remote: MediaStreamTrack, count: number): Promise<Uint8Array[]> {
  const got: Uint8Array[] = [];
  remote.addEventListener('rtp', (e) => got.push((e as unknown as { packet: { bytes: Uint8Array } }).packet.bytes));
  for (let round = 0; round < 40 && got.length < count; round++) {
    local.writeRtp(rtp(round + 1, [9, 8, 7, round]));
    await new Promise((r) => setTimeout(r, 25));
  }
  return got;
}

describe('data channel first, media added by renegotiation', () => {
  it('keys SRTP when media is negotiated after a data-only handshake, and RTP flows both ways', async () => {
    const a = new RTCPeerConnection(CONFIG);
    const b = new RTCPeerConnection(CONFIG);
    try {
      trickle(a, b);
      trickle(b, a);
      const dc = a.createDataChannel('first');
      const opened = new Promise((r) => dc.addEventListener('open', r, { once: true }));
      const remoteDc = new Promise<RTCDataChannel>((r) => (b.ondatachannel = (e) => r((e as RTCDataChannelEvent).channel)));
      await negotiate(a, b);
      await within(opened, 10000, 'data channel open');
      await remoteDc;
      // Data-only: SRTP counters read as zero (no context has done anything yet).
      const before = [...(await a.getStats()).values()].find((s) => s.type === 'transport') as { omnirtcCounters: { srtpInbound: unknown; srtpOutbound: unknown } } | undefined;
      expect(before?.omnirtcCounters.srtpInbound).toEqual({ auth: 0, replay: 0, malformed: 0, capacity: 0, exhausted: 0 });
      expect(before?.omnirtcCounters.srtpOutbound).toEqual({ auth: 0, replay: 0, malformed: 0, capacity: 0, exhausted: 0 });

      // a adds audio; b answers with its own audio on the same transceiver.
      const fromA = new MediaStreamTrack({ kind: 'audio' });
      a.addTrack(fromA, new MediaStream());
      const atB = new Promise<RTCTrackEvent>((r) => (b.ontrack = r));
      const atA = new Promise<RTCTrackEvent>((r) => (a.ontrack = r));
      await a.setLocalDescription();
      await b.setRemoteDescription(a.localDescription!);
      const fromB = new MediaStreamTrack({ kind: 'audio' });
      await b.getTransceivers()[0].sender.replaceTrack(fromB);
      b.getTransceivers()[0].direction = 'sendrecv';
      await b.setLocalDescription();
      await a.setRemoteDescription(b.localDescription!);
      const remoteAtB = (await within(atB, 5000, 'track at b')).track;
      const remoteAtA = (await within(atA, 5000, 'track at a')).track;

      const ab = await sendUntilReceived(fromA, remoteAtB, 3);
      const ba = await sendUntilReceived(fromB, remoteAtA, 3);
      expect(ab.length).toBeGreaterThanOrEqual(3);
      expect(ba.length).toBeGreaterThanOrEqual(3);
      expect(Array.from(ab[0].subarray(ab[0].length - 4, ab[0].length - 1))).toEqual([9, 8, 7]);
      expect(Array.from(ba[0].subarray(ba[0].length - 4, ba[0].length - 1))).toEqual([9, 8, 7]);
      // The data channel still works after the renegotiation.
      const msg = new Promise((r) => dc.addEventListener('message', (e) => r((e as MessageEvent).data), { once: true }));
      (await remoteDc).send('still here');
      expect(await within(msg, 5000, 'message')).toBe('still here');
    } finally {
      a.close();
      b.close();
    }
  });
});
