// Sends probe clusters at their rate (in the spirit of libwebrtc's BitrateProber): each
// cluster is at least MIN_PACKETS packets and MIN_DURATION_MS long at its target rate, its
// packets spaced so that bytes sent so far ÷ target = time since the cluster began. The
// owner asks pollTimeout() when the next probe packet is due, sends one packet (queued
// media, an RTX copy of recent media or padding, whatever it has) tagged with currentCluster,
// and reports its size with packetSent(). Clusters run one after another. Sans-IO, bounded:
// at most MAX_CLUSTERS wait; a cluster that cannot get a packet for ABANDON_MS is dropped.

/** libwebrtc's probe cluster minimums: a cluster shorter than this measures timer jitter. */
export const PROBE_MIN_PACKETS = 5;
export const PROBE_MIN_DURATION_MS = 15;
const MAX_CLUSTERS = 4;
/** A cluster the owner fed no packet for this long (nothing to send) is given up. */
const ABANDON_MS = 1000;
/** After the owner had nothing to send, the next try waits this long (no busy timer loop). */
const RETRY_MS = 5;

export interface ProbeCluster {
  id: number;
  /** Target rate, bits per second. */
  bitrate: number;
  /** Bytes the cluster sends at least (the target rate over MIN_DURATION_MS). */
  minBytes: number;
  minPackets: number;
}

export interface BitrateProberStats {
  clustersSent: number;
  clustersAbandoned: number;
  packetsSent: number;
  bytesSent: number;
  /** Clusters refused because MAX_CLUSTERS already waited. */
  clustersDropped: number;
}

export class BitrateProber {
  readonly #queue: ProbeCluster[] = [];
  #startedAt = Number.NaN;
  #bytes = 0;
  #packets = 0;
  #lastPacketAt = Number.NaN;
  #retryAt = Number.NEGATIVE_INFINITY;
  readonly stats: BitrateProberStats = { clustersSent: 0, clustersAbandoned: 0, packetsSent: 0, bytesSent: 0, clustersDropped: 0 };

  /** Queues a cluster `id` at `bitrate` bit/s; false when too many already wait. */
  addCluster(id: number, bitrate: number, packetSize: number): boolean {
    if (this.#queue.length >= MAX_CLUSTERS || !(bitrate > 0) || !(packetSize > 0)) {
      this.stats.clustersDropped++;
      return false;
    }
    const minBytes = Math.max((bitrate * PROBE_MIN_DURATION_MS) / 8000, PROBE_MIN_PACKETS * packetSize);
    this.#queue.push({ id, bitrate, minBytes, minPackets: PROBE_MIN_PACKETS });
    return true;
  }

  get active(): boolean {
    return this.#queue.length > 0;
  }
  /** The cluster the next probe packet belongs to, or -1. */
  get currentCluster(): number {
    return this.#queue[0]?.id ?? -1;
  }
  get currentBitrate(): number {
    return this.#queue[0]?.bitrate ?? 0;
  }

  /** When the next probe packet is due (ms), or undefined when no cluster waits. */
  pollTimeout(now: number): number | undefined {
    const c = this.#queue[0];
    if (!c) return undefined;
    const due = Number.isNaN(this.#startedAt) ? now : this.#startedAt + (this.#bytes * 8000) / c.bitrate;
    return Math.max(due, this.#retryAt);
  }

  /** The owner had no packet to send at `now`: ask again RETRY_MS later (ABANDON_MS gives the cluster up). */
  nothingToSend(now: number): void {
    this.#retryAt = now + RETRY_MS;
    if (Number.isNaN(this.#lastPacketAt)) this.#lastPacketAt = now;
  }

  /** Gives up a cluster the owner has had nothing to send for since ABANDON_MS (call from the timer). */
  handleTimeout(now: number): void {
    const c = this.#queue[0];
    if (!c || Number.isNaN(this.#lastPacketAt)) {
      if (c && Number.isNaN(this.#lastPacketAt)) this.#lastPacketAt = now;
      return;
    }
    if (now - this.#lastPacketAt >= ABANDON_MS) {
      this.stats.clustersAbandoned++;
      this.#finish();
    }
  }

  /** One packet of the current cluster left at `now` with `size` bytes. */
  packetSent(now: number, size: number): void {
    const c = this.#queue[0];
    if (!c) return;
    if (Number.isNaN(this.#startedAt)) this.#startedAt = now;
    this.#bytes += size;
    this.#packets++;
    this.#lastPacketAt = now;
    this.#retryAt = Number.NEGATIVE_INFINITY;
    this.stats.packetsSent++;
    this.stats.bytesSent += size;
    if (this.#bytes >= c.minBytes && this.#packets >= c.minPackets) {
      this.stats.clustersSent++;
      this.#finish();
    }
  }

  #finish(): void {
    this.#queue.shift();
    this.#startedAt = Number.NaN;
    this.#bytes = 0;
    this.#packets = 0;
    this.#lastPacketAt = Number.NaN;
    this.#retryAt = Number.NEGATIVE_INFINITY;
  }
}
