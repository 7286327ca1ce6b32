// draft-ietf-rmcat-gcc-02 §6 (loss-based controller): with more than 10 % loss the rate is
// cut to A × (1 − 0.5 × loss); below 2 % it grows by 8 % per second; in between it holds.
// Cuts are spaced by at least 300 ms + RTT so one loss burst, reported by several feedbacks,
// cuts once (libwebrtc's rule). The loss fraction comes from transport-cc feedback (lost /
// reported over at least MIN_PACKETS packets) and from RTCP receiver reports' fraction lost.
// A cut stops at β × the acknowledged rate (what the path demonstrably delivers, the floor
// the delay-based decrease of §5.5 uses too): a sender that does not slow down (a forwarded
// stream) keeps a full queue and loses packets, yet the estimate must still say what gets through.

const LOW_LOSS = 0.02;
const HIGH_LOSS = 0.1;
const INCREASE_PER_SECOND = 1.08;
const DECREASE_SPACING_MS = 300;
/** draft-ietf-rmcat-gcc-02 §5.5 β. */
const ACKED_FLOOR = 0.85;
/** Feedback packets pooled into one loss sample, so one lost packet out of three is not "33 %". */
export const LOSS_MIN_PACKETS = 20;

export class LossBasedControl {
  #bitrate: number;
  #lastUpdate = Number.NaN;
  #lastDecrease = Number.NEGATIVE_INFINITY;
  #lost = 0;
  #reported = 0;
  /** The latest loss fraction used (0..1). */
  lastLoss = 0;
  decreases = 0;
  rttMs = 200;

  constructor(startBitrate: number) {
    this.#bitrate = startBitrate;
  }

  get bitrate(): number {
    return this.#bitrate;
  }

  /** The combined estimate is lower (delay-based or REMB): the loss-based state follows it down. */
  capTo(bitrate: number): void {
    if (bitrate < this.#bitrate) this.#bitrate = bitrate;
  }

  /** A measured rate replaces the start value (like a probe result in libwebrtc), unless loss is high. */
  raiseTo(bitrate: number): void {
    if (this.lastLoss < LOW_LOSS && bitrate > this.#bitrate) this.#bitrate = bitrate;
  }

  /** Transport-cc outcome counts of one feedback; a loss sample is taken every LOSS_MIN_PACKETS. */
  addFeedback(now: number, lost: number, received: number, acked?: number): void {
    this.#lost += lost;
    this.#reported += lost + received;
    if (this.#reported < LOSS_MIN_PACKETS) return;
    const loss = this.#lost / this.#reported;
    this.#lost = 0;
    this.#reported = 0;
    this.update(now, loss, acked);
  }

  /** One loss fraction (0..1), from pooled feedback or an RTCP RR (RFC 3550 §6.4.1 fraction lost). */
  update(now: number, loss: number, acked?: number): void {
    if (!(loss >= 0 && loss <= 1)) return;
    this.lastLoss = loss;
    const dt = Number.isNaN(this.#lastUpdate) ? 0 : Math.min(Math.max(now - this.#lastUpdate, 0), 1000);
    this.#lastUpdate = now;
    if (loss < LOW_LOSS) this.#bitrate = this.#bitrate * INCREASE_PER_SECOND ** (dt / 1000) + (1000 * dt) / 1000;
    else if (loss > HIGH_LOSS && now - this.#lastDecrease >= DECREASE_SPACING_MS + this.rttMs) {
      const floor = acked !== undefined && acked > 0 ? Math.min(this.#bitrate, ACKED_FLOOR * acked) : 0;
      const next = Math.max(this.#bitrate * (1 - 0.5 * loss), floor);
      if (next < this.#bitrate) {
        this.#bitrate = next;
        this.#lastDecrease = now;
        this.decreases++;
      }
    }
  }
}
