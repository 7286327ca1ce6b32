// Many connections in one process: the shape of a server (an SFU or a data-channel gateway
// with hundreds of peers). N connected pairs over 127.0.0.1, one data channel each, for
// omnirtc, werift and node-datachannel: time to connect all N (in concurrent batches), RSS
// and heap per connection, idle CPU (consent freshness, keepalives, SCTP heartbeats,
// timers: the cost of peers doing nothing), CPU and event-loop lag with one message per
// channel per second.
//
// Each stack runs in its own `node --expose-gc` process (this file bundled by esbuild as the
// package ships, like bench/peer.ts); werift's runs inside a fresh network namespace whose one
// interface is lo (`unshare -n`), since its interface filter may fall back to every
// interface (DESIGN.md "Real peers").
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

import { RTCPeerConnection } from '../src/index.js';
import type { BenchSection } from './harness.js';
import { type NdcChannel, type NdcModule, type WeriftModule, ndcLoopbackPair, weriftLoopbackPair, weriftNegotiate } from './peer-stacks.js';

const require = createRequire(import.meta.url);

/** Pair counts measured, in one process per stack (the second grows from the first). */
const SIZES = [100, 300];
/** Pairs negotiating at once. */
const BATCH = 20;
/** A batch that is not connected with its channel open in this time fails the stack at this N. */
const BATCH_TIMEOUT_MS = 20_000;
/** A stack whose connect phases together take longer stops growing (bench time stays bounded). */
const CONNECT_BUDGET_MS = 45_000;
/** Pairs connected and closed before the memory baseline (JIT, WebAssembly tier-up). */
const WARM_PAIRS = 10;
const IDLE_MS = 5_000;
const MESSAGE_SECONDS = 5;
const CHILD_ENV = 'OMNIRTC_SCALE_CHILD';
const STACKS = ['omnirtc', 'werift', 'node-datachannel'] as const;
type StackName = (typeof STACKS)[number];

/** One connected pair with one data channel; `ready` resolves once both ends' channel is open. */
interface ScalePair {
  ready: Promise<void>;
  /** Sends one message on the offerer's channel. */
  send(text: string): void;
  /** Messages the answerer's channel received. */
  received(): number;
  close(): void;
}

function omnirtcPair(): ScalePair {
  const a = new RTCPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const b = new RTCPeerConnection({ iceAddresses: ['127.0.0.1'] });
  a.onicecandidate = (e) => void b.addIceCandidate(e.candidate).catch(() => undefined);
  b.onicecandidate = (e) => void a.addIceCandidate(e.candidate).catch(() => undefined);
  const dc = a.createDataChannel('scale');
  let got = 0;
  const opened = new Promise<void>((r) => dc.addEventListener('open', () => r(), { once: true }));
  const remote = new Promise<void>((r) => {
    b.ondatachannel = (e) => {
      e.channel.onmessage = () => {
        got++;
      };
      if (e.channel.readyState === 'open') r();
      else e.channel.addEventListener('open', () => r(), { once: true });
    };
  });
  const ready = (async () => {
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await Promise.all([opened, remote]);
  })();
  return {
    ready,
    send: (t) => dc.send(t),
    received: () => got,
    close: () => {
      a.close();
      b.close();
    },
  };
}

function weriftPair(werift: WeriftModule): ScalePair {
  const [a, b] = weriftLoopbackPair(werift);
  const dc = a.createDataChannel('scale');
  let got = 0;
  const opened = new Promise<void>((r) => dc.stateChanged.subscribe((s) => s === 'open' && r()));
  const remote = new Promise<void>((r) =>
    b.onDataChannel.subscribe((ch) => {
      ch.onMessage.subscribe(() => {
        got++;
      });
      if (ch.readyState === 'open') r();
      else ch.stateChanged.subscribe((s) => s === 'open' && r());
    }),
  );
  const ready = (async () => {
    await weriftNegotiate(a, b);
    await Promise.all([opened, remote]);
  })();
  return { ready, send: (t) => dc.send(t), received: () => got, close: () => void Promise.all([a.close(), b.close()]).catch(() => undefined) };
}

function ndcPair(ndc: NdcModule): ScalePair {
  const [a, b] = ndcLoopbackPair(ndc);
  let got = 0;
  // node-datachannel closes a channel whose JS object is collected: the pair holds both.
  let answererChannel: NdcChannel | undefined;
  const remote = new Promise<void>((r) =>
    b.onDataChannel((ch) => {
      answererChannel = ch;
      ch.onMessage(() => {
        got++;
      });
      // onDataChannel fires once the channel is open (libdatachannel).
      r();
    }),
  );
  const dc = a.createDataChannel('scale');
  const opened = new Promise<void>((r) => dc.onOpen(() => r()));
  return {
    ready: Promise.all([opened, remote]).then(() => undefined),
    send: (t) => void dc.sendMessage(t),
    received: () => (answererChannel ? got : 0),
    close: () => {
      a.close();
      b.close();
    },
  };
}

function factory(name: StackName): () => ScalePair {
  if (name === 'omnirtc') return omnirtcPair;
  if (name === 'werift') {
    const werift = require('werift') as WeriftModule;
    return () => weriftPair(werift);
  }
  const ndc = require('node-datachannel') as NdcModule;
  return () => ndcPair(ndc);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what} in ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU % of one core used by this process since `from` over `ms`. */
function cpuPercent(from: NodeJS.CpuUsage, ms: number): number {
  const c = process.cpuUsage(from);
  return ((c.user + c.system) / 1000 / ms) * 100;
}

interface ScaleRow {
  stack: StackName;
  n: number;
  /** Pairs connected when the stack stopped; equals n unless `error`. */
  connected: number;
  connectMs: number;
  rssKiBPerConnection: number;
  heapKiBPerConnection: number;
  idleCpuPercent: number;
  idleLagP99Ms: number;
  messageCpuPercent: number;
  messageLagP99Ms: number;
  messagesSent: number;
  messagesReceived: number;
  /** send() threw (the stack had closed that channel). */
  sendErrors: number;
  gc: boolean;
  error?: string;
}

/** The child: grows one stack through SIZES, measuring at each N. Prints one JSON line per N. */
async function childMain(name: StackName): Promise<void> {
  const make = factory(name);
  // node-datachannel 0.33 segfaults when gc() runs while its pairs are alive (bench/peer.ts).
  const gc = name === 'node-datachannel' ? undefined : (globalThis as { gc?: () => void }).gc;
  const settle = async (): Promise<NodeJS.MemoryUsage> => {
    await sleep(1000);
    gc?.();
    await sleep(50);
    gc?.();
    return process.memoryUsage();
  };
  const emit = (row: ScaleRow): void => console.log(JSON.stringify({ row }));
  const warm = Array.from({ length: WARM_PAIRS }, make);
  await withTimeout(Promise.all(warm.map((p) => p.ready)), BATCH_TIMEOUT_MS, 'warm-up pairs not open');
  for (const p of warm) p.close();
  const base = await settle();
  const live: ScalePair[] = [];
  let connectMs = 0;
  for (const n of SIZES) {
    const row: ScaleRow = {
      stack: name,
      n,
      connected: live.length,
      connectMs: 0,
      rssKiBPerConnection: 0,
      heapKiBPerConnection: 0,
      idleCpuPercent: 0,
      idleLagP99Ms: 0,
      messageCpuPercent: 0,
      messageLagP99Ms: 0,
      messagesSent: 0,
      messagesReceived: 0,
      sendErrors: 0,
      gc: gc !== undefined,
    };
    try {
      while (live.length < n) {
        if (connectMs > CONNECT_BUDGET_MS) throw new Error(`connect budget of ${CONNECT_BUDGET_MS / 1000} s spent`);
        const t0 = performance.now();
        const batch = Array.from({ length: Math.min(BATCH, n - live.length) }, make);
        live.push(...batch);
        await withTimeout(Promise.all(batch.map((p) => p.ready)), BATCH_TIMEOUT_MS, `a batch of ${batch.length} not open`);
        connectMs += performance.now() - t0;
        row.connected = live.length;
      }
    } catch (e) {
      row.error = `${(e as Error).message} (${row.connected} of ${n} pairs connected, ${(connectMs / 1000).toFixed(1)} s)`;
      emit(row);
      break;
    }
    row.connectMs = connectMs;
    const mem = await settle();
    const connections = 2 * n;
    row.rssKiBPerConnection = (mem.rss - base.rss) / 1024 / connections;
    row.heapKiBPerConnection = (mem.heapUsed - base.heapUsed) / 1024 / connections;

    const idleLag = monitorEventLoopDelay({ resolution: 10 });
    idleLag.enable();
    let cpu0 = process.cpuUsage();
    let t0 = performance.now();
    await sleep(IDLE_MS);
    row.idleCpuPercent = cpuPercent(cpu0, performance.now() - t0);
    idleLag.disable();
    row.idleLagP99Ms = idleLag.percentile(99) / 1e6;

    const before = live.reduce((s, p) => s + p.received(), 0);
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    cpu0 = process.cpuUsage();
    t0 = performance.now();
    const text = 'x'.repeat(100);
    for (let s = 0; s < MESSAGE_SECONDS; s++) {
      for (const p of live) {
        try {
          p.send(text);
          row.messagesSent++;
        } catch {
          // A channel its stack closed under load: counted, the others go on.
          row.sendErrors++;
        }
      }
      await sleep(1000);
    }
    row.messageCpuPercent = cpuPercent(cpu0, performance.now() - t0);
    lag.disable();
    row.messageLagP99Ms = lag.percentile(99) / 1e6;
    row.messagesReceived = live.reduce((s, p) => s + p.received(), 0) - before;
    emit(row);
  }
  // No ndc cleanup(): it segfaults after pairs were closed (bench/peer.ts); the process exits.
  for (const p of live) p.close();
  process.exit(0);
}

let childBundle: Promise<string> | undefined;

/** This file bundled as the package ships (tsx's keepNames adds a name to every closure). */
function bundleForChild(): Promise<string> {
  childBundle ??= (async () => {
    const esbuild = require('esbuild') as { build(o: Record<string, unknown>): Promise<unknown> };
    const dir = join(import.meta.dirname, '..', 'node_modules', '.cache', 'omnirtc-bench');
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, 'scale.mjs');
    await esbuild.build({ entryPoints: [join(import.meta.dirname, 'scale.bench.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'error' });
    return outfile;
  })();
  return childBundle;
}

/** Runs one stack's child (bounded: 150 s) and returns the rows it printed. */
async function stackInChild(name: StackName): Promise<{ rows: ScaleRow[]; failure?: string }> {
  const file = await bundleForChild();
  const nodeArgs = ['--expose-gc', file];
  // werift only in a lo-only namespace.
  const [cmd, args] = name === 'werift' ? ['unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  return new Promise((resolve) => {
    const child = spawn(cmd as string, args as string[], { cwd: join(import.meta.dirname, '..'), env: { ...process.env, [CHILD_ENV]: name }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      const rows = out
        .split('\n')
        .filter((l) => l.startsWith('{"row":'))
        .map((l) => (JSON.parse(l) as { row: ScaleRow }).row);
      const complete = rows.length === SIZES.length || rows.some((r) => r.error);
      const why = code === 0 ? 'exited before its last N' : `exited ${signal ?? code}: ${err.trim().split('\n').slice(-2).join(' ')}`;
      resolve({ rows, failure: complete ? undefined : why });
    };
    child.on('close', finish);
    child.on('error', (e) => resolve({ rows: [], failure: e.message }));
  });
}

function ratio(x: number, y: number | undefined): string {
  return y === undefined || y === 0 ? '—' : (x / y).toFixed(2);
}

export async function run(): Promise<BenchSection> {
  let fdLimit = 'unknown';
  try {
    const { execSync } = await import('node:child_process');
    fdLimit = execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim();
  } catch {
    // Reported as unknown.
  }
  const lines: string[] = [
    `N pairs (2N RTCPeerConnections) in one process over 127.0.0.1 UDP, one data channel each, connected ${BATCH} pairs at a time; each stack in its own \`node --expose-gc\` process (werift's inside a lo-only network namespace), growing from ${SIZES[0]} to ${SIZES[SIZES.length - 1]} pairs. ${WARM_PAIRS} pairs connected and closed before the memory baseline; memory is the RSS / heap delta from that baseline at N, after 1 s idle and forced GC (not for node-datachannel, which crashes under gc()), per connection (2N). Idle: process CPU over ${IDLE_MS / 1000} s with every pair connected and silent. Messages: one 100-byte string per channel per second for ${MESSAGE_SECONDS} s; event-loop lag is monitorEventLoopDelay's p99 (10 ms resolution). CPU % is of one core. A stack whose batch of ${BATCH} does not open within ${BATCH_TIMEOUT_MS / 1000} s, or whose connecting passes ${CONNECT_BUDGET_MS / 1000} s, stops there. File descriptor limit (ulimit -n): ${fdLimit}.`,
    '',
    '| stack | N pairs | s to connect all | ms per pair | RSS KiB/conn | heap KiB/conn | idle CPU % | idle CPU % per 100 conns | idle lag p99 ms | msg CPU % | msg lag p99 ms | delivered |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const all: ScaleRow[] = [];
  const notes: string[] = [];
  for (const name of STACKS) {
    const { rows, failure } = await stackInChild(name);
    all.push(...rows);
    for (const r of rows) {
      if (r.error) {
        lines.push(`| ${name} | ${r.n} | failed: ${r.error} | | | | | | | | | |`);
        continue;
      }
      const gcNote = r.gc ? '' : ' (no GC)';
      lines.push(
        `| ${name} | ${r.n} | ${(r.connectMs / 1000).toFixed(2)} | ${(r.connectMs / r.n).toFixed(1)} | ${r.rssKiBPerConnection.toFixed(0)}${gcNote} | ${r.heapKiBPerConnection.toFixed(0)} | ${r.idleCpuPercent.toFixed(1)} | ${((r.idleCpuPercent / (2 * r.n)) * 100).toFixed(2)} | ${r.idleLagP99Ms.toFixed(1)} | ${r.messageCpuPercent.toFixed(1)} | ${r.messageLagP99Ms.toFixed(1)} | ${r.messagesReceived}/${r.messagesSent} |`,
      );
    }
    if (failure) notes.push(`${name}: ${failure}`);
  }
  if (notes.length > 0) lines.push('', ...notes.map((n) => `- ${n}`));
  lines.push(
    '',
    "node-datachannel keeps its state in native memory (its heap column is near zero): compare RSS. RSS per connection at the first N still carries part of the process's one-time growth (JIT, WebAssembly tier-up, V8 heap sizing); the larger N is the steadier figure.",
  );
  lines.push('', 'Ratios: omnirtc ÷ other stack at the same N (below 1: omnirtc uses less / is faster).', '', '| N | vs | connect time | RSS/conn | heap/conn | idle CPU | msg CPU | msg lag p99 |', '|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const n of SIZES) {
    const o = all.find((r) => r.stack === 'omnirtc' && r.n === n && !r.error);
    if (!o) continue;
    for (const other of ['node-datachannel', 'werift'] as const) {
      const r = all.find((x) => x.stack === other && x.n === n && !x.error);
      if (!r) {
        lines.push(`| ${n} | ${other} | not reached | | | | | |`);
        continue;
      }
      lines.push(
        `| ${n} | ${other} | ${ratio(o.connectMs, r.connectMs)} | ${ratio(o.rssKiBPerConnection, r.rssKiBPerConnection)} | ${ratio(o.heapKiBPerConnection, r.heapKiBPerConnection)} | ${ratio(o.idleCpuPercent, r.idleCpuPercent)} | ${ratio(o.messageCpuPercent, r.messageCpuPercent)} | ${ratio(o.messageLagP99Ms, r.messageLagP99Ms)} |`,
      );
    }
  }
  return { title: 'Many connections in one process (server scale)', lines };
}

const childStack = process.env[CHILD_ENV] as StackName | undefined;
if (childStack && (STACKS as readonly string[]).includes(childStack)) void childMain(childStack);
