// Receiver-side TSN bookkeeping (RFC 9260 §6.2): the cumulative TSN, the ranges
// received above it (reported as gap ack blocks), and duplicates (reported once).
import type { SackChunk } from './chunks/sack.js';
import { tsnDiff, tsnLe } from './serial.js';

/** Gap offsets are 16-bit (RFC 9260 §3.3.4): nothing further ahead can be reported. */
const MAX_AHEAD = 0xffff;
const MAX_RANGES = 512;
const MAX_DUPS = 32;

export const enum TsnResult {
  NEW = 0,
  DUPLICATE = 1,
  OUT_OF_WINDOW = 2,
}

export class TsnTracker {
  /** Highest TSN received with no hole below it. */
  cumulative = 0;
  private starts: number[] = [];
  private ends: number[] = [];
  private dups: number[] = [];

  reset(peerInitialTsn: number): void {
    this.cumulative = (peerInitialTsn - 1) >>> 0;
    this.starts = [];
    this.ends = [];
    this.dups = [];
  }

  get hasGaps(): boolean {
    return this.starts.length > 0;
  }

  get hasDuplicates(): boolean {
    return this.dups.length > 0;
  }

  /** Whether tsn is new, already seen, or too far ahead to accept. */
  check(tsn: number): TsnResult {
    const d = tsnDiff(tsn, this.cumulative);
    if (d <= 0) return TsnResult.DUPLICATE;
    if (d > MAX_AHEAD) return TsnResult.OUT_OF_WINDOW;
    const s = this.starts;
    for (let i = s.length - 1; i >= 0; i--) {
      if (tsnLe(s[i], tsn)) return tsnLe(tsn, this.ends[i]) ? TsnResult.DUPLICATE : TsnResult.NEW;
    }
    return TsnResult.NEW;
  }

  noteDuplicate(tsn: number): void {
    if (this.dups.length < MAX_DUPS) this.dups.push(tsn);
  }

  /** Records a TSN that check() called new. False when the range table is full. */
  add(tsn: number): boolean {
    const next = (this.cumulative + 1) >>> 0;
    const s = this.starts;
    const e = this.ends;
    if (tsn === next) {
      this.cumulative = tsn;
      if (s.length > 0 && s[0] === ((tsn + 1) >>> 0)) {
        this.cumulative = e[0];
        s.shift();
        e.shift();
      }
      return true;
    }
    // Find the last range starting at or below tsn (most arrivals extend the last one).
    let i = s.length - 1;
    while (i >= 0 && tsnDiff(s[i], tsn) > 0) i--;
    if (i >= 0 && e[i] === ((tsn - 1) >>> 0)) {
      e[i] = tsn;
      if (i + 1 < s.length && s[i + 1] === ((tsn + 1) >>> 0)) {
        e[i] = e[i + 1];
        s.splice(i + 1, 1);
        e.splice(i + 1, 1);
      }
      return true;
    }
    if (i + 1 < s.length && s[i + 1] === ((tsn + 1) >>> 0)) {
      s[i + 1] = tsn;
      return true;
    }
    if (s.length >= MAX_RANGES) return false;
    s.splice(i + 1, 0, tsn);
    e.splice(i + 1, 0, tsn);
    return true;
  }

  /** FORWARD TSN (RFC 3758 §3.6): everything up to newCumulative counts as received. */
  forwardTo(newCumulative: number): void {
    if (tsnLe(newCumulative, this.cumulative)) return;
    this.cumulative = newCumulative;
    const s = this.starts;
    const e = this.ends;
    while (s.length > 0 && tsnLe(s[0], (this.cumulative + 1) >>> 0)) {
      if (tsnDiff(e[0], this.cumulative) > 0) this.cumulative = e[0];
      s.shift();
      e.shift();
    }
  }

  /** A SACK for the current state; takes the pending duplicate list. */
  buildSack(aRwnd: number, maxGapBlocks: number): SackChunk {
    const n = Math.min(this.starts.length, maxGapBlocks);
    const gapStarts: number[] = new Array(n);
    const gapEnds: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      gapStarts[i] = tsnDiff(this.starts[i], this.cumulative);
      gapEnds[i] = tsnDiff(this.ends[i], this.cumulative);
    }
    const duplicateTsns = this.dups;
    this.dups = [];
    return { cumulativeTsnAck: this.cumulative, aRwnd, gapStarts, gapEnds, duplicateTsns };
  }
}
