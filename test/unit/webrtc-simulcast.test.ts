import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { type CodecSpec, parse } from '../../src/sdp/index';
import { MediaStreamTrack, type RTCCertificate, RTCPeerConnection, type RTCSessionDescription, type RTCTrackEvent } from '../../src/webrtc/index';
import { EXT } from '../../src/webrtc/capabilities';
import { setPeerTransportFactory } from '../../src/webrtc/rtc-peer-connection';
import { type ReceiverFeedback, RTCRtpReceiver } from '../../src/webrtc/rtc-rtp-receiver';
import { RTCRtpSender } from '../../src/webrtc/rtc-rtp-sender';
import { RTCDtlsTransport, RTCIceTransport } from '../../src/webrtc/rtc-transports';
import { RidRouter } from '../../src/webrtc/rid-router';
import { encodeHeaderExtensions, readHeaderExtensions } from '../../src/webrtc/rtp-rewrite';
import { answerReceiveSimulcast, negotiatedReceiveLayers, negotiatedSendLayers } from '../../src/webrtc/simulcast';
import { NO_TRANSPORT } from './webrtc-helpers';
import { vp8Frame } from './webrtc-simulcast-helpers';

// Simulcast negotiation (RFC 8853 with RFC 8851 rids, JSEP RFC 9429 §5.2.1/§5.3.1) and
// the routing of one section's RTP to its layers (RFC 8852 rid / repaired-rid, then SSRC).
const CHROME_SIMULCAST = readFileSync(join(__dirname, '..', 'vectors', 'sdp-chromium', 'offer-simulcast.sdp'), 'utf8');
const RID_ID = 10;
const REPAIRED_ID = 11;
const MID_ID = 9;
const VP8: CodecSpec = { payloadType: 96, name: 'VP8', clockRate: 90000, feedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }], rtxPayloadType: 97 };
const EXTENSIONS = [
  { id: MID_ID, uri: EXT.mid },
  { id: RID_ID, uri: EXT.rid },
  { id: REPAIRED_ID, uri: EXT.repairedRid },
];

let cert: RTCCertificate;
beforeAll(async () => {
  setPeerTransportFactory(null);
  cert = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
});

/** An RTP packet with the given extensions (RFC 8285 one-byte form) and payload. */
function packet(o: { pt?: number; seq: number; ssrc: number; rid?: string; repairedRid?: string; payload?: number[] }): Uint8Array {
  const exts = [];
  if (o.rid !== undefined) exts.push({ id: RID_ID, data: new TextEncoder().encode(o.rid) });
  if (o.repairedRid !== undefined) exts.push({ id: REPAIRED_ID, data: new TextEncoder().encode(o.repairedRid) });
  const ext = encodeHeaderExtensions(exts);
  const payload = o.payload ?? [0x10, 1, 2, 3];
  const p = new Uint8Array(12 + ext.length + payload.length);
  p[0] = 0x80 | (ext.length > 0 ? 0x10 : 0);
  p[1] = o.pt ?? 96;
  const v = new DataView(p.buffer);
  v.setUint16(2, o.seq);
  v.setUint32(4, 1000);
  v.setUint32(8, o.ssrc);
  p.set(ext, 12);
  p.set(payload, 12 + ext.length);
  return p;
}

function withSimulcastLine(sdp: string, line: string): string {
  return sdp.replace(/a=simulcast:[^\r\n]*/, line);
}

describe('simulcast negotiation', () => {
  it('answers a Chromium simulcast offer with recv rids, keeps paused streams paused, and makes one layer track per rid', async () => {
    const pc = new RTCPeerConnection({ certificates: [cert] });
    let event: RTCTrackEvent | undefined;
    let atTrackEvent: (string | null)[] = [];
    pc.ontrack = (e) => {
      event = e;
      // The layer tracks are there when 'track' fires, before the answer is applied.
      atTrackEvent = e.receiver.getLayers().map((t) => t.rid);
    };
    await pc.setRemoteDescription({ type: 'offer', sdp: withSimulcastLine(CHROME_SIMULCAST, 'a=simulcast:send q;~h;f') });
    await pc.setLocalDescription();
    const answer = parse(pc.localDescription?.sdp ?? '').media[0];
    expect(answer.rids.map((r) => `${r.id} ${r.direction}`)).toEqual(['q recv', 'h recv', 'f recv']);
    expect(pc.localDescription?.sdp).toContain('a=simulcast:recv q;~h;f');
    // RFC 8852: the rid and repaired-rid extensions are answered with the offer's ids.
    expect(answer.extMaps.filter((e) => e.uri === EXT.rid || e.uri === EXT.repairedRid).map((e) => e.id)).toEqual([10, 11]);
    expect(atTrackEvent).toEqual(['q', 'h', 'f']);
    const layers = event?.receiver.getLayers() ?? [];
    expect(layers.map((t) => t.rid)).toEqual(['q', 'h', 'f']);
    expect(layers[0]).toBe(event?.track);
    expect(negotiatedReceiveLayers(answer, parse(pc.remoteDescription?.sdp ?? '').media[0])).toEqual([
      { rid: 'q', paused: false },
      { rid: 'h', paused: true },
      { rid: 'f', paused: false },
    ]);
    pc.close();
  });

  it('declines simulcast when the offer lacks the rid header extension or a=rid lines (RFC 8853 §5.3)', () => {
    const m = parse(CHROME_SIMULCAST).media[0];
    expect(answerReceiveSimulcast(m)?.simulcast.recv?.length).toBe(3);
    expect(answerReceiveSimulcast({ ...m, extMaps: m.extMaps.filter((e) => e.uri !== EXT.rid) })).toBeUndefined();
    expect(answerReceiveSimulcast({ ...m, rids: [] })).toBeUndefined();
    // A rid in a=simulcast without its a=rid line is left out (RFC 8853 §5.2).
    expect(answerReceiveSimulcast({ ...m, rids: m.rids.filter((r) => r.id !== 'h') })?.rids.map((r) => r.id)).toEqual(['q', 'f']);
  });

  it('offers sendEncodings rids as a=rid send + a=simulcast:send, with no a=ssrc lines; the omnirtc answerer accepts', async () => {
    const a = new RTCPeerConnection({ certificates: [cert] });
    const b = new RTCPeerConnection({ certificates: [cert] });
    a.addTransceiver(new MediaStreamTrack({ kind: 'video' }), { direction: 'sendonly', sendEncodings: [{ rid: 'lo', scaleResolutionDownBy: 2 }, { rid: 'hi' }] });
    await a.setLocalDescription();
    const offer = parse(a.localDescription?.sdp ?? '').media[0];
    expect(offer.rids.map((r) => `${r.id} ${r.direction}`)).toEqual(['lo send', 'hi send']);
    expect(a.localDescription?.sdp).toContain('a=simulcast:send lo;hi');
    expect(offer.extMaps.some((e) => e.uri === EXT.rid)).toBe(true);
    expect(offer.ssrcs).toEqual([]);
    await b.setRemoteDescription(a.localDescription as RTCSessionDescription);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription as RTCSessionDescription);
    const sender = a.getSenders()[0];
    expect(sender.layerSenders.map((s) => s.rid)).toEqual(['hi']);
    expect(new Set([sender.ssrc, sender.rtxSsrc, sender.layerSenders[0].ssrc, sender.layerSenders[0].rtxSsrc]).size).toBe(4);
    expect(b.getReceivers()[0].getLayers().map((t) => t.rid)).toEqual(['lo', 'hi']);
    a.close();
    b.close();
  });

  it('an answer without a=simulcast leaves one stream: only the first encoding is sent (RFC 8853 §5.3)', async () => {
    const a = new RTCPeerConnection({ certificates: [cert] });
    const b = new RTCPeerConnection({ certificates: [cert] });
    a.addTransceiver(new MediaStreamTrack({ kind: 'video' }), { sendEncodings: [{ rid: 'a' }, { rid: 'b' }] });
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription as RTCSessionDescription);
    await b.setLocalDescription();
    const declined = (b.localDescription?.sdp ?? '').replace(/a=(rid|simulcast):[^\r\n]*\r\n/g, '');
    await a.setRemoteDescription({ type: 'answer', sdp: declined });
    const sender = a.getSenders()[0];
    expect(sender.layerSenders).toEqual([]);
    expect(sender.getParameters().encodings.map((e) => e.rid)).toEqual(['a']);
    expect(negotiatedSendLayers(parse(a.localDescription?.sdp ?? '').media[0], parse(declined).media[0])).toEqual([]);
    a.close();
    b.close();
  });

  it('receiveEncodings offers a=simulcast:recv; an answer with a=simulcast:send makes the layers', async () => {
    const a = new RTCPeerConnection({ certificates: [cert] });
    const b = new RTCPeerConnection({ certificates: [cert] });
    expect(() => a.addTransceiver('video', { direction: 'recvonly', receiveEncodings: [{ rid: 'x' }, { rid: 'x' }] })).toThrow(/unique/);
    expect(() => a.addTransceiver('video', { direction: 'recvonly', receiveEncodings: [{ rid: 'no space' }] })).toThrow(/alphanumerics/);
    const t = a.addTransceiver('video', { direction: 'recvonly', receiveEncodings: [{ rid: 'l' }, { rid: 'm' }, { rid: 'h' }] });
    await a.setLocalDescription();
    expect(a.localDescription?.sdp).toContain('a=simulcast:recv l;m;h');
    await b.setRemoteDescription(a.localDescription as RTCSessionDescription);
    // W3C §4.4.1.6: the offer proposes b's send encodings, one per rid.
    const bt = b.getTransceivers()[0];
    expect(bt.sender.getParameters().encodings.map((e) => e.rid)).toEqual(['l', 'm', 'h']);
    bt.direction = 'sendonly';
    const source = new MediaStreamTrack({ kind: 'video' });
    await bt.sender.replaceTrack(source);
    await b.setLocalDescription();
    expect(b.localDescription?.sdp).toContain('a=simulcast:send l;m;h');
    await a.setRemoteDescription(b.localDescription as RTCSessionDescription);
    expect(t.receiver.getLayers().map((x) => x.rid)).toEqual(['l', 'm', 'h']);
    expect(bt.sender.layerSenders.map((x) => x.rid)).toEqual(['m', 'h']);
    a.close();
    b.close();
  });
});

describe('rid routing (RFC 8852)', () => {
  it('routes by rid, then by the SSRC learned from it; repaired-rid names the layer of RTX; unknown rids are counted', () => {
    const r = new RidRouter(['q', 'h'], RID_ID, REPAIRED_ID);
    expect(r.route(packet({ seq: 1, ssrc: 11, rid: 'q' }))).toBe('q');
    expect(r.route(packet({ seq: 2, ssrc: 11 }))).toBe('q');
    expect(r.route(packet({ seq: 1, ssrc: 22, rid: 'h' }))).toBe('h');
    expect(r.route(packet({ seq: 1, ssrc: 23, pt: 97, repairedRid: 'h' }))).toBe('h');
    expect(r.route(packet({ seq: 2, ssrc: 23, pt: 97 }))).toBe('h');
    expect(r.route(packet({ seq: 1, ssrc: 33, rid: 'zz' }))).toBeUndefined();
    expect(r.route(packet({ seq: 1, ssrc: 44 }))).toBeUndefined();
    expect(r.counters).toEqual({ learned: 3, unknownRid: 1, unroutable: 2 });
    expect(r.ssrcsOf('h').sort()).toEqual([22, 23]);
  });

  it('a receiver delivers each layer on its own track, restores RTX onto the layer it repairs, and PLIs the layer’s SSRC', () => {
    const receiver = new RTCRtpReceiver('video');
    receiver.setNegotiated({ mid: '0', codecs: [VP8], extensions: EXTENSIONS, ssrcs: [], nack: true, pli: true, fir: false, layers: [{ rid: 'q', paused: false }, { rid: 'h', paused: false }] });
    const feedback: ReceiverFeedback[] = [];
    for (const r of [receiver, ...receiver.layerReceivers]) r.sendFeedback = (fb) => feedback.push(fb);
    const [q, h] = receiver.getLayers();
    const got: Record<string, number[]> = { q: [], h: [] };
    q.addEventListener('rtp', (e) => got.q.push((e as unknown as { packet: { ssrc: number; sequenceNumber: number } }).packet.sequenceNumber));
    h.addEventListener('rtp', (e) => got.h.push((e as unknown as { packet: { ssrc: number; sequenceNumber: number } }).packet.sequenceNumber));
    receiver.handleRtp(packet({ seq: 100, ssrc: 1, rid: 'q' }), 0);
    receiver.handleRtp(packet({ seq: 500, ssrc: 2, rid: 'h' }), 0);
    receiver.handleRtp(packet({ seq: 101, ssrc: 1 }), 10);
    receiver.handleRtp(packet({ seq: 503, ssrc: 2 }), 10); // 501, 502 lost: NACK on h's SSRC
    expect(feedback).toEqual([{ type: 'nack', mediaSsrc: 2, sequenceNumbers: [501, 502] }]);
    // RTX (RFC 4588) on its own SSRC, first named by repaired-rid: OSN 501 restored on layer h.
    receiver.handleRtp(packet({ pt: 97, seq: 7, ssrc: 3, repairedRid: 'h', payload: [501 >> 8, 501 & 0xff, 0x10, 9] }), 20);
    receiver.handleRtp(packet({ pt: 97, seq: 8, ssrc: 3, payload: [502 >> 8, 502 & 0xff, 0x10, 9] }), 20);
    expect(got).toEqual({ q: [100, 101], h: [500, 503, 501, 502] });
    expect(receiver.layerReceivers[0].counters.rtxReceived).toBe(2);
    receiver.requestKeyFrame('h');
    receiver.requestKeyFrame();
    expect(feedback.slice(1)).toEqual([
      { type: 'pli', mediaSsrc: 2 },
      { type: 'pli', mediaSsrc: 1 },
    ]);
    // Ending the receiver's track (transceiver stopped) ends every layer.
    const spare = new RTCRtpReceiver('video');
    spare.setNegotiated({ mid: '1', codecs: [VP8], extensions: EXTENSIONS, ssrcs: [], nack: false, pli: true, fir: false, layers: [{ rid: 'a', paused: false }, { rid: 'b', paused: false }] });
    spare.track.end();
    expect(spare.getLayers().map((t) => t.readyState)).toEqual(['ended', 'ended']);
    // An SSRC never named by a rid cannot be placed: dropped and counted.
    receiver.handleRtp(packet({ seq: 1, ssrc: 99 }), 30);
    expect(receiver.ridRouting?.unroutable).toBe(1);
    expect(receiver.ridRouting).toEqual({ learned: 3, unknownRid: 0, unroutable: 1 });
    expect(receiver.counters.packetsDiscarded).toBe(1);
  });

  it('a sender stamps the rid (repaired-rid on RTX) until the peer reports on the SSRC', () => {
    const track = new MediaStreamTrack({ kind: 'video' });
    const sender = new RTCRtpSender('video', track, [], 'c');
    sender.setInitialEncodings([{ rid: 'a' }, { rid: 'b' }]);
    sender.transport = new RTCDtlsTransport(NO_TRANSPORT, new RTCIceTransport(NO_TRANSPORT, 'controlling'));
    sender.setNegotiated({ mid: '0', codecs: [VP8], extensions: EXTENSIONS, layers: [{ rid: 'a', paused: false }, { rid: 'b', paused: false }] });
    const wire: Uint8Array[] = [];
    const path = { sendRtp: (p: Uint8Array) => wire.push(p), sendRtcp: () => undefined };
    const [b] = sender.layerSenders;
    sender.packetizer = b.packetizer = (f, c, ssrc) => [packet({ pt: c.payloadType, seq: 0, ssrc, payload: [...f.data.subarray(0, 8)] })];
    sender.setSendPath(path, true);
    b.setSendPath(path, true);
    track.writeFrame({ data: vp8Frame(true, 64, 32), timestamp: 0, keyframe: true }, { rid: 'b' });
    track.writeFrame({ data: vp8Frame(true, 128, 64), timestamp: 0, keyframe: true });
    const ridOf = (p: Uint8Array, id: number): string | undefined => {
      const e = readHeaderExtensions(p).find((x) => x.id === id);
      return e && new TextDecoder().decode(e.data);
    };
    expect(wire.map((p) => [new DataView(p.buffer).getUint32(8), ridOf(p, RID_ID)])).toEqual([
      [b.ssrc, 'b'],
      [sender.ssrc, 'a'],
    ]);
    b.handleNack([(wire[0][2] << 8) | wire[0][3]]);
    expect(ridOf(wire[2], REPAIRED_ID)).toBe('b');
    expect(new DataView(wire[2].buffer).getUint32(8)).toBe(b.rtxSsrc);
    // Once an RTCP report block arrives for the SSRC, the rid is no longer needed.
    b.remoteReport = { fractionLost: 0, packetsLost: 0, jitter: 0, roundTripTime: undefined };
    track.writeFrame({ data: vp8Frame(false, 0, 0), timestamp: 3000 }, { rid: 'b' });
    expect(ridOf(wire[3], RID_ID)).toBeUndefined();
    // A frame for a rid that is not an encoding goes nowhere.
    track.writeFrame({ data: vp8Frame(false, 0, 0), timestamp: 3000 }, { rid: 'zz' });
    expect(wire).toHaveLength(4);
    // Stopping the transceiver's sender stops every encoding.
    sender.setSendPath(null, false);
    track.writeFrame({ data: vp8Frame(false, 0, 0), timestamp: 6000 }, { rid: 'b' });
    expect(wire).toHaveLength(4);
    expect(b.sending).toBe(false);
  });

  it('fuzz: arbitrary rid / repaired-rid values and extension blocks never throw and only route to negotiated rids', () => {
    const rids = ['q', 'h', 'f'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ssrc: fc.integer({ min: 0, max: 7 }),
            rid: fc.option(fc.oneof(fc.constantFrom(...rids, 'Q', 'h\u0000', ''), fc.uint8Array({ minLength: 1, maxLength: 16 })), { nil: undefined }),
            repaired: fc.option(fc.uint8Array({ minLength: 1, maxLength: 16 }), { nil: undefined }),
            garbage: fc.option(fc.uint8Array({ minLength: 0, maxLength: 40 }), { nil: undefined }),
          }),
          { maxLength: 30 },
        ),
        (items) => {
          const router = new RidRouter(rids, RID_ID, REPAIRED_ID);
          for (const it of items) {
            let p: Uint8Array;
            if (it.garbage) {
              // A header claiming extensions, followed by random bytes (truncated or forged blocks).
              p = new Uint8Array(12 + it.garbage.length);
              p[0] = 0x90;
              p.set(it.garbage, 12);
            } else {
              const exts = [];
              if (it.rid !== undefined) exts.push({ id: RID_ID, data: typeof it.rid === 'string' ? new TextEncoder().encode(it.rid) : it.rid });
              if (it.repaired !== undefined) exts.push({ id: REPAIRED_ID, data: it.repaired });
              const ext = encodeHeaderExtensions(exts.filter((e) => e.data.length > 0));
              p = new Uint8Array(12 + ext.length);
              p[0] = 0x80 | (ext.length > 0 ? 0x10 : 0);
              p.set(ext, 12);
            }
            new DataView(p.buffer).setUint32(8, it.ssrc);
            const got = router.route(p);
            if (got !== undefined && !rids.includes(got)) return false;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});
