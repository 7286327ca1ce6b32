// A virtual-time model of one congested path for the congestion-control tests: an encoder
// that produces a frame every 33 ms (at a fixed rate or following the estimate), an optional
// pacer, a bottleneck link (capacity, drop-tail queue, propagation delay, seeded random loss)
// and a receiver that reports every packet's fate in transport-cc style feedback every
// feedbackIntervalMs. 1 ms steps; no timers, no sockets, deterministic for a seed.
// With `probing`, a ProbeController sends its clusters (queued media first, else padding of
// PROBE_PACKET_BYTES), each packet tagged with its cluster id in the feedback.
import { Pacer } from '../../src/cc/pacer';
import { PROBE_PACKET_BYTES, ProbeController } from '../../src/cc/probe-controller';
import { SendSideBandwidthEstimator, type BandwidthEstimatorOptions } from '../../src/cc/send-side-bwe';
import { seededRandom } from '../sim/seeded-random';

export interface LinkSimOptions {
  /** Bottleneck capacity, bits per second, possibly changing over time (ms). */
  capacity: (t: number) => number;
  durationMs: number;
  /** Encoder rate: a fixed rate (bit/s) or 'estimate' (an encoder that follows the estimator). */
  sendRate: number | 'estimate';
  propagationMs?: number;
  /** Drop-tail bound of the bottleneck queue (ms of queued data at the current capacity). */
  queueLimitMs?: number;
  lossRate?: number;
  seed?: number;
  feedbackIntervalMs?: number;
  pacer?: boolean;
  estimator?: BandwidthEstimatorOptions;
  /** Receiver clock offset (ms): only differences of arrival times may matter. */
  receiverClockOffset?: number;
  /** Bandwidth probing (src/cc/probe-controller.ts) from `probeFrom` ms (default 0). */
  probing?: boolean;
  probeFrom?: number;
}

export interface LinkSimResult {
  estimator: SendSideBandwidthEstimator;
  pacer: Pacer | null;
  /** (time ms, estimate bit/s) once per 100 ms. */
  samples: { t: number; estimate: number }[];
  sentPackets: number;
  lostPackets: number;
  maxPacerQueue: number;
  probes: ProbeController | null;
  /** When each probe round began (ms). */
  probeRounds: number[];
  /** The longest any packet waited in the pacer after `t` ms, per call. */
  maxPacerDelayAfter: (t: number) => number;
}

const PACKET = 1200;
const FRAME_MS = 33;

export function runLinkSim(o: LinkSimOptions): LinkSimResult {
  const prop = o.propagationMs ?? 20;
  const queueLimit = o.queueLimitMs ?? 400;
  const rand = seededRandom(o.seed ?? 1);
  const fbInterval = o.feedbackIntervalMs ?? 50;
  const clockOffset = o.receiverClockOffset ?? 0;
  const bwe = new SendSideBandwidthEstimator(o.estimator);
  // Per packet, by index: send time, size, arrival (NaN = lost), reported.
  const sendAt: number[] = [];
  const size: number[] = [];
  const cluster: number[] = [];
  let sendingCluster = -1;
  const probes = o.probing ? new ProbeController(bwe) : null;
  const probeRounds: number[] = [];
  const pacerDelays: { t: number; delay: number }[] = [];
  const arrival: number[] = [];
  let linkFreeAt = 0;
  let lost = 0;
  let nextReport = 0; // first packet index not yet reported
  const pendingFeedback: { at: number; from: number; to: number }[] = [];
  const samples: { t: number; estimate: number }[] = [];
  let maxPacerQueue = 0;
  let now = 0;

  const transmit = (bytes: number): void => {
    const i = sendAt.length;
    sendAt.push(now);
    size.push(bytes);
    cluster.push(sendingCluster);
    const c = o.capacity(now);
    const start = Math.max(now, linkFreeAt);
    if (start - now > queueLimit) {
      arrival.push(Number.NaN); // drop-tail
      lost++;
      return;
    }
    linkFreeAt = start + (bytes * 8000) / c;
    if (o.lossRate && rand() < o.lossRate) {
      arrival.push(Number.NaN);
      lost++;
      return;
    }
    arrival.push(linkFreeAt + prop);
    void i;
  };
  const pacer = o.pacer ? new Pacer((p) => transmit(p.length)) : null;

  let frameCarry = 0;
  for (now = 0; now <= o.durationMs; now++) {
    if (now % FRAME_MS === 0) {
      const rate = o.sendRate === 'estimate' ? bwe.estimate : o.sendRate;
      let bytes = (rate * FRAME_MS) / 8000 + frameCarry;
      while (bytes >= PACKET) {
        if (pacer) pacer.enqueue(now, new Uint8Array(PACKET), -1, -1, false);
        else transmit(PACKET);
        bytes -= PACKET;
      }
      frameCarry = bytes;
    }
    if (pacer) {
      pacer.setRate(2.5 * bwe.estimate);
      const due = pacer.pollTimeout();
      if (due !== undefined && due <= now) pacer.process(now);
      maxPacerQueue = Math.max(maxPacerQueue, pacer.queuedPackets);
      if (now % 10 === 0) pacerDelays.push({ t: now, delay: pacer.queueDelay(now) });
    }
    if (probes && now >= (o.probeFrom ?? 0)) {
      const s = probes.stats;
      const rounds = s.initialProbes + s.furtherProbes + s.demandProbes;
      probes.handleTimeout(now, { ready: true, queueDelayMs: pacer ? pacer.queueDelay(now) : 0 });
      if (s.initialProbes + s.furtherProbes + s.demandProbes > rounds) probeRounds.push(now);
      for (let due = probes.pollTimeout(now); due !== undefined && due <= now; due = probes.pollTimeout(now)) {
        sendingCluster = probes.currentCluster;
        // Queued media first (the pacer's sink transmits it), else a padding packet.
        let bytes = pacer ? pacer.releaseNext(now) : 0;
        if (bytes === 0) {
          bytes = PROBE_PACKET_BYTES;
          transmit(bytes);
        }
        sendingCluster = -1;
        probes.packetSent(now, bytes);
      }
    }
    if (now % fbInterval === 0) {
      // The receiver reports every packet whose fate it knows by now: arrived, or passed by a later arrival.
      let to = nextReport;
      let lastArrived = -1;
      for (let i = nextReport; i < sendAt.length; i++) if (arrival[i] <= now) lastArrived = i;
      if (lastArrived >= 0) to = lastArrived + 1;
      if (to > nextReport) {
        pendingFeedback.push({ at: now + prop, from: nextReport, to });
        nextReport = to;
      }
    }
    while (pendingFeedback.length > 0 && pendingFeedback[0].at <= now) {
      const fb = pendingFeedback.shift() as { at: number; from: number; to: number };
      bwe.beginFeedback();
      for (let i = fb.from; i < fb.to; i++) {
        if (Number.isNaN(arrival[i]) || arrival[i] > now) bwe.addLost();
        else bwe.addReceived(sendAt[i], arrival[i] + clockOffset, size[i], cluster[i]);
      }
      bwe.endFeedback(now);
    }
    if (now % 100 === 0) samples.push({ t: now, estimate: bwe.estimate });
  }
  const maxPacerDelayAfter = (t: number): number => Math.max(0, ...pacerDelays.filter((d) => d.t >= t).map((d) => d.delay));
  return { estimator: bwe, pacer, samples, sentPackets: sendAt.length, lostPackets: lost, maxPacerQueue, probes, probeRounds, maxPacerDelayAfter };
}

/** Samples in [from, to] ms. */
export function between(samples: { t: number; estimate: number }[], from: number, to: number): number[] {
  return samples.filter((s) => s.t >= from && s.t <= to).map((s) => s.estimate);
}
