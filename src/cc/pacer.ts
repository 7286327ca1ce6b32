// A leaky-bucket pacer for outbound RTP (the "pacer" of draft-ietf-rmcat-gcc-02 §4 and
// libwebrtc's PacingController): a video frame — a keyframe can be dozens of packets — is
// released at the pacing rate (2.5 × the bandwidth estimate by default, set by the owner)
// instead of as one burst that overflows a bottleneck queue and reads as congestion.
//
// Sans-IO: enqueue(now, …), process(now) releases what the budget allows through the sink
// given at construction, pollTimeout() says when to call process again. Bounded:
//  - at most `maxPackets` queued; an overflowing enqueue releases the oldest packet at once;
//  - no packet waits much longer than `maxQueueDelayMs`: when the queue would not drain in
//    time at the pacing rate, the rate is raised to drain it by the oldest packet's deadline
//    (as libwebrtc does for its 2 s queue-time limit).
// Retransmissions (NACK/RTX, RFC 4585 §6.2.1) have their own queue and go first, within a
// budget of their own (`retransmissionShare` of the pacing rate, i.e. the estimate itself at
// the default 2.5 factor, as libwebrtc caps them at the target rate): on a saturated link a
// receiver NACKs most of what it misses, again and again, and unbounded retransmissions would
// crowd out every new frame. Retransmissions over that budget are dropped and counted. Audio
// is never given to the pacer (the sender bypasses it), so it never waits behind video.
// Allocation-free after the first enqueue: fixed rings of references and typed arrays.

import { CcError } from './errors.js';

/** Receives released packets with the byte offsets of their per-packet extensions (-1 = none). */
export type PacedPacketSink = (packet: Uint8Array, transportCcOffset: number, absSendTimeOffset: number) => void;

export interface PacerOptions {
  /** Queue bound, packets (both queues together; default 1024 ≈ 1.2 MB). */
  maxPackets?: number;
  /** Queue-time bound, ms (default 500). */
  maxQueueDelayMs?: number;
  /** How often process() runs while packets wait, ms (default 5, libwebrtc's process interval). */
  intervalMs?: number;
  /** Initial pacing rate, bits per second (default 2.5 Mbit/s). */
  rate?: number;
  /** Retransmissions may use this fraction of the pacing rate (default 0.4: the estimate at a 2.5 factor). */
  retransmissionShare?: number;
}

export interface PacerStats {
  packetsEnqueued: number;
  packetsSent: number;
  bytesSent: number;
  retransmissionsSent: number;
  /** Retransmissions refused because they would exceed their share of the rate. */
  retransmissionsDropped: number;
  /** Packets released early because the queue was full. */
  overflowReleases: number;
  /** process() calls that had to raise the rate to keep the queue-time bound. */
  drainBoosts: number;
  /** Times packets that reached maxQueueDelayMs were released at once, over budget. */
  delayBursts: number;
  /** The longest any packet waited (ms). */
  maxQueueDelayMs: number;
}

const DEFAULT_MAX_PACKETS = 1024;
const DEFAULT_MAX_DELAY_MS = 500;
const DEFAULT_INTERVAL_MS = 5;
const DEFAULT_RATE = 2_500_000;
/** The budget a quiet pacer may build up: a few intervals, and at least one full packet. */
const BUDGET_WINDOW_INTERVALS = 4;
const MIN_BUDGET_BYTES = 1500;
const DEFAULT_RTX_SHARE = 0.4;
const RTX_WINDOW_MS = 500;

/** One FIFO of queued packets (a ring). */
class PacketRing {
  readonly packets: (Uint8Array | null)[];
  readonly tcc: Int32Array;
  readonly abs: Int32Array;
  readonly at: Float64Array;
  head = 0;
  count = 0;
  bytes = 0;
  constructor(readonly capacity: number) {
    this.packets = new Array<Uint8Array | null>(capacity).fill(null);
    this.tcc = new Int32Array(capacity);
    this.abs = new Int32Array(capacity);
    this.at = new Float64Array(capacity);
  }
  push(packet: Uint8Array, tcc: number, abs: number, now: number): void {
    const i = (this.head + this.count) % this.capacity;
    this.packets[i] = packet;
    this.tcc[i] = tcc;
    this.abs[i] = abs;
    this.at[i] = now;
    this.count++;
    this.bytes += packet.length;
  }
}

export class Pacer {
  readonly #sink: PacedPacketSink;
  readonly #maxPackets: number;
  readonly #maxDelay: number;
  readonly #interval: number;
  #rate: number;
  /** Bytes that may go now; starts with one packet's credit so the first frame starts at once. */
  #budget = MIN_BUDGET_BYTES;
  #lastProcess = Number.NaN;
  readonly #rtxShare: number;
  /** Token bucket of retransmission bytes, refilled at rtxShare × rate, holding at most RTX_WINDOW_MS of it. */
  #rtxTokens = 0;
  #rtxRefilledAt = Number.NaN;
  // Allocated on the first enqueue: a connection that sends no paced media pays nothing.
  #rtx: PacketRing | null = null;
  #media: PacketRing | null = null;
  readonly stats: PacerStats = { packetsEnqueued: 0, packetsSent: 0, bytesSent: 0, retransmissionsSent: 0, retransmissionsDropped: 0, overflowReleases: 0, drainBoosts: 0, delayBursts: 0, maxQueueDelayMs: 0 };

  constructor(sink: PacedPacketSink, opts: PacerOptions = {}) {
    this.#sink = sink;
    this.#maxPackets = opts.maxPackets ?? DEFAULT_MAX_PACKETS;
    this.#maxDelay = opts.maxQueueDelayMs ?? DEFAULT_MAX_DELAY_MS;
    this.#interval = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.#rate = opts.rate ?? DEFAULT_RATE;
    this.#rtxShare = opts.retransmissionShare ?? DEFAULT_RTX_SHARE;
    if (!(this.#rtxShare > 0 && this.#rtxShare <= 1)) throw new CcError('CC_BAD_PACER_OPTION', 'retransmissionShare must be in (0, 1]');
    if (!(this.#maxPackets >= 2 && Number.isInteger(this.#maxPackets))) throw new CcError('CC_BAD_PACER_OPTION', 'maxPackets must be an integer >= 2');
    if (!(this.#maxDelay > 0) || !(this.#interval > 0)) throw new CcError('CC_BAD_PACER_OPTION', 'maxQueueDelayMs and intervalMs must be > 0');
    if (!(this.#rate > 0)) throw new CcError('CC_BAD_PACER_OPTION', 'rate must be > 0 bits per second');
  }

  /** The pacing rate, bits per second (2.5 × the estimate, set by the owner). */
  get rate(): number {
    return this.#rate;
  }
  setRate(bitsPerSecond: number): void {
    if (bitsPerSecond > 0 && Number.isFinite(bitsPerSecond)) this.#rate = bitsPerSecond;
  }

  get queuedPackets(): number {
    return (this.#rtx?.count ?? 0) + (this.#media?.count ?? 0);
  }
  get queuedBytes(): number {
    return (this.#rtx?.bytes ?? 0) + (this.#media?.bytes ?? 0);
  }
  /** How long the oldest queued packet has waited at `now` (0 when empty). */
  queueDelay(now: number): number {
    const t = this.#oldestAt();
    return t === undefined ? 0 : Math.max(0, now - t);
  }

  /** Queues one packet (a retransmission goes to the priority queue) and releases what the budget allows. */
  enqueue(now: number, packet: Uint8Array, transportCcOffset: number, absSendTimeOffset: number, retransmission: boolean): void {
    if (!this.#media) {
      // The retransmission queue gets a quarter of the bound: NACKs answer losses, not bursts.
      const rtxCap = Math.max(1, this.#maxPackets >> 2);
      this.#rtx = new PacketRing(rtxCap);
      this.#media = new PacketRing(this.#maxPackets - rtxCap);
    }
    if (retransmission && !this.#takeRetransmissionTokens(now, packet.length)) {
      this.stats.retransmissionsDropped++;
      return;
    }
    const ring = retransmission ? (this.#rtx as PacketRing) : this.#media;
    if (ring.count === ring.capacity) {
      this.#releaseOne(ring, now, retransmission);
      this.stats.overflowReleases++;
    }
    ring.push(packet, transportCcOffset, absSendTimeOffset, now);
    this.stats.packetsEnqueued++;
    this.process(now);
  }

  /** Releases packets as the budget (rate × elapsed time) allows; retransmissions first. */
  process(now: number): void {
    const elapsed = Number.isNaN(this.#lastProcess) ? 0 : Math.max(0, now - this.#lastProcess);
    this.#lastProcess = now;
    let rate = this.#rate;
    const queued = this.queuedBytes;
    if (queued === 0) {
      // An idle pacer keeps at most one packet of credit: the next frame starts at once.
      this.#budget = Math.min(this.#budget + (rate * elapsed) / 8000, MIN_BUDGET_BYTES);
      return;
    }
    // Queue-time bound, hard part: whatever waited maxQueueDelayMs goes now, as one burst.
    const rtx = this.#rtx as PacketRing;
    const media = this.#media as PacketRing;
    let burst = false;
    for (let t = this.#oldestAt(); t !== undefined && now - t >= this.#maxDelay; t = this.#oldestAt()) {
      if (rtx.count > 0 && rtx.at[rtx.head] === t) this.#releaseOne(rtx, now, true);
      else this.#releaseOne(media, now, false);
      burst = true;
    }
    if (burst) {
      this.stats.delayBursts++;
      if (this.#budget < 0) this.#budget = 0; // the burst is not a debt for the packets behind it
    }
    if (rtx.count + media.count === 0) return;
    // Soft part: the rate that empties the queue by the oldest packet's deadline.
    const oldest = this.#oldestAt() as number;
    const left = oldest + this.#maxDelay - now;
    const needed = (queued * 8000) / Math.max(left, this.#interval);
    if (needed > rate) {
      rate = needed;
      this.stats.drainBoosts++;
    }
    const cap = Math.max((rate * this.#interval * BUDGET_WINDOW_INTERVALS) / 8000, MIN_BUDGET_BYTES);
    this.#budget = Math.min(this.#budget + (rate * elapsed) / 8000, cap);
    // The first packet of a burst may go on any positive budget; the debt it leaves delays the next.
    while (this.#budget > 0 && rtx.count + media.count > 0) {
      if (rtx.count > 0) this.#releaseOne(rtx, now, true);
      else this.#releaseOne(media, now, false);
    }
  }

  /**
   * Releases the next queued packet at once, outside the budget: a bandwidth probe cluster
   * (src/cc/probe-controller.ts) sends queued media first. Its size in bytes, 0 when empty.
   */
  releaseNext(now: number): number {
    const rtx = this.#rtx;
    const media = this.#media;
    const ring = rtx && rtx.count > 0 ? rtx : media && media.count > 0 ? media : null;
    if (!ring) return 0;
    const size = (ring.packets[ring.head] as Uint8Array).length;
    this.#lastProcess = Number.isNaN(this.#lastProcess) ? now : this.#lastProcess;
    this.#releaseOne(ring, now, ring === rtx);
    this.#budget += size; // the probe's rate, not the pacing rate, paid for it
    return size;
  }

  /** When process() should run next, or undefined when nothing waits. */
  pollTimeout(): number | undefined {
    if (this.queuedPackets === 0) return undefined;
    const last = Number.isNaN(this.#lastProcess) ? 0 : this.#lastProcess;
    // Wake when the budget's debt is repaid, but no later than one interval.
    const debtMs = this.#budget < 0 ? (-this.#budget * 8000) / this.#rate : 0;
    const paced = last + Math.min(Math.max(debtMs, 1), this.#interval);
    const deadline = (this.#oldestAt() as number) + this.#maxDelay;
    return Math.min(paced, deadline);
  }

  #takeRetransmissionTokens(now: number, bytes: number): boolean {
    const perMs = (this.#rtxShare * this.#rate) / 8000;
    if (Number.isNaN(this.#rtxRefilledAt)) this.#rtxTokens = perMs * RTX_WINDOW_MS;
    else this.#rtxTokens = Math.min(this.#rtxTokens + perMs * Math.max(0, now - this.#rtxRefilledAt), perMs * RTX_WINDOW_MS);
    this.#rtxRefilledAt = now;
    if (this.#rtxTokens < bytes) return false;
    this.#rtxTokens -= bytes;
    return true;
  }

  #oldestAt(): number | undefined {
    const r = this.#rtx;
    const m = this.#media;
    let t: number | undefined;
    if (r && r.count > 0) t = r.at[r.head];
    if (m && m.count > 0 && (t === undefined || m.at[m.head] < t)) t = m.at[m.head];
    return t;
  }

  #releaseOne(ring: PacketRing, now: number, retransmission: boolean): void {
    const i = ring.head;
    const packet = ring.packets[i] as Uint8Array;
    const tcc = ring.tcc[i];
    const abs = ring.abs[i];
    const waited = now - ring.at[i];
    ring.packets[i] = null;
    ring.head = (i + 1) % ring.capacity;
    ring.count--;
    ring.bytes -= packet.length;
    this.#budget -= packet.length;
    this.stats.packetsSent++;
    this.stats.bytesSent += packet.length;
    if (retransmission) this.stats.retransmissionsSent++;
    if (waited > this.stats.maxQueueDelayMs) this.stats.maxQueueDelayMs = waited;
    this.#sink(packet, tcc, abs);
  }
}
