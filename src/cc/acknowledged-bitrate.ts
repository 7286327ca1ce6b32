// The rate the receiver acknowledged (R_hat of draft-ietf-rmcat-gcc-02 §5.5): bytes of the
// packets transport-cc feedback reported as received, over the last WINDOW_MS of their
// arrival times (the receiver's clock). A ring with a running sum: O(1) per packet and per
// query, no allocation. Arrivals come nearly in order; one that arrives out of order stays
// until the packets before it in the ring leave the window.

const SLOTS = 1024;
const WINDOW_MS = 500;
/** Less arrival span than this says nothing about a rate (one frame's burst). */
const MIN_SPAN_MS = 100;
const EMPTY = new Float64Array(0);

export class AcknowledgedBitrate {
  // Allocated by the first add(): a connection that gets no transport-cc feedback (data
  // channels only) keeps no 16 KiB ring.
  #at: Float64Array = EMPTY;
  #bytes: Float64Array = EMPTY;
  /** Index of the oldest entry and the entry count. */
  #tail = 0;
  #count = 0;
  #sum = 0;
  #newest = Number.NEGATIVE_INFINITY;

  add(arrivalTime: number, size: number): void {
    if (this.#at === EMPTY) {
      this.#at = new Float64Array(SLOTS);
      this.#bytes = new Float64Array(SLOTS);
    }
    if (this.#count === SLOTS) this.#evict();
    const i = (this.#tail + this.#count) & (SLOTS - 1);
    this.#at[i] = arrivalTime;
    this.#bytes[i] = size;
    this.#count++;
    this.#sum += size;
    if (arrivalTime > this.#newest) this.#newest = arrivalTime;
    while (this.#count > 1 && this.#at[this.#tail] < this.#newest - WINDOW_MS) this.#evict();
  }

  /** Bits per second, or undefined until the packets span MIN_SPAN_MS. */
  get bitrate(): number | undefined {
    if (this.#count < 2) return undefined;
    const span = this.#newest - this.#at[this.#tail];
    if (!(span >= MIN_SPAN_MS)) return undefined;
    // The oldest packet's bytes arrived before the span began.
    return ((this.#sum - this.#bytes[this.#tail]) * 8 * 1000) / span;
  }

  reset(): void {
    this.#count = 0;
    this.#sum = 0;
    this.#newest = Number.NEGATIVE_INFINITY;
  }

  #evict(): void {
    this.#sum -= this.#bytes[this.#tail];
    this.#tail = (this.#tail + 1) & (SLOTS - 1);
    this.#count--;
  }
}
