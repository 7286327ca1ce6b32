// What one bandwidth probe showed (in the spirit of libwebrtc's ProbeBitrateEstimator, and
// of draft-ietf-rmcat-gcc-02's note that a sender may probe above its current rate): a probe
// cluster is a short burst of packets sent at a chosen rate, each tagged with the cluster id
// in the transport-cc send history. From the feedback about them:
//   send rate    = bytes sent except the last packet's / (last send − first send);
//   receive rate = bytes received except the first packet's / (last arrival − first arrival)
// (an interval's first or last packet only marks its edge). When the path carried the burst
// the two agree; when the receive rate falls well below the send rate a queue formed and the
// receive rate is the path's capacity, of which only a safe fraction is taken. A probe says
// nothing above the rate it was sent at, so the result never exceeds the cluster's target.
// A cluster counts only once ≥ 80 % of its packets were reported received (a lossy burst is
// no measurement) and its intervals are plausible (positive, under a second).
// Bounded: a fixed table of the latest clusters, oldest evicted; no allocation per packet.

/** Of a cluster's packets, at least this fraction must be reported received. */
const MIN_RECEIVED_FRACTION = 0.8;
/** A receive rate below this fraction of the send rate means the burst filled a queue. */
const MIN_UNSATURATED_RATIO = 0.9;
/** Of a saturated link's receive rate, the share the estimate takes (libwebrtc: 0.95). */
const SATURATED_UTILIZATION = 0.95;
/** Longer send or receive spans than this are not one burst. */
const MAX_INTERVAL_MS = 1000;
/** A receive rate above this multiple of the send rate is a measuring artefact (feedback timing). */
const MAX_RECEIVE_TO_SEND_RATIO = 2;
/** Clusters remembered at once (each probe round makes two). */
const SLOTS = 8;

export interface ProbeClusterStats {
  /** Clusters whose packets were tagged and sent. */
  clustersStarted: number;
  /** Clusters that produced a valid rate. */
  clustersMeasured: number;
  /** Feedback about packets of a cluster no longer (or never) in the table. */
  unknownClusterPackets: number;
  /** Samples that cannot be times or sizes (NaN, negative): dropped. */
  badSamples: number;
}

class ClusterSlot {
  id = -1;
  target = 0;
  sentPackets = 0;
  sentBytes = 0;
  firstSend = 0;
  lastSend = 0;
  lastSentSize = 0;
  receivedPackets = 0;
  receivedBytes = 0;
  firstArrival = 0;
  lastArrival = 0;
  firstArrivalSize = 0;
  /** The latest valid result (bit/s), NaN before one. */
  result = Number.NaN;
  reset(id: number, target: number): void {
    this.id = id;
    this.target = target;
    this.sentPackets = 0;
    this.sentBytes = 0;
    this.receivedPackets = 0;
    this.receivedBytes = 0;
    this.result = Number.NaN;
  }
}

export class ProbeBitrateEstimator {
  readonly #slots: ClusterSlot[] = Array.from({ length: SLOTS }, () => new ClusterSlot());
  #next = 0;
  #last: ClusterSlot = this.#slots[0];
  /** The best result produced since the last takeResult(), NaN when none. */
  #pending = Number.NaN;
  #pendingCluster = -1;
  #pendingSentAt = Number.NaN;
  readonly stats: ProbeClusterStats = { clustersStarted: 0, clustersMeasured: 0, unknownClusterPackets: 0, badSamples: 0 };

  /** A new cluster `id` aimed at `targetBitrate` bit/s: it replaces the oldest remembered one. */
  startCluster(id: number, targetBitrate: number): void {
    if (!(targetBitrate > 0 && Number.isFinite(targetBitrate)) || id < 0) {
      this.stats.badSamples++;
      return;
    }
    const slot = this.#slots[this.#next];
    this.#next = (this.#next + 1) % SLOTS;
    slot.reset(id, targetBitrate);
    this.stats.clustersStarted++;
  }

  /** One packet of cluster `id` left at `sendTime` (ms) with `size` bytes. */
  addSent(id: number, sendTime: number, size: number): void {
    const c = this.#find(id);
    if (!c) {
      this.stats.unknownClusterPackets++;
      return;
    }
    if (!Number.isFinite(sendTime) || !(size >= 0)) {
      this.stats.badSamples++;
      return;
    }
    if (c.sentPackets === 0 || sendTime < c.firstSend) c.firstSend = sendTime;
    if (c.sentPackets === 0 || sendTime >= c.lastSend) {
      c.lastSend = sendTime;
      c.lastSentSize = size;
    }
    c.sentPackets++;
    c.sentBytes += size;
  }

  /** Feedback: a packet of cluster `id` arrived at `arrivalTime` (receiver clock, ms). */
  addReceived(id: number, arrivalTime: number, size: number): void {
    const c = this.#find(id);
    if (!c) {
      this.stats.unknownClusterPackets++;
      return;
    }
    if (!Number.isFinite(arrivalTime) || !(size >= 0)) {
      this.stats.badSamples++;
      return;
    }
    if (c.receivedPackets === 0 || arrivalTime < c.firstArrival) {
      c.firstArrival = arrivalTime;
      c.firstArrivalSize = size;
    }
    if (c.receivedPackets === 0 || arrivalTime > c.lastArrival) c.lastArrival = arrivalTime;
    c.receivedPackets++;
    c.receivedBytes += size;
    const rate = this.#measure(c);
    if (Number.isNaN(rate)) return;
    if (Number.isNaN(c.result)) this.stats.clustersMeasured++;
    c.result = rate;
    if (Number.isNaN(this.#pending) || rate > this.#pending) {
      this.#pending = rate;
      this.#pendingCluster = c.id;
      this.#pendingSentAt = c.firstSend;
    }
  }

  /** The best probe result (bit/s) measured since the last call, or NaN; and forgets it. */
  takeResult(): number {
    const r = this.#pending;
    this.#pending = Number.NaN;
    return r;
  }
  /** The cluster the latest result came from (-1 before any). */
  get resultCluster(): number {
    return this.#pendingCluster;
  }
  /** When (sender's ms) the latest result's cluster began sending: news older than a later rate cut is stale. */
  get resultSentAt(): number {
    return this.#pendingSentAt;
  }

  /** Cluster `id`'s latest valid rate (bit/s), or NaN. */
  resultOf(id: number): number {
    return this.#find(id)?.result ?? Number.NaN;
  }

  #find(id: number): ClusterSlot | undefined {
    if (id < 0) return undefined;
    // A cluster's packets come in runs: the slot of the previous lookup usually matches.
    const last = this.#last;
    if (last.id === id) return last;
    for (const s of this.#slots) {
      if (s.id === id) {
        this.#last = s;
        return s;
      }
    }
    return undefined;
  }

  #measure(c: ClusterSlot): number {
    if (c.sentPackets < 2 || c.receivedPackets < 2) return Number.NaN;
    if (c.receivedPackets < MIN_RECEIVED_FRACTION * c.sentPackets) return Number.NaN;
    const sendInterval = c.lastSend - c.firstSend;
    const receiveInterval = c.lastArrival - c.firstArrival;
    if (!(sendInterval > 0 && sendInterval <= MAX_INTERVAL_MS && receiveInterval > 0 && receiveInterval <= MAX_INTERVAL_MS)) return Number.NaN;
    const sendRate = ((c.sentBytes - c.lastSentSize) * 8000) / sendInterval;
    const receiveRate = ((c.receivedBytes - c.firstArrivalSize) * 8000) / receiveInterval;
    if (receiveRate > MAX_RECEIVE_TO_SEND_RATIO * sendRate) return Number.NaN;
    const rate = receiveRate < MIN_UNSATURATED_RATIO * sendRate ? SATURATED_UTILIZATION * receiveRate : Math.min(sendRate, receiveRate);
    return Math.min(rate, c.target);
  }
}
