// The rate the receiver acknowledged (R_hat of draft-ietf-rmcat-gcc-02 §5.5): bytes of the
// packets transport-cc feedback reported as received, over the last WINDOW_MS of their
// arrival times (the receiver's clock). A ring of fixed size: no allocation per packet.

const SLOTS = 1024;
const WINDOW_MS = 500;
/** Less arrival span than this says nothing about a rate (one frame's burst). */
const MIN_SPAN_MS = 100;

export class AcknowledgedBitrate {
  readonly #at = new Float64Array(SLOTS);
  readonly #bytes = new Float64Array(SLOTS);
  #head = 0;
  #count = 0;
  #newest = Number.NEGATIVE_INFINITY;

  add(arrivalTime: number, size: number): void {
    this.#at[this.#head] = arrivalTime;
    this.#bytes[this.#head] = size;
    this.#head = (this.#head + 1) & (SLOTS - 1);
    if (this.#count < SLOTS) this.#count++;
    if (arrivalTime > this.#newest) this.#newest = arrivalTime;
  }

  /** Bits per second, or undefined until the packets span MIN_SPAN_MS. */
  get bitrate(): number | undefined {
    const newest = this.#newest;
    let oldest = newest;
    let bytes = 0;
    let firstBytes = 0;
    for (let j = 0; j < this.#count; j++) {
      const k = (this.#head - 1 - j) & (SLOTS - 1);
      const t = this.#at[k];
      if (t < newest - WINDOW_MS) continue;
      bytes += this.#bytes[k];
      if (t <= oldest) {
        oldest = t;
        firstBytes = this.#bytes[k];
      }
    }
    const span = newest - oldest;
    if (this.#count === 0 || !(span >= MIN_SPAN_MS)) return undefined;
    // The oldest packet's bytes arrived before the span began.
    return ((bytes - firstBytes) * 8 * 1000) / span;
  }

  reset(): void {
    this.#count = 0;
    this.#newest = Number.NEGATIVE_INFINITY;
  }
}
