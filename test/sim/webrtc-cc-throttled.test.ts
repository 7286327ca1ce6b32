import type { TransportAddress } from '../../src/stun/address';
import type { NetworkAdapter, UdpBindOptions, UdpSocket } from '../../src/runtime/udp';
import { Connection } from '../../src/webrtc/connection';
import { MediaStreamTrack, RTCPeerConnection, type RTCBandwidthEstimateEvent } from '../../src/webrtc/index';
import { setPeerTransportFactory } from '../../src/webrtc/rtc-peer-connection';
import { negotiate, trickle, waitFor } from './webrtc-harness';

// Two omnirtc peers joined by an in-memory network (no socket at all) whose a → b direction
// is a 1 Mbit/s bottleneck with a drop-tail queue; b → a is clean. a writes VP8 frames at
// 2 Mbit/s. The congestion controller must see the bottleneck (delay trend, then loss) and
// settle below its capacity; the pacer must keep its queue within its bounds meanwhile.
// And with room to spare (a 6 Mbit/s link, 5 Mbit/s written): bandwidth probing must lift
// the 1 Mbit/s start estimate quickly enough that the pacer stops holding the video back.

const CAPACITY = 1_000_000;
const PROPAGATION_MS = 10;
const QUEUE_LIMIT_MS = 250;

class VirtualLink {
  #busyUntil = 0;
  dropped = 0;
  delivered = 0;
  constructor(readonly capacity: number) {}
  /** When a datagram sent now arrives, or undefined when the queue is full (drop-tail). */
  schedule(bytes: number, now: number): number | undefined {
    if (!Number.isFinite(this.capacity)) return now + PROPAGATION_MS;
    const start = Math.max(now, this.#busyUntil);
    if (start - now > QUEUE_LIMIT_MS) {
      this.dropped++;
      return undefined;
    }
    this.#busyUntil = start + ((bytes + 28) * 8000) / this.capacity;
    this.delivered++;
    return this.#busyUntil + PROPAGATION_MS;
  }
}

/** One in-memory UDP network: sockets by "ip:port", a link per direction (from IP → to IP). */
class VirtualNetwork {
  readonly #sockets = new Map<string, UdpBindOptions['onMessage']>();
  readonly #links = new Map<string, VirtualLink>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #nextPort = 40000;
  constructor(links: [string, string, VirtualLink][]) {
    for (const [from, to, l] of links) this.#links.set(`${from}>${to}`, l);
  }
  adapter(ip: string): NetworkAdapter {
    return {
      runtime: 'node',
      bindUdp: async (opts) => this.#bind(ip, opts),
      connectTcp: async () => {
        throw new Error('no TCP on the virtual network');
      },
      interfaceAddresses: () => [{ address: ip, family: 4, internal: false }],
    };
  }
  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#sockets.clear();
  }
  #bind(ip: string, opts: UdpBindOptions): UdpSocket {
    const port = this.#nextPort++;
    const key = `${ip}:${port}`;
    this.#sockets.set(key, opts.onMessage);
    const localAddress: TransportAddress = { address: ip, port, family: 4 };
    const stats = { sent: 0, received: 0, sendErrors: 0 };
    return {
      localAddress,
      stats,
      send: (bytes, to) => {
        stats.sent++;
        const now = performance.now();
        const link = this.#links.get(`${ip}>${to.address}`);
        const at = link ? link.schedule(bytes.length, now) : now + PROPAGATION_MS;
        if (at === undefined) return;
        const copy = bytes.slice();
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          this.#sockets.get(`${to.address}:${to.port}`)?.(copy, localAddress);
        }, at - now);
        this.#timers.add(timer);
      },
      close: async () => {
        this.#sockets.delete(key);
      },
    };
  }
}

function vp8Frame(key: boolean, size: number, n: number): Uint8Array {
  const f = new Uint8Array(size).fill(n & 0xff);
  // RFC 6386 §9.1 frame tag: P bit 0 = key frame; key frames carry the start code.
  f[0] = key ? 0x10 : 0x11;
  if (key) f.set([0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00], 3);
  return f;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LinkedPair {
  a: RTCPeerConnection;
  b: RTCPeerConnection;
  video: MediaStreamTrack;
  /** 'bandwidthestimate' values a has seen. */
  events: number[];
  framesReceived: () => number;
  close(): void;
}

/** The transports the latest connectOverNetwork made, by local address. */
const transports = new Map<string, Connection>();

/** a (10.9.0.1) sends one video track to b (10.9.0.2) over `net`; resolves once both are connected. */
async function connectOverNetwork(net: VirtualNetwork): Promise<LinkedPair> {
  transports.clear();
  setPeerTransportFactory((config, cert, listener, init) => {
    const address = config.iceAddresses?.[0] ?? '';
    const c = new Connection(config, cert, listener, { ...init, adapter: net.adapter(address) });
    transports.set(address, c);
    return c;
  });
  const a = new RTCPeerConnection({ iceAddresses: ['10.9.0.1'] });
  const b = new RTCPeerConnection({ iceAddresses: ['10.9.0.2'] });
  const close = (): void => {
    a.close();
    b.close();
    net.close();
  };
  try {
    trickle(a, b);
    trickle(b, a);
    const events: number[] = [];
    a.addEventListener('bandwidthestimate', (e) => events.push((e as RTCBandwidthEstimateEvent).bitrate));
    const video = new MediaStreamTrack({ kind: 'video' });
    a.addTrack(video);
    let received = 0;
    b.ontrack = (e) => {
      void (async () => {
        for await (const _ of e.track.frames()) received++;
      })().catch(() => undefined);
    };
    await negotiate(a, b);
    await Promise.all([waitFor(a, 'connected'), waitFor(b, 'connected')]);
    return { a, b, video, events, framesReceived: () => received, close };
  } catch (e) {
    close();
    throw e;
  }
}

interface SenderCounters {
  omnirtcCounters: {
    bandwidthEstimator: { feedbackMessages: number; overuseSignals: number; delayBasedDecreases: number; lossBasedDecreases: number };
    pacer: { packetsSent: number; maxQueueDelayMs: number; queuedPackets: number };
  };
}

/**
 * Writes 30 fps VP8-shaped frames for `frames` frames, each `frameBytes()` long (a keyframe
 * every 2 s), sampling a's availableOutgoingBitrate and pacer queue every 500 ms.
 */
async function writeVideo(pair: LinkedPair, frames: number, frameBytes: () => number): Promise<{ samples: { t: number; bitrate: number }[]; maxQueue: number }> {
  const samples: { t: number; bitrate: number }[] = [];
  let maxQueue = 0;
  const start = performance.now();
  for (let n = 0; n < frames; n++) {
    pair.video.writeFrame({ data: vp8Frame(n % 60 === 0, frameBytes(), n), timestamp: n * 3000, keyframe: n % 60 === 0 });
    await sleep(Math.max(0, start + (n + 1) * 33.3 - performance.now()));
    if (n % 15 === 0) {
      const stats = [...(await pair.a.getStats()).values()];
      const selected = stats.find((s) => s.type === 'candidate-pair' && s.selected === true);
      const transport = stats.find((s) => s.type === 'transport') as unknown as SenderCounters | undefined;
      maxQueue = Math.max(maxQueue, transport?.omnirtcCounters.pacer.queuedPackets ?? 0);
      if (typeof selected?.availableOutgoingBitrate === 'number') samples.push({ t: performance.now() - start, bitrate: selected.availableOutgoingBitrate });
    }
  }
  return { samples, maxQueue };
}

async function senderCounters(pc: RTCPeerConnection): Promise<SenderCounters['omnirtcCounters']> {
  const transport = [...(await pc.getStats()).values()].find((s) => s.type === 'transport') as unknown as SenderCounters;
  return transport.omnirtcCounters;
}

function verbose(label: string, samples: { t: number; bitrate: number }[], link: VirtualLink, frames: number): void {
  if (process.env.CC_SIM_VERBOSE) process.stdout.write(`${label}: ${samples.map((s) => `${Math.round(s.t)}:${Math.round(s.bitrate / 1000)}k`).join(' ')} dropped ${link.dropped}/${link.delivered + link.dropped} frames ${frames}\n`);
}

describe('congestion control between two omnirtc peers over a throttled virtual link', () => {
  afterEach(() => setPeerTransportFactory((config, cert, listener, init) => new Connection(config, cert, listener, init)));

  it('a sender writing 2× the capacity gets an estimate that settles below the capacity', async () => {
    const bottleneck = new VirtualLink(CAPACITY);
    const pair = await connectOverNetwork(new VirtualNetwork([['10.9.0.1', '10.9.0.2', bottleneck]]));
    try {
      // 30 fps at 2 Mbit/s: ~8.3 kB per frame; 7 s of it.
      const { samples, maxQueue } = await writeVideo(pair, 210, () => Math.round((2 * CAPACITY) / 8 / 30));
      verbose('2x writer', samples, bottleneck, pair.framesReceived());
      const late = samples.filter((s) => s.t > 4500).map((s) => s.bitrate);
      expect(late.length).toBeGreaterThan(3);
      // Settled below the capacity, yet not collapsed: the link delivers ~1 Mbit/s.
      expect(Math.max(...late)).toBeLessThan(CAPACITY);
      expect(Math.min(...late)).toBeGreaterThan(0.3 * CAPACITY);
      expect(pair.events.length).toBeGreaterThan(0);
      expect(pair.events.at(-1)).toBeLessThan(CAPACITY);
      const counters = await senderCounters(pair.a);
      const bwe = counters.bandwidthEstimator;
      expect(bwe.feedbackMessages).toBeGreaterThan(20);
      expect(bwe.delayBasedDecreases + bwe.lossBasedDecreases).toBeGreaterThan(0);
      expect(counters.pacer.packetsSent).toBeGreaterThan(500);
      // 500 ms bound plus slack for a late timer on a loaded machine (exact in test/unit/cc-pacer).
      expect(counters.pacer.maxQueueDelayMs).toBeLessThanOrEqual(800);
      expect(maxQueue).toBeLessThanOrEqual(1024);
      expect(bottleneck.dropped).toBeGreaterThan(0); // the link really was the bottleneck
      // Half of what is written cannot fit: some frames still arrive whole (keyframes are
      // retransmitted on NACK), which is all a non-adapting sender can expect.
      expect(pair.framesReceived()).toBeGreaterThan(0);
    } finally {
      pair.close();
    }
  }, 30_000);

  it('a sender that sizes its frames to the bandwidthestimate event gets its video through a 1.5 Mbit/s link', async () => {
    const capacity = 1.5 * CAPACITY;
    const bottleneck = new VirtualLink(capacity);
    const pair = await connectOverNetwork(new VirtualNetwork([['10.9.0.1', '10.9.0.2', bottleneck]]));
    try {
      // An encoder (or an SFU picking a layer) that follows the estimate, at 90 % of it; 9 s.
      let target = 1_000_000;
      pair.a.addEventListener('bandwidthestimate', (e) => {
        target = (e as RTCBandwidthEstimateEvent).bitrate;
      });
      const frames = 270;
      const { samples } = await writeVideo(pair, frames, () => Math.round((0.9 * target) / 8 / 30));
      await sleep(300);
      verbose('adaptive writer', samples, bottleneck, pair.framesReceived());
      const late = samples.filter((s) => s.t > 6000).map((s) => s.bitrate);
      expect(late.length).toBeGreaterThan(3);
      expect(Math.min(...late)).toBeGreaterThan(0.5 * capacity);
      expect(Math.max(...late)).toBeLessThan(1.25 * capacity);
      // Little is lost at the bottleneck, so nearly every frame arrives whole.
      expect(bottleneck.dropped).toBeLessThan(0.05 * (bottleneck.delivered + bottleneck.dropped));
      expect(pair.framesReceived()).toBeGreaterThan(0.85 * frames);
    } finally {
      pair.close();
    }
  }, 30_000);

  it('before any media, the start probe is RTX padding: counted for transport-cc at the receiver, then dropped', async () => {
    const link = new VirtualLink(6 * CAPACITY);
    const pair = await connectOverNetwork(new VirtualNetwork([['10.9.0.1', '10.9.0.2', link]]));
    try {
      const sender = transports.get('10.9.0.1') as Connection;
      const receiver = transports.get('10.9.0.2') as Connection;
      let rtpEvents = 0;
      for (const r of pair.b.getReceivers()) {
        r.track.addEventListener('rtp', () => {
          rtpEvents++;
        });
      }
      // Until both clusters were sent and every packet reported in the receiver's feedback (bounded).
      const tcc = sender.transportCcSender.stats;
      for (let i = 0; i < 60 && (sender.probeController.prober.active || tcc.packetsStamped === 0 || tcc.packetsReportedReceived < tcc.packetsStamped); i++) await sleep(25);
      expect(sender.bandwidthEstimator.stats.probePacketsSent).toBeGreaterThan(10);
      expect(sender.transportCcSender.stats.packetsReportedReceived).toBeGreaterThan(10);
      // ≥ 5 packets per cluster, all of them padding (nothing else was written).
      expect(receiver.counters.paddingOnlyReceived).toBe(sender.transportCcSender.stats.packetsStamped);
      expect(rtpEvents).toBe(0);
      expect(pair.framesReceived()).toBe(0);
      expect(sender.bandwidthEstimator.estimate).toBeGreaterThan(1_000_000);
    } finally {
      pair.close();
    }
  }, 30_000);

  it('a 5 Mbit/s stream over a 6 Mbit/s link: probing lifts the estimate, the pacer holds packets < 300 ms after 2 s', async () => {
    const capacity = 6 * CAPACITY;
    const link = new VirtualLink(capacity);
    const pair = await connectOverNetwork(new VirtualNetwork([['10.9.0.1', '10.9.0.2', link]]));
    try {
      const sender = transports.get('10.9.0.1') as Connection;
      expect(sender).toBeDefined();
      // After 2 s, the longest wait of any packet from then on (the pacer's own counter, restarted).
      setTimeout(() => {
        sender.pacer.stats.maxQueueDelayMs = 0;
      }, 2000);
      const frames = 150; // 5 s at 30 fps
      const { samples } = await writeVideo(pair, frames, () => Math.round(5_000_000 / 8 / 30));
      await sleep(300);
      verbose(`5 Mbit/s over 6 (pacer wait after 2 s ≤ ${sender.pacer.stats.maxQueueDelayMs.toFixed(0)} ms)`, samples, link, pair.framesReceived());
      const bwe = sender.bandwidthEstimator.stats;
      expect(bwe.probeClusters).toBeGreaterThanOrEqual(2);
      expect(bwe.probeIncreases).toBeGreaterThanOrEqual(1);
      // Within 2 s the estimate × 2.5 (the pacing rate) covers the 5 Mbit/s written.
      const early = samples.filter((s) => s.t <= 2000).map((s) => s.bitrate);
      expect(Math.max(...early)).toBeGreaterThan(2_000_000);
      // 500 ms bound plus a loaded machine's late timers would read ≥ 500: this is well under it.
      expect(sender.pacer.stats.maxQueueDelayMs).toBeLessThan(300);
      expect(link.dropped).toBeLessThan(0.02 * (link.delivered + link.dropped));
      expect(pair.framesReceived()).toBeGreaterThan(0.9 * frames);
    } finally {
      pair.close();
    }
  }, 30_000);
});
