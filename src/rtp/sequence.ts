// Extended sequence numbers and timestamps across wraparound (RFC 3550 §A.1): a 16-bit
// sequence number or 32-bit timestamp is extended to the value nearest the last one.

/** Extends 16-bit RTP sequence numbers; the first value maps to itself. */
export class SequenceUnwrapper {
  private last: number | undefined;

  /** The extended value of seq (may be negative for packets older than the first). */
  unwrap(seq: number): number {
    seq &= 0xffff;
    if (this.last === undefined) {
      this.last = seq;
      return seq;
    }
    // The signed 16-bit distance from the last value (RFC 3550 §A.1: MAX_DROPOUT logic).
    const delta = ((seq - this.last + 0x8000) & 0xffff) - 0x8000;
    const ext = this.last + delta;
    if (delta > 0) this.last = ext;
    return ext;
  }

  /** The highest extended value seen, or undefined before the first. */
  get highest(): number | undefined {
    return this.last;
  }
}

/** Extends 32-bit RTP timestamps the same way (values exact up to 2^53). */
export class TimestampUnwrapper {
  private last: number | undefined;

  unwrap(ts: number): number {
    ts >>>= 0;
    if (this.last === undefined) {
      this.last = ts;
      return ts;
    }
    const lastLow = ((this.last % 0x100000000) + 0x100000000) % 0x100000000;
    let delta = ts - lastLow;
    if (delta > 0x7fffffff) delta -= 0x100000000;
    else if (delta < -0x80000000) delta += 0x100000000;
    const ext = this.last + delta;
    if (delta > 0) this.last = ext;
    return ext;
  }

  get highest(): number | undefined {
    return this.last;
  }
}
