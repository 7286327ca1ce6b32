import { spawnInNamespace } from './chromium-harness';

// Chromium sends each video codec omnirtc negotiates (omnirtc offers recvonly and prefers
// one codec with setCodecPreferences): frames are depacketised in WASM and a PLI gets a
// key frame. VP8 is covered by chromium-media.test.ts.
interface CodecResult {
  error?: string;
  connected: boolean;
  videoFrames: number;
  videoMime: string;
  keyFramesAfterPli: number;
}

jest.setTimeout(60000);

describe('Chromium interop: receiving VP9, H.264 and AV1', () => {
  it.each([
    ['vp9', 'video/VP9'],
    ['h264', 'video/H264'],
    ['av1', 'video/AV1'],
  ])('%s', async (codec, mime) => {
    const r = (await spawnInNamespace('chromium-media.run.ts', ['omnirtc-offers', codec], 55000)) as CodecResult;
    expect(r.error).toBeUndefined();
    expect(r.connected).toBe(true);
    expect(r.videoMime).toBe(mime);
    expect(r.videoFrames).toBeGreaterThanOrEqual(10);
    expect(r.keyFramesAfterPli).toBeGreaterThanOrEqual(1);
  });
});
