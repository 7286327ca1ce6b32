import fc from 'fast-check';
import type { CodecSpec } from '../../src/sdp/index';
import { absSendTime } from '../../src/webrtc/abs-send-time';
import { MediaStreamTrack } from '../../src/webrtc/media-stream-track';
import type { RtpSendPath } from '../../src/webrtc/media-types';
import { RTCRtpSender } from '../../src/webrtc/rtc-rtp-sender';
import { RTCDtlsTransport, RTCIceTransport } from '../../src/webrtc/rtc-transports';
import { readHeaderExtensions, rtpPayloadOffset } from '../../src/webrtc/rtp-rewrite';
import { TransportCcSender } from '../../src/webrtc/transport-cc-sender';
import { NO_TRANSPORT, rtp } from './webrtc-helpers';

// Transport-wide CC and abs-send-time on the send path
// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): every packet of the transport,
// from any sender and retransmissions included, gets the next 16-bit number in place.
const VP8: CodecSpec = { payloadType: 96, name: 'VP8', clockRate: 90000, feedback: [{ type: 'nack' }, { type: 'transport-cc' }], rtxPayloadType: 97 };
const TWCC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
const AST = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
const MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';

function ext(p: Uint8Array, id: number): Uint8Array | undefined {
  return readHeaderExtensions(p).find((e) => e.id === id)?.data;
}
const twccOf = (p: Uint8Array, id: number): number => {
  const d = ext(p, id) as Uint8Array;
  return (d[0] << 8) | d[1];
};

function makeSender(extensions: { id: number; uri: string }[], path: RtpSendPath, kind: 'audio' | 'video' = 'video', mid = '0') {
  const track = new MediaStreamTrack({ kind });
  const sender = new RTCRtpSender(kind, track, ['s'], 'cname');
  sender.transport = new RTCDtlsTransport(NO_TRANSPORT, new RTCIceTransport(NO_TRANSPORT, 'controlling'));
  sender.setNegotiated({ mid, codecs: [VP8], extensions });
  sender.setSendPath(path, true);
  return { track, sender };
}

function wirePath(clock: { now: number }, stamper: TransportCcSender | undefined, wire: Uint8Array[]): RtpSendPath {
  return { sendRtp: (p) => wire.push(p.slice()), sendRtcp: () => undefined, now: () => clock.now, transportCc: stamper };
}

describe('transport-wide sequence numbers and abs-send-time on sent RTP', () => {
  it('stamps the ids negotiation chose, wraps at 16 bits, and writes 6.18 fixed-point send times', () => {
    const clock = { now: 5000 };
    const stamper = new TransportCcSender(() => clock.now, 0xfffe);
    const wire: Uint8Array[] = [];
    const { track } = makeSender([{ id: 9, uri: MID }, { id: 5, uri: TWCC }, { id: 7, uri: AST }], wirePath(clock, stamper, wire));
    for (let i = 0; i < 4; i++) {
      clock.now += 10;
      track.writeRtp(rtp(i * 3000, [i]));
    }
    expect(wire.map((p) => twccOf(p, 5))).toEqual([0xfffe, 0xffff, 0, 1]);
    expect(wire.map((p) => [...(ext(p, 7) as Uint8Array)])).toEqual([5010, 5020, 5030, 5040].map((t) => [absSendTime(t) >> 16, (absSendTime(t) >> 8) & 0xff, absSendTime(t) & 0xff]));
    // 10 ms is 2621.44 units of 2^-18 s.
    expect(Math.abs(absSendTime(5020) - absSendTime(5010) - 2621.44)).toBeLessThan(1);
    expect(absSendTime(64000)).toBe(0); // wraps every 64 s
    expect(new TextDecoder().decode(ext(wire[0], 9))).toBe('0');
    expect(stamper.stats.packetsStamped).toBe(4);
    expect(stamper.nextSequenceNumber).toBe(2);
  });

  it('one counter per transport: two senders interleave consecutive numbers; RTX and plain retransmissions get new ones', () => {
    const clock = { now: 0 };
    const stamper = new TransportCcSender(() => clock.now, 100);
    const wire: Uint8Array[] = [];
    const path = wirePath(clock, stamper, wire);
    const exts = [{ id: 3, uri: TWCC }, { id: 4, uri: MID }];
    const video = makeSender(exts, path, 'video', '0');
    const audio = makeSender(exts, path, 'audio', '1');
    video.track.writeRtp(rtp(0, [1]));
    audio.track.writeRtp(rtp(0, [2]));
    video.track.writeRtp(rtp(3000, [3]));
    expect(wire.map((p) => twccOf(p, 3))).toEqual([100, 101, 102]);
    // NACK of the first video packet: resent as RTX (RFC 4588), stamped with the next number.
    const firstSeq = (wire[0][2] << 8) | wire[0][3];
    video.sender.handleNack([firstSeq]);
    const rtxPacket = wire[3];
    expect(rtxPacket[1] & 0x7f).toBe(97);
    expect(new DataView(rtxPacket.buffer, rtxPacket.byteOffset).getUint32(8)).toBe(video.sender.rtxSsrc);
    expect(twccOf(rtxPacket, 3)).toBe(103);
    // A second NACK of the same packet: yet another number (each transmission is its own).
    video.sender.handleNack([firstSeq]);
    expect(twccOf(wire[4], 3)).toBe(104);
  });

  it('adds no transport-cc or abs-send-time extension when they were not negotiated', () => {
    const clock = { now: 0 };
    const stamper = new TransportCcSender(() => clock.now);
    const wire: Uint8Array[] = [];
    const { track } = makeSender([{ id: 4, uri: MID }], wirePath(clock, stamper, wire));
    track.writeRtp(rtp(0, [1]));
    expect(readHeaderExtensions(wire[0]).map((e) => e.id)).toEqual([4]);
    expect(stamper.stats.packetsStamped).toBe(0);
  });

  it('turns feedback into delivered/lost counts and a delivery-rate estimate', () => {
    const clock = { now: 1000 };
    const stamper = new TransportCcSender(() => clock.now, 0xfff0);
    // 40 packets of 1000 bytes, one every 10 ms (800 kbit/s), across the 16-bit wrap.
    for (let i = 0; i < 40; i++) {
      const p = new Uint8Array(1000);
      stamper.stamp(p, { transportCc: 20 });
      clock.now += 10;
    }
    expect(stamper.deliveryRate).toBeUndefined();
    const packets = Array.from({ length: 40 }, (_, i) => ({ sequenceNumber: (0xfff0 + i) & 0xffff, received: i % 10 !== 3, deltaMicros: 10000 }));
    stamper.handleFeedback({ type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: 0xfff0, referenceTime: 0, feedbackPacketCount: 0, packets });
    expect(stamper.stats).toMatchObject({ feedbackReceived: 1, packetsReportedReceived: 36, packetsReportedLost: 4, feedbackUnknownPackets: 0 });
    const rate = stamper.deliveryRate as number;
    // 36 000 bytes confirmed over the 390 ms they were sent in.
    expect(rate).toBe(Math.round((36000 * 8 * 1000) / 390));
    // A late "received" for a packet reported lost moves it; repeats count once; unknown ones are counted.
    stamper.handleFeedback({ type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: 0xfff3, referenceTime: 0, feedbackPacketCount: 1, packets: [{ sequenceNumber: 0xfff3, received: true }, { sequenceNumber: 0xfff4, received: true }, { sequenceNumber: 500, received: true }] });
    expect(stamper.stats).toMatchObject({ feedbackReceived: 2, packetsReportedReceived: 37, packetsReportedLost: 3, feedbackUnknownPackets: 1 });
  });

  it('availableOutgoingBitrate: the REMB value until transport-cc feedback gives an estimate', () => {
    const clock = { now: 0 };
    const estimator = new TransportCcSender(() => clock.now, 0);
    expect(estimator.availableOutgoingBitrate).toBeUndefined();
    estimator.handleRemb(1_500_000);
    expect(estimator.availableOutgoingBitrate).toBe(1_500_000);
    estimator.handleRemb(Number.NaN); // a nonsense value changes nothing
    estimator.handleRemb(900_000);
    expect(estimator.availableOutgoingBitrate).toBe(900_000);
    for (let i = 0; i < 11; i++) {
      estimator.stamp(new Uint8Array(500), { transportCc: 20 });
      clock.now += 10;
    }
    const packets = Array.from({ length: 11 }, (_, i) => ({ sequenceNumber: i, received: true, deltaMicros: 10000 }));
    estimator.handleFeedback({ type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: 0, referenceTime: 0, feedbackPacketCount: 0, packets });
    // 5500 bytes sent over 100 ms.
    expect(estimator.availableOutgoingBitrate).toBe(440_000);
  });

  it('hostile feedback (any numbers, repeats, unknown ones) never throws and keeps the counts consistent', () => {
    const packet = fc.record({ sequenceNumber: fc.integer({ min: 0, max: 0xffff }), received: fc.boolean(), deltaMicros: fc.integer({ min: -8192000, max: 8191750 }) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 300 }), fc.array(fc.array(packet, { maxLength: 60 }), { maxLength: 8 }), (first, sent, feedbacks) => {
        const clock = { now: 0 };
        const t = new TransportCcSender(() => clock.now, first);
        for (let i = 0; i < sent; i++) {
          t.stamp(new Uint8Array(200), { transportCc: 20, absSendTime: 24 });
          clock.now += 1;
        }
        for (const packets of feedbacks) t.handleFeedback({ type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: 0, referenceTime: 0, feedbackPacketCount: 0, packets });
        const st = t.stats;
        expect(st.packetsReportedReceived + st.packetsReportedLost).toBeLessThanOrEqual(sent);
        expect(st.packetsReportedLost).toBeGreaterThanOrEqual(0);
        const rate = t.availableOutgoingBitrate;
        expect(rate === undefined || (Number.isFinite(rate) && rate > 0)).toBe(true);
      }),
      { numRuns: 200, seed: 6 },
    );
  });

  it('keeps a bounded history: numbers older than it are unknown to feedback', () => {
    const clock = { now: 0 };
    const stamper = new TransportCcSender(() => clock.now, 0);
    for (let i = 0; i < 5000; i++) stamper.stamp(new Uint8Array(100), { transportCc: 20 });
    stamper.handleFeedback({ type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: 0, referenceTime: 0, feedbackPacketCount: 0, packets: [{ sequenceNumber: 0, received: true }, { sequenceNumber: 4999, received: true }] });
    expect(stamper.stats.feedbackUnknownPackets).toBe(1);
    expect(stamper.stats.packetsReportedReceived).toBe(1);
  });
});

describe('encodings[0].maxBitrate for writeFrame', () => {
  it('drops delta frames over the 1 s window until the next keyframe; keyframes always go', async () => {
    const clock = { now: 0 };
    const wire: Uint8Array[] = [];
    const { track, sender } = makeSender([{ id: 4, uri: MID }], wirePath(clock, undefined, wire));
    // One 1000-byte payload per frame (the real packetiser is WASM; the limit only sees RTP bytes).
    sender.packetizer = (frame, codec, ssrc) => {
      const p = new Uint8Array(12 + frame.data.length);
      p[0] = 0x80;
      p[1] = codec.payloadType;
      new DataView(p.buffer).setUint32(8, ssrc);
      p.set(frame.data, 12);
      return [p];
    };
    const params = sender.getParameters();
    params.encodings[0].maxBitrate = 100_000; // 12 500 bytes per second: 12 frames of ~1020 bytes
    await sender.setParameters(params);
    const frame = (i: number, keyframe: boolean) => ({ data: new Uint8Array(1000).fill(i & 0xff), timestamp: i * 3000, keyframe });
    for (let i = 0; i < 30; i++) {
      track.writeFrame(frame(i, i === 0 || i === 20));
      clock.now += 33;
    }
    // 1020-byte packets (12 header + 8 MID extension + 1000): 12 fit in 12 500 bytes. Frames
    // 0-11 go, 12-19 are dropped (12 over the limit, the rest reference it), keyframe 20 goes
    // although over the limit, and 21-29 are dropped again.
    expect(wire[0].length).toBe(1020);
    expect(sender.stats.framesSent).toBe(13);
    expect(wire.map((p) => p[rtpPayloadOffset(p)])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 20]);
    // Once the window has slid past them, the next keyframe and 11 delta frames after it go.
    for (let i = 30; i < 60; i++) {
      track.writeFrame(frame(i, i === 45));
      clock.now += 33;
    }
    expect(wire.slice(13).map((p) => p[rtpPayloadOffset(p)])).toEqual([45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56]);
    expect(sender.stats.framesSent).toBe(25);
    expect(sender.stats.framesDroppedForMaxBitrate).toBe(60 - 25);
    // Sequence numbers stay contiguous over dropped frames (nothing is reported lost).
    const seqs = wire.map((p) => (p[2] << 8) | p[3]);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1] + 1) & 0xffff);
  });
});
