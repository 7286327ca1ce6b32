import { type KeyFrameRequestEvent, MediaStreamTrack, type RTCPeerConnection, type RTCTrackEvent } from '../../src/webrtc/index';
import type { EncodedFrame } from '../../src/webrtc/media-types';
import { vp8Frame, vp8KeyFrameSize } from '../unit/webrtc-simulcast-helpers';
import { negotiate, trickledPair, waitFor } from './webrtc-harness';

// Simulcast between two omnirtc peers over loopback UDP (RFC 8853, RFC 8851): one sender
// with three rid encodings, one receiver with a remote track per layer, and an SFU hop.

const LAYERS = [
  { rid: 'q', width: 320, height: 180 },
  { rid: 'h', width: 640, height: 360 },
  { rid: 'f', width: 1280, height: 720 },
];

async function nextFrame(it: AsyncIterableIterator<EncodedFrame>, what: string, ms = 5000): Promise<EncodedFrame> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const r = await Promise.race([it.next(), new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`no frame on ${what} within ${ms} ms`)), ms)))]);
    if (r.done) throw new Error(`${what} ended`);
    return r.value;
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with the rid once the sending track sees a key frame request for `rid` (the receiver may also ask by itself, per layer). */
function keyFrameRequest(track: MediaStreamTrack, rid: string, ms = 5000): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no keyframerequest for layer ${rid} reached the sending track`)), ms);
    const listener = (e: Event): void => {
      if ((e as KeyFrameRequestEvent).rid !== rid) return;
      clearTimeout(timer);
      track.removeEventListener('keyframerequest', listener);
      resolve(rid);
    };
    track.addEventListener('keyframerequest', listener);
  });
}

async function simulcastPair(): Promise<{ a: RTCPeerConnection; b: RTCPeerConnection; source: MediaStreamTrack; received: RTCTrackEvent }> {
  const [a, b] = trickledPair();
  const source = new MediaStreamTrack({ kind: 'video' });
  a.addTransceiver(source, { direction: 'sendonly', sendEncodings: LAYERS.map((l) => ({ rid: l.rid })) });
  const received = new Promise<RTCTrackEvent>((resolve) => {
    b.ontrack = (e) => resolve(e);
  });
  await negotiate(a, b);
  await Promise.all([waitFor(a, 'connected'), waitFor(b, 'connected')]);
  return { a, b, source, received: await received };
}

describe('simulcast between two omnirtc peers', () => {
  it('sends three rid layers, each received on its own remote track, with per-layer key frame requests and stats', async () => {
    const { a, b, source, received } = await simulcastPair();
    try {
      // Offer: rids and simulcast send; answer: the same rids as recv (RFC 8853 §5.3).
      expect(a.localDescription?.sdp).toContain('a=simulcast:send q;h;f');
      expect(b.localDescription?.sdp).toContain('a=simulcast:recv q;h;f');
      expect(b.localDescription?.sdp).toContain('a=rid:h recv');
      const layers = received.receiver.getLayers();
      expect(layers.map((t) => t.rid)).toEqual(['q', 'h', 'f']);
      expect(layers[0]).toBe(received.track);
      const readers = layers.map((t) => t.frames());
      for (let i = 0; i < 3; i++) for (const l of LAYERS) source.writeFrame({ data: vp8Frame(i === 0, l.width, l.height, 1500 + i), timestamp: 3000 * i, keyframe: i === 0 }, { rid: l.rid });
      for (let k = 0; k < LAYERS.length; k++) {
        const f = await nextFrame(readers[k], `layer ${LAYERS[k].rid}`);
        expect(vp8KeyFrameSize(f.data)).toEqual({ width: LAYERS[k].width, height: LAYERS[k].height });
        for (let i = 1; i < 3; i++) expect((await nextFrame(readers[k], `layer ${LAYERS[k].rid}`)).data.length).toBe(1500 + i);
      }
      // Each layer has its own SSRC (and RTX SSRC); PLI on one layer reaches that encoding.
      const request = keyFrameRequest(source, 'h');
      const before = [...(await b.getStats()).values()].find((s) => s.type === 'inbound-rtp' && s.rid === 'h')?.pliCount as number;
      received.receiver.requestKeyFrame('h');
      expect(await request).toBe('h');
      const inbound = [...(await b.getStats()).values()].filter((s) => s.type === 'inbound-rtp');
      expect(inbound.map((s) => s.rid).sort()).toEqual(['f', 'h', 'q']);
      expect(new Set(inbound.map((s) => s.ssrc)).size).toBe(3);
      // The rid routing counters ride on the first layer's entry (one SSRC learned per layer,
      // and the first layer's RTX SSRC when a bandwidth probe sent RTX copies of its media).
      const routing = inbound.find((s) => s.rid === 'q')?.omnirtcRidRouting as { learned: number; unknownRid: number; unroutable: number };
      expect({ ...routing, learned: Math.min(routing.learned, 3) }).toEqual({ learned: 3, unknownRid: 0, unroutable: 0 });
      expect(routing.learned).toBeLessThanOrEqual(4);
      for (const s of inbound) expect(s.framesReceived).toBe(3);
      expect(inbound.find((s) => s.rid === 'h')?.pliCount).toBe(before + 1);
      const outbound = [...(await a.getStats()).values()].filter((s) => s.type === 'outbound-rtp');
      expect(outbound.map((s) => s.rid).sort()).toEqual(['f', 'h', 'q']);
      expect(outbound.find((s) => s.rid === 'h')?.pliCount).toBeGreaterThanOrEqual(1);

      // setParameters: encoding "f" inactive stops that layer only.
      const sender = a.getSenders()[0];
      const p = sender.getParameters();
      p.encodings[2].active = false;
      await sender.setParameters(p);
      for (const l of LAYERS) source.writeFrame({ data: vp8Frame(true, l.width, l.height), timestamp: 9000 }, { rid: l.rid });
      await nextFrame(readers[0], 'layer q after setParameters');
      await nextFrame(readers[1], 'layer h after setParameters');
      const sent = [...(await a.getStats()).values()].filter((s) => s.type === 'outbound-rtp');
      expect(sent.find((s) => s.rid === 'f')?.framesSent).toBe(3);
      expect(sent.find((s) => s.rid === 'q')?.framesSent).toBe(4);
      for (const r of readers) await r.return?.();
    } finally {
      a.close();
      b.close();
    }
  });

  it('keeps routing every layer after a renegotiation, when the rid is no longer sent (SSRCs learned earlier)', async () => {
    const { a, b, source, received } = await simulcastPair();
    try {
      const readers = received.receiver.getLayers().map((t) => t.frames());
      const sendAll = (ts: number): void => {
        for (const l of LAYERS) source.writeFrame({ data: vp8Frame(true, l.width, l.height), timestamp: ts, keyframe: true }, { rid: l.rid });
      };
      sendAll(0);
      for (const [k, r] of readers.entries()) await nextFrame(r, `layer ${LAYERS[k].rid}`);
      // RTCP receiver reports for every layer's SSRC: the sender stops stamping the rid.
      const reported = async (): Promise<boolean> => [...(await a.getStats()).values()].filter((s) => s.type === 'remote-inbound-rtp').length >= 3;
      const end = Date.now() + 5000;
      while (!(await reported()) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(await reported()).toBe(true);
      const learned = received.receiver.ridRouting?.learned;
      sendAll(3000);
      for (const [k, r] of readers.entries()) await nextFrame(r, `layer ${LAYERS[k].rid} without rid`);
      // Renegotiation (a new audio section): the learned SSRC → layer pairs survive it.
      a.addTransceiver('audio');
      await negotiate(a, b);
      expect(received.receiver.getLayers().map((t) => t.rid)).toEqual(['q', 'h', 'f']);
      sendAll(6000);
      for (const [k, r] of readers.entries()) expect(vp8KeyFrameSize((await nextFrame(r, `layer ${LAYERS[k].rid} after renegotiation`)).data)?.width).toBe(LAYERS[k].width);
      expect(received.receiver.ridRouting?.learned).toBe(learned);
      expect(received.receiver.ridRouting?.unroutable).toBe(0);
      for (const r of readers) await r.return?.();
    } finally {
      a.close();
      b.close();
    }
  });

  it('forwards a chosen layer to a third peer and switches layers with replaceTrack (an SFU), asking upstream for a key frame', async () => {
    const { a, b, source, received } = await simulcastPair();
    const [c, d] = trickledPair();
    try {
      const [low, mid] = received.receiver.getLayers();
      const forwarded = c.addTrack(low);
      const atD = new Promise<RTCTrackEvent>((resolve) => {
        d.ontrack = (e) => resolve(e);
      });
      await negotiate(c, d);
      await Promise.all([waitFor(c, 'connected'), waitFor(d, 'connected')]);
      const frames = (await atD).track.frames();
      // The publisher sends every layer (the SFU learns each layer's SSRC from its rid).
      for (const l of LAYERS) source.writeFrame({ data: vp8Frame(true, l.width, l.height), timestamp: 0, keyframe: true }, { rid: l.rid });
      expect(vp8KeyFrameSize((await nextFrame(frames, 'forwarded layer q')).data)).toEqual({ width: 320, height: 180 });
      // Switch to layer h: the SFU asks the publisher for a key frame on h.
      const request = keyFrameRequest(source, 'h');
      await forwarded.replaceTrack(mid);
      expect(await request).toBe('h');
      source.writeFrame({ data: vp8Frame(true, 640, 360), timestamp: 3000, keyframe: true }, { rid: 'h' });
      expect(vp8KeyFrameSize((await nextFrame(frames, 'forwarded layer h')).data)).toEqual({ width: 640, height: 360 });
      // A PLI from the viewer goes upstream to the layer being forwarded.
      const upstream = keyFrameRequest(source, 'h');
      d.getReceivers()[0].requestKeyFrame();
      expect(await upstream).toBe('h');
      await frames.return?.();
    } finally {
      for (const pc of [a, b, c, d]) pc.close();
    }
  });
});
