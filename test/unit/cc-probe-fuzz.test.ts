import fc from 'fast-check';
import { ProbeBitrateEstimator } from '../../src/cc/probe-bitrate-estimator';
import { ProbeController } from '../../src/cc/probe-controller';
import { SendSideBandwidthEstimator } from '../../src/cc/send-side-bwe';

// The probe path under hostile or nonsensical input: forged cluster ids, times and sizes in
// any order never throw; a result is NaN or a finite rate no higher than its cluster's
// target; the estimate stays within its bounds; the controller never probes above the maximum.

const MAX = 8_000_000;
const anyNumber = fc.oneof(fc.double(), fc.integer({ min: -1e6, max: 1e9 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0));
const clusterId = fc.oneof(fc.integer({ min: -2, max: 12 }), fc.constantFrom(0x7fffffff, -0x80000000));

type Op =
  | { k: 'start'; id: number; target: number }
  | { k: 'sent'; id: number; at: number; size: number }
  | { k: 'rx'; id: number; at: number; size: number }
  | { k: 'end'; now: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('start' as const), id: clusterId, target: fc.oneof(fc.integer({ min: 1, max: 2e7 }), anyNumber) }),
  fc.record({ k: fc.constant('sent' as const), id: clusterId, at: anyNumber, size: anyNumber }),
  fc.record({ k: fc.constant('rx' as const), id: clusterId, at: anyNumber, size: anyNumber }),
  fc.record({ k: fc.constant('end' as const), now: anyNumber }),
);

describe('bandwidth probing under fuzzed input', () => {
  it('ProbeBitrateEstimator: results are NaN or finite, positive and within the largest target', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const e = new ProbeBitrateEstimator();
        let maxTarget = 0;
        for (const o of ops) {
          if (o.k === 'start') {
            e.startCluster(o.id, o.target);
            if (o.target > maxTarget) maxTarget = o.target;
          } else if (o.k === 'sent') e.addSent(o.id, o.at, o.size);
          else if (o.k === 'rx') e.addReceived(o.id, o.at, o.size);
          else {
            const r = e.takeResult();
            if (!Number.isNaN(r) && !(Number.isFinite(r) && r > 0 && r <= maxTarget)) return false;
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('estimator fed probe feedback: the estimate stays finite and within [min, max]', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const bwe = new SendSideBandwidthEstimator({ minBitrate: 30_000, maxBitrate: MAX });
        bwe.beginFeedback();
        for (const o of ops) {
          if (o.k === 'start') bwe.startProbeCluster(o.id, o.target);
          else if (o.k === 'sent') bwe.probeSent(o.id, o.at, o.size);
          else if (o.k === 'rx') bwe.addReceived(o.at - 5, o.at, o.size, o.id);
          else {
            bwe.endFeedback(o.now);
            bwe.beginFeedback();
          }
          const est = bwe.estimate;
          if (!(Number.isFinite(est) && est >= 30_000 && est <= MAX)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('ProbeController: any timer and queue sequence probes no faster than once a second and never above the maximum', () => {
    const tick = fc.record({ dt: fc.oneof(fc.integer({ min: 0, max: 3000 }), anyNumber), ready: fc.boolean(), queue: anyNumber, sent: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(fc.array(tick, { maxLength: 200 }), (ticks) => {
        const bwe = new SendSideBandwidthEstimator({ maxBitrate: MAX });
        const pc = new ProbeController(bwe);
        let now = 0;
        let lastRoundAt = Number.NEGATIVE_INFINITY;
        for (const t of ticks) {
          if (Number.isFinite(t.dt) && t.dt >= 0) now += t.dt;
          const before = pc.stats.initialProbes + pc.stats.furtherProbes + pc.stats.demandProbes;
          pc.handleTimeout(now, { ready: t.ready, queueDelayMs: t.queue });
          const after = pc.stats.initialProbes + pc.stats.furtherProbes + pc.stats.demandProbes;
          if (after > before) {
            if (now - lastRoundAt < 1000 || after - before > 1) return false;
            lastRoundAt = now;
          }
          if (pc.prober.active && pc.prober.currentBitrate > MAX) return false;
          for (let k = 0; k < t.sent && pc.currentCluster >= 0; k++) pc.packetSent(now, 1200);
        }
        return pc.stats.initialProbes <= 1;
      }),
      { numRuns: 300 },
    );
  });
});
