// Outbound user messages per stream and the stream scheduler. With DATA chunks the
// fragments of one message take consecutive TSNs (RFC 9260 §6.9), so a message, once
// started, is fragmented to its end before another stream gets a turn; between
// messages, streams with queued data take turns (round robin).

export interface OutboundMessage {
  streamId: number;
  ppid: number;
  data: Uint8Array;
  unordered: boolean;
  /** PR-SCTP limits (RFC 3758): retransmissions allowed, and absolute expiry time (ms). */
  maxRetransmits: number | undefined;
  expiresAt: number | undefined;
  /** Bytes already cut into fragments. */
  offset: number;
  /** Assigned with the first fragment, so expired unsent messages use no SSN. */
  ssn: number;
  firstTsn: number;
  lastTsn: number;
  abandoned: boolean;
}

export interface OutboundStream {
  readonly id: number;
  queue: OutboundMessage[];
  head: number;
  /** Bytes queued and not yet handed to the network (W3C bufferedAmount). */
  buffered: number;
  lowThreshold: number;
  nextSsn: number;
  /** Closing: no new messages; the reset is requested once the queue drains. */
  closing: boolean;
  /** In the round-robin ring. */
  scheduled: boolean;
}

export interface Fragment {
  message: OutboundMessage;
  data: Uint8Array;
  begin: boolean;
  end: boolean;
}

export class SendQueue {
  private readonly streams = new Map<number, OutboundStream>();
  private ring: OutboundStream[] = [];
  private ringIndex = 0;
  private current: OutboundMessage | undefined;
  /** Bytes queued in all streams. */
  totalBuffered = 0;
  /** Messages dropped before any fragment was sent (their lifetime expired). */
  expiredUnsent = 0;

  constructor(private readonly onBufferedLow: (streamId: number) => void) {}

  stream(id: number): OutboundStream {
    let s = this.streams.get(id);
    if (!s) {
      s = { id, queue: [], head: 0, buffered: 0, lowThreshold: 0, nextSsn: 0, closing: false, scheduled: false };
      this.streams.set(id, s);
    }
    return s;
  }

  peekStream(id: number): OutboundStream | undefined {
    return this.streams.get(id);
  }

  get hasData(): boolean {
    return this.current !== undefined || this.ring.length > 0;
  }

  enqueue(m: OutboundMessage): void {
    const s = this.stream(m.streamId);
    s.queue.push(m);
    s.buffered += m.data.length;
    this.totalBuffered += m.data.length;
    if (!s.scheduled) {
      s.scheduled = true;
      this.ring.push(s);
    }
  }

  /** True when no message of the stream waits for its first or next fragment. */
  isDrained(id: number): boolean {
    const s = this.streams.get(id);
    if (!s) return true;
    return s.head >= s.queue.length && (this.current === undefined || this.current.streamId !== id);
  }

  /**
   * The next fragment of at most maxBytes (or undefined). `minBytes` avoids tiny
   * fragments when only a little room is left in a packet.
   */
  next(maxBytes: number, minBytes: number, now: number): Fragment | undefined {
    let m = this.current;
    if (m?.abandoned) {
      this.release(m, m.data.length - m.offset);
      this.current = m = undefined;
    }
    while (!m) {
      if (this.ring.length === 0) return undefined;
      if (this.ringIndex >= this.ring.length) this.ringIndex = 0;
      const s = this.ring[this.ringIndex];
      const cand = s.queue[s.head];
      if (!cand) {
        this.unschedule(this.ringIndex);
        continue;
      }
      s.head++;
      if (s.head > 64 && s.head * 2 > s.queue.length) {
        s.queue = s.queue.slice(s.head);
        s.head = 0;
      }
      if (s.head >= s.queue.length) this.unschedule(this.ringIndex);
      else this.ringIndex++;
      if (cand.expiresAt !== undefined && now >= cand.expiresAt) {
        // RFC 3758 §3.5: a message whose lifetime ended before transmission is dropped.
        this.expiredUnsent++;
        this.release(cand, cand.data.length);
        continue;
      }
      m = cand;
      // RFC 9260 §6.6: ordered messages take the stream's next SSN; unordered ones carry 0.
      if (m.unordered) m.ssn = 0;
      else {
        m.ssn = s.nextSsn;
        s.nextSsn = (s.nextSsn + 1) & 0xffff;
      }
    }
    const remaining = m.data.length - m.offset;
    if (remaining > maxBytes && maxBytes < minBytes) {
      this.current = m;
      return undefined;
    }
    const n = Math.min(remaining, maxBytes);
    const begin = m.offset === 0;
    const data = begin && n === m.data.length ? m.data : m.data.subarray(m.offset, m.offset + n);
    m.offset += n;
    const end = m.offset === m.data.length;
    this.current = end ? undefined : m;
    this.release(m, n);
    return { message: m, data, begin, end };
  }

  /** A message's unsent remainder, after the message was abandoned mid-way. */
  private release(m: OutboundMessage, bytes: number): void {
    if (bytes === 0) return;
    const s = this.streams.get(m.streamId)!;
    const before = s.buffered;
    s.buffered -= bytes;
    this.totalBuffered -= bytes;
    if (before > s.lowThreshold && s.buffered <= s.lowThreshold) this.onBufferedLow(s.id);
  }

  /** Called when a partially sent message is abandoned: its remaining fragments are never sent. */
  abandonCurrent(m: OutboundMessage): void {
    if (this.current === m) {
      this.release(m, m.data.length - m.offset);
      m.offset = m.data.length;
      this.current = undefined;
    }
  }

  private unschedule(i: number): void {
    this.ring[i].scheduled = false;
    this.ring.splice(i, 1);
    if (this.ringIndex > i) this.ringIndex--;
  }

  /** Outgoing stream reset done (RFC 6525 §5.1.2): the stream's SSN restarts at 0. */
  resetStream(id: number): void {
    const s = this.streams.get(id);
    if (s) {
      s.nextSsn = 0;
      s.closing = false;
    }
  }

  /** All messages dropped (association closed). */
  clear(): void {
    for (const s of this.streams.values()) {
      s.queue = [];
      s.head = 0;
      s.buffered = 0;
      s.scheduled = false;
    }
    this.ring = [];
    this.current = undefined;
    this.totalBuffered = 0;
  }
}
