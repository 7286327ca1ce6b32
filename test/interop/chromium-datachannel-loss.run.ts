// omnirtc ↔ headless Chromium (dcsctp) bulk transfer under random UDP loss, run inside the
// lo-only namespace made by chromium-datachannel-loss.test.ts, whose iptables drops a share
// of the UDP packets at INPUT on lo (each packet is seen once there, so the loss applies
// each way). One Chromium launch, one peer connection (omnirtc offers), one reliable ordered
// channel; the directions run one after the other so each is measured alone.
// argv[2]: comma-separated directions, 'to-omni' (Chromium sends) and/or 'to-chrome';
// argv[3]: bytes per direction; argv[4]: wall-clock budget of the whole script in ms;
// argv[5], argv[6]: loss towards omnirtc and towards Chromium (0..1), applied by iptables
// in this namespace once the channel is open; argv[7]: 'verbose' logs omnirtc's SCTP state
// and the bytes delivered to stderr every second, 'trace' also every SCTP packet.
// Prints one JSON line: per direction, bytes, SHA-256 match, ms, MB/s and omnirtc's SCTP
// counters. The script enforces its own deadline and closes Chromium itself.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { RTCPeerConnection as OmniPeerConnection, type RTCDataChannel } from '../../src/index';
import { SctpAssociation } from '../../src/sctp/association';
import { bulkChunk, DC_PAGE_SCRIPT, SEED_FROM_CHROME, SEED_FROM_OMNI } from './chromium-dc-page';
import { chromeAnswer, type ChromiumSession, openChromium } from './chromium-harness';
import { gathered, within } from './peer-harness';

const directions = (process.argv[2] ?? 'to-omni,to-chrome').split(',').filter((d) => d === 'to-omni' || d === 'to-chrome');
const TOTAL = Number(process.argv[3] ?? 4 * 1024 * 1024);
const BUDGET_MS = Number(process.argv[4] ?? 50_000);
/** Share of UDP packets dropped towards omnirtc and towards Chromium, once the channel is open. */
const LOSS_TO_OMNI = Number(process.argv[5] ?? 0);
const LOSS_TO_CHROME = Number(process.argv[6] ?? LOSS_TO_OMNI);
const verbose = process.argv[7] === 'verbose' || process.argv[7] === 'trace';
const trace = process.argv[7] === 'trace';
const CHUNK = 64 * 1024;
/** omnirtc's UDP port (the namespace is fresh, so it is free). */
const OMNI_PORT = 40000;

// The association under test, captured when the peer connection starts it (test-only
// instrumentation: progress lines read its state; nothing is changed).
const associations: SctpAssociation[] = [];
const originalConnect = SctpAssociation.prototype.connect;
SctpAssociation.prototype.connect = function (this: SctpAssociation, now: number): void {
  if (!associations.includes(this)) associations.push(this);
  originalConnect.call(this, now);
};

/** One line per SCTP packet: the verification tag and each chunk (DATA TSNs, SACK contents). */
function describePacket(p: Uint8Array): string {
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const parts = [`vtag=${dv.getUint32(4).toString(16)}`];
  for (let o = 12; o + 4 <= p.length; ) {
    const type = p[o];
    const len = dv.getUint16(o + 2);
    if (len < 4) break;
    if (type === 0) parts.push(`D${dv.getUint32(o + 4)}${(p[o + 1] & 2) !== 0 ? 'B' : ''}${(p[o + 1] & 1) !== 0 ? 'E' : ''}`);
    else if (type === 3) {
      const gaps = dv.getUint16(o + 12);
      const dups = dv.getUint16(o + 14);
      let g = '';
      for (let i = 0; i < gaps; i++) g += ` ${dv.getUint16(o + 16 + 4 * i)}-${dv.getUint16(o + 18 + 4 * i)}`;
      parts.push(`SACK cum=${dv.getUint32(o + 4)} rwnd=${dv.getUint32(o + 8)} gaps=[${g.trim()}] dups=${dups}`);
    } else parts.push(`T${type}`);
    o += (len + 3) & ~3;
  }
  return parts.join(' ');
}
if (trace) {
  const t0 = Date.now();
  const originalInput = SctpAssociation.prototype.handleInput;
  SctpAssociation.prototype.handleInput = function (this: SctpAssociation, now: number, packet: Uint8Array): void {
    process.stderr.write(`${Date.now() - t0} IN  ${describePacket(packet)}\n`);
    originalInput.call(this, now, packet);
  };
  const originalPoll = SctpAssociation.prototype.pollTransmit;
  SctpAssociation.prototype.pollTransmit = function (this: SctpAssociation): Uint8Array | undefined {
    const p = originalPoll.call(this);
    if (p) process.stderr.write(`${Date.now() - t0} OUT ${describePacket(p)}\n`);
    return p;
  };
}

interface AssociationView {
  transportInfo: SctpAssociation['transportInfo'];
  counters: SctpAssociation['counters'];
  cumAckPoint: number;
  nextTsn: number;
  sentHead: number;
  sent: unknown[];
  pendingRetransmits: number;
  tracker: { cumulative: number; starts: number[] };
  reassembler: { bufferedBytes: number };
  undeliveredBytes: number;
  errorCount: number;
}

function snapshot(): Record<string, number> {
  const a = associations[0] as unknown as AssociationView | undefined;
  if (!a) return {};
  const t = a.transportInfo;
  const c = a.counters;
  return {
    cwnd: t.cwnd,
    ssthresh: Math.round(t.ssthresh),
    flight: t.flight,
    srtt: Math.round(t.srtt * 10) / 10,
    rto: Math.round(t.rto),
    peerRwnd: t.peerRwnd,
    outstanding: (a.nextTsn - a.cumAckPoint - 1) >>> 0,
    pendingRtx: a.pendingRetransmits,
    errorCount: a.errorCount,
    fastRtx: c.fastRetransmits,
    t3: c.t3Expiries,
    timeoutRtx: c.timeoutRetransmits,
    tlp: c.tailLossProbes,
    sackRefreshes: c.sackRefreshes,
    rxGaps: a.tracker.starts.length,
    rxBuffered: a.reassembler.bufferedBytes,
    rxUndelivered: a.undeliveredBytes,
    dupTsns: c.duplicateTsns,
    noBufferDrops: c.noBufferDrops,
    outOfWindow: c.outOfWindowTsns,
    pktIn: c.packetsReceived,
    pktOut: c.packetsSent,
  };
}

function until(cond: () => boolean, ms: number, what: () => string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const t0 = Date.now();
    const poll = (): void => {
      if (cond()) resolve();
      else if (Date.now() - t0 > ms) reject(new Error(`timed out: ${what()}`));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

interface DirectionResult {
  bytes: number;
  sha256Match: boolean;
  ms: number;
  mbPerS: number;
  /** Longest time without a byte delivered to the receiving application. */
  longestStallMs: number;
  counters: Record<string, number>;
  error?: string;
}

const sha = (parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

function expected(seed: number): string {
  const parts: Uint8Array[] = [];
  for (let k = 0, sent = 0; sent < TOTAL; k++) {
    const size = Math.min(CHUNK, TOTAL - sent);
    parts.push(bulkChunk(k, size, seed));
    sent += size;
  }
  return sha(parts);
}

/** Watches delivered bytes each second: logs progress and measures the longest stall. */
function progressMonitor(label: string, delivered: () => Promise<number>): { stop(): void; longestStallMs(): number } {
  let last = 0;
  let lastChange = Date.now();
  let longest = 0;
  let busy = false;
  const t0 = Date.now();
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    delivered().then(
      (n) => {
        busy = false;
        const now = Date.now();
        if (n !== last) {
          last = n;
          lastChange = now;
        }
        longest = Math.max(longest, now - lastChange);
        if (verbose) process.stderr.write(`${label} t=${((now - t0) / 1000).toFixed(1)}s delivered=${n} ${JSON.stringify(snapshot())}\n`);
      },
      () => {
        busy = false;
      },
    );
  }, 1000);
  return {
    stop: () => clearInterval(timer),
    longestStallMs: () => longest,
  };
}

async function chromeToOmni(page: Page, dc: RTCDataChannel, deadlineMs: number): Promise<DirectionResult> {
  const parts: Uint8Array[] = [];
  let bytes = 0;
  dc.onmessage = (e) => {
    const v = new Uint8Array((e as MessageEvent).data as ArrayBuffer);
    parts.push(v);
    bytes += v.length;
  };
  const before = { ...associations[0].counters };
  const mon = progressMonitor('to-omni', async () => bytes);
  const t0 = Date.now();
  const sending = page.evaluate(
    async ([total, chunk, seed]) => {
      const w = window as unknown as { chans: Record<string, unknown[]>; sendBulk: (dc: unknown, n: number, c: number, s: number) => Promise<number> };
      return w.sendBulk(w.chans.bulk[0], total, chunk, seed);
    },
    [TOTAL, CHUNK, SEED_FROM_CHROME] as const,
  );
  sending.catch(() => undefined);
  try {
    await until(() => bytes >= TOTAL, deadlineMs, () => `Chromium → omnirtc: ${bytes} of ${TOTAL} bytes ${JSON.stringify(snapshot())}`);
  } finally {
    mon.stop();
    dc.onmessage = null;
  }
  const ms = Date.now() - t0;
  return { bytes, sha256Match: sha(parts) === expected(SEED_FROM_CHROME), ms, mbPerS: TOTAL / ms / 1000, longestStallMs: mon.longestStallMs(), counters: diff(before) };
}

async function omniToChrome(page: Page, dc: RTCDataChannel, deadlineMs: number): Promise<DirectionResult> {
  const before = { ...associations[0].counters };
  const mon = progressMonitor('to-chrome', () => page.evaluate(() => (window as unknown as { chans: Record<string, { gotBytes: number }[]> }).chans.bulk[0].gotBytes));
  const t0 = Date.now();
  const receiving = page.evaluate(
    async ([total, ms]) => {
      const w = window as unknown as { chans: Record<string, unknown[]>; receiveBulk: (dc: unknown, n: number, ms: number) => Promise<unknown> };
      return w.receiveBulk(w.chans.bulk[0], total, ms);
    },
    [TOTAL, deadlineMs] as const,
  );
  receiving.catch(() => undefined);
  dc.bufferedAmountLowThreshold = 1 << 20;
  let got: { bytes: number; sha256: string };
  try {
    for (let k = 0, sent = 0; sent < TOTAL; k++) {
      const size = Math.min(CHUNK, TOTAL - sent);
      if (dc.bufferedAmount > 4 << 20) {
        await within(new Promise((r) => dc.addEventListener('bufferedamountlow', r, { once: true })), deadlineMs, `bufferedamountlow ${JSON.stringify(snapshot())}`);
      }
      dc.send(bulkChunk(k, size, SEED_FROM_OMNI));
      sent += size;
    }
    got = (await within(receiving, deadlineMs + 1000, `omnirtc → Chromium ${JSON.stringify(snapshot())}`)) as { bytes: number; sha256: string };
  } catch (e) {
    const have = await page.evaluate(() => (window as unknown as { chans: Record<string, { gotBytes: number }[]> }).chans.bulk[0].gotBytes).catch(() => -1);
    throw new Error(`${(e as Error).message} (Chromium has ${have} bytes)`);
  } finally {
    mon.stop();
  }
  const ms = Date.now() - t0;
  return { bytes: got.bytes, sha256Match: got.sha256 === expected(SEED_FROM_OMNI), ms, mbPerS: TOTAL / ms / 1000, longestStallMs: mon.longestStallMs(), counters: diff(before) };
}

function diff(before: Record<string, number>): Record<string, number> {
  const now = associations[0].counters as unknown as Record<string, number>;
  const out: Record<string, number> = {};
  for (const k of ['fastRetransmits', 'timeoutRetransmits', 't3Expiries', 'tailLossProbes', 'sackRefreshes', 'duplicateTsns', 'noBufferDrops', 'outOfWindowTsns', 'packetsSent', 'packetsReceived']) out[k] = now[k] - (before[k] ?? 0);
  return out;
}

async function main(): Promise<void> {
  const started = Date.now();
  let chrome: ChromiumSession | undefined;
  // A fixed port inside the namespace, so that iptables rules can tell the directions apart.
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'], icePortRange: { min: OMNI_PORT, max: OMNI_PORT } });
  const result: Record<string, unknown> = { bytes: TOTAL };
  // The script's own deadline: whatever hangs, Chromium is closed and one JSON line printed.
  const hardStop = setTimeout(() => {
    console.log(JSON.stringify({ ...result, error: `script budget of ${BUDGET_MS} ms exceeded ${JSON.stringify(snapshot())}` }));
    pc.close();
    const force = setTimeout(() => process.exit(1), 3000);
    (chrome ? chrome.close() : Promise.resolve()).finally(() => {
      clearTimeout(force);
      process.exit(1);
    });
  }, BUDGET_MS);
  try {
    chrome = await openChromium();
    const page = chrome.page;
    await page.addScriptTag({ content: DC_PAGE_SCRIPT });
    const dc = pc.createDataChannel('bulk');
    dc.binaryType = 'arraybuffer';
    const open = new Promise((r) => dc.addEventListener('open', r, { once: true }));
    await pc.setLocalDescription();
    await gathered(pc);
    const answer = await within(chromeAnswer(page, pc.localDescription?.sdp ?? ''), 15_000, 'Chromium answer');
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await within(open, 20_000, `data channel open (omnirtc ${pc.connectionState})`);
    await page.evaluate(() => (window as unknown as { openChannel: (l: string, n: number) => Promise<unknown> }).openChannel('bulk', 0));
    result.connectMs = Date.now() - started;
    // The loss starts once the channel is open, so that the handshakes (DTLS's retransmit
    // timers are not under test here) take a bounded time. INPUT on lo sees each packet once.
    if (LOSS_TO_OMNI > 0) execSync(`iptables -A INPUT -i lo -p udp --dport ${OMNI_PORT} -m statistic --mode random --probability ${LOSS_TO_OMNI} -j DROP`);
    if (LOSS_TO_CHROME > 0) execSync(`iptables -A INPUT -i lo -p udp --sport ${OMNI_PORT} -m statistic --mode random --probability ${LOSS_TO_CHROME} -j DROP`);
    if (trace) {
      execSync(`iptables -A INPUT -i lo -p udp --dport ${OMNI_PORT}`);
      execSync(`iptables -A INPUT -i lo -p udp --sport ${OMNI_PORT}`);
    }
    for (const d of directions) {
      const left = BUDGET_MS - (Date.now() - started) - 4000;
      try {
        result[d] = d === 'to-omni' ? await chromeToOmni(page, dc, left) : await omniToChrome(page, dc, left);
      } catch (e) {
        result[d] = { error: (e as Error).message };
      }
    }
    result.connectionState = pc.connectionState;
    result.associationState = associations[0]?.state;
  } catch (e) {
    result.error = String((e as Error)?.message ?? e);
  } finally {
    clearTimeout(hardStop);
    pc.close();
    await chrome?.close();
  }
  if (trace) process.stderr.write(execSync('iptables -L INPUT -v -n -x 2>&1').toString());
  console.log(JSON.stringify(result));
  process.exit(result.error ? 1 : 0);
}

void main();
