// Retransmission timeout estimator (RFC 9260 §6.3.1) with bounds chosen for WebRTC:
// the RFC's RTO.Min of 1 s and RTO.Max of 60 s stall a data channel for seconds after a
// single tail loss; WebRTC paths are interactive and ICE consent (RFC 7675) ends a dead
// path after ~30 s, so we use RTO.Min 200 ms, RTO.Max 3 s, RTO.Initial 500 ms by default
// (dcsctp and usrsctp-in-WebRTC likewise lower them).

export interface RtoOptions {
  initial: number;
  min: number;
  max: number;
}

export class RtoEstimator {
  private srtt = 0;
  private rttvar = 0;
  private measured = false;
  /** Current RTO before backoff, ms. */
  private base: number;
  /** Exponential backoff factor from T3 expiries (§6.3.3 E2). */
  private backoff = 1;
  /** Smallest RTT seen recently (for the congestion controller). */
  minRtt = Number.POSITIVE_INFINITY;
  private minRttAt = 0;

  constructor(private readonly opts: RtoOptions) {
    this.base = opts.initial;
  }

  /** One RTT measurement R (ms), RFC 9260 §6.3.1 C2/C3 with alpha 1/8, beta 1/4. */
  sample(r: number, now: number): void {
    if (!(r >= 0) || r > 60_000) return;
    if (!this.measured) {
      this.srtt = r;
      this.rttvar = r / 2;
      this.measured = true;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    // G: a clock granularity of 1 ms keeps rttvar from reaching zero on a steady path.
    this.base = this.clamp(this.srtt + Math.max(4 * this.rttvar, 1));
    this.backoff = 1;
    // The minimum expires after 10 s so that a changed path is noticed.
    if (r <= this.minRtt || now - this.minRttAt > 10_000) {
      this.minRtt = r;
      this.minRttAt = now;
    }
  }

  /** T3-rtx expiry doubles the RTO (§6.3.3 E2), up to RTO.Max. */
  backOff(): void {
    if (this.base * this.backoff < this.opts.max) this.backoff *= 2;
  }

  /** Ends a T3 backoff without an RTT sample (see SctpAssociation.processSack). */
  resetBackoff(): void {
    this.backoff = 1;
  }

  get rto(): number {
    return this.clamp(this.base * this.backoff);
  }

  get smoothedRtt(): number {
    return this.measured ? this.srtt : this.opts.initial;
  }

  private clamp(v: number): number {
    return Math.min(this.opts.max, Math.max(this.opts.min, v));
  }
}
