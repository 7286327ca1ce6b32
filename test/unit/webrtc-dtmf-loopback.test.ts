// DTMF between two omnirtc peers over real UDP on 127.0.0.1 (ICE, DTLS, SRTP): one peer's
// sender.dtmf.insertDTMF reaches the other's receiver as 'dtmf' events, one per tone, while
// the program's audio keeps flowing on the same SSRC.
import { parse } from '../../src/sdp/index';
import { type DtmfEvent, MediaStreamTrack, type RTCDTMFToneChangeEvent, type RTCRtpPacketEvent, type RTCRtpReceiver } from '../../src/webrtc/index';
import { negotiate, trickledPair, waitFor } from '../sim/webrtc-harness';

function opusLikeRtp(seq: number, ts: number): Uint8Array {
  const p = new Uint8Array(12 + 20);
  p[0] = 0x80;
  p[1] = 111;
  new DataView(p.buffer).setUint16(2, seq);
  new DataView(p.buffer).setUint32(4, ts);
  p.fill(0xf8, 12); // a TOC byte per Opus frame; content does not matter here
  return p;
}

describe('DTMF omnirtc ↔ omnirtc over loopback UDP', () => {
  it('negotiates telephone-event and delivers each inserted tone once, in order, beside the audio', async () => {
    const [a, b] = trickledPair();
    const timers: ReturnType<typeof setInterval>[] = [];
    try {
      const audio = new MediaStreamTrack({ kind: 'audio' });
      const sender = a.addTrack(audio);
      const receiver = new Promise<RTCRtpReceiver>((resolve) => {
        b.ontrack = (e) => resolve(e.receiver);
      });
      await negotiate(a, b);
      const offered = parse(a.localDescription?.sdp ?? '').media[0];
      expect(offered.rtpMaps.filter((m) => m.encodingName === 'telephone-event').map((m) => m.clockRate)).toEqual([48000, 8000]);
      expect(offered.fmtps.find((f) => f.payloadType === 110)?.parameters).toBe('0-15');
      await Promise.all([waitFor(a, 'connected'), waitFor(b, 'connected')]);
      const rx = await receiver;
      // Audio at 20 ms pace all along.
      let seq = 0;
      let ts = 0;
      timers.push(
        setInterval(() => {
          audio.writeRtp(opusLikeRtp(seq++, ts));
          ts += 960;
        }, 20),
      );
      let audioPackets = 0;
      let framesSeen = 0;
      rx.track.addEventListener('rtp', (e) => {
        if ((e as RTCRtpPacketEvent).packet.payloadType === 111) audioPackets++;
      });
      void (async () => {
        for await (const f of rx.track.frames()) {
          expect(f.mimeType.toLowerCase()).toBe('audio/opus');
          framesSeen++;
        }
      })();
      const dtmf = sender.dtmf;
      expect(dtmf?.canInsertDTMF).toBe(true);
      const received: DtmfEvent[] = [];
      const allTones = new Promise<void>((resolve) => {
        rx.addEventListener('dtmf', (e) => {
          received.push(e as DtmfEvent);
          if (received.length === 4) resolve();
        });
      });
      const changes: string[] = [];
      const finished = new Promise<void>((resolve) => {
        dtmf?.addEventListener('tonechange', (e) => {
          changes.push((e as RTCDTMFToneChangeEvent).tone);
          if ((e as RTCDTMFToneChangeEvent).tone === '') resolve();
        });
      });
      // Tones once audio flows (the events are stamped on its clock).
      for (let i = 0; i < 200 && audioPackets < 5; i++) await new Promise((r) => setTimeout(r, 10));
      dtmf?.insertDTMF('123#', 80, 50);
      await finished;
      await allTones;
      // Late copies of the last end report must not make a fifth event.
      await new Promise((r) => setTimeout(r, 250));
      expect(changes).toEqual(['1', '2', '3', '#', '']);
      expect(received.map((e) => e.tone)).toEqual(['1', '2', '3', '#']);
      for (const e of received) {
        expect(e.duration).toBe(80);
        expect(e.endReceived).toBe(true);
        expect(e.volume).toBe(10);
      }
      expect(new Set(received.map((e) => e.ssrc))).toEqual(new Set([sender.ssrc]));
      expect(rx.dtmfCounters).toMatchObject({ tones: 4, malformed: 0 });
      expect(rx.dtmfCounters.duplicates).toBeGreaterThanOrEqual(8);
      expect(audioPackets).toBeGreaterThan(10);
      expect(framesSeen).toBeGreaterThan(0);
      // Same SSRC and sequence space: no loss is seen on the receiving side.
      const inbound = [...(await b.getStats()).values()].find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
      expect(inbound?.packetsLost).toBe(0);
      expect(inbound?.ssrc).toBe(sender.ssrc);
      expect(inbound?.omnirtcTelephoneEvents).toMatchObject({ tones: 4, malformed: 0 });
    } finally {
      for (const t of timers) clearInterval(t);
      a.close();
      b.close();
    }
  });

  it('carries DTMF through a forwarding peer (a remote track handed to addTrack, as a SIP/SFU bridge does)', async () => {
    const [a, b] = trickledPair();
    const [b2, c] = trickledPair();
    const timers: ReturnType<typeof setInterval>[] = [];
    try {
      const audio = new MediaStreamTrack({ kind: 'audio' });
      const sender = a.addTrack(audio);
      const atB = new Promise<RTCRtpReceiver>((resolve) => {
        b.ontrack = (e) => resolve(e.receiver);
      });
      await negotiate(a, b);
      const fromA = await atB;
      // b forwards a's audio (and with it a's telephone-events) to c.
      b2.addTrack(fromA.track);
      const atC = new Promise<RTCRtpReceiver>((resolve) => {
        c.ontrack = (e) => resolve(e.receiver);
      });
      await negotiate(b2, c);
      await Promise.all([waitFor(a, 'connected'), waitFor(b, 'connected'), waitFor(b2, 'connected'), waitFor(c, 'connected')]);
      const rx = await atC;
      let seq = 0;
      let ts = 0;
      timers.push(
        setInterval(() => {
          audio.writeRtp(opusLikeRtp(seq++, ts));
          ts += 960;
        }, 20),
      );
      const got: DtmfEvent[] = [];
      const two = new Promise<void>((resolve) => {
        rx.addEventListener('dtmf', (e) => {
          got.push(e as DtmfEvent);
          if (got.length === 2) resolve();
        });
      });
      for (let i = 0; i < 200 && rx.sources.size === 0; i++) await new Promise((r) => setTimeout(r, 10));
      sender.dtmf?.insertDTMF('*7', 60, 40);
      await two;
      await new Promise((r) => setTimeout(r, 200));
      expect(got.map((e) => [e.tone, e.duration])).toEqual([
        ['*', 60],
        ['7', 60],
      ]);
    } finally {
      for (const t of timers) clearInterval(t);
      for (const pc of [a, b, b2, c]) pc.close();
    }
  });

  it("answers tones from a 'dtmf' listener (an IVR echoing digits): insertDTMF inside the connection's event loop", async () => {
    const [a, b] = trickledPair();
    const timers: ReturnType<typeof setInterval>[] = [];
    try {
      const audioA = new MediaStreamTrack({ kind: 'audio' });
      const audioB = new MediaStreamTrack({ kind: 'audio' });
      const senderA = a.addTrack(audioA);
      await a.setLocalDescription();
      await b.setRemoteDescription(a.localDescription ?? { type: 'offer', sdp: '' });
      const tb = b.getTransceivers()[0];
      await tb.sender.replaceTrack(audioB);
      tb.direction = 'sendrecv';
      await b.setLocalDescription();
      await a.setRemoteDescription(b.localDescription ?? { type: 'answer', sdp: '' });
      await Promise.all([waitFor(a, 'connected'), waitFor(b, 'connected')]);
      let seq = 0;
      let ts = 0;
      timers.push(
        setInterval(() => {
          audioA.writeRtp(opusLikeRtp(seq, ts));
          audioB.writeRtp(opusLikeRtp(seq++, ts));
          ts += 960;
        }, 20),
      );
      // b echoes every digit it hears, from inside the 'dtmf' event.
      tb.receiver.addEventListener('dtmf', (e) => tb.sender.dtmf?.insertDTMF(`${tb.sender.dtmf.toneBuffer}${(e as DtmfEvent).tone}`, 60, 40));
      const echoed: string[] = [];
      const both = new Promise<void>((resolve) => {
        a.getTransceivers()[0].receiver.addEventListener('dtmf', (e) => {
          echoed.push((e as DtmfEvent).tone);
          if (echoed.length === 2) resolve();
        });
      });
      for (let i = 0; i < 200 && tb.receiver.sources.size === 0; i++) await new Promise((r) => setTimeout(r, 10));
      senderA.dtmf?.insertDTMF('42', 60, 40);
      await both;
      expect(echoed).toEqual(['4', '2']);
    } finally {
      for (const t of timers) clearInterval(t);
      a.close();
      b.close();
    }
  });
});
