// Congestion control: RFC 9260 §7.2 (slow start, congestion avoidance, fast recovery,
// T3 collapse) with one WebRTC-motivated change, documented here because it departs
// from the RFC.
//
// Reno halves cwnd on every loss event. On a lossy wireless or VPN path with 20 %
// random loss that pins cwnd at a handful of packets (throughput ≈ 1.2·MSS/(RTT·√p),
// under 100 kB/s at 40 ms), which is what usrsctp and dcsctp do there. We estimate the
// path's delivery rate (bytes acknowledged per round trip, max over the last 10 rounds),
// its minimum RTT and its loss rate, and take
//     floor = 1.25 × delivery rate × min RTT / (1 − loss rate)
// as "the window the path has been seen to carry" (the loss term gives back what random
// loss takes from the delivery rate, so a lossy path keeps the window it fills). A loss
// event while cwnd is at or below that floor is treated as random loss: cwnd is kept,
// and ssthresh is raised to the floor so that slow start keeps probing. A loss while
// cwnd is above the floor (the RTT has grown, a queue is building, or the delivery rate
// stopped growing with the window: real congestion) reduces cwnd as the RFC says, but
// never below the floor. On a bottleneck the floor settles near 1.25 × the
// bandwidth-delay product, so a drop-tail queue of a quarter BDP or more is not kept
// overflowing. This is BBR's cwnd = gain × bandwidth × min RTT, used only to bound
// Reno's reaction; on a path with no loss it behaves like the RFC.

const FLOOR_GAIN = 1.25;
/**
 * Delivery-rate samples span at least this long: on loopback or a LAN (RTT well under a
 * millisecond) a round is too short to measure with a millisecond clock. With the
 * minimum RTT below, bandwidth × 0.3 ms no longer leaves the floor at 4 packets, where
 * 20 % loss kept the association in T3 timeouts.
 */
const MIN_SAMPLE_MS = 5;
/** The RTT the floor assumes at least (see above); small, so that a fast path whose
 * queue is a socket buffer (loopback, RTT barely above zero) is not kept overflowing. */
const FLOOR_MIN_RTT_MS = 2;
/**
 * Losses count as random only while the smoothed RTT stays within 2 × min RTT + 2 ms:
 * a queue that has grown to that (a socket buffer on loopback, a router queue) makes
 * them congestion losses, whatever the floor says.
 */
function queueing(minRtt: number, srtt: number): boolean {
  return Number.isFinite(minRtt) && srtt > 2 * minRtt + 2;
}
/** Loss compensation is capped: beyond 50 % loss the path is unusable anyway. */
const MAX_LOSS_COMPENSATED = 0.5;
const BW_ROUNDS = 10;

export interface CongestionOptions {
  /** Bytes of user data per packet (the MTU in RFC 9260 §7.2 terms). */
  mtu: number;
  initialCwndPackets: number;
  maxCwnd: number;
}

export class CongestionController {
  cwnd: number;
  ssthresh: number;
  private partialBytesAcked = 0;
  inFastRecovery = false;
  /** Highest TSN outstanding when fast recovery began (RFC 9260 §7.2.4). */
  fastRecoveryExit = 0;

  // Delivery-rate estimation, one sample per round trip.
  private delivered = 0;
  private roundStartAt = -1;
  private roundStartDelivered = 0;
  private roundEndTsn = 0;
  private readonly bwSamples = new Float64Array(BW_ROUNDS);
  private bwIndex = 0;
  /** Max delivery rate seen over the last rounds, bytes per ms. */
  maxBandwidth = 0;
  /** Bytes declared lost in the current round, and the smoothed loss rate. */
  private roundLost = 0;
  lossRate = 0;

  constructor(private readonly opts: CongestionOptions) {
    // RFC 9260 §7.2.1 allows min(4·MTU, max(2·MTU, 4380)); like RFC 6928 for TCP and
    // like dcsctp, WebRTC starts at 10 packets.
    this.cwnd = opts.mtu * opts.initialCwndPackets;
    this.ssthresh = opts.maxCwnd;
  }

  setPeerWindow(aRwnd: number): void {
    // RFC 9260 §7.2.1: the initial ssthresh MAY be the peer's advertised window.
    this.ssthresh = Math.max(aRwnd, 4 * this.opts.mtu);
  }

  /** The window the path has been seen to carry (see the header comment). */
  floor(minRtt: number): number {
    const carried = 1 - Math.min(this.lossRate, MAX_LOSS_COMPENSATED);
    const bdp = Number.isFinite(minRtt) ? (this.maxBandwidth * Math.max(minRtt, FLOOR_MIN_RTT_MS) * FLOOR_GAIN) / carried : 0;
    return Math.min(this.opts.maxCwnd, Math.max(4 * this.opts.mtu, bdp));
  }

  /**
   * A SACK acknowledged `bytes` new bytes (cumulatively or by gap blocks).
   * `flightBefore` is the flight size before the SACK, `cumAdvanced` whether the
   * cumulative TSN moved, `highestAcked` the highest TSN acked so far, `nextTsn` the
   * next TSN to be assigned.
   */
  onAck(
    bytes: number,
    cumAdvanced: boolean,
    flightBefore: number,
    now: number,
    highestAcked: number,
    nextTsn: number,
    minRtt = Number.POSITIVE_INFINITY,
    srtt = 0,
  ): void {
    this.delivered += bytes;
    if (this.roundStartAt < 0) this.startRound(now, nextTsn);
    else if (((highestAcked - this.roundEndTsn) | 0) >= 0 && now - this.roundStartAt >= MIN_SAMPLE_MS) {
      const elapsed = now - this.roundStartAt;
      const roundDelivered = this.delivered - this.roundStartDelivered;
      if (roundDelivered + this.roundLost > 0) {
        this.lossRate = 0.75 * this.lossRate + (0.25 * this.roundLost) / (roundDelivered + this.roundLost);
      }
      this.roundLost = 0;
      {
        this.bwSamples[this.bwIndex] = (this.delivered - this.roundStartDelivered) / elapsed;
        this.bwIndex = (this.bwIndex + 1) % BW_ROUNDS;
        let m = 0;
        for (let i = 0; i < BW_ROUNDS; i++) if (this.bwSamples[i] > m) m = this.bwSamples[i];
        this.maxBandwidth = m;
      }
      this.startRound(now, nextTsn);
      // The floor is a floor: a window below what the path has carried (a recovery
      // period that random losses keep extending) is lifted to it at once.
      const floor = this.floor(minRtt);
      if (this.maxBandwidth > 0 && floor > this.cwnd && !queueing(minRtt, srtt)) {
        this.cwnd = floor;
        this.ssthresh = Math.max(this.ssthresh, floor);
        this.inFastRecovery = false;
        this.partialBytesAcked = 0;
      }
    }
    // RFC 9260 §7.2.1, §7.2.2: grow only when the window was in use and not during
    // fast recovery. The RFC also asks that the cumulative point advanced; we count
    // gap-acknowledged bytes too (delivered is delivered), or under random loss — where
    // the cumulative point waits on a retransmission most of the time — the window
    // could hardly grow. Fast recovery still blocks growth after congestion losses.
    void cumAdvanced;
    if (this.inFastRecovery || bytes === 0) return;
    const mtu = this.opts.mtu;
    if (flightBefore + mtu < this.cwnd) return;
    if (this.cwnd <= this.ssthresh) {
      // Byte counting capped at 4 MTU per SACK (RFC 3465 allows L = 2 with delayed
      // acks; a SACK here covers up to 2 packets, plus gap-acked ones after a loss).
      this.cwnd = Math.min(this.opts.maxCwnd, this.cwnd + Math.min(bytes, 4 * mtu));
    } else {
      this.partialBytesAcked += bytes;
      if (this.partialBytesAcked >= this.cwnd) {
        this.partialBytesAcked -= this.cwnd;
        this.cwnd = Math.min(this.opts.maxCwnd, this.cwnd + mtu);
      }
    }
  }

  private startRound(now: number, nextTsn: number): void {
    this.roundStartAt = now;
    this.roundStartDelivered = this.delivered;
    this.roundEndTsn = nextTsn >>> 0;
  }

  /** Bytes declared lost (by loss detection or T3), for the loss-rate estimate. */
  noteLost(bytes: number): void {
    this.roundLost += bytes;
  }

  /** Fast retransmit detected loss (RFC 9260 §7.2.4); once per recovery period. */
  onLoss(highestOutstandingTsn: number, minRtt: number, srtt = 0): void {
    if (this.inFastRecovery) return;
    const floor = this.floor(minRtt);
    // Before the first bandwidth sample there is no telling random from congestion
    // loss; the initial window is small, so keep it (the next loss decides).
    if (this.maxBandwidth === 0 || (floor >= this.cwnd && !queueing(minRtt, srtt))) {
      // Random loss on a path that carried this window: keep it, keep probing (no
      // recovery period either, so the window may keep growing).
      this.ssthresh = Math.max(this.ssthresh, floor);
      return;
    }
    this.inFastRecovery = true;
    this.fastRecoveryExit = highestOutstandingTsn;
    this.ssthresh = Math.max(this.cwnd / 2, floor);
    this.cwnd = this.ssthresh;
    this.partialBytesAcked = 0;
  }

  /** The cumulative TSN reached `cum`: fast recovery ends past its exit point. */
  onCumulativeAck(cum: number): void {
    if (this.inFastRecovery && ((cum - this.fastRecoveryExit) | 0) >= 0) this.inFastRecovery = false;
  }

  /** T3-rtx expiry (RFC 9260 §7.2.3): restart from one packet, slow start to the floor. */
  onTimeout(minRtt: number): void {
    this.ssthresh = Math.max(this.cwnd / 2, this.floor(minRtt));
    this.cwnd = this.opts.mtu;
    this.partialBytesAcked = 0;
    this.inFastRecovery = false;
  }
}
