import { spawnInNamespace } from './chromium-harness';

// Chromium ↔ omnirtc media with 5 % random UDP loss inside the namespace (iptables
// statistic match, both directions): omnirtc NACKs and restores Chromium's RTX packets
// (RFC 4585 §6.2.1, RFC 4588), answers Chromium's NACKs from its retransmission buffer,
// and the echo still decodes. Needs Debian `iptables`.
interface LossResult {
  error?: string;
  connected: boolean;
  videoFrames: number;
  chrome: { framesDecoded?: number; nackCount?: number };
  repair: { nackSent: number; rtxReceived: number; packetsLost: number; nackReceived: number; retransmittedPacketsSent: number };
}

jest.setTimeout(60000);

describe('Chromium interop: media under 5 % loss', () => {
  it('NACK/RTX repair both ways; frames keep flowing', async () => {
    const r = (await spawnInNamespace('chromium-media.run.ts', ['chrome-offers', 'vp8', '0.05'], 55000)) as LossResult;
    expect(r.error).toBeUndefined();
    expect(r.connected).toBe(true);
    expect(r.videoFrames).toBeGreaterThanOrEqual(10);
    expect(r.repair.nackSent).toBeGreaterThan(0);
    expect(r.repair.rtxReceived).toBeGreaterThan(0);
    expect(r.repair.nackReceived).toBeGreaterThan(0);
    expect(r.repair.retransmittedPacketsSent).toBeGreaterThan(0);
    expect(r.chrome.framesDecoded).toBeGreaterThan(0);
  });
});
