// draft-ietf-rmcat-gcc-02 §5.4 (over-use detector) and §5.5 (adaptive threshold): the delay
// trend is compared with a threshold γ that follows |trend| — slowly upwards (K_u), faster
// downwards (K_d) — so that a competing loss-based flow (TCP) does not starve us, and large
// spikes (more than 15 over γ) do not move it. Overuse is signalled only when the trend stays
// above γ for OVERUSE_TIME_MS, at least twice in a row, and is not falling.

export type BandwidthUsage = 'normal' | 'overuse' | 'underuse';

const K_UP = 0.0087;
const K_DOWN = 0.039;
const THRESHOLD_INITIAL = 12.5;
const THRESHOLD_MIN = 6;
const THRESHOLD_MAX = 600;
/** §5.5: samples further than this over the threshold leave it alone. */
const MAX_ADAPT_OFFSET = 15;
/** §5.4 overuse_time_th (libwebrtc uses 10 ms). */
const OVERUSE_TIME_MS = 10;
const MAX_TIME_DELTA_MS = 100;

export class OveruseDetector {
  #threshold = THRESHOLD_INITIAL;
  #lastUpdate = Number.NaN;
  #timeOverUsing = -1;
  #overuseCount = 0;
  #prevTrend = 0;
  #state: BandwidthUsage = 'normal';

  get state(): BandwidthUsage {
    return this.#state;
  }
  get threshold(): number {
    return this.#threshold;
  }

  /** `trend`: modified trend; `sendDelta`: the inter-group send delta (ms); `now`: arrival time (ms). */
  detect(trend: number, sendDelta: number, sampleCount: number, now: number): BandwidthUsage {
    if (sampleCount < 2) return this.#state;
    if (trend > this.#threshold) {
      this.#timeOverUsing = this.#timeOverUsing < 0 ? sendDelta / 2 : this.#timeOverUsing + sendDelta;
      this.#overuseCount++;
      if (this.#timeOverUsing > OVERUSE_TIME_MS && this.#overuseCount > 1 && trend >= this.#prevTrend) {
        this.#timeOverUsing = 0;
        this.#overuseCount = 0;
        this.#state = 'overuse';
      }
    } else if (trend < -this.#threshold) {
      this.#timeOverUsing = -1;
      this.#overuseCount = 0;
      this.#state = 'underuse';
    } else {
      this.#timeOverUsing = -1;
      this.#overuseCount = 0;
      this.#state = 'normal';
    }
    this.#prevTrend = trend;
    this.#adapt(trend, now);
    return this.#state;
  }

  #adapt(trend: number, now: number): void {
    if (Number.isNaN(this.#lastUpdate)) this.#lastUpdate = now;
    const m = Math.abs(trend);
    if (m > this.#threshold + MAX_ADAPT_OFFSET) {
      this.#lastUpdate = now;
      return;
    }
    const k = m < this.#threshold ? K_DOWN : K_UP;
    const dt = Math.min(Math.max(now - this.#lastUpdate, 0), MAX_TIME_DELTA_MS);
    this.#threshold += k * (m - this.#threshold) * dt;
    if (this.#threshold < THRESHOLD_MIN) this.#threshold = THRESHOLD_MIN;
    else if (this.#threshold > THRESHOLD_MAX) this.#threshold = THRESHOLD_MAX;
    this.#lastUpdate = now;
  }
}
