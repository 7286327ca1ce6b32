// Time from createOffer to `connected` and memory per connected pair, two peers in one
// process over loopback UDP (127.0.0.1 only): omnirtc vs werift vs node-datachannel.
// Each pair negotiates one data channel; CPU per forwarded Mbit/s of video through an SFU hop.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { MediaStream, MediaStreamTrack, RTCPeerConnection, type RTCTrackEvent } from '../src/index.js';
import type { BenchSection } from './harness.js';
import { type NdcModule, type WeriftModule, type WeriftPc, ndcLoopbackPair, weriftLoopbackPair, weriftNegotiate } from './peer-stacks.js';

interface Pair {
  /** Resolves with ms from createOffer to both sides connected. */
  connected: Promise<number>;
  close(): void;
}

const require = createRequire(import.meta.url);

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what}: not connected in ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

function omnirtcPair(): Pair {
  const a = new RTCPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const b = new RTCPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const t0 = performance.now();
  const up = (pc: RTCPeerConnection): Promise<void> =>
    new Promise((resolve) => pc.addEventListener('connectionstatechange', () => pc.connectionState === 'connected' && resolve()));
  a.onicecandidate = (e) => void b.addIceCandidate(e.candidate).catch(() => undefined);
  b.onicecandidate = (e) => void a.addIceCandidate(e.candidate).catch(() => undefined);
  const dc = a.createDataChannel('bench');
  const opened = [
    new Promise<void>((r) => dc.addEventListener('open', () => r(), { once: true })),
    new Promise<void>((r) => {
      b.ondatachannel = (e) => {
        if (e.channel.readyState === 'open') r();
        else e.channel.addEventListener('open', () => r(), { once: true });
      };
    }),
  ];
  const connected = (async () => {
    const both = Promise.all([up(a), up(b)]);
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);
    await both;
    const ms = performance.now() - t0;
    // Time is to `connected`; a pair counts as idle (for memory) once its channel is open.
    await Promise.all(opened);
    return ms;
  })();
  return {
    connected,
    close: () => {
      a.close();
      b.close();
    },
  };
}

function weriftPair(werift: WeriftModule): Pair {
  const [a, b] = weriftLoopbackPair(werift);
  const t0 = performance.now();
  const up = (pc: WeriftPc): Promise<void> => new Promise((resolve) => pc.connectionStateChange.subscribe((s) => s === 'connected' && resolve()));
  a.createDataChannel('bench');
  const connected = (async () => {
    const both = Promise.all([up(a), up(b)]);
    await weriftNegotiate(a, b);
    await both;
    return performance.now() - t0;
  })();
  return { connected, close: () => void Promise.all([a.close(), b.close()]).catch(() => undefined) };
}

function ndcPair(ndc: NdcModule): Pair {
  const [a, b] = ndcLoopbackPair(ndc);
  const t0 = performance.now();
  const states = { a: false, b: false };
  let done: (ms: number) => void = () => undefined;
  const connected = new Promise<number>((r) => {
    done = r;
  });
  const check = (): void => {
    if (states.a && states.b) done(performance.now() - t0);
  };
  a.onStateChange((s) => {
    states.a = s === 'connected' || states.a;
    check();
  });
  b.onStateChange((s) => {
    states.b = s === 'connected' || states.b;
    check();
  });
  a.createDataChannel('bench');
  return {
    connected,
    close: () => {
      a.close();
      b.close();
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

async function timeToConnected(make: () => Pair, runs: number, name: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const p = make();
    try {
      out.push(await withTimeout(p.connected, 15000, name));
    } finally {
      p.close();
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return out;
}

/**
 * Pairs created before the baseline and kept alive: code, the young generation and per-process
 * tables settle first. 50, not 10: V8 tiers the WebAssembly core's hot functions (DTLS EC,
 * AES) up during the first few dozen handshakes, a one-time cost of a few MiB that 10 warm
 * pairs left inside the measured window (it then read as ~300 KiB "per pair").
 */
const MEMORY_WARM_PAIRS = 50;
/** Pairs whose cost is measured, held at once. */
const MEMORY_PAIRS = 40;
/** Child processes per stack; the row is the one with the median RSS (RSS moves with V8's heap sizing). */
const MEMORY_RUNS = 3;
/** Set in the child process that measures memory: the stack's name. */
const MEMORY_CHILD_ENV = 'OMNIRTC_CONNECT_MEMORY_CHILD';

interface MemoryResult {
  rssKiB: number;
  heapKiB: number;
  externalKiB: number;
  gc: boolean;
}

/**
 * Runs in a fresh `node --expose-gc` process (see memoryInChild): MEMORY_WARM_PAIRS pairs
 * stay alive before the baseline, then MEMORY_PAIRS more, idle for a second; forced GC
 * before each reading, so the delta is the marginal cost of one more idle pair, not
 * process start-up, JIT code or garbage.
 */
async function memoryPerPair(make: () => Pair, name: string): Promise<MemoryResult> {
  // node-datachannel 0.33 segfaults when gc() runs while its pairs are alive: its rows
  // are measured without forced GC, so they include garbage and are noisier.
  const gc = name === 'node-datachannel' ? undefined : (globalThis as { gc?: () => void }).gc;
  const settle = async (): Promise<NodeJS.MemoryUsage> => {
    await new Promise((r) => setTimeout(r, 1000));
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
    gc?.();
    return process.memoryUsage();
  };
  const live: Pair[] = [];
  const open = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const p = make();
      live.push(p);
      await withTimeout(p.connected, 15000, name);
    }
  };
  await open(MEMORY_WARM_PAIRS);
  const before = await settle();
  await open(MEMORY_PAIRS);
  const after = await settle();
  for (const p of live) p.close();
  const per = (x: number): number => x / 1024 / MEMORY_PAIRS;
  return { rssKiB: per(after.rss - before.rss), heapKiB: per(after.heapUsed - before.heapUsed), externalKiB: per(after.external - before.external), gc: gc !== undefined };
}

let childBundle: Promise<string> | undefined;

/**
 * This file bundled with esbuild as the package ships (tsup: no keepNames). Under tsx every
 * function literal gets a `name` property (keepNames), ~0.25 KiB per closure, which is
 * not what users run.
 */
function bundleForChild(): Promise<string> {
  childBundle ??= (async () => {
    const esbuild = require('esbuild') as {
      build(o: Record<string, unknown>): Promise<unknown>;
    };
    const dir = join(import.meta.dirname, '..', 'node_modules', '.cache', 'omnirtc-bench');
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, 'connect-memory.mjs');
    await esbuild.build({ entryPoints: [join(import.meta.dirname, 'peer.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'error' });
    return outfile;
  })();
  return childBundle;
}

/** Measures one stack's memory in its own `node --expose-gc` process (bounded: 120 s). */
async function memoryInChild(name: string): Promise<MemoryResult> {
  const file = await bundleForChild();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', file], { env: { ...process.env, [MEMORY_CHILD_ENV]: name }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('{"memory":'));
      if (line) resolve((JSON.parse(line) as { memory: MemoryResult }).memory);
      else reject(new Error(`memory child for ${name} exited ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

async function memoryChildMain(name: string): Promise<void> {
  const stacks = stackList([]);
  const s = stacks.find((x) => x.name === name);
  if (!s) throw new Error(`no stack ${name}`);
  const memory = await memoryPerPair(s.make, name);
  console.log(JSON.stringify({ memory }));
  process.exit(0);
}

async function connectedPair(): Promise<[RTCPeerConnection, RTCPeerConnection]> {
  const a = new RTCPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const b = new RTCPeerConnection({ iceAddresses: ['127.0.0.1'] });
  a.onicecandidate = (e) => void b.addIceCandidate(e.candidate).catch(() => undefined);
  b.onicecandidate = (e) => void a.addIceCandidate(e.candidate).catch(() => undefined);
  return [a, b];
}

async function negotiate(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  const up = (pc: RTCPeerConnection): Promise<void> =>
    new Promise((resolve) => {
      if (pc.connectionState === 'connected') resolve();
      pc.addEventListener('connectionstatechange', () => pc.connectionState === 'connected' && resolve());
    });
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
  await withTimeout(Promise.all([up(a), up(b)]), 15000, 'forwarding pair');
}

/**
 * CPU per forwarded Mbit/s: A sends RTP to B, B forwards the remote track to C (an SFU hop:
 * SRTP unprotect, routing, rewrite, SRTP protect). The whole process's CPU (A, B and C and
 * the UDP syscalls) per Mbit/s delivered at C.
 */
async function forwardingCost(mbps: number, seconds: number): Promise<{ deliveredMbps: number; cpuPerMbps: number; cpuPercent: number }> {
  const [a, b1] = await connectedPair();
  const [b2, c] = await connectedPair();
  try {
    const source = new MediaStreamTrack({ kind: 'video' });
    a.addTrack(source, new MediaStream());
    const incoming = new Promise<RTCTrackEvent>((r) => {
      b1.ontrack = r;
    });
    await negotiate(a, b1);
    const forwarded = (await incoming).track;
    b2.addTrack(forwarded, new MediaStream());
    const atC = new Promise<RTCTrackEvent>((r) => {
      c.ontrack = r;
    });
    await negotiate(b2, c);
    let bytesAtC = 0;
    (await atC).track.addEventListener('rtp', (e) => {
      bytesAtC += (e as unknown as { packet: { bytes: Uint8Array } }).packet.bytes.length;
    });
    const packet = new Uint8Array(1200);
    packet[0] = 0x80;
    packet[1] = 96;
    const perMs = (mbps * 1e6) / 8 / 1200 / 1000;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let sent = 0;
    let seq = 0;
    while (performance.now() - t0 < seconds * 1000) {
      const due = Math.floor((performance.now() - t0) * perMs);
      for (; sent < due; sent++) {
        seq = (seq + 1) & 0xffff;
        packet[2] = seq >> 8;
        packet[3] = seq & 0xff;
        new DataView(packet.buffer).setUint32(4, sent * 90);
        source.writeRtp(packet);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const sending = (performance.now() - t0) / 1000;
    // The last packets still in flight arrive (and cost CPU) in this tail.
    await new Promise((r) => setTimeout(r, 200));
    const cpu = process.cpuUsage(cpu0);
    const elapsed = (performance.now() - t0) / 1000;
    // Delivered over the sending window (bytes that arrive in the tail were sent in it).
    const deliveredMbps = (bytesAtC * 8) / 1e6 / sending;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // CPU-seconds per delivered Mbit: the same as (CPU-s per s) per (Mbit/s) over one window.
    return { deliveredMbps, cpuPerMbps: cpuSeconds / Math.max((bytesAtC * 8) / 1e6, 1e-9), cpuPercent: (cpuSeconds / elapsed) * 100 };
  } finally {
    for (const pc of [a, b1, b2, c]) pc.close();
  }
}

function stackList(lines: string[]): { name: string; make: () => Pair }[] {
  const stacks: { name: string; make: () => Pair }[] = [{ name: 'omnirtc', make: omnirtcPair }];
  try {
    const werift = require('werift') as WeriftModule;
    stacks.push({ name: 'werift', make: () => weriftPair(werift) });
  } catch {
    lines.push('werift is not installed: its row is missing.');
  }
  try {
    const n = require('node-datachannel') as NdcModule;
    stacks.push({ name: 'node-datachannel', make: () => ndcPair(n) });
  } catch {
    lines.push('node-datachannel is not installed: its row is missing.');
  }
  return stacks;
}

export async function run(): Promise<BenchSection> {
  const lines: string[] = [];
  const stacks = stackList(lines);
  lines.push(
    `Two peers in one process over 127.0.0.1 UDP with trickle ICE; each pair negotiates one data channel. Memory: in a fresh \`node --expose-gc\` process per stack (this file bundled by esbuild as the package ships), ${MEMORY_WARM_PAIRS} pairs kept alive first, then ${MEMORY_PAIRS} more pairs connected with their channel open and left idle for 1 s; forced GC before each reading (not for node-datachannel, which crashes under gc()); deltas divided by ${MEMORY_PAIRS}; the median-RSS run of ${MEMORY_RUNS}. A pair is two RTCPeerConnections: per connection is half.`,
    '',
    '| stack | median ms to connected | min | max | RSS KiB/pair | RSS KiB/connection | heap KiB/pair | external KiB/pair | × omnirtc (time) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  let base = 0;
  for (const s of stacks) {
    try {
      const times = await timeToConnected(s.make, 15, s.name);
      const med = median(times);
      if (s.name === 'omnirtc') base = med;
      // A child that crashes (node-datachannel now and then aborts on a candidate race in
      // libdatachannel) costs its run, not the row; the row fails only when every run did.
      const runs: MemoryResult[] = [];
      let lastError: unknown;
      for (let i = 0; i < MEMORY_RUNS; i++) {
        try {
          runs.push(await memoryInChild(s.name));
        } catch (e) {
          lastError = e;
        }
      }
      if (runs.length === 0) throw lastError;
      const mem = runs.sort((x, y) => x.rssKiB - y.rssKiB)[Math.floor(runs.length / 2)];
      const partial = runs.length < MEMORY_RUNS ? ` (${runs.length} of ${MEMORY_RUNS} runs)` : '';
      const gcNote = mem.gc ? '' : ' (no GC)';
      lines.push(
        `| ${s.name} | ${med.toFixed(1)} | ${Math.min(...times).toFixed(1)} | ${Math.max(...times).toFixed(1)} | ${mem.rssKiB.toFixed(0)}${gcNote}${partial} | ${(mem.rssKiB / 2).toFixed(0)} | ${mem.heapKiB.toFixed(0)} | ${mem.externalKiB.toFixed(0)} | ${(med / base).toFixed(2)} |`,
      );
    } catch (e) {
      lines.push(`| ${s.name} | failed: ${(e as Error).message} | | | | | | | |`);
    }
  }
  // No ndc.cleanup(): node-datachannel 0.33 segfaults in it after pairs were closed;
  // bench/index.ts exits the process when every section is written.
  lines.push('', 'Forwarding (SFU hop) A → B → C, all omnirtc in this process, 1200-byte RTP packets: CPU of the whole process per Mbit/s delivered at C.', '', '| offered Mbit/s | delivered Mbit/s | process CPU % | CPU-seconds per second per delivered Mbit/s |', '|---:|---:|---:|---:|');
  for (const mbps of [2, 8]) {
    try {
      const f = await forwardingCost(mbps, 3);
      lines.push(`| ${mbps} | ${f.deliveredMbps.toFixed(2)} | ${f.cpuPercent.toFixed(0)} | ${f.cpuPerMbps.toFixed(4)} |`);
    } catch (e) {
      lines.push(`| ${mbps} | failed: ${(e as Error).message} | | |`);
    }
  }
  return { title: 'Peer connection set-up: time to connected, memory per connection; forwarding cost', lines };
}

// The memory child (memoryInChild): this module, bundled, run with the stack's name.
const memoryChildStack = process.env[MEMORY_CHILD_ENV];
if (memoryChildStack) void memoryChildMain(memoryChildStack);

// `npx tsx bench/peer.ts` runs this section alone (npm run bench runs it through peer.bench.ts).
if (!memoryChildStack && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const section = await run();
  console.log(`## ${section.title}\n\n${section.lines.join('\n')}`);
  process.exit(0);
}
