import { BitrateProber, PROBE_MIN_DURATION_MS, PROBE_MIN_PACKETS } from '../../src/cc/bitrate-prober';
import { ProbeBitrateEstimator } from '../../src/cc/probe-bitrate-estimator';
import { PROBE_PACKET_BYTES, ProbeController } from '../../src/cc/probe-controller';
import { SendSideBandwidthEstimator } from '../../src/cc/send-side-bwe';
import { between, runLinkSim } from './cc-link-sim';

// Bandwidth probing in virtual time: cluster sizes and spacing (BitrateProber), the rate a
// cluster's feedback shows (ProbeBitrateEstimator), when probes go (ProbeController), and
// the whole loop over the modelled bottleneck of test/unit/cc-link-sim.ts.

/** Sends every packet of the prober's clusters as it comes due, 0.1 ms steps; returns send times per cluster. */
function drain(prober: BitrateProber, size: number, until = 1000): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let now = 0; now <= until && prober.active; now += 0.1) {
    for (let due = prober.pollTimeout(now); due !== undefined && due <= now; due = prober.pollTimeout(now)) {
      const id = prober.currentCluster;
      out.set(id, [...(out.get(id) ?? []), now]);
      prober.packetSent(now, size);
    }
  }
  return out;
}

describe('BitrateProber: probe clusters', () => {
  it('a cluster is at least 5 packets and 15 ms at its rate, its packets spaced by size ÷ rate', () => {
    const p = new BitrateProber();
    expect(p.addCluster(7, 3_000_000, PROBE_PACKET_BYTES)).toBe(true);
    expect(p.addCluster(8, 6_000_000, PROBE_PACKET_BYTES)).toBe(true);
    const sent = drain(p, PROBE_PACKET_BYTES);
    // 3 Mbit/s × 15 ms = 5625 bytes < 5 packets of 1200: the packet minimum rules.
    const a = sent.get(7) as number[];
    expect(a.length).toBe(PROBE_MIN_PACKETS);
    // 6 Mbit/s × 15 ms = 11 250 bytes: 10 packets of 1200.
    const b = sent.get(8) as number[];
    expect(b.length).toBe(10);
    expect(b.length * PROBE_PACKET_BYTES * 8000).toBeGreaterThanOrEqual(6_000_000 * PROBE_MIN_DURATION_MS);
    // Spacing 1200 B at 6 Mbit/s = 1.6 ms (±1 step of 0.1 ms).
    for (let i = 1; i < b.length; i++) expect(Math.abs(b[i] - b[i - 1] - 1.6)).toBeLessThanOrEqual(0.11);
    // The send rate over the cluster (all but the last packet's bytes over its span) is its target.
    const rate = ((b.length - 1) * PROBE_PACKET_BYTES * 8000) / (b[b.length - 1] - b[0]);
    expect(rate / 6_000_000).toBeGreaterThan(0.95);
    expect(rate / 6_000_000).toBeLessThan(1.05);
    expect(p.stats.clustersSent).toBe(2);
    expect(p.active).toBe(false);
  });

  it('small packets make a cluster of more packets, never shorter than 15 ms', () => {
    const p = new BitrateProber();
    p.addCluster(1, 6_000_000, PROBE_PACKET_BYTES);
    const sent = drain(p, 290).get(1) as number[];
    expect(sent.length).toBe(Math.ceil(11_250 / 290));
    expect(sent[sent.length - 1] - sent[0]).toBeGreaterThanOrEqual(PROBE_MIN_DURATION_MS - 0.5);
  });

  it('is bounded: at most 4 clusters wait, and one its owner feeds nothing is abandoned after 1 s', () => {
    const p = new BitrateProber();
    for (let i = 0; i < 4; i++) expect(p.addCluster(i, 1e6, 1200)).toBe(true);
    expect(p.addCluster(9, 1e6, 1200)).toBe(false);
    expect(p.stats.clustersDropped).toBe(1);
    expect(p.addCluster(10, 0, 1200)).toBe(false);
    p.handleTimeout(0);
    p.handleTimeout(999);
    expect(p.currentCluster).toBe(0);
    p.handleTimeout(1000);
    expect(p.currentCluster).toBe(1);
    expect(p.stats.clustersAbandoned).toBe(1);
  });

  it('an owner with nothing to send is asked again 5 ms later, not in a busy loop', () => {
    const p = new BitrateProber();
    p.addCluster(1, 6e6, 1200);
    expect(p.pollTimeout(100)).toBe(100);
    p.nothingToSend(100);
    expect(p.pollTimeout(100)).toBe(105);
    p.packetSent(105, 1200);
    expect(p.pollTimeout(105)).toBeCloseTo(105 + 1.6, 5);
  });
});

/** Feeds a cluster of `n` packets sent `sendGap` ms apart, arriving `arriveGap` apart; `lost` indexes never arrive. */
function feedCluster(e: ProbeBitrateEstimator, id: number, target: number, n: number, sendGap: number, arriveGap: number, lost: Set<number> = new Set(), size = 1200): void {
  e.startCluster(id, target);
  for (let i = 0; i < n; i++) e.addSent(id, 1000 + i * sendGap, size);
  for (let i = 0; i < n; i++) if (!lost.has(i)) e.addReceived(id, 50_000 + i * arriveGap, size);
}

describe('ProbeBitrateEstimator: what a cluster showed', () => {
  it('a burst the path carried gives its send rate', () => {
    const e = new ProbeBitrateEstimator();
    // 10 × 1200 B, 1.6 ms apart = 6 Mbit/s, arriving the same.
    feedCluster(e, 1, 6e6, 10, 1.6, 1.6);
    expect(e.takeResult()).toBeCloseTo(6e6, -3);
    expect(Number.isNaN(e.takeResult())).toBe(true); // taken once
    expect(e.stats.clustersMeasured).toBe(1);
  });

  it('a burst that queued at a 4 Mbit/s bottleneck gives 0.95 × the receive rate', () => {
    const e = new ProbeBitrateEstimator();
    // Sent at 6 Mbit/s, drained at 4 Mbit/s: 1200 B every 2.4 ms.
    feedCluster(e, 1, 6e6, 10, 1.6, 2.4);
    expect(e.takeResult()).toBeCloseTo(0.95 * 4e6, -3);
  });

  it('never shows more than the cluster was aimed at, nor trusts a receive burst far faster than sent', () => {
    const e = new ProbeBitrateEstimator();
    // A late timer sent the cluster in 0.5 ms steps (19 Mbit/s) though it aimed at 6.
    feedCluster(e, 1, 6e6, 10, 0.5, 0.5);
    expect(e.takeResult()).toBe(6e6);
    // Arrivals bunched by the receiver's feedback clock: 10× the send rate is no measurement.
    feedCluster(e, 2, 6e6, 10, 1.6, 0.16);
    expect(Number.isNaN(e.takeResult())).toBe(true);
  });

  it('lost packets: under 80 % received is no result; 80 % is, and late arrivals complete a cluster', () => {
    const e = new ProbeBitrateEstimator();
    feedCluster(e, 1, 6e6, 10, 1.6, 1.6, new Set([2, 5, 8]));
    expect(Number.isNaN(e.takeResult())).toBe(true);
    expect(Number.isNaN(e.resultOf(1))).toBe(true);
    // 8 of 10: the 7 bytes-counted packets over 9 gaps read as a queue (< 0.9 × sent).
    feedCluster(e, 2, 6e6, 10, 1.6, 1.6, new Set([2, 5]));
    expect(e.takeResult()).toBeCloseTo((0.95 * 7 * 1200 * 8000) / (9 * 1.6), -3);
    // Cluster 3: packets 7-9 reported late (a later feedback): the result appears then.
    feedCluster(e, 3, 3e6, 10, 3.2, 3.2, new Set([7, 8, 9]));
    expect(Number.isNaN(e.takeResult())).toBe(true);
    e.addReceived(3, 50_000 + 7 * 3.2, 1200);
    expect(e.takeResult()).toBeCloseTo(3e6, -4);
  });

  it('drops bad samples and unknown clusters, and forgets the oldest of more than 8 clusters', () => {
    const e = new ProbeBitrateEstimator();
    e.startCluster(1, 1e6);
    e.addSent(1, Number.NaN, 100);
    e.addReceived(1, 5, -1);
    e.addReceived(42, 5, 100);
    e.addSent(-1, 5, 100);
    expect(e.stats.badSamples).toBe(2);
    expect(e.stats.unknownClusterPackets).toBe(2);
    for (let id = 2; id < 10; id++) e.startCluster(id, 1e6);
    e.addReceived(1, 10, 100);
    expect(e.stats.unknownClusterPackets).toBe(3);
  });
});

describe('SendSideBandwidthEstimator with probe results', () => {
  it('a probe result above the estimate becomes the estimate (delay-based rate jumps), one below changes nothing', () => {
    const bwe = new SendSideBandwidthEstimator({ startBitrate: 1e6 });
    bwe.startProbeCluster(0, 3e6);
    for (let i = 0; i < 5; i++) bwe.probeSent(0, 10 + i * 3.2, 1200);
    bwe.beginFeedback();
    for (let i = 0; i < 5; i++) bwe.addReceived(10 + i * 3.2, 500 + i * 3.2, 1200, 0);
    bwe.endFeedback(100);
    expect(bwe.estimate).toBeCloseTo(3e6, -4);
    expect(bwe.delayBasedEstimate).toBeCloseTo(3e6, -4);
    expect(bwe.stats.probeIncreases).toBe(1);
    bwe.startProbeCluster(1, 6e6);
    for (let i = 0; i < 10; i++) bwe.probeSent(1, 200 + i * 1.6, 1200);
    bwe.beginFeedback();
    // Drained at 2 Mbit/s: 0.95 × 2 < 3 Mbit/s.
    for (let i = 0; i < 10; i++) bwe.addReceived(200 + i * 1.6, 700 + i * 4.8, 1200, 1);
    bwe.endFeedback(250);
    expect(bwe.stats.probeResults).toBe(2);
    expect(bwe.stats.probeIncreases).toBe(1);
    expect(bwe.estimate).toBeGreaterThan(2.9e6);
    expect(bwe.lastProbeResult).toBeCloseTo(0.95 * 2e6, -4);
  });

  it('late feedback about a cluster sent before a rate cut does not undo the cut', () => {
    const bwe = new SendSideBandwidthEstimator({ startBitrate: 1e6 });
    bwe.startProbeCluster(0, 6e6);
    for (let i = 0; i < 10; i++) bwe.probeSent(0, 10 + i * 1.6, 1200);
    // A loss report cuts the rate (RR fraction lost 50 %) at 100 ms, after the cluster went out.
    bwe.handleReceiverReport(100, 0.5);
    expect(bwe.lastDecreaseAt).toBe(100);
    const cut = bwe.estimate;
    expect(cut).toBeLessThan(1e6);
    bwe.beginFeedback();
    for (let i = 0; i < 10; i++) bwe.addReceived(10 + i * 1.6, 500 + i * 1.6, 1200, 0);
    bwe.endFeedback(150);
    expect(bwe.stats.probeResults).toBe(1);
    expect(bwe.stats.probeIncreases).toBe(0);
    expect(bwe.estimate).toBeLessThanOrEqual(cut);
  });

  it('never probes above maxBitrate', () => {
    const bwe = new SendSideBandwidthEstimator({ startBitrate: 1e6, maxBitrate: 2e6 });
    const pc = new ProbeController(bwe);
    pc.handleTimeout(0, { ready: true, queueDelayMs: 0 });
    // 3× and 6× the start are both capped at 2 Mbit/s: the second cluster adds nothing.
    expect(pc.prober.currentBitrate).toBe(2e6);
    expect(bwe.stats.probeClusters).toBe(1);
  });

  it('nor far above the application\'s own maxBitrate (1.25 × the encodings\' sum), nor at all at or below the estimate', () => {
    const bwe = new SendSideBandwidthEstimator({ startBitrate: 1e6 });
    const pc = new ProbeController(bwe, () => 2e6);
    pc.handleTimeout(0, { ready: true, queueDelayMs: 0 });
    expect(pc.prober.currentBitrate).toBe(2.5e6);
    expect(bwe.stats.probeClusters).toBe(1);
    const capped = new SendSideBandwidthEstimator({ startBitrate: 1e6 });
    const none = new ProbeController(capped, () => 500_000);
    none.handleTimeout(0, { ready: true, queueDelayMs: 0 });
    expect(none.prober.active).toBe(false);
    expect(capped.stats.probeClusters).toBe(0);
  });
});

describe('ProbeController over a virtual bottleneck', () => {
  it('from 1 Mbit/s, the estimate reaches ~capacity of a 5 Mbit/s link within 2 s', () => {
    const r = runLinkSim({ capacity: () => 5e6, durationMs: 4000, sendRate: 'estimate', pacer: true, probing: true });
    const within2s = between(r.samples, 0, 2000);
    expect(Math.max(...within2s)).toBeGreaterThan(0.85 * 5e6);
    expect(Math.max(...within2s)).toBeLessThan(1.1 * 5e6);
    // Still there later, without overshooting far.
    for (const e of between(r.samples, 2000, 4000)) {
      expect(e).toBeGreaterThan(0.7 * 5e6);
      expect(e).toBeLessThan(1.1 * 5e6);
    }
    expect(r.probeRounds[0]).toBe(0);
    // Without probing the same start is still near 1 Mbit/s after 2 s.
    const slow = runLinkSim({ capacity: () => 5e6, durationMs: 2000, sendRate: 'estimate', pacer: true });
    expect(Math.max(...between(slow.samples, 0, 2000))).toBeLessThan(1.5e6);
  });

  it('a 4.5 Mbit/s sender on a 5 Mbit/s link waits < 300 ms in the pacer after 2 s (seconds without probing)', () => {
    const probed = runLinkSim({ capacity: () => 5e6, durationMs: 5000, sendRate: 4.5e6, pacer: true, probing: true });
    expect(probed.maxPacerDelayAfter(2000)).toBeLessThan(300);
    expect(probed.lostPackets).toBe(0);
    const unprobed = runLinkSim({ capacity: () => 5e6, durationMs: 5000, sendRate: 4.5e6, pacer: true });
    expect(unprobed.maxPacerDelayAfter(2000)).toBeGreaterThan(200);
  });

  it('an application-limited sender gets the start probe only', () => {
    const r = runLinkSim({ capacity: () => 5e6, durationMs: 8000, sendRate: 1e6, pacer: true, probing: true });
    expect(r.probeRounds).toEqual([0]);
    expect(r.probes?.stats.demandProbes).toBe(0);
  });

  it('no probe while the link is at capacity: a 4× writer on 1 Mbit/s gets few, backed-off demand probes', () => {
    const r = runLinkSim({ capacity: () => 1e6, durationMs: 20_000, sendRate: 4e6, pacer: true, probing: true });
    const stats = r.probes?.stats;
    expect(stats?.furtherProbes).toBe(0); // the start probe failed: no exponential phase
    expect(stats?.demandProbesSuppressed).toBeGreaterThan(0); // recent decreases held them back
    expect(stats?.demandProbes).toBeLessThanOrEqual(4);
    // Bounded frequency: rounds at least 1 s apart, and each failed demand probe doubles the wait.
    for (let i = 1; i < r.probeRounds.length; i++) expect(r.probeRounds[i] - r.probeRounds[i - 1]).toBeGreaterThanOrEqual(1000);
    for (const e of between(r.samples, 5000, 20_000)) expect(e).toBeLessThan(1e6);
  });

  it('a link that opens up is found by demand probes (the queue held > 200 ms for 1 s)', () => {
    const r = runLinkSim({ capacity: (t) => (t < 5000 ? 1e6 : 8e6), durationMs: 14_000, sendRate: 6e6, pacer: true, probing: true });
    expect(r.probes?.stats.demandProbes).toBeGreaterThan(0);
    const unprobed = runLinkSim({ capacity: (t) => (t < 5000 ? 1e6 : 8e6), durationMs: 14_000, sendRate: 6e6, pacer: true });
    expect(r.estimator.estimate).toBeGreaterThan(2 * unprobed.estimator.estimate);
    for (let i = 1; i < r.probeRounds.length; i++) expect(r.probeRounds[i] - r.probeRounds[i - 1]).toBeGreaterThanOrEqual(1000);
  });

  it('probes at most once a second and never before transport-cc feedback is possible', () => {
    const bwe = new SendSideBandwidthEstimator();
    const pc = new ProbeController(bwe);
    pc.handleTimeout(0, { ready: false, queueDelayMs: 1000 });
    expect(pc.prober.active).toBe(false);
    pc.handleTimeout(10, { ready: true, queueDelayMs: 0 });
    expect(pc.stats.initialProbes).toBe(1);
    // The clusters get no packets (nothing to send): abandoned; the queue then says "more" for 3 s.
    let rounds = 0;
    for (let t = 10; t <= 4010; t += 5) {
      const before = pc.stats.demandProbes + pc.stats.furtherProbes;
      pc.handleTimeout(t, { ready: true, queueDelayMs: 400 });
      if (pc.stats.demandProbes + pc.stats.furtherProbes > before) rounds++;
    }
    expect(pc.stats.initialProbes).toBe(1);
    expect(rounds).toBeLessThanOrEqual(3);
    expect(rounds).toBeGreaterThan(0);
  });
});

describe('ProbeBitrateEstimator: targets that cannot be rates', () => {
  it('a cluster with a NaN, infinite, zero or negative target (or a negative id) is not started', () => {
    const e = new ProbeBitrateEstimator();
    for (const t of [Number.NaN, Number.POSITIVE_INFINITY, 0, -5]) feedCluster(e, 1, t, 10, 1.6, 1.6);
    feedCluster(e, -3, 1e6, 10, 1.6, 1.6);
    expect(Number.isNaN(e.takeResult())).toBe(true);
    expect(e.stats.clustersStarted).toBe(0);
    expect(e.stats.badSamples).toBe(5);
  });
});
