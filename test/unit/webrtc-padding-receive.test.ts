import { type ReceiverFeedback, RTCRtpReceiver } from '../../src/webrtc/rtc-rtp-receiver';

import type { CodecSpec } from '../../src/sdp/index';

// A peer's bandwidth probe may be RTP carrying nothing but padding on the media SSRC (RFC 3550
// §5.1; libwebrtc does this without RTX). It takes a sequence number: the receiver must not
// NACK it as lost, and must not deliver it as media.
const VP8: CodecSpec = { payloadType: 96, name: 'VP8', clockRate: 90000, feedback: [{ type: 'nack' }], rtxPayloadType: 97 };
const SSRC = 0x11223344;

function packet(seq: number, pt: number, payload: number[], padding = 0): Uint8Array {
  const p = new Uint8Array(12 + payload.length + padding);
  p[0] = 0x80 | (padding > 0 ? 0x20 : 0);
  p[1] = pt;
  p[2] = seq >> 8;
  p[3] = seq & 0xff;
  new DataView(p.buffer).setUint32(4, 3000 * seq);
  new DataView(p.buffer).setUint32(8, SSRC);
  p.set(payload, 12);
  if (padding > 0) p[p.length - 1] = padding;
  return p;
}

function receiver(): { r: RTCRtpReceiver; feedback: ReceiverFeedback[]; delivered: number[] } {
  const r = new RTCRtpReceiver('video');
  r.setNegotiated({ mid: '0', codecs: [VP8], extensions: [], ssrcs: [SSRC], nack: true, pli: false, fir: false });
  const feedback: ReceiverFeedback[] = [];
  r.sendFeedback = (fb) => feedback.push(fb);
  const delivered: number[] = [];
  r.track.addEventListener('rtp', (e) => delivered.push((e as unknown as { packet: { sequenceNumber: number } }).packet.sequenceNumber));
  return { r, feedback, delivered };
}

describe('padding-only RTP on the media SSRC', () => {
  it('fills its sequence number: no NACK, no delivery', () => {
    const { r, feedback, delivered } = receiver();
    r.handleRtp(packet(1, 96, [0x10, 1]), 0);
    for (let seq = 2; seq <= 4; seq++) r.handlePadding(packet(seq, 96, [], 200), seq);
    r.handleRtp(packet(5, 96, [0x10, 2]), 10);
    expect(feedback).toEqual([]);
    expect(delivered).toEqual([1, 5]);
    expect(r.sources.get(SSRC)?.lost).toBe(0);
  });

  it('a real loss next to padding is still NACKed', () => {
    const { r, feedback } = receiver();
    r.handleRtp(packet(1, 96, [0x10, 1]), 0);
    r.handlePadding(packet(2, 96, [], 100), 1);
    r.handleRtp(packet(4, 96, [0x10, 2]), 10);
    expect(feedback).toEqual([{ type: 'nack', mediaSsrc: SSRC, sequenceNumbers: [3] }]);
  });

  it('padding before any media, on the RTX payload type, or malformed, changes nothing', () => {
    const { r, feedback, delivered } = receiver();
    r.handlePadding(packet(7, 96, [], 50), 0);
    r.handlePadding(packet(9, 97, [], 50), 0);
    r.handlePadding(new Uint8Array([0xa0, 96, 0]), 0);
    expect(r.sources.size).toBe(0);
    r.handleRtp(packet(10, 96, [0x10, 1]), 1);
    r.handlePadding(packet(50, 97, [], 50), 2);
    r.handleRtp(packet(11, 96, [0x10, 1]), 3);
    expect(feedback).toEqual([]);
    expect(delivered).toEqual([10, 11]);
  });
});
