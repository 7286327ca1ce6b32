// Virtual-time harness for SCTP engines: two sans-IO endpoints over an in-memory link
// with seeded loss, duplication, reordering and delay. No sockets, no timers: time
// jumps to the next event, so a 10 s transfer takes as long as its CPU work.
import { seededRandom } from './seeded-random';

export interface SansIoEndpoint {
  handleInput(now: number, bytes: Uint8Array): void;
  handleTimeout(now: number): void;
  pollTransmit(): Uint8Array | undefined;
  pollTimeout(): number | undefined;
}

export interface LinkConfig {
  /** Probability a packet is lost, per direction. */
  loss?: number;
  /** Probability a packet is delivered twice. */
  duplicate?: number;
  /** Probability a packet is held back (delayed by up to `reorderDelayMs` more). */
  reorder?: number;
  reorderDelayMs?: number;
  /** One-way delay and uniform jitter, ms. */
  delayMs?: number;
  jitterMs?: number;
  /** Bottleneck rate in bytes per ms (undefined: unlimited), with a drop-tail queue. */
  rateBytesPerMs?: number;
  queueBytes?: number;
  seed?: number;
}

export function seededBytes(seed: number): (n: number) => Uint8Array {
  const r = seededRandom(seed);
  return (n) => Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
}

interface InFlight {
  at: number;
  seq: number;
  to: 0 | 1;
  bytes: Uint8Array;
}

/** A binary heap of packets ordered by arrival time (then send order). */
class ArrivalQueue {
  private h: InFlight[] = [];
  get size(): number {
    return this.h.length;
  }
  peek(): InFlight | undefined {
    return this.h[0];
  }
  push(x: InFlight): void {
    const h = this.h;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p], h[i])) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }
  pop(): InFlight | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l], h[m])) m = l;
        if (r < h.length && less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}
function less(a: InFlight, b: InFlight): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export interface LinkStats {
  sent: [number, number];
  lost: [number, number];
  duplicated: [number, number];
}

export class SimNetwork {
  now = 0;
  private readonly queue = new ArrivalQueue();
  private seq = 0;
  private readonly rnd: () => number;
  private readonly cfg: Required<Omit<LinkConfig, 'rateBytesPerMs'>> & { rateBytesPerMs?: number };
  private linkFreeAt: [number, number] = [0, 0];
  /** Latest arrival scheduled per direction: jitter alone never reorders (a FIFO path). */
  private lastArrival: [number, number] = [0, 0];
  readonly stats: LinkStats = { sent: [0, 0], lost: [0, 0], duplicated: [0, 0] };
  /** Set to drop everything (a cut link). */
  blocked = false;

  constructor(
    readonly endpoints: [SansIoEndpoint, SansIoEndpoint],
    cfg: LinkConfig = {},
    /** Called after every step so tests can drain events. */
    private readonly afterStep: () => void = () => {},
  ) {
    this.cfg = {
      loss: cfg.loss ?? 0,
      duplicate: cfg.duplicate ?? 0,
      reorder: cfg.reorder ?? 0,
      reorderDelayMs: cfg.reorderDelayMs ?? 10,
      delayMs: cfg.delayMs ?? 10,
      jitterMs: cfg.jitterMs ?? 0,
      queueBytes: cfg.queueBytes ?? 256 * 1024,
      seed: cfg.seed ?? 1,
      rateBytesPerMs: cfg.rateBytesPerMs,
    };
    this.rnd = seededRandom(this.cfg.seed);
  }

  private send(from: 0 | 1, bytes: Uint8Array): void {
    const c = this.cfg;
    this.stats.sent[from]++;
    if (this.blocked || this.rnd() < c.loss) {
      this.stats.lost[from]++;
      return;
    }
    let depart = this.now;
    if (c.rateBytesPerMs !== undefined) {
      const start = Math.max(this.now, this.linkFreeAt[from]);
      if ((start - this.now) * c.rateBytesPerMs > c.queueBytes) {
        this.stats.lost[from]++;
        return;
      }
      depart = start + bytes.length / c.rateBytesPerMs;
      this.linkFreeAt[from] = depart;
    }
    const copies = this.rnd() < c.duplicate ? 2 : 1;
    if (copies === 2) this.stats.duplicated[from]++;
    for (let k = 0; k < copies; k++) {
      let at = Math.max(depart + c.delayMs + this.rnd() * c.jitterMs, this.lastArrival[from]);
      this.lastArrival[from] = at;
      if (this.rnd() < c.reorder) at += this.rnd() * c.reorderDelayMs;
      this.queue.push({ at, seq: this.seq++, to: from === 0 ? 1 : 0, bytes: k === 0 ? bytes : bytes.slice() });
    }
  }

  private flush(): void {
    for (let i = 0 as 0 | 1; i < 2; i = (i + 1) as 0 | 1) {
      const ep = this.endpoints[i];
      for (let p = ep.pollTransmit(); p; p = ep.pollTransmit()) this.send(i, p);
    }
  }

  /**
   * Runs until `done()` is true or virtual time passes `untilMs`. Returns whether done
   * became true. Bounded by `maxSteps` too, so a livelock fails instead of hanging.
   */
  run(done: () => boolean, untilMs: number, maxSteps = 5_000_000): boolean {
    for (let steps = 0; steps < maxSteps; steps++) {
      this.flush();
      this.afterStep();
      this.flush();
      if (done()) return true;
      let next = Number.POSITIVE_INFINITY;
      const head = this.queue.peek();
      if (head) next = head.at;
      for (const ep of this.endpoints) {
        const t = ep.pollTimeout();
        if (t !== undefined && t < next) next = t;
      }
      if (next > untilMs) {
        this.now = untilMs;
        return done();
      }
      if (next > this.now) this.now = next;
      while (this.queue.size > 0 && this.queue.peek()!.at <= this.now) {
        const p = this.queue.pop()!;
        this.endpoints[p.to].handleInput(this.now, p.bytes);
      }
      for (const ep of this.endpoints) {
        const t = ep.pollTimeout();
        if (t !== undefined && t <= this.now) ep.handleTimeout(this.now);
      }
    }
    throw new Error(`simulation did not settle within ${maxSteps} steps`);
  }
}
