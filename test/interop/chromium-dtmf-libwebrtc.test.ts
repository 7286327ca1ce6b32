import { runInNamespace } from './chromium-harness';

// omnirtc's DTMF into @roamhq/wrtc — Chromium's WebRTC engine (libwebrtc) as a Node library —
// inside a lo-only namespace (chromium-dtmf-libwebrtc.run.ts). libwebrtc has no API for
// received DTMF; its audio receiver plays the RFC 4733 events out, and the decoded PCM must hold
// exactly the digits inserted, with Opus (telephone-event/48000) and with PCMU
// (telephone-event/8000).
interface LibwebrtcDtmfResult {
  error?: string;
  codec: string;
  peerOffersTelephoneEvent: boolean;
  connected: boolean;
  negotiated: string[];
  canInsertDTMF: boolean;
  tones: string;
  toneChanges: string[];
  detected: string;
  decoded: { callbacks: number; samples: number };
  peerInbound: { packetsReceived?: number; packetsLost?: number; totalSamplesReceived?: number };
}

jest.setTimeout(40000);

describe('libwebrtc (@roamhq/wrtc) decodes omnirtc DTMF', () => {
  it.each([
    ['opus', 'audio/telephone-event/48000/110'],
    ['pcmu', 'audio/telephone-event/8000/126'],
  ])('%s: the digits come out of the decoder in order', async (codec, eventCodec) => {
    const r = (await runInNamespace('chromium-dtmf-libwebrtc.run.ts', [codec], 35000)) as LibwebrtcDtmfResult;
    expect(r.error).toBeUndefined();
    expect(r.peerOffersTelephoneEvent).toBe(true);
    expect(r.connected).toBe(true);
    expect(r.negotiated).toContain(eventCodec);
    expect(r.canInsertDTMF).toBe(true);
    expect(r.toneChanges).toEqual([...r.tones.split(''), '']);
    expect(r.detected).toBe(r.tones);
    expect(r.decoded.samples).toBeGreaterThan(0);
    expect(r.peerInbound.packetsLost).toBe(0);
  });
});
