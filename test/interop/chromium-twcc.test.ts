import { spawnInNamespace } from './chromium-harness';

// Transport-wide congestion control with headless Chromium (chromium-twcc.run.ts, inside a
// lo-only namespace): omnirtc's VP8 carries transport-cc sequence numbers and abs-send-time,
// Chromium decodes it and sends transport-cc feedback, omnirtc counts it and estimates the
// delivery rate. Needs Debian `ffmpeg` and `chromium`.
interface TwccResult {
  error?: string;
  videoFrames: number;
  answerTransportCc: boolean;
  headerExtensions: string[];
  chrome: { framesDecoded?: number; packetsReceived?: number; ssrc?: number };
  ours: {
    ssrc: number;
    packetsSent: number;
    retransmittedPacketsSent: number;
    transportCc: { packetsStamped: number; probePacketsStamped: number; feedbackReceived: number; packetsReportedReceived: number; packetsReportedLost: number; feedbackUnknownPackets: number };
    availableOutgoingBitrate?: number;
  };
}

jest.setTimeout(45000);

describe('Chromium interop: transport-wide congestion control', () => {
  it('Chromium decodes our stamped VP8 and its transport-cc feedback reaches our stats', async () => {
    const r = (await spawnInNamespace('chromium-twcc.run.ts', [], 40000)) as TwccResult;
    expect(r.error).toBeUndefined();
    expect(r.answerTransportCc).toBe(true);
    expect(r.headerExtensions).toEqual(expect.arrayContaining(['http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time']));
    expect(r.chrome.ssrc).toBe(r.ours.ssrc);
    expect(r.chrome.framesDecoded).toBeGreaterThanOrEqual(r.videoFrames * 0.75);
    const tcc = r.ours.transportCc;
    // Every packet sent (originals and retransmissions) carried a transport-wide number, and
    // so did the bandwidth probes (RTX copies and padding are in no sender's packet count).
    expect(tcc.packetsStamped).toBeGreaterThanOrEqual(r.ours.packetsSent + r.ours.retransmittedPacketsSent);
    expect(tcc.packetsStamped).toBeLessThanOrEqual(r.ours.packetsSent + r.ours.retransmittedPacketsSent + tcc.probePacketsStamped);
    expect(tcc.feedbackReceived).toBeGreaterThan(5);
    // Chromium confirms nearly all of them on loopback (the last ones may be in flight).
    expect(tcc.packetsReportedReceived).toBeGreaterThanOrEqual(tcc.packetsStamped * 0.9);
    expect(tcc.packetsReportedLost).toBeLessThanOrEqual(tcc.packetsStamped * 0.05);
    expect(tcc.feedbackUnknownPackets).toBe(0);
    expect(r.ours.availableOutgoingBitrate).toBeGreaterThan(50_000);
  });
});
