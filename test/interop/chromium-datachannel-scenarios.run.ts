// Chromium ↔ omnirtc data channel scenarios of issue 8 ("Real peers"), all over one peer
// connection and one Chromium launch, run inside a lo-only namespace by
// chromium-datachannel-scenarios.test.ts. argv[2]: 'omnirtc-offers' | 'chrome-offers' (who
// makes the SDP offer, and so the DTLS/SCTP roles and stream id parity); argv[3]: 'omni' |
// 'chrome', the side that creates the channels of every scenario (default: the offerer);
// argv[4]: optional comma-separated scenario names. The first channel ('seq') is always
// created by the offerer, as it makes the m=application section.
// Prints one JSON line: each scenario's findings and its wall time in ms.
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { RTCPeerConnection as OmniPeerConnection, type RTCDataChannel, type RTCDataChannelInit } from '../../src/index';
import { BULK_BYTES, bulkChunk, type ChannelInfo, DC_PAGE_SCRIPT, MANY_CHANNELS, SEED_FROM_CHROME, SEED_FROM_OMNI, SEQ_COUNT, SMALL_COUNT, seqMessage } from './chromium-dc-page';
import { chromeAnswer, chromeApplyAnswer, openChromium } from './chromium-harness';
import { gathered, runPeerScript, until, within } from './peer-harness';

const role = process.argv[2] === 'chrome-offers' ? 'chrome-offers' : 'omnirtc-offers';
/** Which side creates the channels of each scenario. */
const opener: 'omni' | 'chrome' = process.argv[3] === 'omni' || process.argv[3] === 'chrome' ? process.argv[3] : role === 'omnirtc-offers' ? 'omni' : 'chrome';


/** An omnirtc channel and everything it received, collected from its first task on. */
interface Tracked {
  dc: RTCDataChannel;
  got: (string | ArrayBuffer)[];
  gotBytes: number;
  closed: boolean;
}

const tracked = new Map<string, Tracked[]>();

function track(dc: RTCDataChannel): Tracked {
  const t: Tracked = { dc, got: [], gotBytes: 0, closed: false };
  dc.binaryType = 'arraybuffer';
  dc.addEventListener('message', (e) => {
    const data = (e as MessageEvent).data as string | ArrayBuffer;
    t.got.push(data);
    t.gotBytes += typeof data === 'string' ? data.length : data.byteLength;
  });
  dc.addEventListener('close', () => {
    t.closed = true;
  });
  const list = tracked.get(dc.label) ?? [];
  list.push(t);
  tracked.set(dc.label, list);
  return t;
}

/** The nth omnirtc channel with this label, once open. */
async function omniOpen(label: string, nth: number, ms = 15000): Promise<Tracked> {
  await until(() => tracked.get(label)?.[nth]?.dc.readyState === 'open', ms, `omnirtc channel ${label}#${nth} open (state ${tracked.get(label)?.[nth]?.dc.readyState ?? 'absent'})`);
  return tracked.get(label)![nth];
}

type PageWindow = Record<string, unknown> & {
  pc: RTCPeerConnection;
  chans: Record<string, (RTCDataChannel & { got: unknown[]; closedSeen: boolean })[]>;
};


const describeOmni = (dc: RTCDataChannel): ChannelInfo => ({
  label: dc.label,
  id: dc.id,
  ordered: dc.ordered,
  maxRetransmits: dc.maxRetransmits,
  maxPacketLifeTime: dc.maxPacketLifeTime,
  negotiated: dc.negotiated,
  protocol: dc.protocol,
  readyState: dc.readyState,
});

/**
 * Opens a channel from the scenario's opener and waits until it is open on both sides
 * (the nth one of that label on each side). Returns both sides' view of it.
 */
async function openPair(page: Page, pc: OmniPeerConnection, label: string, init: RTCDataChannelInit, nth: number): Promise<{ omni: Tracked; omniInfo: ChannelInfo; chromeInfo: ChannelInfo }> {
  if (opener === 'omni') track(pc.createDataChannel(label, init));
  else await page.evaluate(([l, i]) => (window as unknown as { create: (l: string, i: unknown) => void }).create(l, i), [label, init] as const);
  return bothOpen(page, label, nth);
}

/** Waits until the nth channel with this label is open on both sides. */
async function bothOpen(page: Page, label: string, nth: number): Promise<{ omni: Tracked; omniInfo: ChannelInfo; chromeInfo: ChannelInfo }> {
  const omni = await omniOpen(label, nth);
  const chromeInfo = await page.evaluate(
    async ([l, n]) => {
      const w = window as unknown as { openChannel: (l: string, n: number) => Promise<unknown>; describe: (dc: unknown) => unknown };
      return w.describe(await w.openChannel(l, n));
    },
    [label, nth] as const,
  );
  return { omni, omniInfo: describeOmni(omni.dc), chromeInfo: chromeInfo as ChannelInfo };
}

/** 1000 messages each way at once on one channel, checked in order and by content. */
async function scenarioSeq(page: Page, _pc: OmniPeerConnection): Promise<Record<string, unknown>> {
  // connect() created 'seq' on the opener's side: it made the m=application section.
  const { omni } = await bothOpen(page, 'seq', 0);
  const chromeSide = page.evaluate(
    async ([n]) => {
      const w = window as unknown as { chans: Record<string, unknown[]>; sendSeq: (dc: unknown, n: number, s: string) => void; checkSeq: (dc: unknown, n: number, s: string, ms: number) => Promise<unknown> };
      const dc = w.chans.seq[0];
      w.sendSeq(dc, n, 'c');
      return w.checkSeq(dc, n, 'o', 20000);
    },
    [SEQ_COUNT] as const,
  );
  for (let i = 0; i < SEQ_COUNT; i++) omni.dc.send(seqMessage(i, 'o'));
  const chrome = (await chromeSide) as { received: number; firstBad: number };
  await until(() => omni.got.length >= SEQ_COUNT, 20000, `omnirtc: ${SEQ_COUNT} messages (have ${omni.got.length})`);
  let firstBad = -1;
  for (let i = 0; i < SEQ_COUNT; i++) {
    if (omni.got[i] !== seqMessage(i, 'c')) {
      firstBad = i;
      break;
    }
  }
  return { chromeReceived: chrome.received, chromeFirstBad: chrome.firstBad, omniReceived: omni.got.length, omniFirstBad: firstBad };
}

/** Sends BULK_BYTES from omnirtc with bufferedamountlow flow control; resolves when drained. */
async function omniSendBulk(t: Tracked, chunk: number): Promise<{ sha: string; lowWaits: number; lowAboveThreshold: number }> {
  const dc = t.dc;
  let lowWaits = 0;
  let lowAboveThreshold = 0;
  const hash = createHash('sha256');
  dc.bufferedAmountLowThreshold = 1 << 20;
  const high = 4 << 20;
  for (let k = 0, sent = 0; sent < BULK_BYTES; k++) {
    const size = Math.min(chunk, BULK_BYTES - sent);
    if (dc.bufferedAmount > high) {
      await within(new Promise((r) => dc.addEventListener('bufferedamountlow', r, { once: true })), 20000, `bufferedamountlow (bufferedAmount ${dc.bufferedAmount})`);
      lowWaits++;
      if (dc.bufferedAmount > dc.bufferedAmountLowThreshold) lowAboveThreshold++;
    }
    const bytes = bulkChunk(k, size, SEED_FROM_OMNI);
    hash.update(bytes);
    dc.send(bytes);
    sent += size;
  }
  await until(() => dc.bufferedAmount === 0, 30000, `omnirtc send buffer drained (bufferedAmount ${dc.bufferedAmount})`);
  return { sha: hash.digest('hex'), lowWaits, lowAboveThreshold };
}

function expectedBulkSha(seed: number, chunk: number): string {
  const hash = createHash('sha256');
  for (let k = 0, sent = 0; sent < BULK_BYTES; k++) {
    const size = Math.min(chunk, BULK_BYTES - sent);
    hash.update(bulkChunk(k, size, seed));
    sent += size;
  }
  return hash.digest('hex');
}

/**
 * 16 MiB each way at once on one channel, in messages of at most 64 KiB and never above
 * either side's max-message-size, checked by SHA-256 on the receiving side.
 */
async function scenarioBulk(page: Page, pc: OmniPeerConnection): Promise<Record<string, unknown>> {
  const { omni } = await openPair(page, pc, 'bulk', {}, 0);
  const omniMax = pc.sctp?.maxMessageSize ?? 65536;
  const chromeMax = await page.evaluate(() => (window as unknown as PageWindow).pc.sctp?.maxMessageSize ?? 65536);
  const omniChunk = Math.min(65536, omniMax);
  const chromeChunk = Math.min(65536, chromeMax);
  const started = Date.now();
  const chromeReceives = page.evaluate(
    async ([total]) => {
      const w = window as unknown as { chans: Record<string, unknown[]>; receiveBulk: (dc: unknown, n: number, ms: number) => Promise<unknown> };
      return w.receiveBulk(w.chans.bulk[0], total, 40000);
    },
    [BULK_BYTES] as const,
  );
  const chromeSends = page.evaluate(
    async ([total, chunk, seed]) => {
      const w = window as unknown as { chans: Record<string, unknown[]>; sendBulk: (dc: unknown, n: number, c: number, s: number) => Promise<number> };
      const t0 = Date.now();
      const lowWaits = await w.sendBulk(w.chans.bulk[0], total, chunk, seed);
      return { ms: Date.now() - t0, lowWaits };
    },
    [BULK_BYTES, chromeChunk, SEED_FROM_CHROME] as const,
  );
  const sent = await omniSendBulk(omni, omniChunk);
  const omniSendMs = Date.now() - started;
  const chromeGot = (await chromeReceives) as { bytes: number; messages: number; largest: number; sha256: string };
  const chromeToOmniMs = Date.now() - started;
  const chromeSent = await chromeSends;
  await until(() => omni.gotBytes >= BULK_BYTES, 40000, `omnirtc: ${BULK_BYTES} bytes (have ${omni.gotBytes})`);
  const bothMs = Date.now() - started;
  const hash = createHash('sha256');
  let largest = 0;
  for (const m of omni.got) {
    const u = new Uint8Array(m as ArrayBuffer);
    hash.update(u);
    largest = Math.max(largest, u.length);
  }
  const omniGotCount = omni.got.length;
  omni.got = [];
  return {
    omniMaxMessageSize: omniMax,
    chromeMaxMessageSize: chromeMax,
    toChrome: { sentSha: sent.sha, expectedSha: expectedBulkSha(SEED_FROM_OMNI, omniChunk), receivedSha: chromeGot.sha256, bytes: chromeGot.bytes, messages: chromeGot.messages, largest: chromeGot.largest, sendMs: omniSendMs, lowWaits: sent.lowWaits, lowAboveThreshold: sent.lowAboveThreshold },
    toOmni: { expectedSha: expectedBulkSha(SEED_FROM_CHROME, chromeChunk), receivedSha: hash.digest('hex'), bytes: omni.gotBytes, messages: omniGotCount, largest, sendMs: chromeSent.ms, lowWaits: chromeSent.lowWaits },
    chromeDoneMs: chromeToOmniMs,
    bothWaysMs: bothMs,
  };
}

/**
 * One message of exactly the peer's max-message-size each way arrives whole; omnirtc
 * refuses one byte more with a TypeError (W3C §6.2 send) and the channel stays usable.
 */
async function scenarioMaxSize(page: Page, pc: OmniPeerConnection): Promise<Record<string, unknown>> {
  const { omni } = await openPair(page, pc, 'max', {}, 0);
  const omniMax = pc.sctp?.maxMessageSize ?? 65536;
  const chromeMax = await page.evaluate(() => (window as unknown as PageWindow).pc.sctp?.maxMessageSize ?? 65536);
  const chromeSide = page.evaluate(
    async ([size, seed, expectBytes]) => {
      const w = window as unknown as {
        chans: Record<string, { send(d: unknown): void; got: unknown[] }[]>;
        bulkChunk: (k: number, n: number, s: number) => Uint8Array;
        receiveBulk: (dc: unknown, n: number, ms: number) => Promise<unknown>;
      };
      const dc = w.chans.max[0];
      dc.send(w.bulkChunk(0, size, seed));
      return w.receiveBulk(dc, expectBytes, 15000);
    },
    [chromeMax, SEED_FROM_CHROME, omniMax] as const,
  );
  const big = bulkChunk(0, omniMax, SEED_FROM_OMNI);
  let oversize = 'accepted';
  try {
    omni.dc.send(new Uint8Array(omniMax + 1));
  } catch (e) {
    oversize = (e as Error).name;
  }
  omni.dc.send(big);
  const chromeGot = (await chromeSide) as { bytes: number; messages: number; sha256: string };
  await until(() => omni.gotBytes >= chromeMax, 15000, `omnirtc: a ${chromeMax}-byte message (have ${omni.gotBytes})`);
  const received = new Uint8Array(omni.got[0] as ArrayBuffer);
  const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
  return {
    omniMax,
    chromeMax,
    oversize,
    stateAfterOversize: omni.dc.readyState,
    toChrome: { bytes: chromeGot.bytes, messages: chromeGot.messages, ok: chromeGot.sha256 === sha(big) },
    toOmni: { bytes: received.length, messages: omni.got.length, ok: sha(received) === sha(bulkChunk(0, chromeMax, SEED_FROM_CHROME)) },
  };
}

/** Sends SMALL_COUNT short messages each way; returns what each side got, in arrival order. */
async function exchangeSmall(page: Page, omni: Tracked, label: string, nth: number, tag: string): Promise<{ omniGot: string[]; chromeGot: string[] }> {
  const chromeSide = page.evaluate(
    async ([l, n, count, t]) => {
      const w = window as unknown as { chans: Record<string, { send(s: string): void; got: string[] }[]>; until: (c: () => boolean, ms: number, what: string) => Promise<unknown> };
      const dc = w.chans[l][n];
      for (let i = 0; i < count; i++) dc.send(`${t}:c:${i}`);
      await w.until(() => dc.got.length >= count, 10000, `${l}: ${count} messages (have ${dc.got.length})`);
      return dc.got.slice();
    },
    [label, nth, SMALL_COUNT, tag] as const,
  );
  for (let i = 0; i < SMALL_COUNT; i++) omni.dc.send(`${tag}:o:${i}`);
  const chromeGot = await chromeSide;
  await until(() => omni.got.length >= SMALL_COUNT, 10000, `omnirtc ${label}: ${SMALL_COUNT} messages (have ${omni.got.length})`);
  return { omniGot: omni.got.slice() as string[], chromeGot };
}

/** An unordered channel and a maxRetransmits:0 channel: announced as configured, and on a clean link every message arrives. */
async function scenarioPartial(page: Page, pc: OmniPeerConnection): Promise<Record<string, unknown>> {
  const unordered = await openPair(page, pc, 'unordered', { ordered: false }, 0);
  const noRtx = await openPair(page, pc, 'rtx0', { maxRetransmits: 0 }, 0);
  const lifetime = await openPair(page, pc, 'lifetime', { maxPacketLifeTime: 3000 }, 0);
  const u = await exchangeSmall(page, unordered.omni, 'unordered', 0, 'u');
  const r = await exchangeSmall(page, noRtx.omni, 'rtx0', 0, 'r');
  const l = await exchangeSmall(page, lifetime.omni, 'lifetime', 0, 'l');
  return {
    unordered: { omni: unordered.omniInfo, chrome: unordered.chromeInfo, omniGot: u.omniGot, chromeGot: u.chromeGot },
    rtx0: { omni: noRtx.omniInfo, chrome: noRtx.chromeInfo, omniGot: r.omniGot, chromeGot: r.chromeGot },
    lifetime: { omni: lifetime.omniInfo, chrome: lifetime.chromeInfo, omniGot: l.omniGot, chromeGot: l.chromeGot },
  };
}

const LARGE_COUNT = 30;
const LARGE_SIZE = 100_000;

/**
 * Fragmented messages on the unordered channel (each spans ~90 DATA chunks, reassembled
 * by TSN without SSN order): every one arrives whole, both ways. Compared as sorted
 * SHA-256 lists, since arrival order is free.
 */
async function scenarioUnorderedLarge(page: Page, pc: OmniPeerConnection): Promise<Record<string, unknown>> {
  const { omni } = await openPair(page, pc, 'unordered-large', { ordered: false }, 0);
  const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
  const expectToChrome = Array.from({ length: LARGE_COUNT }, (_, i) => sha(bulkChunk(i, LARGE_SIZE, SEED_FROM_OMNI))).sort();
  const expectToOmni = Array.from({ length: LARGE_COUNT }, (_, i) => sha(bulkChunk(i, LARGE_SIZE, SEED_FROM_CHROME))).sort();
  const chromeSide = page.evaluate(
    async ([n, size, seed]) => {
      const w = window as unknown as PageWindow & {
        until: (c: () => boolean, ms: number, what: string) => Promise<unknown>;
        bulkChunk: (k: number, n: number, s: number) => Uint8Array;
        hex: (b: ArrayBuffer) => string;
      };
      // The channel is fresh and omnirtc may start sending before this runs: count from 0.
      const dc = w.chans['unordered-large'][0] as unknown as { send(d: unknown): void; got: (string | ArrayBuffer)[] };
      for (let i = 0; i < n; i++) dc.send(w.bulkChunk(i, size, seed));
      await w.until(() => dc.got.length >= n, 15000, `chromium unordered: ${n} large messages (have ${dc.got.length})`);
      const out: string[] = [];
      for (const m of dc.got) out.push(typeof m === 'string' ? `text:${m.length}` : w.hex(await crypto.subtle.digest('SHA-256', m)));
      return out.sort();
    },
    [LARGE_COUNT, LARGE_SIZE, SEED_FROM_CHROME] as const,
  );
  for (let i = 0; i < LARGE_COUNT; i++) omni.dc.send(bulkChunk(i, LARGE_SIZE, SEED_FROM_OMNI));
  const chromeGot = await chromeSide;
  await until(() => omni.got.length >= LARGE_COUNT, 15000, `omnirtc unordered: ${LARGE_COUNT} large messages (have ${omni.got.length})`);
  const omniGot = omni.got.map((m) => (typeof m === 'string' ? `text:${m.length}` : sha(new Uint8Array(m)))).sort();
  return { count: LARGE_COUNT, size: LARGE_SIZE, toChromeIntact: JSON.stringify(chromeGot) === JSON.stringify(expectToChrome), toOmniIntact: JSON.stringify(omniGot) === JSON.stringify(expectToOmni), chromeGot: chromeGot.length, omniGot: omniGot.length };
}

/** Negotiated channels (same id on both sides, no DCEP), one even and one odd id. */
async function scenarioNegotiated(page: Page, pc: OmniPeerConnection): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const id of [900, 901]) {
    const label = `neg-${id}`;
    const init = { negotiated: true, id, protocol: 'p' };
    // Both sides create it; the order follows the scenario's opener.
    if (opener === 'omni') track(pc.createDataChannel(label, init));
    await page.evaluate(([l, i]) => (window as unknown as { create: (l: string, i: unknown) => void }).create(l, i), [label, init] as const);
    if (opener === 'chrome') track(pc.createDataChannel(label, init));
    const omni = await omniOpen(label, 0);
    const chrome = (await page.evaluate(
      async ([l]) => {
        const w = window as unknown as { openChannel: (l: string, n: number) => Promise<unknown>; describe: (dc: unknown) => unknown };
        return w.describe(await w.openChannel(l, 0));
      },
      [label] as const,
    )) as ChannelInfo;
    const x = await exchangeSmall(page, omni, label, 0, label);
    out[label] = { omni: describeOmni(omni.dc), chrome, omniGot: x.omniGot, chromeGot: x.chromeGot, announcedRemotely: { omni: (tracked.get(label)?.length ?? 0) - 1, chrome: await page.evaluate((l) => (window as unknown as PageWindow).chans[l].length - 1, label) } };
  }
  return out;
}

/** MANY_CHANNELS channels created in one go by the opener; each carries one message each way. */
async function scenarioMany(page: Page, pc: OmniPeerConnection): Promise<Record<string, unknown>> {
  const labels = Array.from({ length: MANY_CHANNELS }, (_, i) => `many-${i}`);
  if (opener === 'omni') for (const l of labels) track(pc.createDataChannel(l));
  else
    await page.evaluate((ls) => {
      for (const l of ls) (window as unknown as { create: (l: string, i: unknown) => void }).create(l, {});
    }, labels);
  await until(() => labels.every((l) => tracked.get(l)?.[0]?.dc.readyState === 'open'), 20000, `omnirtc: ${MANY_CHANNELS} channels open (${labels.filter((l) => tracked.get(l)?.[0]?.dc.readyState === 'open').length})`);
  const chromeSide = page.evaluate(async (ls) => {
    const w = window as unknown as { chans: Record<string, { send(s: string): void; got: string[]; id: number; readyState: string }[]>; until: (c: () => boolean, ms: number, what: string) => Promise<unknown> };
    await w.until(() => ls.every((l) => w.chans[l]?.[0]?.readyState === 'open'), 20000, 'chromium: all channels open');
    for (const l of ls) w.chans[l][0].send(`from-chrome:${l}`);
    await w.until(() => ls.every((l) => w.chans[l][0].got.length >= 1), 20000, 'chromium: one message on every channel');
    return ls.map((l) => ({ label: l, id: w.chans[l][0].id, got: w.chans[l][0].got.slice() }));
  }, labels);
  for (const l of labels) tracked.get(l)![0].dc.send(`from-omni:${l}`);
  const chrome = (await chromeSide) as { label: string; id: number; got: string[] }[];
  await until(() => labels.every((l) => tracked.get(l)![0].got.length >= 1), 20000, 'omnirtc: one message on every channel');
  const omni = labels.map((l) => ({ label: l, id: tracked.get(l)![0].dc.id, got: tracked.get(l)![0].got.slice() as string[] }));
  // Then the opener closes all of them at once (many streams reset together, RFC 8831 §6.7).
  if (opener === 'omni') for (const l of labels) tracked.get(l)![0].dc.close();
  else
    await page.evaluate((ls) => {
      for (const l of ls) (window as unknown as PageWindow).chans[l][0].close();
    }, labels);
  const omniClosed = () => labels.filter((l) => tracked.get(l)![0].closed && tracked.get(l)![0].dc.readyState === 'closed').length;
  await until(() => omniClosed() === MANY_CHANNELS, 20000, `omnirtc: ${MANY_CHANNELS} channels closed (${omniClosed()})`);
  const chromeClosed = await page.evaluate(async (ls) => {
    const w = window as unknown as PageWindow & { until: (c: () => boolean, ms: number, what: string) => Promise<unknown> };
    // (No named local functions here: the transpiler would wrap them in a helper the page lacks.)
    await w.until(() => ls.every((l) => w.chans[l][0].closedSeen && w.chans[l][0].readyState === 'closed'), 20000, 'chromium: all channels closed');
    return ls.filter((l) => w.chans[l][0].closedSeen && w.chans[l][0].readyState === 'closed').length;
  }, labels);
  return { omni, chrome, omniClosed: omniClosed(), chromeClosed };
}

/**
 * Data queued before close() is delivered before the channel closes (RFC 8831 §6.7: the
 * stream is reset only after the outstanding data), from either side.
 */
async function scenarioCloseFlush(page: Page, pc: OmniPeerConnection): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const count = 100;
  const size = 10_000;
  for (const closer of ['omni', 'chrome'] as const) {
    const label = `flush-${closer}`;
    const { omni } = await openPair(page, pc, label, {}, 0);
    if (closer === 'omni') {
      for (let i = 0; i < count; i++) omni.dc.send(bulkChunk(i, size, SEED_FROM_OMNI));
      omni.dc.close();
    }
    const chrome = await page.evaluate(
      async ([l, closes, n, sz, seed]) => {
        const w = window as unknown as PageWindow & {
          until: (c: () => boolean, ms: number, what: string) => Promise<unknown>;
          bulkChunk: (k: number, n: number, s: number) => Uint8Array;
        };
        const dc = w.chans[l][0] as unknown as { send(d: unknown): void; close(): void; got: ArrayBuffer[]; closedSeen: boolean; readyState: string };
        if (closes) {
          for (let i = 0; i < n; i++) dc.send(w.bulkChunk(i, sz, seed));
          dc.close();
        }
        await w.until(() => dc.closedSeen, 15000, `chromium ${l} closed`);
        let intact = 0;
        for (let i = 0; i < dc.got.length; i++) {
          const a = new Uint8Array(dc.got[i]);
          const b = w.bulkChunk(i, sz, seed);
          if (a.length === b.length && a.every((v, k) => v === b[k])) intact++;
        }
        return { got: dc.got.length, intact, state: dc.readyState };
      },
      [label, closer === 'chrome', count, size, closer === 'chrome' ? SEED_FROM_CHROME : SEED_FROM_OMNI] as const,
    );
    await until(() => omni.closed, 15000, `omnirtc ${label} closed (state ${omni.dc.readyState})`);
    let intact = 0;
    omni.got.forEach((m, i) => {
      if (Buffer.from(m as ArrayBuffer).equals(bulkChunk(i, size, SEED_FROM_CHROME))) intact++;
    });
    out[closer] = closer === 'omni' ? { delivered: chrome.got, intact: chrome.intact, omniState: omni.dc.readyState, chromeState: chrome.state } : { delivered: omni.got.length, intact, omniState: omni.dc.readyState, chromeState: chrome.state };
  }
  return { count, ...out };
}

/**
 * Last: Chromium closes its RTCPeerConnection. omnirtc's channels still open must close
 * (by the SCTP ABORT / DTLS close_notify that follows) and the connection must notice.
 */
async function scenarioPeerClose(page: Page, pc: OmniPeerConnection): Promise<Record<string, unknown>> {
  const { omni } = await openPair(page, pc, 'last', {}, 0);
  const t0 = Date.now();
  await page.evaluate(() => (window as unknown as PageWindow).pc.close());
  await until(() => omni.closed, 15000, `omnirtc channel closed after the peer's close() (state ${omni.dc.readyState}, connection ${pc.connectionState})`);
  const closedMs = Date.now() - t0;
  // W3C §5.5: DTLS close_notify closes the RTCDtlsTransport; connectionState stays
  // 'connected' until ICE consent expires (RFC 7675), so it is not waited for here.
  await until(() => pc.sctp?.transport.state === 'closed' && pc.sctp?.state === 'closed', 5000, `omnirtc DTLS/SCTP transports closed (${pc.sctp?.transport.state}/${pc.sctp?.state})`).catch(() => undefined);
  return { channelState: omni.dc.readyState, closedMs, dtlsState: pc.sctp?.transport.state, sctpState: pc.sctp?.state };
}

/**
 * Close from one side: both sides reach 'closed'; then a new channel with the same label
 * opens and carries a message each way. Done once closing from omnirtc, once from Chromium.
 */
async function scenarioReopen(page: Page, pc: OmniPeerConnection): Promise<Record<string, unknown>> {
  const label = 'reopen';
  const steps: Record<string, unknown>[] = [];
  let nth = 0;
  await openPair(page, pc, label, {}, nth);
  for (const closer of ['omni', 'chrome'] as const) {
    const omni = tracked.get(label)![nth];
    const idBefore = omni.dc.id;
    if (closer === 'omni') omni.dc.close();
    else await page.evaluate(([l, n]) => (window as unknown as PageWindow).chans[l][n].close(), [label, nth] as const);
    await until(() => omni.closed && omni.dc.readyState === 'closed', 10000, `omnirtc ${label}#${nth} closed (state ${omni.dc.readyState})`);
    const chromeClosed = await page.evaluate(
      async ([l, n]) => {
        const w = window as unknown as PageWindow & { until: (c: () => boolean, ms: number, what: string) => Promise<unknown> };
        const dc = w.chans[l][n];
        await w.until(() => dc.closedSeen && dc.readyState === 'closed', 10000, `chromium ${l}#${n} closed (state ${dc.readyState})`);
        return dc.readyState;
      },
      [label, nth] as const,
    );
    nth++;
    const again = await openPair(page, pc, label, {}, nth);
    const chromeGot = page.evaluate(
      async ([l, n]) => {
        const w = window as unknown as PageWindow & { until: (c: () => boolean, ms: number, what: string) => Promise<unknown> };
        const dc = w.chans[l][n];
        dc.send(`again:c:${n}`);
        await w.until(() => dc.got.length >= 1, 10000, `chromium ${l}#${n}: a message`);
        return dc.got.slice();
      },
      [label, nth] as const,
    );
    again.omni.dc.send(`again:o:${nth}`);
    const chromeMessages = (await chromeGot) as string[];
    await until(() => again.omni.got.length >= 1, 10000, `omnirtc ${label}#${nth}: a message`);
    steps.push({ closer, idBefore, omniState: omni.dc.readyState, chromeState: chromeClosed, reopened: { omniId: again.omniInfo.id, chromeId: again.chromeInfo.id, omniGot: again.omni.got.slice(), chromeGot: chromeMessages } });
  }
  return { steps };
}

async function connect(page: Page, pc: OmniPeerConnection): Promise<void> {
  if (role === 'omnirtc-offers') {
    // The first channel makes the m=application section; 'seq' is used by the first scenario.
    track(pc.createDataChannel('seq'));
    await pc.setLocalDescription();
    await gathered(pc);
    const answer = await chromeAnswer(page, pc.localDescription?.sdp ?? '');
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  } else {
    const offer = await page.evaluate(async () => {
      const w = window as unknown as { pc: RTCPeerConnection; gathered: () => Promise<void>; create: (l: string, i: unknown) => void };
      w.create('seq', {});
      await w.pc.setLocalDescription();
      await w.gathered();
      return w.pc.localDescription?.sdp ?? '';
    });
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription();
    await gathered(pc);
    await chromeApplyAnswer(page, pc.localDescription?.sdp ?? '');
  }
}

const SCENARIOS: [string, (page: Page, pc: OmniPeerConnection) => Promise<Record<string, unknown>>][] = [
  ['seq', scenarioSeq],
  ['bulk', scenarioBulk],
  ['maxsize', scenarioMaxSize],
  ['partial', scenarioPartial],
  ['unorderedlarge', scenarioUnorderedLarge],
  ['negotiated', scenarioNegotiated],
  ['many', scenarioMany],
  ['reopen', scenarioReopen],
  ['closeflush', scenarioCloseFlush],
  // Must stay last: it ends the peer connection.
  ['peerclose', scenarioPeerClose],
];

async function main(): Promise<void> {
  const only = process.argv[4] ? process.argv[4].split(',') : null;
  const t0 = Date.now();
  const chrome = await openChromium();
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  pc.ondatachannel = (e) => {
    track((e as unknown as { channel: RTCDataChannel }).channel);
  };
  const result: Record<string, unknown> = { role, opener };
  const timings: Record<string, number> = {};
  result.timings = timings;
  /** Both peers still 'connected' just before 'peerclose' (or at the end without it). */
  let connectedThroughout: boolean | undefined;
  try {
    const page = chrome.page;
    await page.addScriptTag({ content: DC_PAGE_SCRIPT });
    timings.launch = Date.now() - t0;
    let t = Date.now();
    await within(connect(page, pc), 20000, `connection (omnirtc ${pc.connectionState})`);
    timings.connect = Date.now() - t;
    for (const [name, run] of SCENARIOS) {
      if (only && !only.includes(name)) continue;
      if (name === 'peerclose') connectedThroughout = pc.connectionState === 'connected' && (await page.evaluate(() => (window as unknown as PageWindow).pc.connectionState)) === 'connected';
      t = Date.now();
      try {
        result[name] = await run(page, pc);
      } catch (e) {
        result[name] = { error: String((e as Error)?.message ?? e) };
      }
      timings[name] = Date.now() - t;
    }
    connectedThroughout ??= pc.connectionState === 'connected' && (await page.evaluate(() => (window as unknown as PageWindow).pc.connectionState)) === 'connected';
    result.connectedThroughout = connectedThroughout;
  } finally {
    pc.close();
    await chrome.close();
  }
  timings.total = Date.now() - t0;
  console.log(JSON.stringify(result));
}

runPeerScript(main);
