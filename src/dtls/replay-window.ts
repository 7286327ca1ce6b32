// RFC 6347 §4.1.2.6 anti-replay: a sliding window over 48-bit record sequence numbers.
// A number is marked only after its record authenticated, so forgeries cannot poison it.

export const REPLAY_WINDOW_SIZE = 128;

export class ReplayWindow {
  private top = -1;
  private readonly seen = new Uint8Array(REPLAY_WINDOW_SIZE);

  /** True when `seq` is new and inside (or ahead of) the window. */
  check(seq: number): boolean {
    if (seq > this.top) return true;
    if (this.top - seq >= REPLAY_WINDOW_SIZE) return false;
    return this.seen[seq % REPLAY_WINDOW_SIZE] === 0;
  }

  /** Records `seq` as received (call after a successful check and authentication). */
  mark(seq: number): void {
    if (seq > this.top) {
      // Clear the slots the window slides over; at most the whole window.
      const steps = Math.min(seq - this.top, REPLAY_WINDOW_SIZE);
      for (let i = 1; i <= steps; i++) this.seen[(this.top + i) % REPLAY_WINDOW_SIZE] = 0;
      this.top = seq;
    }
    this.seen[seq % REPLAY_WINDOW_SIZE] = 1;
  }
}
