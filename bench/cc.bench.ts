// Congestion control: CPU per 1000 transport-cc feedback packets processed (the send-side
// estimator fed through the transport-cc send history) and pacer throughput, side by side
// with werift's SenderBandwidthEstimator (its only sender-side estimator: a delivered-rate
// average, no delay gradient). werift has no pacer, so that row says so. Bandwidth probing:
// CPU with every packet in a probe cluster, and in virtual time (test/unit/cc-link-sim.ts's
// bottleneck model) how fast the 1 Mbit/s start reaches a 5 Mbit/s link with and without it
// (werift neither paces nor probes).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Pacer } from '../src/cc/pacer.js';
import { SendSideBandwidthEstimator } from '../src/cc/send-side-bwe.js';
import { type TransportCc, parseRtcp, serializeRtcp } from '../src/rtp/index.js';
import { TransportCcSender } from '../src/webrtc/transport-cc-sender.js';
import { runLinkSim } from '../test/unit/cc-link-sim.js';
import { type BenchSection, fmt, measure } from './harness.js';

const require = createRequire(import.meta.url);

interface WeriftSenderBwe {
  rtpPacketSent(info: { wideSeq: number; size: number; sendingAtMs: number; sentAtMs: number }): void;
  receiveTWCC(feedback: { packetResults: { sequenceNumber: number; received: boolean; receivedAtMs?: number }[] }): void;
  availableBitrate: number;
}

function loadWeriftBwe(): (new () => WeriftSenderBwe) | undefined {
  try {
    // Not in werift's package exports: loaded by file path.
    const file = join(import.meta.dirname, '..', 'node_modules', 'werift', 'lib', 'webrtc', 'src', 'media', 'sender', 'senderBWE.js');
    return (require(file) as { SenderBandwidthEstimator: new () => WeriftSenderBwe }).SenderBandwidthEstimator;
  } catch {
    return undefined;
  }
}

/** Feedback messages of PER_FB packets each, 1 ms apart on the wire, every 10th lost. */
const PER_FB = 50;
const MESSAGES = 20; // 1000 packets per round

function feedbacks(firstSeq: number, refTime: number): TransportCc[] {
  const out: TransportCc[] = [];
  for (let m = 0; m < MESSAGES; m++) {
    const base = (firstSeq + m * PER_FB) & 0xffff;
    const packets = [];
    for (let k = 0; k < PER_FB; k++) {
      const lost = (m * PER_FB + k) % 10 === 9;
      packets.push({ sequenceNumber: (base + k) & 0xffff, received: !lost, deltaMicros: lost ? undefined : 1000 });
    }
    out.push({ type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: base, referenceTime: (refTime + m) & 0xffffff, feedbackPacketCount: m & 0xff, packets });
  }
  return out;
}

export async function run(): Promise<BenchSection> {
  const lines: string[] = [];
  const packet = new Uint8Array(1200);
  const PACKETS = PER_FB * MESSAGES;

  // omnirtc: stamp 1000 packets, then process their 20 feedback messages (parsed).
  let now = 0;
  const tcc = new TransportCcSender(() => now);
  const bwe = new SendSideBandwidthEstimator();
  tcc.feedbackObserver = bwe;
  let seq = 0;
  let ref = 0;
  const roundInputs = (): TransportCc[] => {
    for (let i = 0; i < PACKETS; i++) {
      now += 1;
      tcc.stampAt(packet, 20, -1);
    }
    const fbs = feedbacks(seq, ref);
    seq = (seq + PACKETS) & 0xffff;
    ref += MESSAGES;
    return fbs;
  };
  let stampOverhead = 0;
  // Only handleFeedback is timed: stamping the round's packets happens outside the clock.
  const timeParsed = (ms: number): number => {
    stampOverhead = 0;
    let rounds = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const fbs = roundInputs();
      const t0 = performance.now();
      for (const fb of fbs) tcc.handleFeedback(fb);
      stampOverhead += performance.now() - t0;
      rounds++;
    }
    return (stampOverhead * 1000) / rounds; // µs per 1000 feedback packets
  };
  timeParsed(300); // warm-up (JIT)
  const oursTimed = timeParsed(1000);

  // omnirtc including RTCP parsing: each round's feedback serialised outside the clock.
  let parseTime = 0;
  let parseRounds = 0;
  {
    const end = performance.now() + 1000;
    while (performance.now() < end) {
      const wire = roundInputs().map((fb) => serializeRtcp([fb]));
      const t0 = performance.now();
      for (const w of wire) for (const p of parseRtcp(w)) if (p.type === 'twcc') tcc.handleFeedback(p);
      parseTime += performance.now() - t0;
      parseRounds++;
    }
  }
  // The same with every packet of the round in a probe cluster of 10 (tagged at stamping).
  const ptcc = new TransportCcSender(() => now);
  const pbwe = new SendSideBandwidthEstimator();
  ptcc.feedbackObserver = pbwe;
  let pseq = 0;
  let pref = 0;
  let cluster = 0;
  let probeTime = 0;
  let probeRounds = 0;
  const timeProbed = (ms: number): void => {
    probeTime = 0;
    probeRounds = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      for (let i = 0; i < PACKETS; i++) {
        now += 1;
        if (i % 10 === 0) pbwe.startProbeCluster(++cluster, 20_000_000);
        ptcc.stampAt(packet, 20, -1, cluster);
        pbwe.probeSent(cluster, now, packet.length);
      }
      const fbs = feedbacks(pseq, pref);
      pseq = (pseq + PACKETS) & 0xffff;
      pref += MESSAGES;
      const t0 = performance.now();
      for (const fb of fbs) ptcc.handleFeedback(fb);
      probeTime += performance.now() - t0;
      probeRounds++;
    }
  };
  timeProbed(300);
  timeProbed(1000);
  const oursProbed = (probeTime * 1000) / probeRounds;
  if (pbwe.stats.probeResults === 0) lines.push('(bench error: no probe cluster was measured)');
  if (tcc.stats.feedbackUnknownPackets > 0) lines.push(`(bench error: ${tcc.stats.feedbackUnknownPackets} feedback entries did not match sent packets)`);
  const oursParsed = (parseTime * 1000) / parseRounds;

  // werift: rtpPacketSent per packet, then receiveTWCC with its packetResults shape.
  const Werift = loadWeriftBwe();
  let weriftUs: number | undefined;
  if (Werift) {
    const w = new Werift();
    let wseq = 0;
    let time = 0;
    let rounds = 0;
    const end = performance.now() + 1000;
    while (performance.now() < end) {
      const fbs: { packetResults: { sequenceNumber: number; received: boolean; receivedAtMs?: number }[] }[] = [];
      for (let m = 0; m < MESSAGES; m++) {
        const results = [];
        for (let k = 0; k < PER_FB; k++) {
          const s = (wseq + m * PER_FB + k) & 0xffff;
          w.rtpPacketSent({ wideSeq: s, size: 1200, sendingAtMs: s, sentAtMs: s });
          const lost = (m * PER_FB + k) % 10 === 9;
          results.push({ sequenceNumber: s, received: !lost, receivedAtMs: lost ? undefined : s + 20 });
        }
        fbs.push({ packetResults: results });
      }
      wseq = (wseq + PACKETS) & 0xffff;
      const t0 = performance.now();
      for (const fb of fbs) w.receiveTWCC(fb);
      time += performance.now() - t0;
      rounds++;
    }
    weriftUs = (time * 1000) / rounds;
  }

  lines.push('CPU per 1000 transport-cc feedback packets (20 messages of 50, 10 % lost), µs (lower is better):', '');
  lines.push('| case | µs / 1000 packets | × omnirtc |', '|---|---:|---:|');
  lines.push(`| omnirtc GCC estimator, parsed feedback | ${oursTimed.toFixed(1)} | 1.00 |`);
  lines.push(`| omnirtc GCC estimator incl. RTCP parse | ${oursParsed.toFixed(1)} | ${(oursParsed / oursTimed).toFixed(2)} |`);
  lines.push(`| omnirtc GCC estimator, parsed feedback, every packet in a probe cluster | ${oursProbed.toFixed(1)} | ${(oursProbed / oursTimed).toFixed(2)} |`);
  lines.push(weriftUs === undefined ? '| werift SenderBandwidthEstimator | not loadable | – |' : `| werift SenderBandwidthEstimator (rate average, no delay gradient), parsed | ${weriftUs.toFixed(1)} | ${(weriftUs / oursTimed).toFixed(2)} |`);
  lines.push('');

  // Pacer: packets/s through enqueue + process at a rate that never binds (pure overhead),
  // and at a binding rate driven by its own pollTimeout in virtual time.
  let sunk = 0;
  const fast = new Pacer(() => sunk++, { rate: 1e12 });
  let t = 0;
  const free = measure('omnirtc pacer, non-binding rate (enqueue → release)', () => {
    for (let i = 0; i < 1000; i++) fast.enqueue(t, packet, 20, -1, false);
    t += 1;
    fast.process(t);
    return 1000;
  });
  const paced = new Pacer(() => sunk++, { rate: 50_000_000, maxQueueDelayMs: 1e9, maxPackets: 4096 });
  let vt = 0;
  const binding = measure('omnirtc pacer, binding rate (virtual time, timer-driven release)', () => {
    for (let i = 0; i < 100; i++) paced.enqueue(vt, packet, 20, -1, i % 20 === 0);
    let n = 0;
    for (let due = paced.pollTimeout(); due !== undefined && n < 10_000; due = paced.pollTimeout(), n++) {
      vt = Math.max(vt, due);
      paced.process(vt);
    }
    return 100;
  });
  lines.push('Pacer throughput, packets/s (1200-byte packets):', '');
  lines.push('| case | packets/s |', '|---|---:|');
  lines.push(`| ${free.name} | ${fmt(free.opsPerSec)} |`);
  lines.push(`| ${binding.name} | ${fmt(binding.opsPerSec)} |`);
  lines.push('| werift | no pacer (packets go out as the application writes them) |');
  if (sunk === 0) lines.push('(no packet released: bench broken)');

  // Probing in virtual time: a 5 Mbit/s bottleneck (20 ms propagation), the estimate starting at 1 Mbit/s.
  const firstAt = (r: ReturnType<typeof runLinkSim>, level: number): string => {
    const hit = r.samples.find((x) => x.estimate >= level);
    return hit ? `${hit.t}` : `> ${r.samples.at(-1)?.t ?? 0}`;
  };
  lines.push('', 'Bandwidth probing in virtual time (test/unit/cc-link-sim.ts model: 5 Mbit/s bottleneck, 400 ms drop-tail queue, pacer at 2.5 × estimate; start estimate 1 Mbit/s):', '');
  lines.push('| sender | probing | ms to estimate ≥ 4 Mbit/s | estimate at 2 s, Mbit/s | longest pacer wait after 2 s, ms | probe rounds |', '|---|---|---:|---:|---:|---:|');
  for (const [label, sendRate] of [['encoder following the estimate', 'estimate'], ['fixed 4.5 Mbit/s (an SFU forwarding)', 4_500_000]] as const) {
    for (const probing of [true, false]) {
      const r = runLinkSim({ capacity: () => 5_000_000, durationMs: 10_000, sendRate, pacer: true, probing });
      const at2 = r.samples.find((x) => x.t === 2000)?.estimate ?? 0;
      lines.push(`| ${label} | ${probing ? 'yes' : 'no'} | ${firstAt(r, 4_000_000)} | ${(at2 / 1e6).toFixed(2)} | ${r.maxPacerDelayAfter(2000).toFixed(0)} | ${r.probeRounds.length} |`);
    }
  }
  lines.push('| werift | no pacer, no probing | – | – | – | – |');
  return { title: 'Congestion control (send-side estimator, pacer)', lines };
}
