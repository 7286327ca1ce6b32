import { readHeaderExtensions } from '../../src/webrtc/rtp-rewrite';
import { connectWithAudioVideo, trickledPair } from './webrtc-harness';

// Two omnirtc peers over real UDP on 127.0.0.1: the sender stamps transport-wide sequence
// numbers on audio and video alike (one counter for the BUNDLE transport), the receiver
// answers with transport-cc feedback, and the sender's delivery-rate estimate appears in
// getStats as candidate-pair availableOutgoingBitrate (W3C webrtc-stats §7.10).
const TWCC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function vp8Frame(key: boolean, size: number, fill: number): Uint8Array {
  const f = new Uint8Array(size).fill(fill);
  // RFC 6386 §9.1 frame tag: P bit 0 = key frame; key frames carry the start code and size.
  f[0] = key ? 0x10 : 0x11;
  if (key) f.set([0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00], 3);
  return f;
}

type TccStats = { transportCc: { packetsStamped: number; feedbackReceived: number; packetsReportedReceived: number; packetsReportedLost: number } };

describe('transport-wide congestion control between two omnirtc peers', () => {
  it('feedback for our stamped packets arrives and the sender’s estimate becomes > 0', async () => {
    const [a, b] = trickledPair();
    try {
      const { audio, video, tracks } = await connectWithAudioVideo(a, b);
      const twccId = a.getSenders()[0].getParameters().headerExtensions.find((e) => e.uri === TWCC)?.id;
      expect(twccId).toBeDefined();
      const seen: number[] = [];
      for (const t of tracks) {
        t.track.addEventListener('rtp', (e) => {
          const bytes = (e as unknown as { packet: { bytes: Uint8Array } }).packet.bytes;
          const d = readHeaderExtensions(bytes).find((x) => x.id === twccId)?.data;
          if (d) seen.push((d[0] << 8) | d[1]);
        });
      }
      // About 600 ms of 30 fps video (one key frame, then deltas of ~3 KB) and 20 ms Opus frames.
      for (let i = 0; i < 18; i++) {
        video.writeFrame({ data: vp8Frame(i === 0, i === 0 ? 8000 : 3000, i), timestamp: i * 3000, keyframe: i === 0 });
        audio.writeFrame({ data: new Uint8Array(80).fill(i), timestamp: i * 1440 });
        await sleep(33);
      }
      // Feedback goes every 100 ms: wait until the sender has an estimate (bounded).
      let pair: Record<string, unknown> | undefined;
      let transport: Record<string, unknown> | undefined;
      for (let tries = 0; tries < 30; tries++) {
        const stats = [...(await a.getStats()).values()];
        pair = stats.find((s) => s.type === 'candidate-pair' && s.selected === true);
        transport = stats.find((s) => s.type === 'transport');
        if (typeof pair?.availableOutgoingBitrate === 'number') break;
        await sleep(50);
      }
      expect(transport).toBeDefined();
      const tcc = ((transport as Record<string, unknown>).omnirtcCounters as TccStats).transportCc;
      expect(tcc.packetsStamped).toBeGreaterThan(40);
      expect(tcc.feedbackReceived).toBeGreaterThan(0);
      expect(tcc.packetsReportedReceived).toBeGreaterThan(0);
      expect(tcc.packetsReportedLost).toBe(0);
      expect(pair?.availableOutgoingBitrate).toBeGreaterThan(0);
      // Audio and video share one counter: the numbers the receiver saw are distinct and,
      // with the bandwidth probes' (stamped too, and padding or duplicate RTX copies reach
      // no track), form one run (the receiving side saw every packet on loopback).
      const probes = ((transport as Record<string, unknown>).omnirtcCounters as { bandwidthEstimator: { probePacketsSent: number } }).bandwidthEstimator.probePacketsSent;
      expect(probes).toBeGreaterThan(0);
      const sorted = [...new Set(seen)].sort((x, y) => x - y);
      expect(sorted.length).toBe(seen.length);
      expect(sorted.at(-1)! - sorted[0] + 1).toBeLessThanOrEqual(sorted.length + probes);
      // A probe cluster sends queued media first: those probe packets reach the track.
      expect(sorted.length).toBeGreaterThanOrEqual(tcc.packetsStamped - probes);
      expect(sorted.length).toBeLessThanOrEqual(tcc.packetsStamped);
      const bTransport = [...(await b.getStats()).values()].find((s) => s.type === 'transport');
      expect(bTransport).toBeDefined();
      const bCounters = (bTransport as Record<string, unknown>).omnirtcCounters as { connection: { twccFeedbackSent: number } };
      expect(bCounters.connection.twccFeedbackSent).toBeGreaterThanOrEqual(tcc.feedbackReceived);
    } finally {
      a.close();
      b.close();
    }
  });
});
