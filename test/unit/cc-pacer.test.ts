import { Pacer } from '../../src/cc/pacer';
import { runLinkSim } from './cc-link-sim';

// The pacer in virtual time: release rate, priorities, queue-count and queue-time bounds.

interface Released {
  at: number;
  size: number;
  tag: number;
}

/** Drives `pacer` from `from` to `to` ms by its own pollTimeout, as the connection's driver does. */
function drive(pacer: Pacer, clock: { now: number }, to: number): void {
  for (let guard = 0; guard < 100_000; guard++) {
    const due = pacer.pollTimeout();
    if (due === undefined || due > to) break;
    clock.now = Math.max(clock.now, due);
    pacer.process(clock.now);
  }
  clock.now = to;
}

function packet(size: number, tag: number): Uint8Array {
  const p = new Uint8Array(size);
  p[0] = tag;
  return p;
}

describe('Pacer', () => {
  it('releases a 100-packet burst at the configured rate (±1 interval of budget)', () => {
    const clock = { now: 0 };
    const out: Released[] = [];
    const pacer = new Pacer((p) => out.push({ at: clock.now, size: p.length, tag: p[0] }), { rate: 800_000, maxQueueDelayMs: 5000 });
    for (let i = 0; i < 100; i++) pacer.enqueue(0, packet(1000, i), -1, -1, false);
    // 800 kbit/s = 100 bytes/ms: 100 000 bytes take 1 s.
    for (let t = 0; t <= 1200; t += 50) {
      drive(pacer, clock, t);
      const sent = out.reduce((s, r) => s + r.size, 0);
      expect(sent).toBeLessThanOrEqual((800_000 * t) / 8000 + 1000 + 2000);
      if (t >= 100 && t <= 900) expect(sent).toBeGreaterThanOrEqual((800_000 * (t - 20)) / 8000 - 1000);
    }
    expect(out.length).toBe(100);
    expect(out.map((r) => r.tag)).toEqual([...Array(100).keys()]); // FIFO
    expect(out[99].at).toBeGreaterThan(950);
    expect(out[99].at).toBeLessThan(1030);
    expect(pacer.queuedPackets).toBe(0);
    expect(pacer.pollTimeout()).toBeUndefined();
  });

  it('an idle pacer sends the first packet of a frame at once', () => {
    const out: number[] = [];
    const pacer = new Pacer((p) => out.push(p.length), { rate: 100_000 });
    pacer.enqueue(10, packet(1200, 0), -1, -1, false);
    expect(out).toEqual([1200]);
  });

  it('retransmissions go before queued media, and offsets reach the sink', () => {
    const clock = { now: 0 };
    const out: [number, number, number][] = [];
    const pacer = new Pacer((p, tcc, abs) => out.push([p[0], tcc, abs]), { rate: 400_000 });
    for (let i = 0; i < 10; i++) pacer.enqueue(0, packet(1000, i), 3, 7, false);
    pacer.enqueue(0, packet(500, 99), 5, -1, true);
    drive(pacer, clock, 1000);
    // The idle credit (one full packet) let the first two media packets out at once; the
    // retransmission then overtakes the eight still queued.
    expect(out.map((o) => o[0])).toEqual([0, 1, 99, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(out[2]).toEqual([99, 5, -1]);
    expect(out[3]).toEqual([2, 3, 7]);
    expect(pacer.stats.retransmissionsSent).toBe(1);
  });

  it('never holds more than maxPackets nor (much) longer than maxQueueDelayMs, whatever is written', () => {
    const clock = { now: 0 };
    let released = 0;
    const pacer = new Pacer(() => released++, { rate: 100_000, maxPackets: 64, maxQueueDelayMs: 500 });
    // 10 Mbit/s of writes into a 100 kbit/s pacer for 3 s.
    for (let t = 0; t < 3000; t += 10) {
      for (let k = 0; k < 10; k++) {
        pacer.enqueue(t, packet(1200, k), -1, -1, k === 0 && t % 100 === 0);
        expect(pacer.queuedPackets).toBeLessThanOrEqual(64);
      }
      drive(pacer, clock, t + 10);
      expect(pacer.queueDelay(clock.now)).toBeLessThanOrEqual(500 + 10);
    }
    drive(pacer, clock, 4000);
    expect(pacer.queuedPackets).toBe(0);
    expect(released).toBe(pacer.stats.packetsEnqueued);
    expect(pacer.stats.maxQueueDelayMs).toBeLessThanOrEqual(510);
    expect(pacer.stats.overflowReleases).toBeGreaterThan(0);
  });

  it('a bursty 2 Mbit/s sender through pacer and bottleneck: queue bounded, estimate below capacity', () => {
    const r = runLinkSim({ capacity: () => 1_000_000, durationMs: 20_000, sendRate: 2_000_000, pacer: true });
    expect(r.maxPacerQueue).toBeLessThanOrEqual(1024);
    expect(r.pacer?.stats.maxQueueDelayMs).toBeLessThanOrEqual(510);
    expect(r.estimator.estimate).toBeLessThan(1_000_000);
    expect(r.estimator.estimate).toBeGreaterThan(500_000);
  });

  it('retransmissions are capped at their share of the rate (a NACK storm cannot crowd out new media)', () => {
    const clock = { now: 0 };
    let rtxOut = 0;
    let mediaOut = 0;
    const pacer = new Pacer((p) => (p[0] === 1 ? rtxOut++ : mediaOut++), { rate: 1_000_000, retransmissionShare: 0.4, maxQueueDelayMs: 2000 });
    // For 2 s: 1000 retransmissions/s requested (9.6 Mbit/s) next to 50 media packets/s.
    for (let t = 0; t < 2000; t += 10) {
      for (let k = 0; k < 10; k++) pacer.enqueue(t, packet(1200, 1), -1, -1, true);
      if (t % 20 === 0) pacer.enqueue(t, packet(1200, 2), -1, -1, false);
      drive(pacer, clock, t + 10);
    }
    drive(pacer, clock, 6000);
    // 0.4 × 1 Mbit/s for 2 s (+ the initial 500 ms bucket) = 1 Mbit ≈ 104 packets of 1200 bytes.
    expect(rtxOut).toBeLessThanOrEqual(110);
    expect(rtxOut).toBeGreaterThan(80);
    expect(pacer.stats.retransmissionsDropped).toBe(2000 - rtxOut);
    expect(mediaOut).toBe(100);
  });

  it('rejects nonsensical options with a stable code', () => {
    expect(() => new Pacer(() => undefined, { maxPackets: 1 })).toThrow(expect.objectContaining({ code: 'CC_BAD_PACER_OPTION' }));
    expect(() => new Pacer(() => undefined, { rate: 0 })).toThrow(expect.objectContaining({ code: 'CC_BAD_PACER_OPTION' }));
  });
});
