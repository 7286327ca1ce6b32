// A bounded jitter/reorder buffer for one RTP stream, sans-IO: packets go in with the
// caller's clock, come out in extended-sequence order (RFC 3550 §A.1), and a missing
// packet is waited for at most maxDelayMs after a later packet arrived. The first packet
// is held maxDelayMs too, so that packets sent before it but arriving after it still
// find their place. Bounded in packets; late, duplicate and malformed packets are
// dropped and counted.
import { misuse } from './errors.js';

export interface JitterBufferOptions {
  /** Longest wait for a missing packet, in ms after a later one arrived (default 100). */
  maxDelayMs?: number;
  /** Packets held at most (default 1024). */
  capacity?: number;
}

export interface JitterBufferStats {
  packetsInserted: number;
  packetsReleased: number;
  packetsLate: number;
  packetsDuplicate: number;
  packetsMalformed: number;
  /** Holes skipped after maxDelayMs or on overflow. */
  packetsLost: number;
}

interface Held {
  seq: number;
  arrival: number;
  bytes: Uint8Array;
}

export class JitterBuffer {
  readonly stats: JitterBufferStats = {
    packetsInserted: 0, packetsReleased: 0, packetsLate: 0, packetsDuplicate: 0, packetsMalformed: 0, packetsLost: 0,
  };
  private readonly maxDelay: number;
  private readonly capacity: number;
  private readonly slots: (Held | undefined)[];
  private readonly mask: number;
  private next = -1; // extended sequence number to release next
  private highest = -1;
  private held = 0;
  private firstArrival = Number.NaN; // until the first release
  private releasedAny = false;

  constructor(opts: JitterBufferOptions = {}) {
    this.maxDelay = opts.maxDelayMs ?? 100;
    this.capacity = opts.capacity ?? 1024;
    if (!(this.maxDelay >= 0)) throw misuse('RangeError', 'maxDelayMs must be a non-negative number of milliseconds');
    if (!Number.isInteger(this.capacity) || this.capacity < 1 || this.capacity > 32768) {
      throw misuse('RangeError', 'capacity must be an integer from 1 to 32768 packets');
    }
    let size = 1;
    while (size < this.capacity) size <<= 1;
    this.slots = new Array(size);
    this.mask = size - 1;
  }

  /** Packets waiting. */
  get size(): number {
    return this.held;
  }

  /** Takes one RTP packet (kept by reference) received at `now` (ms). */
  insert(now: number, packet: Uint8Array): void {
    this.stats.packetsInserted++;
    if (packet.length < 12 || packet[0] >> 6 !== 2) {
      this.stats.packetsMalformed++;
      return;
    }
    const seq16 = (packet[2] << 8) | packet[3];
    let seq: number;
    if (this.next < 0) {
      seq = seq16 + 0x10000;
      this.next = seq;
      this.highest = seq;
    } else {
      seq = this.highest + (((seq16 - (this.highest & 0xffff) + 0x8000) & 0xffff) - 0x8000);
    }
    if (seq < this.next) {
      // Before anything left, an earlier packet moves the start back.
      if (this.releasedAny || this.highest - seq >= this.capacity) {
        this.stats.packetsLate++;
        return;
      }
      this.next = seq;
    }
    if (Number.isNaN(this.firstArrival)) this.firstArrival = now;
    const at = seq & this.mask;
    if (this.slots[at]?.seq === seq) {
      this.stats.packetsDuplicate++;
      return;
    }
    // Overflow: give up the oldest holes (and release nothing: the caller polls).
    while (seq - this.next >= this.capacity) {
      if (this.held === 0 || this.next > this.highest) {
        // Nothing held from here on: skip the whole stretch in one step.
        const to = seq - this.capacity + 1;
        this.stats.packetsLost += to - this.next;
        this.next = to;
        break;
      }
      this.skipOne();
    }
    this.slots[at] = { seq, arrival: now, bytes: packet };
    this.held++;
    if (seq > this.highest) this.highest = seq;
  }

  /** The next packet in order, or undefined while the next one is still worth waiting for. */
  pollPacket(now: number): Uint8Array | undefined {
    if (this.held === 0) return undefined;
    if (!this.releasedAny && now - this.firstArrival < this.maxDelay) return undefined;
    let head = this.slots[this.next & this.mask];
    if (head?.seq !== this.next) {
      const first = this.firstHeld();
      if (first === undefined || now - first.arrival < this.maxDelay) return undefined;
      this.stats.packetsLost += first.seq - this.next;
      this.next = first.seq;
      head = first;
    }
    this.slots[this.next & this.mask] = undefined;
    this.held--;
    this.next++;
    this.stats.packetsReleased++;
    this.releasedAny = true;
    return head.bytes;
  }

  /** When pollPacket may next give up a hole, or undefined when nothing waits on one. */
  pollTimeout(): number | undefined {
    if (this.held === 0) return undefined;
    if (!this.releasedAny) return this.firstArrival + this.maxDelay;
    if (this.slots[this.next & this.mask]?.seq === this.next) return undefined;
    const first = this.firstHeld();
    return first === undefined ? undefined : first.arrival + this.maxDelay;
  }

  private firstHeld(): Held | undefined {
    for (let s = this.next; s <= this.highest; s++) {
      const h = this.slots[s & this.mask];
      if (h?.seq === s) return h;
    }
    return undefined;
  }

  private skipOne(): void {
    const h = this.slots[this.next & this.mask];
    if (h?.seq === this.next) {
      // Still held when it must go: counted as lost to the consumer too.
      this.slots[this.next & this.mask] = undefined;
      this.held--;
    }
    this.stats.packetsLost++;
    this.next++;
  }
}
