// Reassembly of fragmented user messages and ordered delivery per stream
// (RFC 9260 §6.5, §6.6, §6.9). Fragments of one message carry consecutive TSNs, so
// they are kept by TSN and a message is complete when a B..E run has no hole.
import { DATA_FLAG_BEGIN, DATA_FLAG_END, DATA_FLAG_UNORDERED } from './chunk-type.js';
import { ssnAdd, ssnLt, tsnLe } from './serial.js';

export interface ReceivedMessage {
  streamId: number;
  ppid: number;
  data: Uint8Array;
  unordered: boolean;
}

interface Fragment {
  tsn: number;
  flags: number;
  streamId: number;
  ssn: number;
  ppid: number;
  data: Uint8Array;
}

interface InboundStream {
  nextSsn: number;
  /** Complete ordered messages waiting for an earlier SSN (null: an oversized one, skipped). */
  pending: Map<number, ReceivedMessage | null>;
}

/** Per-buffered-chunk overhead charged to the window, so floods of tiny chunks are bounded. */
export const CHUNK_OVERHEAD = 32;

export class Reassembler {
  private fragments = new Map<number, Fragment>();
  private streams = new Map<number, InboundStream>();
  /** Bytes held here (fragments and out-of-order messages), charged to a_rwnd. */
  bufferedBytes = 0;

  constructor(
    private readonly deliver: (m: ReceivedMessage) => void,
    private readonly maxMessageSize: number,
    /** Called for a message dropped for its size (counted by the association). */
    private readonly onOversized: () => void,
  ) {}

  private stream(id: number): InboundStream {
    let s = this.streams.get(id);
    if (!s) {
      s = { nextSsn: 0, pending: new Map() };
      this.streams.set(id, s);
    }
    return s;
  }

  /** A new (not duplicate) DATA chunk; data is owned by the reassembler. */
  add(tsn: number, flags: number, streamId: number, ssn: number, ppid: number, data: Uint8Array): void {
    if ((flags & DATA_FLAG_BEGIN) !== 0 && this.fragments.size > 0) this.dropRunBefore(tsn);
    if ((flags & (DATA_FLAG_BEGIN | DATA_FLAG_END)) === (DATA_FLAG_BEGIN | DATA_FLAG_END)) {
      this.complete(streamId, ssn, ppid, data, (flags & DATA_FLAG_UNORDERED) !== 0);
      return;
    }
    this.fragments.set(tsn, { tsn, flags, streamId, ssn, ppid, data });
    this.bufferedBytes += data.length + CHUNK_OVERHEAD;
    // In-order arrival completes only at the E fragment; a fragment that fills a hole
    // (its successor is already here) may complete one too.
    if ((flags & DATA_FLAG_END) !== 0 || this.fragments.has((tsn + 1) >>> 0)) this.tryAssemble(tsn);
  }

  private tryAssemble(tsn: number): void {
    const at = this.fragments.get(tsn)!;
    const unordered = at.flags & DATA_FLAG_UNORDERED;
    const same = (f: Fragment | undefined): f is Fragment =>
      f !== undefined && f.streamId === at.streamId && (f.flags & DATA_FLAG_UNORDERED) === unordered && (unordered !== 0 || f.ssn === at.ssn);
    let first = tsn;
    let f: Fragment = at;
    while ((f.flags & DATA_FLAG_BEGIN) === 0) {
      const prev = this.fragments.get((first - 1) >>> 0);
      if (!same(prev) || (prev.flags & DATA_FLAG_END) !== 0) return;
      first = (first - 1) >>> 0;
      f = prev;
    }
    let last = tsn;
    f = at;
    let size = at.data.length;
    for (let t = first; t !== tsn; t = (t + 1) >>> 0) size += this.fragments.get(t)!.data.length;
    while ((f.flags & DATA_FLAG_END) === 0) {
      const next = this.fragments.get((last + 1) >>> 0);
      if (!same(next) || (next.flags & DATA_FLAG_BEGIN) !== 0) return;
      last = (last + 1) >>> 0;
      f = next;
      size += f.data.length;
    }
    const data = new Uint8Array(size);
    let off = 0;
    let count = 0;
    for (let t = first; ; t = (t + 1) >>> 0) {
      const frag = this.fragments.get(t)!;
      data.set(frag.data, off);
      off += frag.data.length;
      this.fragments.delete(t);
      count++;
      if (t === last) break;
    }
    this.bufferedBytes -= size + count * CHUNK_OVERHEAD;
    this.complete(at.streamId, at.ssn, at.ppid, data, unordered !== 0);
  }

  private complete(streamId: number, ssn: number, ppid: number, data: Uint8Array, unordered: boolean): void {
    // RFC 8831 §6.6: the peer must respect our a=max-message-size; a larger message is
    // dropped and counted, but its SSN still counts so that later messages flow.
    const oversized = data.length > this.maxMessageSize;
    if (oversized) this.onOversized();
    const msg: ReceivedMessage | null = oversized ? null : { streamId, ppid, data, unordered };
    if (unordered) {
      if (msg) this.deliver(msg);
      return;
    }
    const s = this.stream(streamId);
    if (ssn === s.nextSsn) {
      if (msg) this.deliver(msg);
      s.nextSsn = ssnAdd(ssn, 1);
      this.drain(s);
    } else if (ssnLt(s.nextSsn, ssn) && !s.pending.has(ssn)) {
      s.pending.set(ssn, msg);
      this.bufferedBytes += (msg ? msg.data.length : 0) + CHUNK_OVERHEAD;
    }
    // An SSN behind nextSsn is stale (a message the peer abandoned or a reset stream): drop.
  }

  private drain(s: InboundStream): void {
    while (s.pending.size > 0) {
      if (!s.pending.has(s.nextSsn)) return;
      const m = s.pending.get(s.nextSsn)!;
      s.pending.delete(s.nextSsn);
      this.bufferedBytes -= (m ? m.data.length : 0) + CHUNK_OVERHEAD;
      s.nextSsn = ssnAdd(s.nextSsn, 1);
      if (m) this.deliver(m);
    }
  }

  /**
   * FORWARD TSN (RFC 3758 §3.6): `cumulative` is the receiver's cumulative TSN after
   * it. Ordered streams skip past the SSNs the sender abandoned (complete messages up
   * to them are still delivered, in order), and fragments of abandoned messages go.
   */
  forward(cumulative: number, streams: { streamId: number; ssn: number }[]): void {
    for (const { streamId, ssn } of streams) {
      const s = this.stream(streamId);
      if (ssnLt(ssn, s.nextSsn)) continue;
      const ready = [...s.pending.keys()].filter((k) => !ssnLt(ssn, k)).sort((a, b) => (ssnLt(a, b) ? -1 : 1));
      for (const k of ready) {
        const m = s.pending.get(k)!;
        s.pending.delete(k);
        this.bufferedBytes -= (m ? m.data.length : 0) + CHUNK_OVERHEAD;
        if (m) this.deliver(m);
      }
      s.nextSsn = ssnAdd(ssn, 1);
      this.drain(s);
    }
    this.sweep(cumulative);
  }

  /**
   * Drops fragment runs that can never complete. Every TSN at or below the cumulative
   * TSN has arrived or was abandoned by the sender; fragments of one message have
   * consecutive TSNs; so a run that needs such a TSN it does not hold (before its B or
   * after its last fragment) belongs to an abandoned message.
   */
  private sweep(cumulative: number): void {
    if (this.fragments.size === 0) return;
    const dead: number[] = [];
    for (const [tsn, f] of this.fragments) {
      const prev = this.fragments.get((tsn - 1) >>> 0);
      if (prev && this.continues(prev, f)) continue; // not the head of its run
      let deadRun = (f.flags & DATA_FLAG_BEGIN) === 0 && tsnLe((tsn - 1) >>> 0, cumulative);
      let end = tsn;
      let g = f;
      for (;;) {
        if ((g.flags & DATA_FLAG_END) !== 0) break;
        const n = this.fragments.get((end + 1) >>> 0);
        if (!n || !this.continues(g, n)) {
          if (tsnLe((end + 1) >>> 0, cumulative)) deadRun = true;
          break;
        }
        end = (end + 1) >>> 0;
        g = n;
      }
      if (deadRun) for (let t = tsn; ; t = (t + 1) >>> 0) {
        dead.push(t);
        if (t === end) break;
      }
    }
    for (const t of dead) this.dropFragment(t);
  }

  /** Whether b (at a's TSN + 1) is the next fragment of a's message. */
  private continues(a: Fragment, b: Fragment): boolean {
    return (
      (a.flags & DATA_FLAG_END) === 0 &&
      (b.flags & DATA_FLAG_BEGIN) === 0 &&
      a.streamId === b.streamId &&
      (a.flags & DATA_FLAG_UNORDERED) === (b.flags & DATA_FLAG_UNORDERED) &&
      ((a.flags & DATA_FLAG_UNORDERED) !== 0 || a.ssn === b.ssn)
    );
  }

  private dropFragment(tsn: number): void {
    const f = this.fragments.get(tsn);
    if (!f) return;
    this.fragments.delete(tsn);
    this.bufferedBytes -= f.data.length + CHUNK_OVERHEAD;
  }

  /** A B fragment at tsn ends any unfinished run just before it: that message was abandoned. */
  private dropRunBefore(tsn: number): void {
    let t = (tsn - 1) >>> 0;
    let f = this.fragments.get(t);
    if (!f || (f.flags & DATA_FLAG_END) !== 0) return;
    for (;;) {
      const prev = this.fragments.get((t - 1) >>> 0);
      this.dropFragment(t);
      if (!prev || !this.continues(prev, f)) return;
      t = (t - 1) >>> 0;
      f = prev;
    }
  }

  /** Incoming stream reset (RFC 6525 §5.2.2): the stream's SSN restarts at 0. */
  resetStreams(ids: number[]): void {
    for (const id of ids) {
      const s = this.streams.get(id);
      if (!s) continue;
      for (const m of s.pending.values()) this.bufferedBytes -= (m ? m.data.length : 0) + CHUNK_OVERHEAD;
      this.streams.delete(id);
    }
  }

  resetAllStreams(): void {
    this.resetStreams([...this.streams.keys()]);
  }
}
