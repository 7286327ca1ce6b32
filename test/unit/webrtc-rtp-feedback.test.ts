import { MediaStreamTrack } from '../../src/webrtc/media-stream-track';
import { type ReceiverFeedback, RTCRtpReceiver } from '../../src/webrtc/rtc-rtp-receiver';
import { RTCRtpSender } from '../../src/webrtc/rtc-rtp-sender';
import { RTCDtlsTransport, RTCIceTransport } from '../../src/webrtc/rtc-transports';
import { rtpPayloadOffset } from '../../src/webrtc/rtp-rewrite';

import type { CodecSpec } from '../../src/sdp/index';
import { NO_TRANSPORT, rtp } from './webrtc-helpers';

// A sender and a receiver wired back to back in memory (no SRTP): loss produces a NACK
// (RFC 4585 §6.2.1), the sender answers from its history as RTX (RFC 4588 §4), the
// receiver restores the original packet; PLI/FIR reach the program as an event.
const VP8: CodecSpec = { payloadType: 96, name: 'VP8', clockRate: 90000, feedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }], rtxPayloadType: 97 };

function setup(drop: (seq: number, packet: Uint8Array) => boolean) {
  const track = new MediaStreamTrack({ kind: 'video' });
  const sender = new RTCRtpSender('video', track, ['s'], 'cname');
  sender.transport = new RTCDtlsTransport(NO_TRANSPORT, new RTCIceTransport(NO_TRANSPORT, 'controlling'));
  sender.setNegotiated({ mid: '0', codecs: [VP8], extensions: [{ id: 4, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' }] });
  const receiver = new RTCRtpReceiver('video');
  receiver.setNegotiated({ mid: '0', codecs: [VP8], extensions: [], ssrcs: [sender.ssrc], nack: true, pli: true, fir: true });
  const feedback: ReceiverFeedback[] = [];
  receiver.sendFeedback = (fb) => {
    feedback.push(fb);
    if (fb.type === 'nack') sender.handleNack(fb.sequenceNumbers);
    else sender.handleKeyFrameRequest(fb.type);
  };
  const wire: Uint8Array[] = [];
  sender.setSendPath(
    {
      sendRtp: (p) => {
        wire.push(p);
        const seq = (p[2] << 8) | p[3];
        if (!drop(seq, p)) receiver.handleRtp(p, wire.length * 10);
      },
      sendRtcp: () => undefined,
    },
    true,
  );
  return { track, sender, receiver, feedback, wire };
}

describe('RTP feedback between a sender and a receiver', () => {
  it('a lost packet is NACKed, resent as RTX and restored in order of arrival', () => {
    let dropped = -1;
    const { track, sender, receiver, feedback, wire } = setup((seq, p) => {
      // Drop the third original packet once (not its RTX copy).
      if (dropped < 0 && wire.length === 3 && (p[1] & 0x7f) === 96) {
        dropped = seq;
        return true;
      }
      return false;
    });
    const got: number[] = [];
    receiver.track.addEventListener('rtp', (e) => {
      const bytes = (e as unknown as { packet: { bytes: Uint8Array } }).packet.bytes;
      got.push(bytes[rtpPayloadOffset(bytes)]);
    });
    for (let i = 0; i < 6; i++) track.writeRtp(rtp(i * 3000, [i, 0xaa]));
    expect(feedback).toEqual([{ type: 'nack', mediaSsrc: sender.ssrc, sequenceNumbers: [dropped] }]);
    // The RTX packet: its own SSRC and payload type, OSN first (RFC 4588 §4).
    const rtx = wire.find((p) => (p[1] & 0x7f) === 97);
    expect(rtx).toBeDefined();
    expect(new DataView((rtx as Uint8Array).buffer).getUint32(8)).toBe(sender.rtxSsrc);
    expect(got.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(receiver.counters.rtxReceived).toBe(1);
    expect(sender.stats.retransmittedPacketsSent).toBe(1);
    const stats = receiver.sources.get(sender.ssrc);
    expect(stats?.received).toBe(6);
    expect(stats?.lost).toBe(0);
  });

  it('requestKeyFrame() sends PLI; the sending program gets a keyframerequest event', () => {
    const { track, receiver, feedback, sender } = setup(() => false);
    track.writeRtp(rtp(0, [1]));
    const events: string[] = [];
    track.addEventListener('keyframerequest', (e) => events.push((e as unknown as { method: string }).method));
    receiver.requestKeyFrame();
    expect(feedback).toEqual([{ type: 'pli', mediaSsrc: sender.ssrc }]);
    expect(events).toEqual(['pli']);
    expect(sender.stats.pliCount).toBe(1);
  });

  it('uses FIR when only ccm fir was negotiated (RFC 5104 §4.3.1)', () => {
    const { track, receiver, feedback, sender } = setup(() => false);
    receiver.setNegotiated({ mid: '0', codecs: [VP8], extensions: [], ssrcs: [sender.ssrc], nack: true, pli: false, fir: true });
    track.writeRtp(rtp(0, [1]));
    receiver.requestKeyFrame();
    expect(feedback.at(-1)).toEqual({ type: 'fir', mediaSsrc: sender.ssrc });
  });

  it('a forwarded remote track passes key frame requests upstream (echo / SFU)', () => {
    const upstream = setup(() => false);
    const downstream = setup(() => false);
    // The downstream sender sends what the upstream receiver receives.
    downstream.sender.attachTrack(upstream.receiver.track);
    upstream.track.writeRtp(rtp(0, [9]));
    expect(downstream.wire.length).toBe(1);
    expect(downstream.wire[0][1] & 0x7f).toBe(96);
    downstream.receiver.requestKeyFrame();
    // PLI downstream → the forwarded track asks its own receiver → PLI upstream.
    expect(upstream.feedback).toEqual([{ type: 'pli', mediaSsrc: upstream.sender.ssrc }]);
  });
});
