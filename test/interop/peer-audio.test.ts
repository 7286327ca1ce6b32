import { spawnInNamespace } from './chromium-harness';

// omnirtc ↔ werift and @roamhq/wrtc (libwebrtc) Opus both ways, inside a lo-only namespace
// (peer-audio.run.ts). The peer offers an audio sendrecv transceiver; omnirtc answers with Opus
// and sends 151 ffmpeg-encoded 20 ms packets of a 440 Hz sine.
interface PeerAudioResult {
  error?: string;
  connected: boolean;
  negotiated: string;
  ffmpegPackets: number;
  omnirtcReceived: { rtp: number; frames: number; validOpus: number; mimeTypes: string[] };
  byteIdentical?: { checked: number; identical: number; mismatches: string[] };
  omnirtcDecoded?: { samples: number; peakSample: number; toneHz: number };
  peerReceived: {
    packets: number;
    matchingPayloads?: number;
    decodedSamples?: number;
    peakSample?: number;
    toneHz?: number;
    statsPacketsReceived?: number;
    statsTotalSamplesReceived?: number;
  };
}

jest.setTimeout(30000);

describe('audio interop with other stacks', () => {
  it('werift: Opus RTP both ways; omnirtc’s frames are werift’s packets byte for byte', async () => {
    const r = (await spawnInNamespace('peer-audio.run.ts', ['werift'], 25000)) as PeerAudioResult;
    expect(r.error).toBeUndefined();
    expect(r.negotiated).toBe('audio/opus');
    expect(r.ffmpegPackets).toBeGreaterThanOrEqual(145);
    // Loopback loses nothing in practice; the bounds leave room for a loaded CI machine.
    const half = Math.floor(r.ffmpegPackets / 2);
    expect(r.omnirtcReceived.rtp).toBeGreaterThanOrEqual(half);
    expect(r.omnirtcReceived.frames).toBeGreaterThanOrEqual(half);
    expect(r.omnirtcReceived.mimeTypes).toEqual(['audio/opus']);
    expect(r.omnirtcReceived.validOpus).toBe(r.omnirtcReceived.frames);
    // A sample of the depacketised frames, each matched to the packet werift sent with its timestamp.
    expect(r.byteIdentical?.mismatches).toEqual([]);
    expect(r.byteIdentical?.checked).toBeGreaterThanOrEqual(Math.floor(half / 7));
    expect(r.byteIdentical?.identical).toBe(r.byteIdentical?.checked);
    // werift receives omnirtc's writeFrame() packets with the payloads unchanged.
    expect(r.peerReceived.packets).toBeGreaterThanOrEqual(half);
    expect(r.peerReceived.matchingPayloads).toBe(r.peerReceived.packets);
  });

  it('wrtc (libwebrtc): omnirtc receives its encoder’s Opus; libwebrtc decodes omnirtc’s Opus to the 440 Hz tone', async () => {
    const r = (await spawnInNamespace('peer-audio.run.ts', ['wrtc'], 25000)) as PeerAudioResult;
    expect(r.error).toBeUndefined();
    expect(r.negotiated).toBe('audio/opus');
    const half = Math.floor(r.ffmpegPackets / 2);
    // libwebrtc → omnirtc: 20 ms Opus packets of wrtc's 440 Hz sine, which ffmpeg decodes back to the tone.
    expect(r.omnirtcReceived.frames).toBeGreaterThanOrEqual(half);
    expect(r.omnirtcReceived.mimeTypes).toEqual(['audio/opus']);
    expect(r.omnirtcReceived.validOpus).toBe(r.omnirtcReceived.frames);
    expect(r.omnirtcDecoded?.peakSample).toBeGreaterThan(1000);
    expect(r.omnirtcDecoded?.toneHz).toBeGreaterThanOrEqual(400);
    expect(r.omnirtcDecoded?.toneHz).toBeLessThanOrEqual(480);
    // omnirtc → libwebrtc: its getStats() counts the packets, its decoder yields the tone.
    expect(r.peerReceived.statsPacketsReceived).toBeGreaterThanOrEqual(half);
    expect(r.peerReceived.statsTotalSamplesReceived).toBeGreaterThan(half * 960);
    expect(r.peerReceived.decodedSamples).toBeGreaterThan(half * 960);
    expect(r.peerReceived.peakSample).toBeGreaterThan(1000);
    expect(r.peerReceived.toneHz).toBeGreaterThanOrEqual(400);
    expect(r.peerReceived.toneHz).toBeLessThanOrEqual(480);
  });
});
