import { spawnInNamespace } from './chromium-harness';

// omnirtc sends ffmpeg-encoded VP8 or H.264 (Constrained Baseline, packetization-mode 1)
// and Opus with writeFrame(); headless Chromium decodes it (chromium-send.run.ts, inside a
// lo-only namespace). Needs Debian `ffmpeg` and `chromium`.
interface SendResult {
  error?: string;
  videoFrames: number;
  negotiated: string;
  chrome: { videoCodec?: string; framesDecoded?: number; keyFramesDecoded?: number; totalSamplesReceived?: number; audioPackets?: number };
}

jest.setTimeout(60000);

describe('Chromium interop: omnirtc sends media', () => {
  // Each codec once, each in one role (omnirtc offering, then answering Chromium's recvonly offer).
  it.each([
    ['vp8', 'omnirtc-offers', 'video/VP8'],
    ['h264', 'chrome-offers', 'video/H264'],
  ])('%s + Opus, %s: Chromium decodes the frames and plays the audio', async (codec, role, mime) => {
    const r = (await spawnInNamespace('chromium-send.run.ts', [codec, role], 55000)) as SendResult;
    expect(r.error).toBeUndefined();
    expect(r.negotiated).toBe(mime);
    expect(r.chrome.videoCodec).toBe(mime);
    // Nearly every frame decodes on a clean loopback link (room left for a loaded machine).
    expect(r.chrome.framesDecoded).toBeGreaterThanOrEqual(r.videoFrames * 0.75);
    expect(r.chrome.keyFramesDecoded).toBeGreaterThanOrEqual(1);
    expect(r.chrome.audioPackets).toBeGreaterThan(150);
    expect(r.chrome.totalSamplesReceived).toBeGreaterThan(48000);
  });
});
