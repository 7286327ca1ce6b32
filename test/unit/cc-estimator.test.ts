import { AimdRateControl } from '../../src/cc/aimd-rate-control';
import { InterArrival } from '../../src/cc/inter-arrival';
import { OveruseDetector } from '../../src/cc/overuse-detector';
import { SendSideBandwidthEstimator } from '../../src/cc/send-side-bwe';
import { TrendlineEstimator } from '../../src/cc/trendline-estimator';
import { between, runLinkSim } from './cc-link-sim';

// The GCC-style estimator (draft-ietf-rmcat-gcc-02) in virtual time over a modelled
// bottleneck (test/unit/cc-link-sim.ts): convergence, a capacity drop, random loss, REMB.

describe('InterArrival (gcc-02 §5.2 grouping)', () => {
  it('groups packets sent within 5 ms and yields one delta pair per completed group', () => {
    const ia = new InterArrival();
    const out: [number, number][] = [];
    // Three bursts 20 ms apart, 3 packets each 1 ms apart; each burst arrives 2 ms later than the last.
    for (let g = 0; g < 3; g++) {
      for (let k = 0; k < 3; k++) if (ia.add(g * 20 + k, 1000 + g * 22 + k)) out.push([ia.sendDelta, ia.arrivalDelta]);
    }
    expect(ia.add(60, 1066)).toBe(true);
    out.push([ia.sendDelta, ia.arrivalDelta]);
    expect(out).toEqual([
      [20, 22],
      [20, 22],
    ]);
  });

  it('ignores reordered packets and restarts after an arrival-clock jump', () => {
    const ia = new InterArrival();
    ia.add(100, 1000);
    ia.add(50, 1001);
    expect(ia.reordered).toBe(1);
    ia.add(120, 900_000);
    expect(ia.resets).toBe(1);
  });
});

describe('TrendlineEstimator and OveruseDetector (gcc-02 §5.3–5.4)', () => {
  it('a steadily growing queue is overuse, a draining one underuse, a flat one normal', () => {
    const run = (extraPerGroup: number): string => {
      const t = new TrendlineEstimator();
      const d = new OveruseDetector();
      let arrival = 0;
      for (let i = 0; i < 60; i++) {
        arrival += 10 + extraPerGroup;
        const trend = t.update(10, 10 + extraPerGroup, arrival);
        d.detect(trend, 10, t.sampleCount, arrival);
      }
      return d.state;
    };
    expect(run(2)).toBe('overuse');
    expect(run(-2)).toBe('underuse');
    expect(run(0)).toBe('normal');
  });

  it('the adaptive threshold stays within [6, 600]', () => {
    const d = new OveruseDetector();
    for (let i = 0; i < 1000; i++) d.detect(i % 2 ? 1e6 : 0, 5, 100, i * 5);
    expect(d.threshold).toBeGreaterThanOrEqual(6);
    expect(d.threshold).toBeLessThanOrEqual(600);
  });
});

describe('AimdRateControl (gcc-02 §5.5)', () => {
  it('increases about 8 %/s far from convergence and decreases to 0.85 × the acknowledged rate on overuse', () => {
    const a = new AimdRateControl(1_000_000, 10_000, 50_000_000);
    for (let t = 0; t <= 1000; t += 100) a.update('normal', 2_000_000, t);
    expect(a.bitrate).toBeGreaterThan(1_070_000);
    expect(a.bitrate).toBeLessThan(1_100_000);
    a.update('overuse', 900_000, 1100);
    expect(a.bitrate).toBeCloseTo(765_000, -2);
    // Hold while the queue drains (underuse), then increase additively near the known capacity.
    a.update('underuse', 900_000, 1200);
    expect(a.bitrate).toBeCloseTo(765_000, -2);
    a.update('normal', 900_000, 1300);
    a.update('normal', 900_000, 2300);
    expect(a.nearConvergence).toBe(true);
    expect(a.bitrate - 765_000).toBeGreaterThan(0);
    expect(a.bitrate - 765_000).toBeLessThan(765_000 * 0.08);
  });

  it('never increases beyond 1.5 × the acknowledged rate (an application-limited sender)', () => {
    const a = new AimdRateControl(100_000, 10_000, 50_000_000);
    for (let t = 0; t <= 60_000; t += 100) a.update('normal', 100_000, t);
    expect(a.bitrate).toBeLessThanOrEqual(1.5 * 100_000 + 10_000);
  });
});

describe('SendSideBandwidthEstimator over a virtual bottleneck', () => {
  it('converges to within ±25 % of a steady 2 Mbit/s capacity in 30 s from 300 kbit/s', () => {
    const C = 2_000_000;
    const r = runLinkSim({ capacity: () => C, durationMs: 45_000, sendRate: 'estimate', estimator: { startBitrate: 300_000 }, receiverClockOffset: 123_456 });
    const settled = between(r.samples, 30_000, 45_000);
    expect(Math.min(...settled)).toBeGreaterThan(0.75 * C);
    expect(Math.max(...settled)).toBeLessThan(1.25 * C);
    expect(r.estimator.stats.overuseSignals).toBeGreaterThan(0);
  });

  it('follows a capacity drop from 3 to 1 Mbit/s within 2 s and stays near the new capacity', () => {
    const r = runLinkSim({ capacity: (t) => (t < 30_000 ? 3_000_000 : 1_000_000), durationMs: 40_000, sendRate: 'estimate' });
    expect(between(r.samples, 28_000, 30_000).every((e) => e > 2_250_000)).toBe(true);
    expect(Math.max(...between(r.samples, 32_000, 40_000))).toBeLessThan(1_250_000);
    expect(Math.min(...between(r.samples, 32_000, 40_000))).toBeGreaterThan(500_000);
  });

  it('a sender already getting 3 Mbit/s through (no probing) is credited with it after 5 s, not 15 s of 8 %/s', () => {
    const r = runLinkSim({ capacity: () => 10_000_000, durationMs: 8_000, sendRate: 3_000_000, pacer: true });
    expect(Math.max(...between(r.samples, 0, 4_000))).toBeLessThan(1_500_000);
    expect(Math.min(...between(r.samples, 6_000, 8_000))).toBeGreaterThan(2_500_000);
  });

  it('decreases under 15 % seeded random loss on an otherwise idle path', () => {
    const r = runLinkSim({ capacity: () => 50_000_000, durationMs: 12_000, sendRate: 'estimate', lossRate: 0.15, seed: 7 });
    expect(r.estimator.stats.lossBasedDecreases).toBeGreaterThan(5);
    expect(r.estimator.estimate).toBeLessThan(500_000);
    expect(r.estimator.lossFraction).toBeGreaterThan(0.05);
  });

  it('keeps increasing under 1 % loss (below the 2 % threshold)', () => {
    const r = runLinkSim({ capacity: () => 50_000_000, durationMs: 8_000, sendRate: 'estimate', lossRate: 0.01, seed: 3 });
    expect(r.estimator.estimate).toBeGreaterThan(1_300_000);
  });

  it('RTCP RR fraction lost above 10 % cuts the estimate; REMB caps it; bounds hold', () => {
    const bwe = new SendSideBandwidthEstimator({ startBitrate: 1_000_000, minBitrate: 50_000, maxBitrate: 5_000_000 });
    bwe.handleReceiverReport(0, 0.3, 50);
    expect(bwe.estimate).toBe(850_000);
    bwe.handleReceiverReport(100, 0.3, 50); // within 300 ms + RTT: one cut per loss episode
    expect(bwe.estimate).toBe(850_000);
    bwe.handleRemb(400_000);
    expect(bwe.estimate).toBe(400_000);
    bwe.handleRemb(1);
    expect(bwe.estimate).toBe(50_000);
    bwe.handleReceiverReport(1000, Number.NaN);
    bwe.handleRemb(-5);
    expect(bwe.stats.badSamples).toBe(2);
    expect(() => new SendSideBandwidthEstimator({ minBitrate: 10, maxBitrate: 5 })).toThrow(expect.objectContaining({ code: 'CC_BAD_BITRATE_BOUNDS' }));
  });
});
