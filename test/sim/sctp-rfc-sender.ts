// A data sender that does what RFC 9260 §6 and §7 say and nothing more, as Chromium's
// dcsctp does: slow start grows cwnd per SACK that advances the cumulative TSN, by at most
// one MTU (§7.2.1); fast retransmit after three miss indications counted from the highest
// TSN newly acknowledged (§7.2.4), once per chunk; T3-rtx the only other recovery (§6.3.3)
// with RTO.Min 400 ms, doubling on expiry and, as dcsctp's timer does, back to the
// computed RTO whenever the cumulative TSN advances; no tail-loss probe, no RACK. Our own association
// recovers from lost SACKs by itself (RACK, probes), so it cannot show how a receiver's
// acknowledgement pattern treats such a peer; this one can. One DATA chunk per packet, one
// stream, reliable and ordered. Sans-IO like the engines (SimNetwork drives it).
import { ChunkType, DATA_FLAG_BEGIN, DATA_FLAG_END, DATA_HEADER_SIZE, pad4 } from '../../src/sctp/chunk-type';
import { writeData } from '../../src/sctp/chunks/data';
import { parseSack } from '../../src/sctp/chunks/sack';
import { sealPacket, splitChunks } from '../../src/sctp/packet';
import type { SansIoEndpoint } from './sctp-harness';

const MTU = 1100;
const RTO_MIN = 400;
const RTO_MAX = 60_000;

interface Outstanding {
  tsn: number;
  flags: number;
  ssn: number;
  data: Uint8Array;
  sentAt: number;
  transmissions: number;
  acked: boolean;
  /** Counted in the flight (sent, not acked, not marked for retransmission). */
  inFlight: boolean;
  nacks: number;
  fastRetransmitted: boolean;
  retransmit: boolean;
}

export interface RfcSenderPeer {
  /** The receiver's verification tag, its view of our initial TSN, whether it takes zero checksums. */
  peerTag: number;
  initialTsn: number;
  zeroChecksum: boolean;
}

export class RfcSender implements SansIoEndpoint {
  cwnd = 4 * MTU;
  ssthresh = 1 << 30;
  private pba = 0;
  private flight = 0;
  private rwnd = 1 << 20;
  private cum: number;
  private nextTsn: number;
  private ssn = 0;
  private readonly out: Outstanding[] = [];
  private t3 = Number.POSITIVE_INFINITY;
  /** RTO from the RTT estimate (§6.3.1) and the backoff factor of consecutive expiries. */
  private rto = 500;
  private backoff = 1;
  private srtt = 0;
  private rttvar = 0;
  private fastRecoveryExit: number | undefined;
  private fastRtxDue = false;
  private now = 0;
  /** Bytes not yet put in a DATA chunk, of the message being sent. */
  private pending: Uint8Array | undefined;
  private pendingOffset = 0;
  private messages: Uint8Array[] = [];
  readonly stats = { t3Expiries: 0, fastRetransmits: 0, sacks: 0, packets: 0, longestT3Gap: 0 };
  private lastProgressAt = 0;

  constructor(private readonly peer: RfcSenderPeer) {
    this.cum = (peer.initialTsn - 1) >>> 0;
    this.nextTsn = peer.initialTsn;
  }

  send(message: Uint8Array): void {
    this.messages.push(message);
  }

  /** Everything sent and acknowledged. */
  get idle(): boolean {
    return this.out.length === 0 && !this.pending && this.messages.length === 0;
  }

  handleInput(now: number, bytes: Uint8Array): void {
    this.now = now;
    for (const c of splitChunks(bytes) ?? []) {
      if (c.type !== ChunkType.SACK) continue;
      const s = parseSack(c);
      if (s) this.onSack(s.cumulativeTsnAck, s.gapStarts, s.gapEnds, s.aRwnd);
    }
  }

  private onSack(cum: number, gapStarts: number[], gapEnds: number[], aRwnd: number): void {
    // §6.2.1 D i): an older cumulative TSN is an out-of-order SACK.
    if (((cum - this.cum) | 0) < 0) return;
    this.stats.sacks++;
    const flightBefore = this.flight;
    let acked = 0;
    const cumAdvanced = cum !== this.cum;
    while (this.out.length > 0 && ((cum - this.out[0].tsn) | 0) >= 0) {
      const c = this.out.shift()!;
      if (!c.acked) acked += c.data.length;
      if (c.inFlight) this.flight -= c.data.length;
      // §6.3.1 C5 (Karn): only chunks sent once give RTT samples.
      if (c.transmissions === 1 && !c.acked && cum === c.tsn) this.rttSample(this.now - c.sentAt);
    }
    this.cum = cum;
    let highestNewlyAcked = -1;
    for (let g = 0; g < gapStarts.length; g++) {
      for (let off = gapStarts[g]; off <= gapEnds[g]; off++) {
        const i = off - 1;
        const c = this.out[i];
        if (!c || c.acked) continue;
        c.acked = true;
        if (c.inFlight) this.flight -= c.data.length;
        c.inFlight = false;
        c.retransmit = false;
        acked += c.data.length;
        highestNewlyAcked = i;
      }
    }
    if (cumAdvanced && this.fastRecoveryExit !== undefined && ((cum - this.fastRecoveryExit) | 0) >= 0) this.fastRecoveryExit = undefined;
    // §7.2.4: a miss indication for each unacked TSN below the highest newly acked one.
    let loss = false;
    for (let i = 0; i < highestNewlyAcked; i++) {
      const c = this.out[i];
      if (c.acked || c.fastRetransmitted || c.retransmit) continue;
      if (++c.nacks >= 3) {
        c.retransmit = true;
        c.fastRetransmitted = true;
        if (c.inFlight) this.flight -= c.data.length;
        c.inFlight = false;
        loss = true;
        this.stats.fastRetransmits++;
      }
    }
    if (cumAdvanced) {
      // §7.2.1, §7.2.2: grow only when the window was full.
      const full = flightBefore + MTU >= this.cwnd;
      if (this.cwnd <= this.ssthresh) {
        if (full && this.fastRecoveryExit === undefined) this.cwnd += Math.min(acked, MTU);
      } else {
        this.pba += acked;
        if (this.pba >= this.cwnd && full) {
          this.pba -= this.cwnd;
          this.cwnd += MTU;
        }
      }
      this.lastProgressAt = this.now;
    }
    if (loss && this.fastRecoveryExit === undefined) {
      this.ssthresh = Math.max(this.cwnd / 2, 4 * MTU);
      this.cwnd = this.ssthresh;
      this.pba = 0;
      this.fastRecoveryExit = (this.nextTsn - 1) >>> 0;
      this.fastRtxDue = true;
    }
    let unacked = 0;
    for (const c of this.out) if (!c.acked) unacked += c.data.length;
    this.rwnd = Math.max(0, aRwnd - unacked);
    // §6.3.2 R2, R3.
    if (cumAdvanced) this.backoff = 1;
    if (this.out.length === 0) this.t3 = Number.POSITIVE_INFINITY;
    else if (cumAdvanced || this.t3 === Number.POSITIVE_INFINITY) this.t3 = this.now + this.timeout();
  }

  private rttSample(r: number): void {
    if (this.srtt === 0) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.rto = Math.min(RTO_MAX, Math.max(RTO_MIN, this.srtt + 4 * this.rttvar));
  }

  private timeout(): number {
    return Math.min(RTO_MAX, this.rto * this.backoff);
  }

  handleTimeout(now: number): void {
    this.now = now;
    if (now < this.t3) return;
    // §6.3.3 E1-E3.
    this.stats.t3Expiries++;
    this.stats.longestT3Gap = Math.max(this.stats.longestT3Gap, now - this.lastProgressAt);
    this.ssthresh = Math.max(this.cwnd / 2, 4 * MTU);
    this.cwnd = MTU;
    this.pba = 0;
    if (this.rto * this.backoff < RTO_MAX) this.backoff *= 2;
    this.fastRecoveryExit = undefined;
    for (const c of this.out) {
      if (c.acked) continue;
      if (c.inFlight) this.flight -= c.data.length;
      c.inFlight = false;
      c.retransmit = true;
    }
    this.t3 = now + this.timeout();
  }

  pollTimeout(): number | undefined {
    return this.t3 === Number.POSITIVE_INFINITY ? undefined : this.t3;
  }

  pollTransmit(): Uint8Array | undefined {
    // Retransmissions first (§6.1 A); the first after a fast retransmit ignores cwnd (§7.2.4 3).
    for (const c of this.out) {
      if (!c.retransmit) continue;
      if (!this.fastRtxDue && this.flight >= this.cwnd) return undefined;
      this.fastRtxDue = false;
      c.retransmit = false;
      c.inFlight = true;
      c.transmissions++;
      c.sentAt = this.now;
      this.flight += c.data.length;
      if (this.t3 === Number.POSITIVE_INFINITY) this.t3 = this.now + this.timeout();
      return this.packet(c);
    }
    if (this.flight >= this.cwnd || (this.rwnd <= 0 && this.flight > 0)) return undefined;
    if (!this.pending) {
      const m = this.messages.shift();
      if (!m) return undefined;
      this.pending = m;
      this.pendingOffset = 0;
    }
    const m = this.pending;
    const begin = this.pendingOffset === 0;
    const data = m.subarray(this.pendingOffset, this.pendingOffset + MTU);
    this.pendingOffset += data.length;
    const end = this.pendingOffset >= m.length;
    const c: Outstanding = {
      tsn: this.nextTsn,
      flags: (begin ? DATA_FLAG_BEGIN : 0) | (end ? DATA_FLAG_END : 0),
      ssn: this.ssn,
      data,
      sentAt: this.now,
      transmissions: 1,
      acked: false,
      inFlight: true,
      nacks: 0,
      fastRetransmitted: false,
      retransmit: false,
    };
    if (end) {
      this.pending = undefined;
      this.ssn = (this.ssn + 1) & 0xffff;
    }
    this.nextTsn = (this.nextTsn + 1) >>> 0;
    this.out.push(c);
    this.flight += data.length;
    this.rwnd -= data.length;
    if (this.t3 === Number.POSITIVE_INFINITY) this.t3 = this.now + this.timeout();
    return this.packet(c);
  }

  private packet(c: Outstanding): Uint8Array {
    this.stats.packets++;
    const p = new Uint8Array(12 + pad4(DATA_HEADER_SIZE + c.data.length));
    writeData(p, 12, c.flags, c.tsn, 0, c.ssn, 53, c.data);
    sealPacket(p, 5000, 5000, this.peer.peerTag, this.peer.zeroChecksum);
    return p;
  }
}
