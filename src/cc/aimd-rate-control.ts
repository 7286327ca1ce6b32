// draft-ietf-rmcat-gcc-02 §5.5 (rate control): a three-state machine driven by the over-use
// signal. Overuse → Decrease: the rate becomes β = 0.85 × the rate the receiver
// acknowledged. Underuse → Hold (the queue is draining; keep the rate). Normal → Increase:
// multiplicatively (η ≈ 1.08 per second) while far from the link capacity, additively
// (about one packet per response time) once close to it. "Close" is judged, as in §5.5, from
// the average and variance of the acknowledged rates measured at past decreases. The
// increase is capped at 1.5 × the acknowledged rate so an application-limited sender does
// not inflate the estimate. Without bandwidth probing, a start far below what the sender
// already gets through would take tens of seconds at 8 %/s: like libwebrtc, until the first
// decrease the rate is reset once to the acknowledged rate after INIT_MS of measurements.

import type { BandwidthUsage } from './overuse-detector.js';

const BETA = 0.85;
const ETA_PER_SECOND = 1.08;
/** §5.5: the incoming rate must stay below 1.5 × R_hat. */
const ACKED_CAP_FACTOR = 1.5;
const ACKED_CAP_SLACK_BPS = 10_000;
const LINK_AVG_ALPHA = 0.05;
const MIN_ADDITIVE_BPS = 4_000;
const FRAME_RATE = 30;
const INIT_MS = 5000;
const MTU_BITS = 1200 * 8;

type RateState = 'hold' | 'increase' | 'decrease';

export class AimdRateControl {
  #bitrate: number;
  #state: RateState = 'increase';
  #lastChange = Number.NaN;
  /** Link-capacity estimate from acknowledged rates at decreases: mean and normalised variance (§5.5). */
  #linkAvg = Number.NaN;
  #linkVar = 0.4;
  #min: number;
  #max: number;
  /** Round-trip time (ms) used for the additive step's response time. */
  rttMs = 200;
  decreases = 0;
  #initialized = false;
  /** Set when the rate was just taken from the measured throughput (the owner resets it). */
  initializedFromThroughput = false;
  #firstAckedAt = Number.NaN;

  constructor(startBitrate: number, min: number, max: number) {
    this.#min = min;
    this.#max = max;
    this.#bitrate = Math.min(Math.max(startBitrate, min), max);
  }

  get bitrate(): number {
    return this.#bitrate;
  }
  get nearConvergence(): boolean {
    return !Number.isNaN(this.#linkAvg);
  }

  setBounds(min: number, max: number): void {
    this.#min = min;
    this.#max = max;
    this.#bitrate = Math.min(Math.max(this.#bitrate, min), max);
  }

  /** One detector output at `now` (ms), with the acknowledged rate (bit/s) when known. */
  update(usage: BandwidthUsage, acked: number | undefined, now: number): number {
    if (Number.isNaN(this.#lastChange)) this.#lastChange = now;
    if (!this.#initialized && acked !== undefined) {
      if (Number.isNaN(this.#firstAckedAt)) this.#firstAckedAt = now;
      else if (now - this.#firstAckedAt >= INIT_MS) {
        this.#initialized = true;
        this.#bitrate = Math.min(Math.max(acked, this.#min), this.#max);
        this.initializedFromThroughput = true;
      }
    }
    if (usage === 'overuse') this.#state = 'decrease';
    else if (usage === 'underuse') this.#state = 'hold';
    else if (this.#state === 'hold') {
      this.#state = 'increase';
      this.#lastChange = now;
    } else if (this.#state === 'decrease') this.#state = 'increase';

    let next = this.#bitrate;
    if (this.#state === 'increase') {
      const sigma = Math.sqrt(this.#linkVar * this.#linkAvg);
      // §5.5: an acknowledged rate far above the old capacity means the path changed.
      if (acked !== undefined && !Number.isNaN(this.#linkAvg) && acked / 1000 > this.#linkAvg + 3 * sigma) this.#linkAvg = Number.NaN;
      const dt = Math.min(Math.max(now - this.#lastChange, 0), 1000);
      if (Number.isNaN(this.#linkAvg)) next += Math.max(1000, next * (ETA_PER_SECOND ** (dt / 1000) - 1));
      else next += this.#additiveIncrease(dt);
      if (acked !== undefined) next = Math.min(next, Math.max(this.#bitrate, ACKED_CAP_FACTOR * acked + ACKED_CAP_SLACK_BPS));
      this.#lastChange = now;
    } else if (this.#state === 'decrease') {
      if (acked !== undefined) {
        next = Math.min(BETA * acked, this.#bitrate);
        this.#updateLink(acked / 1000);
      } else next = BETA * this.#bitrate;
      this.decreases++;
      this.#initialized = true;
      this.#state = 'hold';
      this.#lastChange = now;
    }
    this.#bitrate = Math.min(Math.max(next, this.#min), this.#max);
    return this.#bitrate;
  }

  /**
   * A probe's measured rate replaces the rate (libwebrtc's AimdRateControl::SetEstimate):
   * the start value is then known to be too low, so the throughput reset of INIT_MS is off.
   */
  setEstimate(bitrate: number, now: number): void {
    if (!(bitrate > 0) || !Number.isFinite(bitrate)) return;
    this.#bitrate = Math.min(Math.max(bitrate, this.#min), this.#max);
    this.#initialized = true;
    this.#lastChange = now;
  }

  /** About one average packet per response time (RTT + 100 ms), as libwebrtc's AIMD does. */
  #additiveIncrease(dtMs: number): number {
    const bitsPerFrame = this.#bitrate / FRAME_RATE;
    const packetsPerFrame = Math.max(1, Math.ceil(bitsPerFrame / MTU_BITS));
    const packetBits = bitsPerFrame / packetsPerFrame;
    const perSecond = Math.max(MIN_ADDITIVE_BPS, (packetBits * 1000) / (this.rttMs + 100));
    return (perSecond * dtMs) / 1000;
  }

  #updateLink(ackedKbps: number): void {
    if (Number.isNaN(this.#linkAvg)) this.#linkAvg = ackedKbps;
    else this.#linkAvg = (1 - LINK_AVG_ALPHA) * this.#linkAvg + LINK_AVG_ALPHA * ackedKbps;
    const norm = Math.max(this.#linkAvg, 1);
    const err = this.#linkAvg - ackedKbps;
    this.#linkVar = (1 - LINK_AVG_ALPHA) * this.#linkVar + (LINK_AVG_ALPHA * err * err) / norm;
    this.#linkVar = Math.min(Math.max(this.#linkVar, 0.4), 2.5);
  }
}
