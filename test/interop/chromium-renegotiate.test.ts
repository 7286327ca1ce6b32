import { spawnInNamespace } from './chromium-harness';

// Renegotiation from either side and an ICE restart with headless Chromium, over one
// BUNDLE transport whose data channel keeps working (chromium-renegotiate.run.ts).
interface RenegotiateResult {
  error?: string;
  step1: string;
  step2: { trackEvents: number; frameBytes: number; mime: string };
  step3: { negotiationNeeded: number; chrome: { framesDecoded: number }; chromeTracks: number };
  step4: { ufragChanged: boolean; connectionState: string; echo: string };
  step5: { ourUfragChanged: boolean; connectionState: string; echo: string };
  chromeState: string;
}

jest.setTimeout(60000);

describe('Chromium interop: renegotiation and ICE restart', () => {
  it('data channel call → Chromium adds a track → omnirtc adds a track → omnirtc restarts ICE → Chromium restarts ICE', async () => {
    const r = (await spawnInNamespace('chromium-renegotiate.run.ts', [], 55000)) as RenegotiateResult;
    expect(r.error).toBeUndefined();
    expect(r.step1).toBe('echo:one');
    expect(r.step2).toMatchObject({ trackEvents: 1, mime: 'video/VP8' });
    expect(r.step2.frameBytes).toBeGreaterThan(0);
    expect(r.step3.negotiationNeeded).toBe(1);
    expect(r.step3.chromeTracks).toBe(1);
    expect(r.step3.chrome.framesDecoded).toBeGreaterThan(0);
    expect(r.step4).toEqual({ ufragChanged: true, connectionState: 'connected', echo: 'echo:after-restart' });
    expect(r.step5).toEqual({ ourUfragChanged: true, connectionState: 'connected', echo: 'echo:after-remote-restart' });
    expect(r.chromeState).toBe('connected');
  });
});
