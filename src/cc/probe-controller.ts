// When to probe for bandwidth (in the spirit of libwebrtc's ProbeController). The estimate
// starts at 1 Mbit/s and grows by ~8 %/s (draft-ietf-rmcat-gcc-02 §5.5), so a sender that
// already has 4–8 Mbit/s to send (an SFU forwarding a simulcast high layer) would sit in the
// pacer queue for seconds. Probing sends short bursts above the estimate and lets the
// transport-cc feedback about them say what the path carries:
//  - at start, once transport-cc feedback is possible, two clusters at 3× and 6× the start rate;
//  - then, as long as each round succeeds (its result ≥ FURTHER_MIN_RATIO of its highest
//    target: the path carried nearly all of it) and the application uses nearly all of the
//    new estimate (acknowledged ≥ FURTHER_DEMAND of it), one more cluster at 2× the result
//    (libwebrtc's exponential "further probing"); the first failed round ends this phase;
//  - later, when the application asks for more — the pacer queue has held more than
//    DEMAND_QUEUE_MS for DEMAND_HOLD_MS — one cluster at 2× the estimate (like libwebrtc's
//    probe on leaving application-limited mode);
// bounded: at most one probe round per MIN_INTERVAL_MS; none above the estimator's maximum
// (20 Mbit/s unless set lower) nor, when the application capped every video encoding (W3C
// maxBitrate), above APP_MAX_FACTOR × their sum; no demand probe within
// QUIET_AFTER_DECREASE_MS of a rate decrease (the link is full: a probe would only add to its
// queue); a demand probe that did not raise the estimate doubles the wait before the next
// (up to MAX_BACKOFF_MS).
// Sans-IO: handleTimeout(now, …) / pollTimeout(now); the owner sends the packets the
// BitrateProber asks for and reports each through packetSent().

import { BitrateProber } from './bitrate-prober.js';
import type { SendSideBandwidthEstimator } from './send-side-bwe.js';

const INITIAL_FACTORS = [3, 6] as const;
const DEMAND_FACTOR = 2;
const DEMAND_QUEUE_MS = 200;
const DEMAND_HOLD_MS = 1000;
const MIN_INTERVAL_MS = 1000;
const QUIET_AFTER_DECREASE_MS = 5000;
const MAX_BACKOFF_MS = 16_000;
/** A probe that moved the estimate less than this (relative) did not find room. */
const MIN_GAIN = 0.1;
const FURTHER_FACTOR = 2;
const FURTHER_MIN_RATIO = 0.7;
const FURTHER_DEMAND = 0.9;
/** A round whose clusters gave no valid result by this long after it began has failed. */
const RESULT_WAIT_MS = 1000;
/** Probes may go this far above the application's own maxBitrate (room for audio and overhead). */
const APP_MAX_FACTOR = 1.25;
/** Probe packet size, bytes (an MTU-safe RTP packet). */
export const PROBE_PACKET_BYTES = 1200;

/** What the owner knows at a timer tick. */
export interface ProbeInputs {
  /** Transport-cc feedback is possible and a probe packet can be made (a video sender is up). */
  ready: boolean;
  /** How long the oldest packet in the pacer queue has waited, ms. */
  queueDelayMs: number;
}

export interface ProbeControllerStats {
  /** Probe rounds started: at start, in the exponential phase after it, and on demand. */
  initialProbes: number;
  furtherProbes: number;
  demandProbes: number;
  /** Demand probes held back because the link was full (a decrease within QUIET_AFTER_DECREASE_MS). */
  demandProbesSuppressed: number;
}

export class ProbeController {
  readonly #bwe: SendSideBandwidthEstimator;
  readonly prober = new BitrateProber();
  #initialDone = false;
  #lastRoundAt = Number.NEGATIVE_INFINITY;
  #queueOverSince = Number.NaN;
  #nextClusterId = 0;
  #backoffMs = MIN_INTERVAL_MS;
  /** The estimate when the last demand probe began (NaN when none is being judged). */
  #demandBase = Number.NaN;
  /** The exponential start phase: the latest round's cluster ids [first, last] and highest target. */
  #exponential = false;
  #roundFirst = 0;
  #roundLast = -1;
  #roundTarget = 0;
  readonly stats: ProbeControllerStats = { initialProbes: 0, furtherProbes: 0, demandProbes: 0, demandProbesSuppressed: 0 };

  readonly #appMax: () => number | undefined;

  /** `appMax`: the sum of the video encodings' maxBitrate when every one has one (asked only when a probe is due). */
  constructor(bwe: SendSideBandwidthEstimator, appMax: () => number | undefined = () => undefined) {
    this.#bwe = bwe;
    this.#appMax = appMax;
  }

  /** The cluster the next probe packet belongs to (-1 when not probing). */
  get currentCluster(): number {
    return this.prober.currentCluster;
  }

  /** When handleTimeout should run for the next probe packet (undefined: not probing). */
  pollTimeout(now: number): number | undefined {
    return this.prober.pollTimeout(now);
  }

  /** Decides on new probes; call on every timer tick and after feedback. */
  handleTimeout(now: number, inputs: ProbeInputs): void {
    this.prober.handleTimeout(now);
    if (!inputs.ready) {
      this.#queueOverSince = Number.NaN;
      return;
    }
    const estimate = this.#bwe.estimate;
    if (!this.#initialDone) {
      const max = this.#max();
      this.#initialDone = true;
      this.#lastRoundAt = now;
      this.stats.initialProbes++;
      this.#startRound();
      for (const f of INITIAL_FACTORS) this.#cluster(Math.min(f * estimate, max));
      this.#exponential = this.#roundLast >= this.#roundFirst;
      return;
    }
    if (this.prober.active) return;
    if (this.#exponential) {
      this.#further(now, estimate, this.#max());
      if (this.#exponential) return;
    }
    if (inputs.queueDelayMs > DEMAND_QUEUE_MS) {
      if (Number.isNaN(this.#queueOverSince)) this.#queueOverSince = now;
    } else {
      this.#queueOverSince = Number.NaN;
      return;
    }
    if (now - this.#queueOverSince < DEMAND_HOLD_MS) return;
    const max = this.#max();
    if (estimate >= max) return;
    if (!Number.isNaN(this.#demandBase) && now - this.#lastRoundAt >= MIN_INTERVAL_MS) {
      // Judge the previous demand probe: no gain means no room; wait longer next time.
      this.#backoffMs = estimate < (1 + MIN_GAIN) * this.#demandBase ? Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS) : MIN_INTERVAL_MS;
      this.#demandBase = Number.NaN;
    }
    if (now - this.#lastRoundAt < this.#backoffMs) return;
    if (now - this.#bwe.lastDecreaseAt < QUIET_AFTER_DECREASE_MS) {
      this.stats.demandProbesSuppressed++;
      this.#queueOverSince = now; // ask again after another DEMAND_HOLD_MS
      return;
    }
    this.#lastRoundAt = now;
    this.#queueOverSince = now;
    this.#demandBase = estimate;
    this.stats.demandProbes++;
    this.#startRound();
    this.#cluster(Math.min(DEMAND_FACTOR * estimate, max));
  }

  /** The exponential start phase: judge the latest round, and maybe probe at twice its result. */
  #further(now: number, estimate: number, max: number): void {
    let best = Number.NaN;
    for (let id = this.#roundFirst; id <= this.#roundLast; id++) {
      const r = this.#bwe.probeResultOf(id);
      if (!Number.isNaN(r) && !(r <= best)) best = r;
    }
    const waited = now - this.#lastRoundAt;
    if (Number.isNaN(best)) {
      if (waited >= RESULT_WAIT_MS) this.#exponential = false;
      return;
    }
    if (waited < MIN_INTERVAL_MS) return;
    const acked = this.#bwe.acknowledgedBitrate;
    if (best < FURTHER_MIN_RATIO * this.#roundTarget || estimate >= max || acked === undefined || acked < FURTHER_DEMAND * estimate) {
      this.#exponential = false;
      return;
    }
    this.#lastRoundAt = now;
    this.stats.furtherProbes++;
    this.#startRound();
    this.#cluster(Math.min(FURTHER_FACTOR * Math.max(best, estimate), max));
    if (this.#roundLast < this.#roundFirst) this.#exponential = false;
  }

  #max(): number {
    const app = this.#appMax();
    const max = this.#bwe.maxBitrate;
    return app !== undefined && app >= 0 ? Math.min(max, APP_MAX_FACTOR * app) : max;
  }

  #startRound(): void {
    this.#roundFirst = this.#nextClusterId;
    this.#roundLast = this.#nextClusterId - 1;
    this.#roundTarget = 0;
  }

  /** The owner had nothing to send for the due probe packet (see BitrateProber.nothingToSend). */
  nothingToSend(now: number): void {
    this.prober.nothingToSend(now);
  }

  /** One probe packet of the current cluster left at `now` with `size` bytes (already stamped with its id). */
  packetSent(now: number, size: number): void {
    const id = this.prober.currentCluster;
    if (id < 0) return;
    this.#bwe.probeSent(id, now, size);
    this.prober.packetSent(now, size);
  }

  #cluster(bitrate: number): void {
    // Nothing to learn at or below the estimate, or no higher than this round's earlier cluster.
    if (!(bitrate > this.#bwe.estimate) || (this.#roundLast >= this.#roundFirst && bitrate <= this.#roundTarget)) return;
    const id = this.#nextClusterId;
    if (!this.prober.addCluster(id, bitrate, PROBE_PACKET_BYTES)) return;
    this.#nextClusterId = id + 1;
    this.#roundLast = id;
    if (bitrate > this.#roundTarget) this.#roundTarget = bitrate;
    this.#bwe.startProbeCluster(id, bitrate);
  }
}
