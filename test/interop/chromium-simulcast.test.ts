import { spawnInNamespace } from './chromium-harness';

// Headless Chromium sends VP8 simulcast (three rids, 1280x720 fake camera scaled 4:2:1)
// to omnirtc over real UDP inside a lo-only namespace (chromium-simulcast.run.ts drives
// both): omnirtc receives each layer on its own track, sees VP8 key frames of three
// different sizes, and a PLI on one layer brings a key frame on that layer. Both ways of
// negotiating: Chromium offers a=simulcast:send, or omnirtc offers a=simulcast:recv
// (Chromium answers it with a=simulcast:send, W3C WebRTC §4.4.1.6).
interface LayerCounts {
  rtp: number;
  frames: number;
  keyFrames: number;
  sizes: string[];
}
interface SimulcastResult {
  error?: string;
  connected: boolean;
  offerSimulcast?: boolean;
  answerSimulcast: string[];
  layerRids: string[];
  layers: Record<string, LayerCounts>;
  keyFrameLayer: string;
  chrome: Record<string, { pliCount: number; frameWidth: number; framesSent: number }>;
  inbound: { rid: string; ssrc: number; packetsReceived: number; framesReceived: number; pliCount: number; nackCount: number; retransmittedPacketsReceived: number }[];
  ridRouting: { learned: number; unknownRid: number; unroutable: number };
}

jest.setTimeout(120000);

function checkLayers(r: SimulcastResult): void {
  expect(r.error).toBeUndefined();
  expect(r.connected).toBe(true);
  expect(r.layerRids).toEqual(['q', 'h', 'f']);
  // Chromium turns layers on as its bandwidth estimate allows: at least two are deterministic.
  const live = r.layerRids.filter((rid) => r.layers[rid].frames >= 10);
  expect(live.length).toBeGreaterThanOrEqual(2);
  const widths: number[] = [];
  for (const rid of live) {
    const sizes = new Set(r.layers[rid].sizes);
    // Every key frame of one layer has that layer's size; layers differ (scaleResolutionDownBy 4, 2, 1).
    expect(sizes.size).toBe(1);
    const [w, h] = [...sizes][0].split('x').map(Number);
    expect(w * 9).toBe(h * 16);
    widths.push(w);
  }
  expect(widths).toEqual([...widths].sort((a, b) => a - b));
  expect(new Set(widths).size).toBe(widths.length);
  if (live.includes('f')) expect(r.layers.f.sizes[0]).toBe('1280x720');
  // getStats: one inbound-rtp per layer, with its rid and its own SSRC.
  const inbound = r.inbound.filter((s) => live.includes(s.rid));
  expect(inbound.map((s) => s.rid).sort()).toEqual([...live].sort());
  expect(new Set(inbound.map((s) => s.ssrc)).size).toBe(live.length);
  // framesReceived counts what the program has read plus frames still flowing in.
  for (const s of inbound) expect(s.framesReceived).toBeGreaterThanOrEqual(r.layers[s.rid].frames);
  // The PLI on one layer reached that layer's encoder in Chromium.
  expect(r.inbound.find((s) => s.rid === r.keyFrameLayer)?.pliCount).toBeGreaterThanOrEqual(1);
  expect(r.chrome[r.keyFrameLayer].pliCount).toBeGreaterThanOrEqual(1);
  expect(r.ridRouting.unknownRid).toBe(0);
  expect(r.ridRouting.learned).toBeGreaterThanOrEqual(live.length);
}

describe('Chromium interop: simulcast', () => {
  it('Chromium offers three rid layers: omnirtc answers recv, receives each layer, PLI per layer', async () => {
    const r = (await spawnInNamespace('chromium-simulcast.run.ts', ['chrome-offers'], 80000)) as SimulcastResult;
    expect(r.offerSimulcast).toBe(true);
    expect(r.answerSimulcast).toEqual(['a=rid:q recv', 'a=rid:h recv', 'a=rid:f recv', 'a=simulcast:recv q;h;f']);
    checkLayers(r);
  });

  it('under 5 % UDP loss: each layer NACKs its own SSRC and RTX (routed by repaired-rid) repairs it', async () => {
    const r = (await spawnInNamespace('chromium-simulcast.run.ts', ['chrome-offers', '0.05'], 80000)) as SimulcastResult;
    expect(r.error).toBeUndefined();
    expect(r.connected).toBe(true);
    const live = r.layerRids.filter((rid) => r.layers[rid].frames >= 10);
    expect(live.length).toBeGreaterThanOrEqual(2);
    const nacked = r.inbound.filter((s) => s.nackCount > 0);
    expect(nacked.length).toBeGreaterThanOrEqual(1);
    // Retransmissions come back on the layer that asked (RTX SSRC → rid via repaired-rid).
    for (const s of nacked) expect(s.retransmittedPacketsReceived).toBeGreaterThan(0);
    expect(r.ridRouting.unknownRid).toBe(0);
  });

  it('an SFU: omnirtc forwards one layer to a second Chromium connection and switches layers with replaceTrack; Chromium decodes each size', async () => {
    const r = (await spawnInNamespace('chromium-simulcast.run.ts', ['sfu'], 80000)) as SimulcastResult & { sfu: { widths: number[]; decoded: number[]; viewerPli: number } };
    checkLayers(r);
    const live = r.layerRids.filter((rid) => r.layers[rid].frames >= 10);
    // Every layer Chromium sent is decoded by the viewer at its own width after the switch
    // (key frame asked upstream, timestamps and VP8 PictureID continued across layers).
    const expected = [320, 640, 1280].filter((_, i) => live.includes(r.layerRids[i]));
    expect(r.sfu.widths.filter((w, i) => live.includes(r.layerRids[i]) && w > 0)).toEqual(expected);
    for (const [i, n] of r.sfu.decoded.entries()) if (live.includes(r.layerRids[i])) expect(n).toBeGreaterThanOrEqual(10);
  });

  it('omnirtc offers a=simulcast:recv: Chromium answers send and sends three layers', async () => {
    const r = (await spawnInNamespace('chromium-simulcast.run.ts', ['omnirtc-offers'], 80000)) as SimulcastResult;
    expect(r.answerSimulcast).toEqual(['a=rid:q send', 'a=rid:h send', 'a=rid:f send', 'a=simulcast:send q;h;f']);
    checkLayers(r);
  });
});

describe('Chromium interop: omnirtc sends simulcast', () => {
  it('Chromium declines a=simulcast:send in its answer: only the first encoding is sent and Chromium decodes it (RFC 8853 §5.3)', async () => {
    const r = (await spawnInNamespace('chromium-simulcast.run.ts', ['omnirtc-sends'], 80000)) as {
      error?: string;
      connected: boolean;
      offerSimulcast: boolean;
      answerSimulcast: string[];
      viewer: { frameWidth: number; framesDecoded: number; ssrcs: number };
      outbound: { rid?: string; framesSent: number }[];
      layerSenders: number;
    };
    expect(r.error).toBeUndefined();
    expect(r.connected).toBe(true);
    expect(r.offerSimulcast).toBe(true);
    expect(r.answerSimulcast).toEqual([]);
    expect(r.layerSenders).toBe(0);
    // One stream: the "lo" encoding (320x180), every frame written for it; "hi" is not sent.
    expect(r.outbound).toEqual([{ framesSent: 90 }]);
    expect(r.viewer.ssrcs).toBe(1);
    expect(r.viewer.frameWidth).toBe(320);
    expect(r.viewer.framesDecoded).toBeGreaterThanOrEqual(60);
  });
});
