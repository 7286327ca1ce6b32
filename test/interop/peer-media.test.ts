import { spawnInNamespace } from './chromium-harness';

// omnirtc ↔ werift and @roamhq/wrtc (libwebrtc) video both ways, inside a lo-only
// namespace (peer-media.run.ts). The peer offers; omnirtc answers with VP8.
interface PeerMediaResult {
  error?: string;
  connected: boolean;
  negotiated: string;
  omnirtcReceived: { rtp: number; frames: number; keyFrames: number };
  peerReceived: { packets: number; frames: number };
}

jest.setTimeout(60000);

describe('media interop with other stacks', () => {
  it('werift: RTP both ways, omnirtc depacketises werift’s VP8 and werift receives every frame', async () => {
    const r = (await spawnInNamespace('peer-media.run.ts', ['werift'], 55000)) as PeerMediaResult;
    expect(r.error).toBeUndefined();
    expect(r.negotiated).toBe('video/VP8');
    // 90 frames each way on loopback; the bounds leave room for a loaded CI machine.
    expect(r.omnirtcReceived.frames).toBeGreaterThanOrEqual(45);
    expect(r.omnirtcReceived.keyFrames).toBeGreaterThanOrEqual(1);
    expect(r.peerReceived.frames).toBeGreaterThanOrEqual(45);
  });

  it('wrtc (libwebrtc): omnirtc receives its encoder’s frames; libwebrtc decodes omnirtc’s VP8', async () => {
    const r = (await spawnInNamespace('peer-media.run.ts', ['wrtc'], 55000)) as PeerMediaResult;
    expect(r.error).toBeUndefined();
    expect(r.negotiated).toBe('video/VP8');
    // libwebrtc's encoder and decoder adapt to CPU load: any steady flow of frames counts.
    expect(r.omnirtcReceived.frames).toBeGreaterThanOrEqual(15);
    expect(r.peerReceived.frames).toBeGreaterThanOrEqual(20);
  });
});
