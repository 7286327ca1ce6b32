import { spawnInNamespace } from './chromium-harness';

// Headless Chromium ↔ omnirtc DTMF over real UDP inside a lo-only network namespace
// (chromium-dtmf.run.ts drives both), with each side as offerer:
// - Chromium's RTCDTMFSender.insertDTMF('123#') arrives at omnirtc as exactly those four 'dtmf'
//   events on the RTCRtpReceiver;
// - omnirtc's insertDTMF('9*0D') beside Opus silence: Chromium exposes no received DTMF to
//   JavaScript, so the page finds the digits in the audio Chromium's decoder (NetEq) plays the
//   telephone-events out as (MediaStreamTrackProcessor + Goertzel filters) — an independent
//   receiver decoding our packets; its inbound-rtp audio stats keep counting meanwhile.
interface DtmfResult {
  error?: string;
  waitError?: string;
  connected: boolean;
  negotiated: string[];
  omnirtcCanInsert: boolean;
  omnirtcReceived: { tone: string; duration: number; endReceived: boolean }[];
  omnirtcToneChanges: string[];
  omnirtcDtmfCounters: { packets: number; malformed: number; tones: number };
  chromeDetected: string;
  chromeToneChanges: string[];
  chromeCanInsert: boolean;
  detectorState: string;
  chromeAudioBefore: Record<string, number>;
  chromeAudioAfter: Record<string, number>;
}

jest.setTimeout(60000);

function check(r: DtmfResult): void {
  expect(r.error).toBeUndefined();
  expect(r.waitError).toBeUndefined();
  expect(r.connected).toBe(true);
  expect(r.negotiated).toEqual(expect.arrayContaining(['audio/telephone-event/48000/110']));
  // Chromium → omnirtc: exactly the tones inserted, once each, ended by an E report.
  expect(r.chromeCanInsert).toBe(true);
  expect(r.chromeToneChanges).toEqual(['1', '2', '3', '#', '']);
  expect(r.omnirtcReceived.map((t) => t.tone).join('')).toBe('123#');
  for (const t of r.omnirtcReceived) {
    expect(t.endReceived).toBe(true);
    expect(t.duration).toBeGreaterThanOrEqual(100);
    expect(t.duration).toBeLessThanOrEqual(140);
  }
  expect(r.omnirtcDtmfCounters.malformed).toBe(0);
  expect(r.omnirtcDtmfCounters.tones).toBe(4);
  // omnirtc → Chromium: the digits come out of Chromium's audio decoder, in order.
  expect(r.omnirtcCanInsert).toBe(true);
  expect(r.omnirtcToneChanges).toEqual(['9', '*', '0', 'D', '']);
  expect(r.detectorState).toBe('running');
  expect(r.chromeDetected).toBe('9*0D');
  // Chromium's inbound-rtp audio keeps counting (no loss; samples keep coming) while DTMF is sent.
  const before = r.chromeAudioBefore;
  const after = r.chromeAudioAfter;
  expect(after.packetsReceived).toBeGreaterThan(before.packetsReceived + 50);
  expect(after.packetsLost).toBe(0);
  expect(after.totalSamplesReceived).toBeGreaterThan(before.totalSamplesReceived + 48000);
}

describe('Chromium interop: DTMF (RFC 4733 telephone-event)', () => {
  it('Chromium offers: tones both ways', async () => {
    check((await spawnInNamespace('chromium-dtmf.run.ts', ['chrome-offers'], 55000)) as DtmfResult);
  });

  it('omnirtc offers: tones both ways', async () => {
    check((await spawnInNamespace('chromium-dtmf.run.ts', ['omnirtc-offers'], 55000)) as DtmfResult);
  });
});
