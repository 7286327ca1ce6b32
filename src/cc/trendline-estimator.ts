// The delay gradient of draft-ietf-rmcat-gcc-02 §5.3, estimated as libwebrtc does it: the
// accumulated inter-group delay variation is smoothed exponentially, and the slope of a
// least-squares line through the last WINDOW (arrival time, smoothed delay) points is the
// trend. A positive trend means the bottleneck queue is growing. The trend is scaled by the
// number of samples seen (capped) and a gain so the overuse threshold of §5.4 applies to it.

/** Points in the regression window (~20 groups ≈ 100 ms of 5 ms bursts at high rates). */
export const TRENDLINE_WINDOW = 20;
const SMOOTHING = 0.9;
const THRESHOLD_GAIN = 4;
const MAX_DELTA_COUNT = 60;

export class TrendlineEstimator {
  readonly #x = new Float64Array(TRENDLINE_WINDOW);
  readonly #y = new Float64Array(TRENDLINE_WINDOW);
  #head = 0;
  #count = 0;
  #deltas = 0;
  #accumulated = 0;
  #smoothed = 0;
  #firstArrival = Number.NaN;
  #slope = 0;

  /** One inter-group sample (ms); returns the modified trend the detector compares with its threshold. */
  update(sendDelta: number, arrivalDelta: number, arrivalTime: number): number {
    if (this.#deltas < 1000) this.#deltas++;
    this.#accumulated += arrivalDelta - sendDelta;
    this.#smoothed = SMOOTHING * this.#smoothed + (1 - SMOOTHING) * this.#accumulated;
    if (Number.isNaN(this.#firstArrival)) this.#firstArrival = arrivalTime;
    this.#x[this.#head] = arrivalTime - this.#firstArrival;
    this.#y[this.#head] = this.#smoothed;
    this.#head = (this.#head + 1) % TRENDLINE_WINDOW;
    if (this.#count < TRENDLINE_WINDOW) this.#count++;
    if (this.#count === TRENDLINE_WINDOW) {
      const s = this.#regressionSlope();
      if (s !== undefined) this.#slope = s;
    }
    return this.modifiedTrend;
  }

  /** The slope of the accumulated delay (ms per ms) over the window. */
  get slope(): number {
    return this.#slope;
  }

  get modifiedTrend(): number {
    return Math.min(this.#deltas, MAX_DELTA_COUNT) * this.#slope * THRESHOLD_GAIN;
  }

  get sampleCount(): number {
    return this.#deltas;
  }

  #regressionSlope(): number | undefined {
    const n = this.#count;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      sx += this.#x[i];
      sy += this.#y[i];
    }
    const mx = sx / n;
    const my = sy / n;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      const dx = this.#x[i] - mx;
      num += dx * (this.#y[i] - my);
      den += dx * dx;
    }
    return den === 0 ? undefined : num / den;
  }
}
