import { spawnInNamespace } from './chromium-harness';

// Headless Chromium ↔ omnirtc over real UDP inside a lo-only network namespace
// (chromium-media.run.ts drives both). Chromium sends its fake camera (VP8) and
// microphone (Opus); omnirtc receives RTP and depacketised frames, asks for a key frame
// (PLI), and — as answerer — echoes Chromium's video back, which Chromium decodes.
interface MediaResult {
  error?: string;
  connected: boolean;
  audioRtp: number;
  videoRtp: number;
  videoFrames: number;
  audioFrames: number;
  keyFramesAfterPli: number;
  chrome: { framesDecoded?: number; pliCount?: number; availableOutgoingBitrate?: number };
  twccFeedbackSent: number;
  statsTypes: string[];
}

jest.setTimeout(60000);

describe('Chromium interop: media', () => {
  it('Chromium offers: omnirtc receives VP8/Opus frames, PLI gets a key frame, the echo is decoded by Chromium', async () => {
    const r = (await spawnInNamespace('chromium-media.run.ts', ['chrome-offers'], 55000)) as MediaResult;
    expect(r.error).toBeUndefined();
    expect(r.connected).toBe(true);
    expect(r.videoFrames).toBeGreaterThanOrEqual(10);
    expect(r.audioFrames).toBeGreaterThanOrEqual(10);
    expect(r.videoRtp).toBeGreaterThanOrEqual(r.videoFrames);
    expect(r.keyFramesAfterPli).toBeGreaterThanOrEqual(1);
    expect(r.chrome.pliCount).toBeGreaterThanOrEqual(1);
    expect(r.chrome.framesDecoded).toBeGreaterThan(0);
    // Our transport-wide CC feedback drives Chromium's bandwidth estimate above its 300 kbit/s
    // start (on an idle machine it reaches ~3 Mbit/s within seconds; the bound leaves room for load).
    expect(r.twccFeedbackSent).toBeGreaterThan(0);
    expect(r.chrome.availableOutgoingBitrate).toBeGreaterThan(500_000);
    expect(r.statsTypes).toEqual(expect.arrayContaining(['inbound-rtp', 'outbound-rtp', 'remote-inbound-rtp', 'remote-outbound-rtp', 'transport', 'candidate-pair', 'codec', 'certificate']));
  });

  it('omnirtc offers (recvonly): Chromium answers and sends; frames and PLI work', async () => {
    const r = (await spawnInNamespace('chromium-media.run.ts', ['omnirtc-offers'], 55000)) as MediaResult;
    expect(r.error).toBeUndefined();
    expect(r.connected).toBe(true);
    expect(r.videoFrames).toBeGreaterThanOrEqual(10);
    expect(r.audioFrames).toBeGreaterThanOrEqual(10);
    expect(r.keyFramesAfterPli).toBeGreaterThanOrEqual(1);
    expect(r.chrome.pliCount).toBeGreaterThanOrEqual(1);
  });
});
