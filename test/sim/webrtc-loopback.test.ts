import { parse } from '../../src/sdp/index';
import type { RTCDataChannel, RTCDataChannelEvent } from '../../src/webrtc/index';
import { connectWithAudioVideo, negotiate, trickledPair } from './webrtc-harness';

// Two omnirtc peers over real UDP on 127.0.0.1: ICE, DTLS, SRTP, media both ways.

function rtp(seq: number, ts: number, payload: number[]): Uint8Array {
  const p = new Uint8Array(12 + payload.length);
  p[0] = 0x80;
  p[1] = 111;
  p[2] = seq >> 8;
  p[3] = seq & 0xff;
  new DataView(p.buffer).setUint32(4, ts);
  new DataView(p.buffer).setUint32(8, 0x1234);
  p.set(payload, 12);
  return p;
}

function nextMessage(ch: RTCDataChannel): Promise<unknown> {
  return new Promise((resolve) => ch.addEventListener('message', (e) => resolve((e as MessageEvent).data), { once: true }));
}

describe('omnirtc ↔ omnirtc over loopback UDP', () => {
  it('opens a data channel (DCEP) and exchanges text and binary both ways', async () => {
    const [a, b] = trickledPair();
    try {
      const dc = a.createDataChannel('chat', { protocol: 'p1' });
      const remote = new Promise<RTCDataChannel>((resolve) => {
        b.ondatachannel = (e) => resolve((e as RTCDataChannelEvent).channel);
      });
      const opened = new Promise((resolve) => dc.addEventListener('open', resolve, { once: true }));
      await negotiate(a, b);
      await opened;
      const rc = await remote;
      expect([rc.label, rc.protocol, rc.id, dc.id]).toEqual(['chat', 'p1', dc.id, rc.id]);
      // DTLS client (answerer, setup:active) uses even ids (RFC 8832 §6): the offerer's is odd.
      expect((dc.id ?? 0) % 2).toBe(1);
      const m1 = nextMessage(rc);
      dc.send('hello from a');
      expect(await m1).toBe('hello from a');
      const m2 = nextMessage(dc);
      rc.send(new Uint8Array([1, 2, 3]));
      expect(new Uint8Array((await m2) as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]));
      // A big message (fragmented across SCTP DATA chunks and DTLS records).
      const big = new Uint8Array(200_000).map((_, i) => i & 0xff);
      const m3 = nextMessage(rc);
      dc.send(big);
      expect(new Uint8Array((await m3) as ArrayBuffer)).toEqual(big);
      const stats = await a.getStats();
      const pcStats = [...stats.values()].find((s) => s.type === 'peer-connection');
      expect(pcStats?.dataChannelsOpened).toBe(1);
      const dcStats = [...stats.values()].find((s) => s.type === 'data-channel');
      expect(dcStats).toMatchObject({ label: 'chat', protocol: 'p1', state: 'open', messagesSent: 2, bytesSent: 12 + 200_000, messagesReceived: 1, bytesReceived: 3 });
      // W3C transports: the SCTP transport over the DTLS transport over the ICE transport.
      expect(a.sctp?.state).toBe('connected');
      expect(a.sctp?.maxMessageSize).toBe(262144);
      expect(a.sctp?.transport.state).toBe('connected');
      expect(a.sctp?.transport.iceTransport.role).toBe('controlling');
      expect(b.sctp?.transport.iceTransport.role).toBe('controlled');
      expect(a.sctp?.transport.iceTransport.getSelectedCandidatePair()?.remote.address).toBe('127.0.0.1');
      expect(new Uint8Array(a.sctp?.transport.getRemoteCertificates()[0] ?? new ArrayBuffer(0))[0]).toBe(0x30); // DER SEQUENCE
      // Closing: the peer sees close.
      const closed = new Promise((resolve) => rc.addEventListener('close', resolve, { once: true }));
      dc.close();
      await closed;
      expect(rc.readyState).toBe('closed');
    } finally {
      a.close();
      b.close();
    }
  });

  it('connects, and media written on one side arrives as RTP and frames on the other', async () => {
    const [a, b] = trickledPair();
    try {
      const gathering: string[] = [];
      a.onicegatheringstatechange = () => gathering.push(a.iceGatheringState);
      const candidates: (string | null)[] = [];
      a.onicecandidate = (e) => candidates.push(e.candidate ? e.candidate.candidate : null);
      const states: string[] = [];
      a.onconnectionstatechange = () => states.push(a.connectionState);
      const { audio, video, tracks } = await connectWithAudioVideo(a, b);
      expect(a.iceConnectionState).toMatch(/connected|completed/);
      // W3C §4.3.2/§4.3.3: gathering new → gathering → complete, then a null candidate; connecting → connected.
      if (a.iceGatheringState !== 'complete') await new Promise((r) => a.addEventListener('icegatheringstatechange', r, { once: true }));
      expect(gathering).toEqual(['gathering', 'complete']);
      expect(candidates.at(-1)).toBeNull();
      expect(candidates[0]).toMatch(/^candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
      expect(states).toEqual(['connecting', 'connected']);
      expect(parse(a.localDescription?.sdp ?? '').media[0].candidates.length).toBeGreaterThan(0);
      expect(tracks.map((t) => t.track.kind)).toEqual(['audio', 'video']);
      // Remote tracks start muted and unmute with their first packet (W3C §5.3).
      expect(tracks[0].track.muted).toBe(true);
      const unmuted = new Promise((r) => tracks[0].track.addEventListener('unmute', r, { once: true }));

      // RTP: payload type and SSRC rewritten to the negotiated ones, payload intact.
      const got: Uint8Array[] = [];
      tracks[0].track.addEventListener('rtp', (e) => got.push((e as unknown as { packet: { bytes: Uint8Array } }).packet.bytes));
      for (let i = 0; i < 5; i++) audio.writeRtp(rtp(100 + i, 960 * i, [1, 2, 3, i]));
      // Frames: a VP8 key frame packetised in WASM, depacketised on the far side.
      const frames = tracks[1].track.frames();
      const vp8 = new Uint8Array(3000);
      vp8[0] = 0x10; // RFC 6386 §9.1 frame tag: P=0 (key frame), show_frame=1
      vp8.set([0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00], 3);
      for (let i = 10; i < vp8.length; i++) vp8[i] = i & 0xff;
      const first = frames.next();
      video.writeFrame({ data: vp8, timestamp: 90000, keyframe: true });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const frame = await Promise.race([first, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error('no VP8 frame arrived in 5 s')), 5000)))]);
      clearTimeout(timer);
      expect(frame.done).toBe(false);
      expect(frame.value.data).toEqual(vp8);
      expect(frame.value.mimeType).toBe('video/VP8');
      await new Promise((r) => setTimeout(r, 100));
      await unmuted;
      expect(tracks[0].track.muted).toBe(false);
      expect(got.length).toBe(5);
      expect(Array.from(got[4].subarray(got[4].length - 4))).toEqual([1, 2, 3, 4]);
      expect(got[0][1] & 0x7f).toBe(111);
      const sender = a.getSenders()[0];
      expect((((got[0][8] << 24) | (got[0][9] << 16) | (got[0][10] << 8) | got[0][11]) >>> 0)).toBe(sender.ssrc);

      // getStats on both ends: W3C types, counters that match what was sent.
      const aStats = [...(await a.getStats()).values()];
      const bStats = [...(await b.getStats()).values()];
      const out = aStats.find((s) => s.type === 'outbound-rtp' && s.kind === 'audio');
      const inb = bStats.find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
      expect(out?.packetsSent).toBe(5);
      expect(inb?.packetsReceived).toBe(5);
      expect(inb?.packetsLost).toBe(0);
      expect(bStats.find((s) => s.type === 'codec' && s.mimeType === 'audio/opus')).toBeDefined();
      const pair = bStats.find((s) => s.type === 'candidate-pair' && s.selected === true);
      expect(pair?.state).toBe('succeeded');

      // Stopping a transceiver: renegotiation rejects its section and the peer gets an RTCP BYE.
      type Counters = { connection: { byeReceived: number } } | undefined;
      const before = (bStats.find((s) => s.type === 'transport')?.omnirtcCounters as Counters)?.connection.byeReceived ?? 0;
      a.getTransceivers()[0].stop();
      await negotiate(a, b);
      expect(b.getTransceivers()[0].stopped).toBe(true);
      expect(tracks[0].track.readyState).toBe('ended');
      await new Promise((r) => setTimeout(r, 100));
      const after = [...(await b.getStats()).values()].find((s) => s.type === 'transport')?.omnirtcCounters as Counters;
      expect(after?.connection.byeReceived).toBeGreaterThan(before);
    } finally {
      a.close();
      b.close();
    }
  });
});
