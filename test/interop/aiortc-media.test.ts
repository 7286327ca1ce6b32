import { runAiortcScript } from './aiortc-harness';

// omnirtc ↔ aiortc (Debian python3-aiortc) audio and video, each role, over a veth pair in a
// network namespace of the test's own (aiortc-media.run.ts, aiortc-peer.py); then with loss
// of our VP8 packets (NACK → RTX) and with a hole NACK cannot repair (aiortc's PLI reaches
// our sender), which need iptables (Debian iptables, with xt_u32).
interface Counts {
  frames: number;
  keyFrames: number;
  bytes: number;
}
interface Result {
  error?: string;
  sentVideoFrames: number;
  sentAudioPackets: number;
  negotiated: string[];
  keyFramesBeforePli: number;
  keyFramesAfterPli: number;
  framesRising: boolean;
  outboundVideo: { packetsSent: number; nackCount: number; retransmittedPacketsSent: number; pliCount: number };
  keyFrameRequestsFromAiortc: { pli: number; fir: number };
  omnirtcReceived: { audio: Counts; video: Counts };
  aiortcReceived: {
    video: { frames: number; width: number; height: number };
    audio: { frames: number; samples: number; sampleRate: number };
    connectionState: string;
  };
}

jest.setTimeout(60_000);

describe('media interop with aiortc', () => {
  it.each(['omnirtc-offers', 'aiortc-offers'])('%s: aiortc VP8 + Opus depacketised by omnirtc; ffmpeg VP8 + Opus from omnirtc decoded by aiortc; our PLI gets a key frame', async (role) => {
    const r = (await runAiortcScript('aiortc-media.run.ts', [role], 50_000)) as Result;
    expect(r.error).toBeUndefined();
    expect(r.negotiated[0]).toBe('video/VP8');
    // aiortc → omnirtc: 3 s at ~30 fps of VP8 (its first frame a key frame) and 20 ms Opus.
    expect(r.omnirtcReceived.video.frames).toBeGreaterThanOrEqual(60);
    expect(r.keyFramesBeforePli).toBeGreaterThanOrEqual(1);
    expect(r.framesRising).toBe(true);
    expect(r.omnirtcReceived.audio.frames).toBeGreaterThanOrEqual(100);
    // aiortc's VP8 encoder makes no periodic key frames: a new one answers our PLI.
    expect(r.keyFramesAfterPli).toBeGreaterThan(r.keyFramesBeforePli);
    // omnirtc → aiortc: ffmpeg's 320x240 VP8 and 48 kHz Opus decoded by aiortc (libvpx, libopus).
    expect(r.aiortcReceived.connectionState).toBe('connected');
    expect(r.aiortcReceived.video.frames).toBeGreaterThanOrEqual(r.sentVideoFrames * 0.8);
    expect(r.aiortcReceived.video).toMatchObject({ width: 320, height: 240 });
    expect(r.aiortcReceived.audio.sampleRate).toBe(48000);
    expect(r.aiortcReceived.audio.samples).toBeGreaterThanOrEqual(r.sentAudioPackets * 960 * 0.8);
  });

  it.each(['omnirtc-offers', 'aiortc-offers'])('%s: 8 %% of our VP8 packets dropped, aiortc NACKs and decodes the RTX retransmissions', async (role) => {
    const r = (await runAiortcScript('aiortc-media.run.ts', [role, 'loss'], 50_000)) as Result;
    expect(r.error).toBeUndefined();
    expect(r.negotiated).toEqual(['video/VP8', 'video/rtx']);
    // ~106 VP8 packets at 8 %: no loss at all has a probability of about 1e-4.
    expect(r.outboundVideo.nackCount).toBeGreaterThan(0);
    expect(r.outboundVideo.retransmittedPacketsSent).toBeGreaterThan(0);
    // aiortc's jitter buffer holds every later frame behind a packet that never arrives, so
    // decoding nearly all frames means each lost packet came back as RTX.
    expect(r.aiortcReceived.video.frames).toBeGreaterThanOrEqual(r.sentVideoFrames * 0.9);
    expect(r.aiortcReceived.video).toMatchObject({ width: 320, height: 240 });
  });

  it.each(['omnirtc-offers', 'aiortc-offers'])('%s: a hole in our VP8 that RTX cannot fill makes aiortc send a PLI, delivered as keyframerequest', async (role) => {
    const r = (await runAiortcScript('aiortc-media.run.ts', [role, 'pli'], 50_000)) as Result;
    expect(r.error).toBeUndefined();
    expect(r.keyFrameRequestsFromAiortc.pli).toBeGreaterThanOrEqual(1);
    expect(r.outboundVideo.pliCount).toBe(r.keyFrameRequestsFromAiortc.pli);
    // aiortc NACKed the hole (the retransmissions were dropped), then resumed at a key frame.
    expect(r.outboundVideo.nackCount).toBeGreaterThan(0);
    expect(r.aiortcReceived.video.frames).toBeGreaterThan(30);
  });
});
