// Data-channel throughput: one reliable ordered channel, messages of 1 KiB, 16 KiB and
// 64 KiB, sender kept busy for a fixed time; MB/s and messages/s, in one process.
//
//   omnirtc   two DataChannelManager + SctpAssociation engines over an in-memory link
//             (no loss), driven synchronously — the SCTP stack alone, no DTLS.
//   werift    two werift SCTP objects over an in-memory transport (setImmediate delivery),
//             the same layer: SCTP alone, no DTLS.
//   node-datachannel  two libdatachannel PeerConnections over 127.0.0.1 — the whole
//             native stack (usrsctp + DTLS + ICE + UDP loopback), labelled as such.
//   omnirtc full stack  two omnirtc RTCPeerConnections over 127.0.0.1 (ICE + DTLS with
//             AES-GCM in the WebAssembly core + SCTP + RTCDataChannel): the like-for-like
//             row for node-datachannel.
//   werift full stack  two werift RTCPeerConnections over loopback in a child process run
//             inside `unshare -n` (lo only), since werift may gather on every interface.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SctpAssociation } from '../src/sctp/association.js';
import type { RTCDataChannel, RTCDataChannelEvent } from '../src/webrtc/index.js';
import { negotiate, trickledPair } from '../test/sim/webrtc-harness.js';
import { DataChannelManager, type ManagedChannel } from '../src/sctp/dcep/channel-manager.js';
import type { BenchSection } from './harness.js';

interface Result {
  name: string;
  bytesPerSec: number;
  msgsPerSec: number;
  /**
   * CPU time of the whole process (every thread, user + system) per wall second while
   * measuring: 1.0 is one core busy. node-datachannel spreads its stack over several
   * native threads, the omnirtc and werift rows run in one JS thread, so MB/s alone
   * compares thread counts as much as stacks; CPU ms per MB compares the work.
   */
  cores?: number;
}

/** CPU seconds (user + system, all threads) since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

const SIZES = [1024, 16 * 1024, 64 * 1024];
const RUN_MS = Number(process.env.SCTP_BENCH_MS ?? 2500);
const WINDOW = 4 * 1024 * 1024;

function omnirtc(size: number, ms: number): Result {
  const now = () => performance.now();
  const a = new DataChannelManager(new SctpAssociation({ sendBufferSize: 64 * 1024 * 1024 }), 'client');
  const b = new DataChannelManager(new SctpAssociation(), 'server');
  const ca = a.createChannel({ label: 'bench', protocol: '', ordered: true, negotiated: true, id: 1 });
  b.createChannel({ label: 'bench', protocol: '', ordered: true, negotiated: true, id: 1 });
  a.connect(now());
  b.connect(now());
  let bytes = 0;
  let msgs = 0;
  const step = () => {
    for (let p = a.pollTransmit(); p; p = a.pollTransmit()) b.handleInput(now(), p);
    for (let e = b.pollEvent(); e; e = b.pollEvent()) {
      if (e.type === 'message') {
        bytes += e.data.length;
        msgs++;
      }
    }
    for (let p = b.pollTransmit(); p; p = b.pollTransmit()) a.handleInput(now(), p);
    while (a.pollEvent());
    const t = now();
    if ((a.pollTimeout() ?? Number.POSITIVE_INFINITY) <= t) a.handleTimeout(t);
    if ((b.pollTimeout() ?? Number.POSITIVE_INFINITY) <= t) b.handleTimeout(t);
  };
  const deadline = now() + 5000;
  while (ca.state !== 'open' && now() < deadline) step();
  const msg = new Uint8Array(size).fill(7);
  const fill = (ch: ManagedChannel) => {
    while (a.bufferedAmount(ch) < WINDOW) a.send(ch, msg, true);
  };
  // Warm-up, then measure.
  const warm = now() + Math.min(300, ms / 4);
  while (now() < warm) {
    fill(ca);
    step();
  }
  bytes = msgs = 0;
  const t0 = now();
  const c0 = process.cpuUsage();
  while (now() - t0 < ms) {
    fill(ca);
    step();
  }
  const dt = (now() - t0) / 1000;
  return { name: `omnirtc SCTP ${size / 1024} KiB`, bytesPerSec: bytes / dt, msgsPerSec: msgs / dt, cores: cpuSince(c0) / dt };
}

interface WeriftTransport {
  onData?: (buf: Buffer) => void;
  send: (buf: Buffer) => Promise<void>;
  close: () => void;
}
interface WeriftSctp {
  start(port?: number): Promise<void>;
  send(streamId: number, ppId: number, data: Buffer, opts?: { ordered?: boolean }): Promise<void>;
  stop(): Promise<void>;
  onReceive: { subscribe(cb: (streamId: number, ppId: number, data: Buffer) => void): unknown };
  stateChanged: { connected: { asPromise(): Promise<unknown> } };
}
interface WeriftSctpModule {
  SCTP: { client(t: WeriftTransport, port?: number): WeriftSctp; server(t: WeriftTransport, port?: number): WeriftSctp };
}

function loadWerift(): WeriftSctpModule {
  // werift's package exports hide lib/sctp; load it by path.
  const require = createRequire(import.meta.url);
  const main = require.resolve('werift');
  return require(join(dirname(main), '..', '..', 'sctp', 'src', 'index.js')) as WeriftSctpModule;
}

async function werift(size: number, ms: number): Promise<Result> {
  const { SCTP } = loadWerift();
  const ta: WeriftTransport = { send: async () => {}, close: () => {} };
  const tb: WeriftTransport = { send: async () => {}, close: () => {} };
  let closed = false;
  ta.send = async (buf) => {
    if (!closed) setImmediate(() => tb.onData?.(buf));
  };
  tb.send = async (buf) => {
    if (!closed) setImmediate(() => ta.onData?.(buf));
  };
  const a = SCTP.client(ta, 5000);
  const b = SCTP.server(tb, 5000);
  let bytes = 0;
  let msgs = 0;
  b.onReceive.subscribe((_s, _p, data) => {
    bytes += data.length;
    msgs++;
  });
  const up = a.stateChanged.connected.asPromise();
  await Promise.all([a.start(5000), b.start(5000)]);
  await up;
  const msg = Buffer.alloc(size, 7);
  // werift's send() resolves once its whole queue has drained; a few sends in flight
  // is its best case (measured: 1 for 64 KiB, 4 below), more makes it slower.
  const concurrency = size >= 64 * 1024 ? 1 : 4;
  let stop = false;
  const loop = async () => {
    while (!stop) await a.send(1, 53, msg, { ordered: true }).catch(() => {});
  };
  const pump = () => Promise.all(Array.from({ length: concurrency }, loop));
  const running = pump();
  await new Promise((r) => setTimeout(r, Math.min(300, ms / 4)));
  bytes = msgs = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, ms));
  const dt = (performance.now() - t0) / 1000;
  const result = { name: `werift SCTP ${size / 1024} KiB`, bytesPerSec: bytes / dt, msgsPerSec: msgs / dt, cores: cpuSince(c0) / dt };
  stop = true;
  closed = true;
  void running; // pending sends never resolve once the link is cut
  await Promise.race([Promise.all([a.stop(), b.stop()]), new Promise((r) => setTimeout(r, 200))]).catch(() => {});
  return result;
}

// The tail both child scripts share (JavaScript source): after a warm-up, count bytes and
// msgs for ms, then stop the sender and print the rates as one JSON line.
const MEASURE_AND_REPORT = `  setTimeout(() => {
    bytes = msgs = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    setTimeout(() => {
      const dt = (performance.now() - t0) / 1000;
      const cu = process.cpuUsage(c0);
      stop = true;
      console.log(JSON.stringify({ bytesPerSec: bytes / dt, msgsPerSec: msgs / dt, cores: (cu.user + cu.system) / 1e6 / dt }));
      process.exit(0);
    }, ms);
  }, Math.min(300, ms / 4));
`;

// node-datachannel runs in a child process: libdatachannel may crash the process while
// tearing down its threads, which must not take the whole benchmark run with it.
const NDC_SCRIPT = `
const ndc = require('node-datachannel');
const [size, ms, windowBytes] = process.argv.slice(1).map(Number);
const cfg = { iceServers: [], bindAddress: '127.0.0.1' };
const pa = new ndc.PeerConnection('a', cfg);
const pb = new ndc.PeerConnection('b', cfg);
// Candidates may come before the description; hold them until it is set.
const wire = (from, to) => {
  let described = false;
  const held = [];
  from.onLocalDescription((sdp, type) => {
    to.setRemoteDescription(sdp, type);
    described = true;
    for (const [c, mid] of held.splice(0)) to.addRemoteCandidate(c, mid);
  });
  from.onLocalCandidate((c, mid) => (described ? to.addRemoteCandidate(c, mid) : held.push([c, mid])));
};
wire(pa, pb);
wire(pb, pa);
let bytes = 0;
let msgs = 0;
// Keep the remote channel referenced: a collected channel object stops receiving.
const remote = [];
pb.onDataChannel((dc) => { remote.push(dc); dc.onMessage((m) => { bytes += typeof m === 'string' ? m.length : m.byteLength; msgs++; }); });
const dc = pa.createDataChannel('bench');
const fail = setTimeout(() => { console.log(JSON.stringify({ error: 'did not open within 10 s' })); process.exit(0); }, 10000);
dc.onOpen(() => {
  clearTimeout(fail);
  const msg = new Uint8Array(size).fill(7);
  let stop = false;
  // sendMessageBinary returns false when the message was buffered rather than sent at once.
  const fill = () => { while (!stop && dc.isOpen() && dc.bufferedAmount() < windowBytes) dc.sendMessageBinary(msg); };
  dc.setBufferedAmountLowThreshold(windowBytes / 2);
  dc.onBufferedAmountLow(fill);
  fill();
${MEASURE_AND_REPORT}});
`;

async function nodeDatachannel(size: number, ms: number): Promise<Result> {
  const { spawn } = await import('node:child_process');
  const name = `node-datachannel (full native WebRTC over loopback) ${size / 1024} KiB`;
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', NDC_SCRIPT, String(size), String(ms), String(WINDOW)], { cwd: join(import.meta.dirname, '..') });
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    child.stderr.on('data', () => {});
    const timer = setTimeout(() => child.kill('SIGKILL'), ms + 20_000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    child.on('error', reject);
  });
  const line = out.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error('no result (is node-datachannel installed?)');
  const r = JSON.parse(line) as { bytesPerSec?: number; msgsPerSec?: number; cores?: number; error?: string };
  if (r.error) throw new Error(r.error);
  return { name, bytesPerSec: r.bytesPerSec ?? 0, msgsPerSec: r.msgsPerSec ?? 0, cores: r.cores };
}

// werift's whole stack (ICE + DTLS + SCTP + data channel, TypeScript) between two
// RTCPeerConnections. werift's interface filter may fall back to every interface, so this
// case runs only inside a fresh network namespace whose one interface is lo (`unshare -n`),
// with the loopback-only options of DESIGN.md "Real peers".
const WERIFT_FULL_SCRIPT = `
const werift = require('werift');
const [size, ms, windowBytes] = process.argv.slice(1).map(Number);
const cfg = { iceServers: [], iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'], iceInterfaceAddresses: { udp4: '127.0.0.1' } };
const a = new werift.RTCPeerConnection(cfg);
const b = new werift.RTCPeerConnection(cfg);
a.onIceCandidate.subscribe((c) => c && b.addIceCandidate(c).catch(() => {}));
b.onIceCandidate.subscribe((c) => c && a.addIceCandidate(c).catch(() => {}));
let bytes = 0;
let msgs = 0;
b.onDataChannel.subscribe((dc) => dc.onMessage.subscribe((m) => { bytes += m.length; msgs++; }));
const dc = a.createDataChannel('bench');
const fail = setTimeout(() => { console.log(JSON.stringify({ error: 'did not open within 10 s' })); process.exit(0); }, 10000);
dc.stateChanged.subscribe((st) => {
  if (st !== 'open') return;
  clearTimeout(fail);
  const msg = Buffer.alloc(size, 7);
  let stop = false;
  const fill = () => { while (!stop && dc.readyState === 'open' && dc.bufferedAmount < windowBytes) dc.send(msg); };
  dc.bufferedAmountLowThreshold = windowBytes / 2;
  dc.bufferedAmountLow.subscribe(fill);
  fill();
${MEASURE_AND_REPORT}});
(async () => {
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
})().catch((e) => { console.log(JSON.stringify({ error: String(e) })); process.exit(0); });
`;

async function weriftFullStack(size: number, ms: number): Promise<Result> {
  const { spawn } = await import('node:child_process');
  const name = `werift (full WebRTC over loopback, in a lo-only namespace) ${size / 1024} KiB`;
  const out = await new Promise<{ text: string; err: string }>((resolve, reject) => {
    const child = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" -e "$OMNIRTC_BENCH_SCRIPT" "$@"', process.execPath, String(size), String(ms), String(WINDOW)], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, OMNIRTC_BENCH_SCRIPT: WERIFT_FULL_SCRIPT },
    });
    let text = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms + 20_000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ text, err });
    });
    child.on('error', reject);
  });
  const line = out.text.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no result (needs root for unshare -n): ${out.err.trim().split('\n')[0] ?? ''}`);
  const r = JSON.parse(line) as { bytesPerSec?: number; msgsPerSec?: number; cores?: number; error?: string };
  if (r.error) throw new Error(r.error);
  return { name, bytesPerSec: r.bytesPerSec ?? 0, msgsPerSec: r.msgsPerSec ?? 0, cores: r.cores };
}

async function omnirtcFullStack(size: number, ms: number): Promise<Result> {
  const [a, b] = trickledPair();
  try {
    const dc = a.createDataChannel('bench');
    const remote = new Promise<RTCDataChannel>((resolve) => {
      b.ondatachannel = (e) => resolve((e as RTCDataChannelEvent).channel);
    });
    const opened = new Promise((resolve) => dc.addEventListener('open', resolve, { once: true }));
    await negotiate(a, b);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([opened, new Promise((_, rej) => (timer = setTimeout(() => rej(new Error('did not open within 10 s')), 10_000)))]).finally(() => clearTimeout(timer));
    const rc = await remote;
    let bytes = 0;
    let msgs = 0;
    rc.onmessage = (e) => {
      bytes += (e.data as ArrayBuffer).byteLength;
      msgs++;
    };
    const msg = new Uint8Array(size).fill(7);
    dc.bufferedAmountLowThreshold = WINDOW / 2;
    const fill = () => {
      while (dc.readyState === 'open' && dc.bufferedAmount < WINDOW) dc.send(msg);
    };
    dc.onbufferedamountlow = fill;
    fill();
    await new Promise((r) => setTimeout(r, Math.min(300, ms / 4)));
    bytes = msgs = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, ms));
    const dt = (performance.now() - t0) / 1000;
    return { name: `omnirtc (full WebRTC over loopback) ${size / 1024} KiB`, bytesPerSec: bytes / dt, msgsPerSec: msgs / dt, cores: cpuSince(c0) / dt };
  } finally {
    a.close();
    b.close();
  }
}

function row(r: Result, base: Result | undefined, ndc: Result | undefined): string {
  const ratio = (x: Result | undefined) => (x && x.bytesPerSec > 0 ? (r.bytesPerSec / x.bytesPerSec).toFixed(2) : 'n/a');
  const cores = r.cores !== undefined && r.bytesPerSec > 0 ? r.cores.toFixed(2) : 'n/a';
  const msPerMb = r.cores !== undefined && r.bytesPerSec > 0 ? ((1000 * r.cores) / (r.bytesPerSec / 1e6)).toFixed(1) : 'n/a';
  return `| ${r.name} | ${(r.bytesPerSec / 1e6).toFixed(1)} | ${Math.round(r.msgsPerSec).toLocaleString('en')} | ${cores} | ${msPerMb} | ${ratio(base)} | ${ratio(ndc)} |`;
}

export async function run(): Promise<BenchSection> {
  const lines = [
    `Reliable ordered channel, sender kept ${WINDOW / 1024 / 1024} MiB ahead, ${RUN_MS} ms per case after warm-up.`,
    'The "SCTP" rows run the SCTP layer alone over an in-memory link (omnirtc, werift); the "full" rows run',
    'the whole stack (ICE + DTLS + SCTP + data channel) over UDP on 127.0.0.1: omnirtc in this process,',
    'node-datachannel (native libdatachannel + usrsctp, multi-threaded) in a child process.',
    '"cores": CPU time of the whole process (all threads, user + system) per second while measuring; "CPU ms/MB":',
    'that CPU time per MB delivered (both peers are in the one process in every row). On a shared machine MB/s',
    'moves with the load; CPU ms/MB much less.',
    '',
    '| case | MB/s | messages/s | cores | CPU ms/MB | × werift | × node-datachannel |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  // The omnirtc full-stack cases run first: werift's in-process SCTP objects keep timers
  // and garbage alive after their case ends, which would slow whatever runs after them.
  const fullBySize = new Map<number, Result>();
  for (const size of SIZES) {
    fullBySize.set(
      size,
      await omnirtcFullStack(size, RUN_MS).catch((e: Error) => ({ name: `omnirtc full WebRTC ${size / 1024} KiB (failed: ${e.message})`, bytesPerSec: 0, msgsPerSec: 0 })),
    );
  }
  for (const size of SIZES) {
    const o = omnirtc(size, RUN_MS);
    const w = await werift(size, RUN_MS).catch((e: Error) => ({ name: `werift SCTP ${size / 1024} KiB (failed: ${e.message})`, bytesPerSec: 0, msgsPerSec: 0 }));
    let n: Result | undefined;
    try {
      n = await nodeDatachannel(size, RUN_MS);
    } catch (e) {
      n = { name: `node-datachannel ${size / 1024} KiB (not run: ${(e as Error).message})`, bytesPerSec: 0, msgsPerSec: 0 };
    }
    const wf = await weriftFullStack(size, RUN_MS).catch((e: Error) => ({ name: `werift full WebRTC ${size / 1024} KiB (not run: ${e.message})`, bytesPerSec: 0, msgsPerSec: 0 }));
    const full = fullBySize.get(size)!;
    lines.push(row(o, w, n), row(w, w, n), row(full, w, n), row(wf, w, n), row(n, w, n));
    if (wf.bytesPerSec > 0) lines.push(`| omnirtc full ÷ werift full ${size / 1024} KiB | | | | | ${(full.bytesPerSec / wf.bytesPerSec).toFixed(2)} | |`);
  }
  return { title: 'SCTP data channels (omnirtc/sctp vs werift vs node-datachannel)', lines };
}
