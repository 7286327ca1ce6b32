// RTCP compound packets: round trip of every type, reduced-size and unknown packets, and
// both directions against werift's RTCP codec.
import * as werift from 'werift';
import { parseRtcp, type RtcpPacket, RtpError, serializeRtcp } from '../../src/rtp/index.js';

const block = { ssrc: 0x01020304, fractionLost: 25, packetsLost: -3, highestSequence: 0x1ffff, jitter: 77, lastSenderReport: 0xabcdef01, delaySinceLastSenderReport: 6553 };

const ALL: RtcpPacket[] = [
  { type: 'sr', ssrc: 0xdeadbeef, ntpSeconds: 0xe8f0a1b2, ntpFraction: 0x80000000, rtpTimestamp: 0xfffffff0, packetCount: 1000, octetCount: 1200000, reports: [block] },
  { type: 'rr', ssrc: 5, reports: [block, { ...block, ssrc: 9, packetsLost: 0x7fffff }] },
  { type: 'rr', ssrc: 6, reports: [] },
  { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 1, text: 'user@omnirtc' }] }, { ssrc: 2, items: [{ type: 1, text: 'x' }, { type: 6, text: 'omnirtc' }] }] },
  { type: 'bye', ssrcs: [1, 2], reason: 'shutting down' },
  { type: 'bye', ssrcs: [3] },
  { type: 'app', subtype: 3, ssrc: 4, name: 'OMNI', data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) },
  { type: 'nack', senderSsrc: 1, mediaSsrc: 2, lost: [65530, 65531, 65535, 0, 4, 100] },
  { type: 'pli', senderSsrc: 1, mediaSsrc: 2 },
  { type: 'fir', senderSsrc: 1, entries: [{ ssrc: 2, sequenceNumber: 7 }, { ssrc: 3, sequenceNumber: 255 }] },
  { type: 'remb', senderSsrc: 1, bitrate: 2_500_000 - (2_500_000 % 16), ssrcs: [0x11, 0x22] },
  {
    type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: 65530, referenceTime: 0x123456, feedbackPacketCount: 9,
    packets: [
      ...Array.from({ length: 10 }, (_, i) => ({ sequenceNumber: (65530 + i) & 0xffff, received: true, deltaMicros: 250 * i })),
      { sequenceNumber: 4, received: false },
      { sequenceNumber: 5, received: true, deltaMicros: -1000 },
      { sequenceNumber: 6, received: true, deltaMicros: 250 * 300 },
      { sequenceNumber: 7, received: false },
      ...Array.from({ length: 20 }, (_, i) => ({ sequenceNumber: 8 + i, received: i % 3 !== 0, ...(i % 3 !== 0 ? { deltaMicros: 500 } : {}) })),
    ],
  },
  { type: 'unknown', packetType: 207, count: 0, body: new Uint8Array([0, 0, 0, 1, 2, 3, 4, 5]) },
  { type: 'unknown', packetType: 205, count: 3, body: new Uint8Array([0, 0, 0, 1, 0, 0, 0, 2]) },
];

describe('RTCP parse/serialise', () => {
  it.each(ALL.map((p) => [p.type, p] as const))('round-trips %s', (_t, p) => {
    const bytes = serializeRtcp([p]);
    expect(bytes.length % 4).toBe(0);
    expect(parseRtcp(bytes)).toEqual([p]);
  });

  it('round-trips one compound packet of every type', () => {
    const bytes = serializeRtcp(ALL);
    expect(parseRtcp(bytes)).toEqual(ALL);
  });

  it('accepts reduced-size RTCP (RFC 5506): a lone feedback packet', () => {
    expect(parseRtcp(serializeRtcp([{ type: 'pli', senderSsrc: 9, mediaSsrc: 10 }]))[0].type).toBe('pli');
  });

  it('strips padding on the last packet', () => {
    const rr = serializeRtcp([{ type: 'rr', ssrc: 1, reports: [] }]);
    const padded = new Uint8Array(rr.length + 4);
    padded.set(rr);
    padded[0] |= 0x20;
    padded[3] += 1;
    padded[padded.length - 1] = 4;
    expect(parseRtcp(padded)).toEqual([{ type: 'rr', ssrc: 1, reports: [] }]);
  });

  it('rejects lying lengths and truncation with RtpError', () => {
    const sr = serializeRtcp([ALL[0]]);
    expect(() => parseRtcp(sr.subarray(0, sr.length - 4))).toThrow(RtpError);
    const lying = sr.slice();
    lying[3] += 1;
    expect(() => parseRtcp(lying)).toThrow(/past the end/);
    const wrongCount = serializeRtcp([{ type: 'rr', ssrc: 1, reports: [] }]);
    wrongCount[0] |= 3;
    expect(() => parseRtcp(wrongCount)).toThrow(RtpError);
  });
});

describe('RTCP against werift', () => {
  it('parses werift serialisations', () => {
    const sr = new werift.RtcpSrPacket({
      ssrc: 11,
      senderInfo: new werift.RtcpSenderInfo({ ntpTimestamp: 0x0102030405060708n, rtpTimestamp: 99, packetCount: 3, octetCount: 400 }),
      reports: [new werift.RtcpReceiverInfo({ ssrc: 12, fractionLost: 1, packetsLost: 2, highestSequence: 3, jitter: 4, lsr: 5, dlsr: 6 })],
    });
    const rr = new werift.RtcpRrPacket({ ssrc: 13, reports: [] });
    const sdes = new werift.RtcpSourceDescriptionPacket({
      chunks: [new werift.SourceDescriptionChunk({ source: 7, items: [new werift.SourceDescriptionItem({ type: 1, text: 'cname-7' })] })],
    });
    const nack = new werift.RtcpTransportLayerFeedback({ feedback: new werift.GenericNack({ senderSsrc: 1, mediaSourceSsrc: 2, lost: [10, 11, 15, 40] }) });
    const pli = new werift.RtcpPayloadSpecificFeedback({ feedback: new werift.PictureLossIndication({ senderSsrc: 1, mediaSsrc: 2 }) });
    const remb = new werift.RtcpPayloadSpecificFeedback({
      feedback: new werift.ReceiverEstimatedMaxBitrate({ senderSsrc: 1, mediaSsrc: 0, brExp: 3, brMantissa: 1000, ssrcFeedbacks: [] }),
    });
    const bytes = new Uint8Array(Buffer.concat([sr.serialize(), rr.serialize(), sdes.serialize(), nack.serialize(), pli.serialize(), remb.serialize()]));
    const ours = parseRtcp(bytes);
    expect(ours[0]).toEqual({
      type: 'sr', ssrc: 11, ntpSeconds: 0x01020304, ntpFraction: 0x05060708, rtpTimestamp: 99, packetCount: 3, octetCount: 400,
      reports: [{ ssrc: 12, fractionLost: 1, packetsLost: 2, highestSequence: 3, jitter: 4, lastSenderReport: 5, delaySinceLastSenderReport: 6 }],
    });
    expect(ours[1]).toEqual({ type: 'rr', ssrc: 13, reports: [] });
    expect(ours[2]).toEqual({ type: 'sdes', chunks: [{ ssrc: 7, items: [{ type: 1, text: 'cname-7' }] }] });
    expect(ours[3]).toEqual({ type: 'nack', senderSsrc: 1, mediaSsrc: 2, lost: [10, 11, 15, 40] });
    expect(ours[4]).toEqual({ type: 'pli', senderSsrc: 1, mediaSsrc: 2 });
    expect(ours[5]).toMatchObject({ type: 'remb', senderSsrc: 1, bitrate: 8000 });
  });

  it('werift parses ours', () => {
    // One packet at a time: werift's feedback parsers read to the end of the buffer.
    const theirs = (p: RtcpPacket): unknown => werift.RtcpPacketConverter.deSerialize(Buffer.from(serializeRtcp([p])))[0];
    const sr = theirs(ALL[0]) as werift.RtcpSrPacket;
    expect(sr.ssrc).toBe(0xdeadbeef);
    expect(sr.senderInfo.rtpTimestamp).toBe(0xfffffff0);
    expect(sr.senderInfo.ntpTimestamp).toBe(0xe8f0a1b280000000n);
    expect(sr.reports[0].packetsLost).toBe(-3 & 0xffffff);
    expect((theirs(ALL[1]) as werift.RtcpRrPacket).reports.map((r) => r.ssrc)).toEqual([0x01020304, 9]);
    const sdes = theirs(ALL[3]) as werift.RtcpSourceDescriptionPacket;
    expect(Buffer.from(sdes.chunks[0].items[0].text).toString()).toBe('user@omnirtc');
    // werift does not wrap NACK sequence numbers past 65535, so these stay below it.
    const nack = (theirs({ type: 'nack', senderSsrc: 1, mediaSsrc: 2, lost: [10, 11, 15, 40, 41] }) as werift.RtcpTransportLayerFeedback).feedback as werift.GenericNack;
    expect(nack.lost).toEqual([10, 11, 15, 40, 41]);
    const pli = (theirs(ALL[8]) as werift.RtcpPayloadSpecificFeedback).feedback as werift.PictureLossIndication;
    expect(pli.mediaSsrc).toBe(2);
    const remb = (theirs(ALL[10]) as werift.RtcpPayloadSpecificFeedback).feedback as werift.ReceiverEstimatedMaxBitrate;
    expect(Number(remb.bitrate)).toBe((ALL[10] as { bitrate: number }).bitrate);
    expect(remb.ssrcFeedbacks).toEqual([0x11, 0x22]);
    const twcc = ALL.find((p) => p.type === 'twcc')!;
    const cc = (theirs(twcc) as werift.RtcpTransportLayerFeedback).feedback as werift.TransportWideCC;
    expect(cc.baseSequenceNumber).toBe(65530);
    expect(cc.packetStatusCount).toBe(twcc.packets.length);
    expect(cc.referenceTime).toBe(0x123456);
    const received = twcc.packets.filter((p) => p.received);
    expect(cc.recvDeltas.filter((d) => d.delta !== undefined).map((d) => d.delta)).toEqual(received.map((p) => p.deltaMicros));
  });
});
