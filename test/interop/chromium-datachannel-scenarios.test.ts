import { BULK_BYTES, type ChannelInfo, MANY_CHANNELS, SEQ_COUNT, SMALL_COUNT } from './chromium-dc-page';
import { spawnInNamespace } from './chromium-harness';

// Issue 8 "Real peers", omnirtc ↔ headless Chromium over real UDP in a lo-only namespace
// (chromium-datachannel-scenarios.run.ts, one Chromium launch per case): 1000 messages each
// way, 16 MiB each way checked by SHA-256 under bufferedamountlow flow control, a message of
// exactly max-message-size each way (and one byte more refused), unordered (also with
// fragmented 100 kB messages), maxRetransmits:0 and maxPacketLifeTime channels, negotiated channels, 100 channels opened (and then closed)
// at once, close-then-reopen from either side, data queued before close() delivered first,
// and Chromium's pc.close() closing omnirtc's channel and transports. Every case runs with each side as SDP offerer, and
// with each side creating the channels, so DCEP, stream id parity and both DTLS/SCTP
// roles are exercised.

interface BulkDirection {
  expectedSha: string;
  sentSha?: string;
  receivedSha: string;
  bytes: number;
  messages: number;
  largest: number;
  /** Times the sender paused for bufferedamountlow (bufferedAmount above 4 MiB). */
  lowWaits: number;
  /** omnirtc only: bufferedamountlow fired while bufferedAmount was still above the threshold. */
  lowAboveThreshold?: number;
}
interface Exchange {
  omni: ChannelInfo;
  chrome: ChannelInfo;
  omniGot: string[];
  chromeGot: string[];
}
interface ScenarioResult {
  error?: string;
  role: string;
  opener: string;
  timings: Record<string, number>;
  seq: { error?: string; chromeReceived: number; chromeFirstBad: number; omniReceived: number; omniFirstBad: number };
  bulk: { error?: string; omniMaxMessageSize: number; chromeMaxMessageSize: number; toChrome: BulkDirection; toOmni: BulkDirection };
  maxsize: { error?: string; omniMax: number; chromeMax: number; oversize: string; stateAfterOversize: string; toChrome: { bytes: number; messages: number; ok: boolean }; toOmni: { bytes: number; messages: number; ok: boolean } };
  partial: {
    error?: string;
    unordered: Exchange;
    rtx0: Exchange;
    lifetime: Exchange;
  };
  unorderedlarge: { error?: string; count: number; size: number; toChromeIntact: boolean; toOmniIntact: boolean; chromeGot: number; omniGot: number };
  negotiated: { error?: string } & Record<string, Exchange & { announcedRemotely: { omni: number; chrome: number } }>;
  many: { error?: string; omni: { label: string; id: number; got: string[] }[]; chrome: { label: string; id: number; got: string[] }[]; omniClosed: number; chromeClosed: number };
  closeflush: { error?: string; count: number } & Record<'omni' | 'chrome', { delivered: number; intact: number; omniState: string; chromeState: string }>;
  peerclose: { error?: string; channelState: string; closedMs: number; dtlsState: string; sctpState: string };
  reopen: {
    error?: string;
    steps: { closer: string; idBefore: number; omniState: string; chromeState: string; reopened: { omniId: number; chromeId: number; omniGot: string[]; chromeGot: string[] } }[];
  };
  connectedThroughout: boolean;
}

const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

function check(r: ScenarioResult): void {
  expect(r.error).toBeUndefined();

  // 1000 messages each way on one ordered channel: all arrive, in order, content intact.
  expect(r.seq).toEqual({ chromeReceived: SEQ_COUNT, chromeFirstBad: -1, omniReceived: SEQ_COUNT, omniFirstBad: -1 });

  // 16 MiB each way at once, never above the peer's max-message-size.
  expect(r.bulk.error).toBeUndefined();
  for (const d of [r.bulk.toChrome, r.bulk.toOmni]) {
    expect(d.bytes).toBe(BULK_BYTES);
    expect(d.receivedSha).toBe(d.expectedSha);
    expect(d.largest).toBeLessThanOrEqual(65536);
  }
  expect(r.bulk.toChrome.sentSha).toBe(r.bulk.toChrome.expectedSha);
  // Flow control was exercised on both sides: each sender paused for bufferedamountlow,
  // and omnirtc fired it only once at or below the threshold (W3C §6.2).
  expect(r.bulk.toChrome.lowWaits).toBeGreaterThan(0);
  expect(r.bulk.toChrome.lowAboveThreshold).toBe(0);
  expect(r.bulk.toOmni.lowWaits).toBeGreaterThan(0);
  expect(r.bulk.toChrome.largest).toBeLessThanOrEqual(r.bulk.omniMaxMessageSize);
  expect(r.bulk.toOmni.largest).toBeLessThanOrEqual(r.bulk.chromeMaxMessageSize);

  // One message of exactly a=max-message-size each way arrives whole; one byte more is a
  // TypeError from omnirtc's send(), and the channel stays open.
  expect(r.maxsize.error).toBeUndefined();
  expect(r.maxsize.omniMax).toBe(262144);
  expect(r.maxsize.chromeMax).toBe(262144);
  expect(r.maxsize.oversize).toBe('TypeError');
  expect(r.maxsize.stateAfterOversize).toBe('open');
  expect(r.maxsize.toChrome).toEqual({ bytes: r.maxsize.omniMax, messages: 1, ok: true });
  expect(r.maxsize.toOmni).toEqual({ bytes: r.maxsize.chromeMax, messages: 1, ok: true });

  // Unordered and maxRetransmits:0: both sides see the configuration, and on a clean
  // link every message arrives (the rtx0 channel is ordered, so in order too).
  expect(r.partial.error).toBeUndefined();
  const { unordered, rtx0 } = r.partial;
  for (const info of [unordered.omni, unordered.chrome]) expect(info).toMatchObject({ label: 'unordered', ordered: false, maxRetransmits: null, maxPacketLifeTime: null, negotiated: false });
  expect(unordered.omni.id).toBe(unordered.chrome.id);
  expect([...unordered.omniGot].sort()).toEqual(range(SMALL_COUNT, (i) => `u:c:${i}`).sort());
  expect([...unordered.chromeGot].sort()).toEqual(range(SMALL_COUNT, (i) => `u:o:${i}`).sort());
  for (const info of [rtx0.omni, rtx0.chrome]) expect(info).toMatchObject({ label: 'rtx0', ordered: true, maxRetransmits: 0, maxPacketLifeTime: null, negotiated: false });
  expect(rtx0.omni.id).toBe(rtx0.chrome.id);
  expect(rtx0.omniGot).toEqual(range(SMALL_COUNT, (i) => `r:c:${i}`));
  expect(rtx0.chromeGot).toEqual(range(SMALL_COUNT, (i) => `r:o:${i}`));

  // A maxPacketLifeTime channel likewise.
  for (const info of [r.partial.lifetime.omni, r.partial.lifetime.chrome]) expect(info).toMatchObject({ label: 'lifetime', ordered: true, maxRetransmits: null, maxPacketLifeTime: 3000 });
  expect(r.partial.lifetime.omniGot).toEqual(range(SMALL_COUNT, (i) => `l:c:${i}`));
  expect(r.partial.lifetime.chromeGot).toEqual(range(SMALL_COUNT, (i) => `l:o:${i}`));
  // 30 fragmented 100 kB messages each way on the unordered channel arrive whole.
  expect(r.unorderedlarge).toEqual({ count: 30, size: 100_000, toChromeIntact: true, toOmniIntact: true, chromeGot: 30, omniGot: 30 });

  // Negotiated channels (even and odd id): open on both sides with no datachannel event,
  // messages both ways.
  expect(r.negotiated.error).toBeUndefined();
  for (const id of [900, 901]) {
    const label = `neg-${id}`;
    const n = r.negotiated[label];
    for (const info of [n.omni, n.chrome]) expect(info).toMatchObject({ label, id, negotiated: true, protocol: 'p', readyState: 'open' });
    expect(n.announcedRemotely).toEqual({ omni: 0, chrome: 0 });
    expect(n.omniGot).toEqual(range(SMALL_COUNT, (i) => `${label}:c:${i}`));
    expect(n.chromeGot).toEqual(range(SMALL_COUNT, (i) => `${label}:o:${i}`));
  }

  // 100 channels created in one go: each opens on both sides with the same id and
  // carries one message each way.
  expect(r.many.error).toBeUndefined();
  expect(r.many.omni).toHaveLength(MANY_CHANNELS);
  expect(r.many.chrome).toHaveLength(MANY_CHANNELS);
  expect(new Set(r.many.omni.map((c) => c.id)).size).toBe(MANY_CHANNELS);
  for (let i = 0; i < MANY_CHANNELS; i++) {
    const o = r.many.omni[i];
    const c = r.many.chrome[i];
    expect(o.id).toBe(c.id);
    expect(o.got).toEqual([`from-chrome:${o.label}`]);
    expect(c.got).toEqual([`from-omni:${c.label}`]);
  }
  // ... then the opener closes all 100 at once: every one reaches 'closed' on both sides.
  expect(r.many.omniClosed).toBe(MANY_CHANNELS);
  expect(r.many.chromeClosed).toBe(MANY_CHANNELS);

  // Close from omnirtc, then from Chromium: 'closed' on both sides, and a new channel
  // with the same label opens and carries a message each way.
  expect(r.reopen.error).toBeUndefined();
  expect(r.reopen.steps.map((s) => s.closer)).toEqual(['omni', 'chrome']);
  r.reopen.steps.forEach((s, i) => {
    expect(s.omniState).toBe('closed');
    expect(s.chromeState).toBe('closed');
    expect(s.reopened.omniId).toBe(s.reopened.chromeId);
    expect(s.reopened.omniGot).toEqual([`again:c:${i + 1}`]);
    expect(s.reopened.chromeGot).toEqual([`again:o:${i + 1}`]);
  });

  // 100 messages of 10 kB sent right before close() all arrive intact before 'close', from
  // either side (RFC 8831 §6.7).
  expect(r.closeflush.error).toBeUndefined();
  for (const closer of ['omni', 'chrome'] as const) {
    expect(r.closeflush[closer]).toEqual({ delivered: r.closeflush.count, intact: r.closeflush.count, omniState: 'closed', chromeState: 'closed' });
  }

  expect(r.connectedThroughout).toBe(true);

  // Chromium's pc.close() closes omnirtc's open channel and its DTLS and SCTP transports.
  expect(r.peerclose.error).toBeUndefined();
  expect(r.peerclose).toMatchObject({ channelState: 'closed', dtlsState: 'closed', sctpState: 'closed' });
}

// Each case takes about 4 s on this class of machine (launch ~0.5 s, 16 MiB each way ~2 s).
jest.setTimeout(60000);

describe('Chromium interop: data channel scenarios (issue 8)', () => {
  const cases: [string, string][] = [
    ['omnirtc-offers', 'omni'],
    ['chrome-offers', 'omni'],
    ['chrome-offers', 'chrome'],
    ['omnirtc-offers', 'chrome'],
  ];
  it.each(cases)('%s, channels created by %s: 1000 msgs, 16 MiB SHA-256, max size, unordered/rtx0, negotiated, 100 channels, close+reopen, close flush, peer close', async (role, opener) => {
    const r = (await spawnInNamespace('chromium-datachannel-scenarios.run.ts', [role, opener], 55000)) as ScenarioResult;
    expect(r.role).toBe(role);
    expect(r.opener).toBe(opener);
    check(r);
  });
});
