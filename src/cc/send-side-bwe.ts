// A send-side bandwidth estimator in the spirit of Google Congestion Control
// (draft-ietf-rmcat-gcc-02), fed by transport-wide-cc feedback
// (draft-holmer-rmcat-transport-wide-cc-extensions-01) and RTCP:
//   delay-based  §5: inter-group delay (InterArrival) → trendline → adaptive-threshold
//                 detector → AIMD rate control, updated once per feedback message;
//   loss-based   §6: lost/reported from the same feedback and RR fraction lost;
//   the estimate = min(delay-based, loss-based, the peer's REMB), clamped to [min, max].
// Sans-IO: every call carries `now` (the connection's monotonic ms); arrival times are in
// the receiver's clock (transport-cc reference time + deltas), used only as differences.
// No allocation per packet: feedback is given packet by packet between begin/endFeedback.
// Probing: packets of a probe cluster (src/cc/probe-controller.ts) carry their cluster id;
// when a cluster's measured rate (probe-bitrate-estimator.ts) beats the estimate, the
// delay-based rate jumps to it, as libwebrtc's probe results set its AIMD rate.

import { AcknowledgedBitrate } from './acknowledged-bitrate.js';
import { AimdRateControl } from './aimd-rate-control.js';
import { CcError } from './errors.js';
import { InterArrival } from './inter-arrival.js';
import { LossBasedControl } from './loss-based-control.js';
import { type BandwidthUsage, OveruseDetector } from './overuse-detector.js';
import { ProbeBitrateEstimator } from './probe-bitrate-estimator.js';
import { TrendlineEstimator } from './trendline-estimator.js';

export interface BandwidthEstimatorOptions {
  /** Bits per second before any feedback (default 1 Mbit/s). */
  startBitrate?: number;
  /** Lower bound (default 30 kbit/s). */
  minBitrate?: number;
  /** Upper bound (default 20 Mbit/s). */
  maxBitrate?: number;
}

export interface BandwidthEstimatorStats {
  feedbackMessages: number;
  packetsReceived: number;
  packetsLost: number;
  /** Values that cannot be times or sizes (NaN, negative): dropped. */
  badSamples: number;
  /** Delay groups (§5.2) completed. */
  groups: number;
  overuseSignals: number;
  delayBasedDecreases: number;
  lossBasedDecreases: number;
  /** Probe clusters begun and their packets sent (src/cc/probe-controller.ts). */
  probeClusters: number;
  probePacketsSent: number;
  /** Valid probe-cluster measurements, and how many of them raised the estimate. */
  probeResults: number;
  probeIncreases: number;
}

const DEFAULT_START = 1_000_000;
const DEFAULT_MIN = 30_000;
const DEFAULT_MAX = 20_000_000;
/** libwebrtc's spacing of repeated decreases while overuse persists: min(max(rtt, 10), 200) ms. */
const MIN_REDUCE_SPACING_MS = 10;
const MAX_REDUCE_SPACING_MS = 200;

export class SendSideBandwidthEstimator {
  readonly #arrivals = new InterArrival();
  readonly #trend = new TrendlineEstimator();
  readonly #detector = new OveruseDetector();
  readonly #aimd: AimdRateControl;
  readonly #loss: LossBasedControl;
  readonly #acked = new AcknowledgedBitrate();
  readonly #probe = new ProbeBitrateEstimator();
  #lastProbeResult = Number.NaN;
  #lastDecreaseAt = Number.NEGATIVE_INFINITY;
  #min: number;
  #max: number;
  #remb = Number.POSITIVE_INFINITY;
  #estimate: number;
  #lastDelayDecrease = Number.NEGATIVE_INFINITY;
  #rttMs = 200;
  // Per-feedback counters between beginFeedback and endFeedback.
  #fbLost = 0;
  #fbReceived = 0;
  #lastGroupSendDelta = 0;
  #usage: BandwidthUsage = 'normal';
  readonly stats: BandwidthEstimatorStats = { feedbackMessages: 0, packetsReceived: 0, packetsLost: 0, badSamples: 0, groups: 0, overuseSignals: 0, delayBasedDecreases: 0, lossBasedDecreases: 0, probeClusters: 0, probePacketsSent: 0, probeResults: 0, probeIncreases: 0 };

  constructor(opts: BandwidthEstimatorOptions = {}) {
    const min = opts.minBitrate ?? DEFAULT_MIN;
    const max = opts.maxBitrate ?? DEFAULT_MAX;
    if (!(min > 0 && max >= min && Number.isFinite(max))) throw new CcError('CC_BAD_BITRATE_BOUNDS', `need 0 < minBitrate <= maxBitrate (finite); got ${min}, ${max}`);
    this.#min = min;
    this.#max = max;
    const start = Math.min(Math.max(opts.startBitrate ?? DEFAULT_START, min), max);
    this.#aimd = new AimdRateControl(start, min, max);
    this.#loss = new LossBasedControl(start);
    this.#estimate = start;
  }

  /** The target send bitrate, bits per second. */
  get estimate(): number {
    return this.#estimate;
  }
  get delayBasedEstimate(): number {
    return this.#aimd.bitrate;
  }
  get lossBasedEstimate(): number {
    return this.#loss.bitrate;
  }
  get acknowledgedBitrate(): number | undefined {
    return this.#acked.bitrate;
  }
  get usage(): BandwidthUsage {
    return this.#usage;
  }
  get threshold(): number {
    return this.#detector.threshold;
  }
  get lossFraction(): number {
    return this.#loss.lastLoss;
  }
  get maxBitrate(): number {
    return this.#max;
  }
  /** The latest valid probe-cluster rate (bit/s), NaN before one. */
  get lastProbeResult(): number {
    return this.#lastProbeResult;
  }
  /** When (the caller's ms) a delay- or loss-based decrease last cut the rate: the link was full then. */
  get lastDecreaseAt(): number {
    return this.#lastDecreaseAt;
  }
  get probeStats(): ProbeBitrateEstimator['stats'] {
    return this.#probe.stats;
  }

  /** Probe cluster `id`'s latest valid measured rate (bit/s), NaN when none (yet). */
  probeResultOf(id: number): number {
    return this.#probe.resultOf(id);
  }
  /** A probe cluster `id` aimed at `bitrate` bit/s begins (its packets follow through probeSent). */
  startProbeCluster(id: number, bitrate: number): void {
    this.stats.probeClusters++;
    this.#probe.startCluster(id, bitrate);
  }
  /** A packet of probe cluster `id` was sent (stamped) at `sendTime` with `size` bytes. */
  probeSent(id: number, sendTime: number, size: number): void {
    this.stats.probePacketsSent++;
    this.#probe.addSent(id, sendTime, size);
  }

  /** W3C setParameters-style bounds (bits per second). */
  setBounds(min: number, max: number): void {
    if (!(min > 0 && max >= min && Number.isFinite(max))) throw new CcError('CC_BAD_BITRATE_BOUNDS', `need 0 < min <= max (finite); got ${min}, ${max}`);
    this.#min = min;
    this.#max = max;
    this.#aimd.setBounds(min, max);
    this.#combine();
  }

  beginFeedback(): void {
    this.#fbLost = 0;
    this.#fbReceived = 0;
  }

  /**
   * One packet of the feedback in sequence order: send time (our ms), arrival (receiver ms),
   * bytes, and the probe cluster it belonged to (-1 = none).
   */
  addReceived(sendTime: number, arrivalTime: number, size: number, probeCluster = -1): void {
    if (!Number.isFinite(sendTime) || !Number.isFinite(arrivalTime) || !(size >= 0)) {
      this.stats.badSamples++;
      return;
    }
    if (probeCluster >= 0) this.#probe.addReceived(probeCluster, arrivalTime, size);
    this.#fbReceived++;
    this.stats.packetsReceived++;
    this.#acked.add(arrivalTime, size);
    if (this.#arrivals.add(sendTime, arrivalTime)) {
      this.stats.groups++;
      const a = this.#arrivals;
      const trend = this.#trend.update(a.sendDelta, a.arrivalDelta, a.arrivalTime);
      this.#lastGroupSendDelta = a.sendDelta;
      const before = this.#detector.state;
      this.#detector.detect(trend, a.sendDelta, this.#trend.sampleCount, a.arrivalTime);
      if (this.#detector.state === 'overuse' && before !== 'overuse') this.stats.overuseSignals++;
    }
  }

  /** A packet the feedback reported as not received. */
  addLost(): void {
    this.#fbLost++;
    this.stats.packetsLost++;
  }

  /** Ends one feedback message: the delay-based (§5.5) and loss-based (§6) controllers update once. */
  endFeedback(now: number): void {
    if (!Number.isFinite(now)) {
      this.stats.badSamples++;
      return;
    }
    this.stats.feedbackMessages++;
    this.#usage = this.#detector.state;
    const acked = this.#acked.bitrate;
    this.#aimd.rttMs = this.#rttMs;
    if (this.#usage === 'overuse') {
      // Persisting overuse cuts again only after a response time, or when the receiver gets
      // less than half the current rate (libwebrtc's TimeToReduceFurther).
      const spacing = Math.min(Math.max(this.#rttMs, MIN_REDUCE_SPACING_MS), MAX_REDUCE_SPACING_MS);
      if (now - this.#lastDelayDecrease >= spacing || (acked !== undefined && acked < 0.5 * this.#aimd.bitrate)) {
        this.#aimd.update('overuse', acked, now);
        this.#lastDelayDecrease = now;
        this.#lastDecreaseAt = now;
        this.stats.delayBasedDecreases++;
      }
    } else this.#aimd.update(this.#usage, acked, now);
    const probed = this.#probe.takeResult();
    if (!Number.isNaN(probed)) {
      this.stats.probeResults++;
      this.#lastProbeResult = probed;
      // A probe showed the path carries more than the estimate: start from there — unless the
      // detector sees overuse now, or the rate was cut after the probe was sent (late feedback
      // about an old cluster is not news about the path as it is now).
      if (probed > this.#estimate && this.#usage !== 'overuse' && !(this.#probe.resultSentAt < this.#lastDecreaseAt)) {
        this.stats.probeIncreases++;
        this.#aimd.setEstimate(probed, now);
        this.#loss.raiseTo(this.#aimd.bitrate);
      }
    }
    if (this.#aimd.initializedFromThroughput) {
      this.#aimd.initializedFromThroughput = false;
      this.#loss.raiseTo(this.#aimd.bitrate);
    }
    if (this.#fbLost + this.#fbReceived > 0) {
      const before = this.#loss.decreases;
      this.#loss.rttMs = this.#rttMs;
      this.#loss.addFeedback(now, this.#fbLost, this.#fbReceived, acked);
      this.#countLossDecreases(now, before);
    }
    this.#combine();
  }

  /** RTCP RR/SR report block about one of our streams: fraction lost 0..1 and, when known, RTT ms. */
  handleReceiverReport(now: number, fractionLost: number, rttMs?: number): void {
    if (rttMs !== undefined && Number.isFinite(rttMs) && rttMs >= 0) this.#rttMs = Math.min(rttMs, 10_000);
    if (!(fractionLost >= 0 && fractionLost <= 1) || !Number.isFinite(now)) {
      this.stats.badSamples++;
      return;
    }
    const before = this.#loss.decreases;
    this.#loss.rttMs = this.#rttMs;
    this.#loss.update(now, fractionLost, this.#acked.bitrate);
    this.#countLossDecreases(now, before);
    this.#combine();
  }

  /** REMB (draft-alvestrand-rmcat-remb-03): the receiver's ceiling, bits per second. */
  handleRemb(bitrate: number): void {
    if (!(bitrate >= 0) || !Number.isFinite(bitrate)) {
      this.stats.badSamples++;
      return;
    }
    this.#remb = bitrate;
    this.#combine();
  }

  /** Round-trip time from elsewhere (ms). */
  set rttMs(ms: number) {
    if (Number.isFinite(ms) && ms >= 0) this.#rttMs = Math.min(ms, 10_000);
  }

  #countLossDecreases(now: number, before: number): void {
    if (this.#loss.decreases === before) return;
    this.stats.lossBasedDecreases += this.#loss.decreases - before;
    this.#lastDecreaseAt = now;
  }

  #combine(): void {
    const cap = Math.min(this.#aimd.bitrate, this.#remb);
    // §6: the loss-based rate never exceeds the delay-based one (A = min(A, As)).
    this.#loss.capTo(cap);
    const e = Math.min(this.#loss.bitrate, cap);
    this.#estimate = Math.round(Math.min(Math.max(e, this.#min), this.#max));
  }

  /** Send delta of the latest delay group (ms): for diagnostics. */
  get lastGroupSendDelta(): number {
    return this.#lastGroupSendDelta;
  }
}
