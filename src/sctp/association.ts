// The SCTP association (RFC 9260) as WebRTC runs it over DTLS (RFC 8261, RFC 8831):
// a sans-IO engine. The owner feeds it SCTP packets taken out of DTLS application data
// (handleInput) and the clock (handleTimeout), and drains what it produces: SCTP
// packets to put in DTLS records (pollTransmit), events (pollEvent) and the next
// deadline (pollTimeout). It never sets a timer or reads a clock of its own.
//
// Both WebRTC peers call connect(): the simultaneous INITs are resolved as RFC 9260
// §5.2.1 and §5.2.4 (case D) say, as browsers do.
import { ChunkType, DATA_FLAG_BEGIN, DATA_FLAG_END, DATA_FLAG_IMMEDIATE, DATA_FLAG_UNORDERED, DATA_HEADER_SIZE, pad4 } from './chunk-type.js';
import { encodeCookieEcho, encodeEmptyChunk, encodeShutdown, parseShutdown } from './chunks/control.js';
import { parseData, writeData } from './chunks/data.js';
import { encodeCauseChunk, ErrorCauseCode } from './chunks/error-cause.js';
import { encodeForwardTsn, parseForwardTsn } from './chunks/forward-tsn.js';
import { encodeHeartbeat, parseHeartbeatInfo } from './chunks/heartbeat.js';
import { encodeInit, type InitChunk, parseInit } from './chunks/init.js';
import { encodeReconfig, parseReconfig, type ReconfigParam, ReconfigResult } from './chunks/reconfig.js';
import { parseSack, type SackChunk } from './chunks/sack.js';
import { encodeSack } from './chunks/sack.js';
import { CongestionController } from './congestion.js';
import { SctpError } from './errors.js';
import { newCounters, type SctpCloseReason, type SctpCounters, type SctpEvent } from './events.js';
import { type ResolvedOptions, resolveOptions, type SctpAssociationOptions } from './options.js';
import { type RawChunk, readU32, sealPacket, splitChunks, verifyPacket } from './packet.js';
import { ByteSlab } from './byte-slab.js';
import { Reassembler, type ReceivedMessage } from './reassembly.js';
import { RtoEstimator } from './rto.js';
import { type OutboundMessage, SendQueue } from './send-queue.js';
import { openCookie, sealCookie } from './state-cookie.js';
import { tsnAdd, tsnDiff, tsnLe, tsnLt } from './serial.js';
import { TsnResult, TsnTracker } from './tsn-tracker.js';

export type SctpState =
  | 'closed'
  | 'cookie-wait'
  | 'cookie-echoed'
  | 'established'
  | 'shutdown-pending'
  | 'shutdown-sent'
  | 'shutdown-received'
  | 'shutdown-ack-sent';

/** Per-message sending options (RFC 8831 §6.4 reliability, RFC 3758 policies). */
export interface SendOptions {
  /** Payload Protocol Identifier (RFC 8831 §8: 51 string, 53 binary, 56/57 empty). */
  ppid: number;
  unordered?: boolean;
  /** PR-SCTP "limited retransmissions": at most this many retransmissions. */
  maxRetransmits?: number;
  /** PR-SCTP "timed reliability": abandon after this many ms. */
  maxLifetimeMs?: number;
}

const enum ChunkState {
  IN_FLIGHT = 0,
  /** Reported missing or timed out: waiting to be retransmitted; not in flight. */
  NACKED = 1,
  /** Acknowledged by a gap block; not in flight. */
  ACKED = 2,
  ABANDONED = 3,
}

/** A DATA chunk that has a TSN and is not yet cumulatively acknowledged. */
interface SentChunk {
  tsn: number;
  flags: number;
  streamId: number;
  ssn: number;
  ppid: number;
  data: Uint8Array;
  message: OutboundMessage;
  sentAt: number;
  /** Transmission order of the latest (re)transmission; drives loss detection. */
  sendSeq: number;
  transmissions: number;
  state: ChunkState;
  misses: number;
}

interface PendingReset {
  requestSeq: number;
  streams: number[];
  senderLastTsn: number;
}

const MAX_DUPS_REPORTED = 32;
/** Outstanding TSNs are bounded so that gap offsets (16 bits) always reach them. */
const MAX_OUTSTANDING_CHUNKS = 60_000;
const MAX_QUEUED_CONTROL = 16;
const MIN_FRAGMENT = 256;
/**
 * Tail loss probes before T3 may fire. RFC 8985 sends one; with 20 % loss a lone probe
 * is lost one time in five and the association then waits RTO.Min (or more, backed
 * off) with its window collapsed. A second probe, PTO later, makes that one in 25.
 */
const MAX_PROBES = 2;
/** Repeats of our latest SACK while the peer is silent and we report gaps. */
const MAX_GAP_REFRESHES = 2;

export class SctpAssociation {
  readonly options: ResolvedOptions;
  private stateValue: SctpState = 'closed';
  readonly counters: SctpCounters = newCounters();

  // Tags and initial TSNs (RFC 9260 §5.1). One association object serves one peer, so
  // our tag and initial TSN are chosen once, at construction.
  private readonly localTag: number;
  private readonly localInitialTsn: number;
  private peerTag = 0;
  private readonly cookieSecret: Uint8Array;
  private outboundStreams: number;
  private inboundStreams: number;
  private peerForwardTsn = false;
  private peerReconfig = false;
  /** Both sides accept zero checksums (RFC 9653): we send without CRC-32c. */
  private peerZeroChecksum = false;

  // Handshake
  private connectCalled = false;
  private initChunk: Uint8Array | undefined;
  private cookieEcho: Uint8Array | undefined;
  private handshakeDue = false;
  private t1 = Number.POSITIVE_INFINITY;
  private t1Retries = 0;
  private handshakeSentAt = -1;

  // Sending
  private readonly sendQueue: SendQueue;
  private nextTsn: number;
  private cumAckPoint: number;
  private sent: (SentChunk | undefined)[] = [];
  private sentHead = 0;
  private flight = 0;
  private peerRwnd = 0;
  private pendingRetransmits = 0;
  /** User-data bytes of those chunks: still outstanding to the peer's window (§6.2.1). */
  private pendingRetransmitBytes = 0;
  private sendSeq = 0;
  private fastRtxBudget = false;
  private readonly cc: CongestionController;
  private readonly rto: RtoEstimator;
  private rttTsn = 0;
  private rttSentAt = -1;
  private t3 = Number.POSITIVE_INFINITY;
  /** Newest transmission (by send order) acknowledged so far, and the RACK reorder timer. */
  private rackSeq = -1;
  private rackDeadline = Number.POSITIVE_INFINITY;
  /** Tail loss probe (RFC 8985 §7): one probe after 2·SRTT without acknowledgements. */
  private tlpDeadline = Number.POSITIVE_INFINITY;
  /** Probes sent since the last acknowledgement (RFC 8985 §7.2 allows one; we send two). */
  private tlpProbes = 0;
  private errorCount = 0;
  private highestAcked: number;
  private readonly maxPayload: number;

  // PR-SCTP (RFC 3758)
  private advancedPeerAckPoint: number;
  private forwardTsnDue = false;
  private lastForwardTsnAt = Number.NEGATIVE_INFINITY;
  /** New cumulative TSN of the last FORWARD TSN sent. */
  private lastForwardTsnCum = 0;

  // Receiving
  private readonly tracker = new TsnTracker();
  private readonly reassembler: Reassembler;
  private sackOwed = false;
  private sackImmediate = false;
  private packetsSinceSack = 0;
  private sackDeadline = Number.POSITIVE_INFINITY;
  /** When to repeat the last SACK if the peer falls silent while we report gaps (see handleInput). */
  private gapRefreshAt = Number.POSITIVE_INFINITY;
  private gapRefreshes = 0;
  private undeliveredBytes = 0;
  private lastAdvertisedRwnd = 0;

  // Stream reset (RFC 6525)
  private nextRequestSeq: number;
  private peerNextRequestSeq = 0;
  private lastPeerResponse: { seq: number; result: number } | undefined;
  private outgoingReset: PendingReset | undefined;
  private reconfigDue = false;
  private reconfigDeadline = Number.POSITIVE_INFINITY;
  private readonly streamsToReset = new Set<number>();
  private reconfigResponses: ReconfigParam[] = [];

  // Heartbeat, shutdown, control
  private heartbeatAt = Number.POSITIVE_INFINITY;
  private heartbeatOutstanding = false;
  private t2 = Number.POSITIVE_INFINITY;
  private shutdownDue = false;
  private controlChunks: Uint8Array[] = [];
  private controlPackets: Uint8Array[] = [];

  private events: SctpEvent[] = [];
  private eventHead = 0;
  private now = 0;
  private readonly outChunks: SentChunk[] = [];
  private readonly outControl: Uint8Array[] = [];
  private readonly slab = new ByteSlab();

  constructor(options: SctpAssociationOptions = {}) {
    this.options = resolveOptions(options);
    const rnd = this.options.randomBytes(40);
    const dv = new DataView(rnd.buffer, rnd.byteOffset, rnd.byteLength);
    this.localTag = dv.getUint32(0) || 1;
    this.localInitialTsn = dv.getUint32(4);
    this.cookieSecret = rnd.slice(8, 40);
    this.nextTsn = this.localInitialTsn;
    this.cumAckPoint = tsnAdd(this.localInitialTsn, -1);
    this.highestAcked = this.cumAckPoint;
    this.advancedPeerAckPoint = this.cumAckPoint;
    this.lastForwardTsnCum = this.cumAckPoint;
    this.nextRequestSeq = this.localInitialTsn;
    this.outboundStreams = this.inboundStreams = this.options.streams;
    // Chunks are padded to 4 bytes (§3.2): a full DATA chunk must still fit after padding.
    this.maxPayload = (this.options.maxPacketSize - 12 - DATA_HEADER_SIZE) & ~3;
    this.rto = new RtoEstimator(this.options.rto);
    this.cc = new CongestionController({
      mtu: this.maxPayload,
      initialCwndPackets: this.options.initialCwndPackets,
      maxCwnd: this.options.maxCwnd,
    });
    this.sendQueue = new SendQueue((streamId) => this.pushEvent({ type: 'buffered-amount-low', streamId }));
    this.reassembler = new Reassembler(
      (m) => this.deliver(m),
      this.options.maxReceiveMessageSize,
      () => this.counters.oversizedMessages++,
    );
    this.lastAdvertisedRwnd = this.options.receiveBufferSize;
  }

  get state(): SctpState {
    return this.stateValue;
  }

  /** Streams usable for sending after the handshake (min of our OS and the peer's MIS). */
  get maxOutboundStreams(): number {
    return this.outboundStreams;
  }

  get maxInboundStreams(): number {
    return this.inboundStreams;
  }

  /** The peer supports PR-SCTP (FORWARD TSN); without it every message is reliable. */
  get partialReliability(): boolean {
    return this.peerForwardTsn;
  }

  /** Nothing queued, nothing unacknowledged (abandoned chunks included). */
  get idle(): boolean {
    return !this.sendQueue.hasData && this.sentHead >= this.sent.length;
  }

  /** Current congestion window, smoothed RTT and RTO, for getStats. */
  get transportInfo(): { cwnd: number; ssthresh: number; flight: number; srtt: number; rto: number; peerRwnd: number } {
    return {
      cwnd: this.cc.cwnd,
      ssthresh: this.cc.ssthresh,
      flight: this.flight,
      srtt: this.rto.smoothedRtt,
      rto: this.rto.rto,
      peerRwnd: this.peerRwnd,
    };
  }

  /** Starts the handshake: sends INIT (RFC 9260 §5.1 A). Both WebRTC peers call this. */
  connect(now: number): void {
    this.now = now;
    if (this.connectCalled || this.stateValue !== 'closed') return;
    this.connectCalled = true;
    this.initChunk = encodeInit(ChunkType.INIT, this.ourInit());
    this.stateValue = 'cookie-wait';
    this.handshakeDue = true;
    this.t1 = now + this.options.rto.initial;
  }

  private ourInit(cookie?: Uint8Array): InitChunk {
    return {
      initiateTag: this.localTag,
      aRwnd: this.options.receiveBufferSize,
      outboundStreams: this.options.streams,
      inboundStreams: this.options.streams,
      initialTsn: this.localInitialTsn,
      forwardTsn: true,
      reconfig: true,
      zeroChecksum: this.options.zeroChecksum,
      cookie,
    };
  }

  // ---------------------------------------------------------------- sending API

  /**
   * Queues one user message. The association keeps `data` (do not change it
   * afterwards). Throws SctpError on misuse: not connected, a bad stream, a closing
   * stream, a message over the send buffer bound.
   */
  send(streamId: number, data: Uint8Array, opts: SendOptions, now = this.now): void {
    const st = this.stateValue;
    if (st !== 'established' && st !== 'cookie-wait' && st !== 'cookie-echoed') {
      throw new SctpError(st === 'closed' ? 'SCTP_CLOSED' : 'SCTP_NOT_ESTABLISHED', `cannot send in state ${st}: wait for 'connected'`);
    }
    if (!(streamId >= 0 && streamId < this.outboundStreams)) {
      throw new SctpError('SCTP_BAD_STREAM', `stream ${streamId} is outside the ${this.outboundStreams} negotiated streams`);
    }
    if (data.length === 0) throw new SctpError('SCTP_BAD_OPTION', 'SCTP cannot carry an empty message: send one byte with PPID 56/57 (RFC 8831 §6.6)');
    const stream = this.sendQueue.stream(streamId);
    if (stream.closing) throw new SctpError('SCTP_STREAM_RESETTING', `stream ${streamId} is closing`);
    if (this.sendQueue.totalBuffered + data.length > this.options.sendBufferSize) {
      throw new SctpError('SCTP_SEND_BUFFER_FULL', `send buffer full (${this.options.sendBufferSize} bytes): wait for buffered-amount-low`);
    }
    // Without PR-SCTP at the peer (known once established) every message is reliable.
    const reliable = !this.peerForwardTsn && st === 'established';
    const m: OutboundMessage = {
      streamId,
      ppid: opts.ppid,
      data,
      unordered: opts.unordered === true,
      maxRetransmits: reliable ? undefined : opts.maxRetransmits,
      expiresAt: reliable || opts.maxLifetimeMs === undefined ? undefined : now + opts.maxLifetimeMs,
      offset: 0,
      ssn: 0,
      firstTsn: 0,
      lastTsn: 0,
      abandoned: false,
    };
    this.sendQueue.enqueue(m);
    this.counters.messagesSent++;
  }

  /** W3C bufferedAmount: bytes of the stream queued and not yet sent. */
  bufferedAmount(streamId: number): number {
    return this.sendQueue.peekStream(streamId)?.buffered ?? 0;
  }

  setBufferedAmountLowThreshold(streamId: number, bytes: number): void {
    this.sendQueue.stream(streamId).lowThreshold = bytes;
  }

  /**
   * Resets outgoing streams (RFC 6525 §5.1.2), as closing a data channel does (RFC 8831
   * §6.7). Queued messages are sent first; 'outgoing-stream-reset' reports completion.
   */
  resetStreams(streamIds: number[]): void {
    for (const id of streamIds) {
      if (!(id >= 0 && id < 65536)) continue;
      this.sendQueue.stream(id).closing = true;
      this.streamsToReset.add(id);
    }
  }

  /** Graceful close (RFC 9260 §9.2): queued data is delivered first. */
  shutdown(now: number): void {
    this.now = now;
    if (this.stateValue === 'established') {
      this.stateValue = 'shutdown-pending';
      this.maybeStartShutdown();
    } else if (this.stateValue === 'cookie-wait' || this.stateValue === 'cookie-echoed') {
      this.close('shutdown');
    }
  }

  /** Ungraceful close (RFC 9260 §9.1): sends ABORT and drops everything. */
  abort(now: number, reason = 'closed by the application'): void {
    this.now = now;
    if (this.stateValue === 'closed') return;
    if (this.peerTag !== 0) {
      const cause = encodeCauseChunk(ChunkType.ABORT, 0, [
        { code: ErrorCauseCode.USER_INITIATED_ABORT, info: new TextEncoder().encode(reason.slice(0, 200)) },
      ]);
      this.controlPackets.push(this.packetOf([cause], this.peerTag));
    }
    this.close('abort', reason);
  }

  // ---------------------------------------------------------------- events

  pollEvent(): SctpEvent | undefined {
    if (this.eventHead >= this.events.length) {
      if (this.eventHead > 0) {
        this.events = [];
        this.eventHead = 0;
      }
      return undefined;
    }
    const e = this.events[this.eventHead];
    this.events[this.eventHead++] = undefined as unknown as SctpEvent;
    if (e.type === 'message') {
      this.undeliveredBytes -= e.data.length;
      // Window update (RFC 9260 §6.2): tell the peer when a nearly closed window reopens.
      if (this.lastAdvertisedRwnd < 4 * this.maxPayload && this.receiveWindow() >= this.lastAdvertisedRwnd + this.options.receiveBufferSize / 4) {
        this.sackOwed = this.sackImmediate = true;
      }
    }
    return e;
  }

  private pushEvent(e: SctpEvent): void {
    this.events.push(e);
  }

  private deliver(m: ReceivedMessage): void {
    this.undeliveredBytes += m.data.length;
    this.counters.messagesReceived++;
    this.events.push({ type: 'message', streamId: m.streamId, ppid: m.ppid, data: m.data, unordered: m.unordered });
  }

  private receiveWindow(): number {
    return Math.max(0, this.options.receiveBufferSize - this.reassembler.bufferedBytes - this.undeliveredBytes);
  }

  private close(reason: SctpCloseReason, detail?: string): void {
    const wasOpen = this.stateValue !== 'closed';
    this.stateValue = 'closed';
    this.connectCalled = true;
    this.t1 = this.t2 = this.t3 = this.rackDeadline = this.tlpDeadline = this.sackDeadline = this.gapRefreshAt = this.reconfigDeadline = this.heartbeatAt = Number.POSITIVE_INFINITY;
    this.sendQueue.clear();
    this.sent = [];
    this.sentHead = 0;
    this.flight = 0;
    this.pendingRetransmits = this.pendingRetransmitBytes = 0;
    this.controlChunks = [];
    this.handshakeDue = false;
    this.shutdownDue = false;
    this.sackOwed = this.sackImmediate = false;
    if (wasOpen) this.pushEvent({ type: 'closed', reason, detail });
  }

  // ---------------------------------------------------------------- timers

  pollTimeout(): number | undefined {
    const t = Math.min(this.t1, this.t2, this.t3, this.rackDeadline, this.tlpDeadline, this.sackDeadline, this.gapRefreshAt, this.reconfigDeadline, this.heartbeatAt);
    return t === Number.POSITIVE_INFINITY ? undefined : t;
  }

  handleTimeout(now: number): void {
    this.now = now;
    if (this.t1 <= now) this.onT1(now);
    if (this.rackDeadline <= now) {
      this.rackDeadline = Number.POSITIVE_INFINITY;
      if (this.detectLosses(now, -1)) this.onLossDetected();
    }
    if (this.tlpDeadline <= now) this.onTailLossProbe();
    if (this.t3 <= now) this.onT3(now);
    if (this.t2 <= now) this.onT2(now);
    if (this.sackDeadline <= now) {
      this.sackDeadline = Number.POSITIVE_INFINITY;
      if (this.sackOwed) this.sackImmediate = true;
    }
    if (this.gapRefreshAt <= now) {
      this.gapRefreshAt = Number.POSITIVE_INFINITY;
      if (this.tracker.hasGaps && this.stateValue === 'established') {
        this.sackOwed = this.sackImmediate = true;
        this.counters.sackRefreshes++;
        if (++this.gapRefreshes < MAX_GAP_REFRESHES) this.gapRefreshAt = now + this.gapRefreshDelay() * 2 ** this.gapRefreshes;
      }
    }
    if (this.reconfigDeadline <= now) {
      this.reconfigDeadline = Number.POSITIVE_INFINITY;
      if (this.outgoingReset) this.reconfigDue = true;
    }
    if (this.heartbeatAt <= now) this.onHeartbeatTimer(now);
  }

  private onT1(now: number): void {
    // RFC 9260 §5.1 C: retransmit INIT or COOKIE ECHO, doubling the timer.
    if (++this.t1Retries > this.options.maxInitRetransmits) {
      this.close('timeout', 'no answer to INIT / COOKIE ECHO');
      return;
    }
    this.handshakeDue = true;
    this.t1 = now + Math.min(this.options.rto.max, this.options.rto.initial * 2 ** this.t1Retries);
  }

  /**
   * Tail loss probe (RFC 8985 §7.3): when the last packets of a flight are lost no later
   * acknowledgement reveals it, and only T3 (≥ 200 ms, then a cwnd collapse) would.
   * After 2·SRTT of silence, retransmit the newest chunk in flight; its SACK lets the
   * RACK rule above find the rest. cwnd is not reduced for a probe.
   */
  private onTailLossProbe(): void {
    this.tlpDeadline = Number.POSITIVE_INFINITY;
    if (this.tlpProbes >= MAX_PROBES) return;
    if (this.flight === 0) {
      // Only a FORWARD TSN is outstanding: repeat it rather than wait for T3.
      if (tsnLt(this.cumAckPoint, this.advancedPeerAckPoint)) {
        this.forwardTsnDue = true;
        this.tlpProbes++;
        this.counters.tailLossProbes++;
      }
      return;
    }
    for (let i = this.sent.length - 1; i >= this.sentHead; i--) {
      const c = this.sent[i]!;
      if (c.state !== ChunkState.IN_FLIGHT) continue;
      c.state = ChunkState.NACKED;
      c.misses = 0;
      this.flight -= c.data.length;
      this.pendingRetransmits++;
      this.pendingRetransmitBytes += c.data.length;
      this.fastRtxBudget = true;
      this.tlpProbes++;
      this.counters.tailLossProbes++;
      return;
    }
  }

  private probeTimeout(): number {
    // RFC 8985 §7.2: PTO = 2·SRTT; kept below the RTO so the probe comes first.
    return Math.max(10, Math.min(2 * this.rto.smoothedRtt, this.rto.rto / 2));
  }

  private onT2(now: number): void {
    // RFC 9260 §9.2: retransmit SHUTDOWN / SHUTDOWN ACK.
    if (++this.errorCount > this.options.maxRetransmissions) {
      this.close('timeout', 'no answer to SHUTDOWN');
      return;
    }
    this.rto.backOff();
    this.shutdownDue = true;
    this.t2 = now + this.rto.rto;
  }

  private onT3(now: number): void {
    this.t3 = Number.POSITIVE_INFINITY;
    if (this.sentHead >= this.sent.length) return;
    this.counters.t3Expiries++;
    // RFC 9260 §8.3: consecutive expiries without progress end the association.
    if (++this.errorCount > this.options.maxRetransmissions) {
      this.close('timeout', 'too many retransmissions');
      return;
    }
    // §6.3.3 E1-E3: back off, collapse cwnd, retransmit everything outstanding.
    this.rto.backOff();
    this.cc.onTimeout(this.rto.minRtt);
    this.rttSentAt = -1;
    for (let i = this.sentHead; i < this.sent.length; i++) {
      const c = this.sent[i]!;
      if (c.state === ChunkState.IN_FLIGHT) {
        c.state = ChunkState.NACKED;
        c.misses = 0;
        this.flight -= c.data.length;
        this.pendingRetransmits++;
        this.pendingRetransmitBytes += c.data.length;
        this.counters.timeoutRetransmits++;
      }
    }
    if (tsnLt(this.cumAckPoint, this.advancedPeerAckPoint)) this.forwardTsnDue = true;
    this.t3 = now + this.rto.rto;
    // The retransmission after a timeout starts a new flight: it may be probed again.
    this.tlpProbes = 0;
    this.tlpDeadline = Number.POSITIVE_INFINITY;
  }

  private onHeartbeatTimer(now: number): void {
    // RFC 9260 §8.3: an unanswered HEARTBEAT counts as an error on the path.
    if (this.heartbeatOutstanding && ++this.errorCount > this.options.maxRetransmissions) {
      this.close('timeout', 'no answer to HEARTBEAT');
      return;
    }
    const info = new Uint8Array(12);
    new DataView(info.buffer).setFloat64(0, now);
    info.set(this.options.randomBytes(4), 8);
    this.controlChunks.push(encodeHeartbeat(ChunkType.HEARTBEAT, info));
    this.heartbeatOutstanding = true;
    this.heartbeatAt = now + this.options.heartbeatIntervalMs + this.rto.rto;
  }

  // ---------------------------------------------------------------- input

  handleInput(now: number, packet: Uint8Array): void {
    this.now = now;
    this.counters.packetsReceived++;
    this.counters.bytesReceived += packet.length;
    if (!verifyPacket(packet, this.options.zeroChecksum)) {
      this.counters.badChecksum++;
      return;
    }
    const chunks = splitChunks(packet);
    if (!chunks) {
      this.counters.malformed++;
      return;
    }
    const vtag = readU32(packet, 4);
    const first = chunks[0];
    if (first.type === ChunkType.INIT) {
      // RFC 9260 §8.5.1 A, §6.10: INIT travels alone, with verification tag 0.
      if (chunks.length !== 1 || vtag !== 0) {
        this.counters.malformed++;
        return;
      }
      this.onInit(first, now);
      return;
    }
    // §8.5.1 B, C: ABORT and SHUTDOWN COMPLETE with the T bit carry the peer's own tag.
    const reflected = (first.type === ChunkType.ABORT || first.type === ChunkType.SHUTDOWN_COMPLETE) && (first.flags & 1) !== 0;
    if (reflected ? this.peerTag === 0 || vtag !== this.peerTag : vtag !== this.localTag) {
      this.counters.badVerificationTag++;
      return;
    }
    if (this.stateValue === 'cookie-echoed' && first.type !== ChunkType.INIT_ACK && first.type !== ChunkType.COOKIE_ECHO && first.type !== ChunkType.ABORT && first.type !== ChunkType.ERROR) {
      // The peer only sends DATA, SACK and the like once established, i.e. after our
      // COOKIE ECHO reached it; over DTLS (RFC 8261) every packet is authenticated, so
      // a lost COOKIE ACK need not stall us until T1 fires: this packet stands for it.
      this.establish(now);
    }
    let hadData = false;
    const gapsBefore = this.tracker.hasGaps;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i];
      if (c.type === ChunkType.DATA) {
        if (!hadData) this.flushDueSack();
        if (!this.onData(c)) return;
        hadData = true;
        continue;
      }
      if (!this.onControlChunk(c, now)) break;
      if (this.stateValue === 'closed') return;
    }
    if (hadData) {
      // RFC 9260 §6.2: SACK at least every second packet, at once on gaps or
      // duplicates, otherwise within the delayed-ack time. Also at once when this packet
      // filled (part of) a hole (as RFC 5681 §4.2 asks of TCP; dcsctp likewise SACKs
      // every packet once it has seen loss): the sender is waiting on exactly that
      // acknowledgement, and after a loss its window is small, so holding it for the
      // delayed-ack time leaves it idle — or in T3 — meanwhile.
      if (++this.packetsSinceSack >= 2 || gapsBefore || this.tracker.hasGaps || this.tracker.hasDuplicates) this.sackImmediate = true;
      if (!this.sackImmediate && this.sackDeadline === Number.POSITIVE_INFINITY) this.sackDeadline = now + this.options.delayedAckMs;
      // While we report gaps the peer owes us retransmissions. If it falls silent, the
      // SACK that would let it send them may have been lost — and an RFC 9260 sender
      // without a tail-loss probe (dcsctp) then waits for T3 (≥ 400 ms, backed off).
      // Repeating our latest SACK after a short silence repairs that loss first.
      this.gapRefreshes = 0;
      this.gapRefreshAt = this.tracker.hasGaps ? now + this.gapRefreshDelay() : Number.POSITIVE_INFINITY;
    }
  }

  private gapRefreshDelay(): number {
    return Math.min(100, Math.max(20, 2 * this.rto.smoothedRtt));
  }

  /**
   * A SACK that is due goes out before the next DATA packet is processed, in a packet of
   * its own, even when the owner feeds several packets before draining pollTransmit.
   */
  private flushDueSack(): void {
    if (!this.sackImmediate || this.controlPackets.length >= MAX_QUEUED_CONTROL) return;
    const maxGaps = Math.max(1, ((this.options.maxPacketSize - 12 - 16 - 4 * MAX_DUPS_REPORTED) >> 2) - 4);
    this.controlPackets.push(this.packetOf([this.takeSack(maxGaps)], this.peerTag));
  }

  private takeSack(maxGaps: number): Uint8Array {
    const rwnd = this.receiveWindow();
    const c = encodeSack(this.tracker.buildSack(rwnd, maxGaps));
    this.lastAdvertisedRwnd = rwnd;
    this.sackOwed = this.sackImmediate = false;
    this.packetsSinceSack = 0;
    this.sackDeadline = Number.POSITIVE_INFINITY;
    return c;
  }

  /** False when the rest of the packet must be dropped. */
  private onControlChunk(c: RawChunk, now: number): boolean {
    switch (c.type) {
      case ChunkType.SACK:
        return this.onSack(c, now);
      case ChunkType.INIT_ACK:
        return this.onInitAck(c, now);
      case ChunkType.COOKIE_ECHO:
        return this.onCookieEcho(c, now);
      case ChunkType.COOKIE_ACK:
        // Also when the crossing COOKIE ECHO established us first: still an RTT sample.
        this.handshakeRtt(now);
        if (this.stateValue === 'cookie-echoed') this.establish(now);
        return true;
      case ChunkType.HEARTBEAT: {
        const info = parseHeartbeatInfo(c);
        if (!info) {
          this.counters.malformed++;
          return false;
        }
        if (this.controlChunks.length < MAX_QUEUED_CONTROL) this.controlChunks.push(encodeHeartbeat(ChunkType.HEARTBEAT_ACK, info));
        return true;
      }
      case ChunkType.HEARTBEAT_ACK: {
        const info = parseHeartbeatInfo(c);
        if (info && info.length === 12 && this.heartbeatOutstanding) {
          const sentAt = new DataView(info.buffer, info.byteOffset, 12).getFloat64(0);
          if (sentAt <= now && now - sentAt < 60_000) this.rto.sample(now - sentAt, now);
          this.heartbeatOutstanding = false;
          this.errorCount = 0;
        }
        return true;
      }
      case ChunkType.ABORT:
        this.close('peer-abort', 'the peer sent ABORT');
        return false;
      case ChunkType.SHUTDOWN:
        return this.onShutdown(c, now);
      case ChunkType.SHUTDOWN_ACK:
        if (this.stateValue === 'shutdown-sent' || this.stateValue === 'shutdown-ack-sent') {
          // RFC 9260 §9.2: answer with SHUTDOWN COMPLETE and close.
          this.controlPackets.push(this.packetOf([encodeEmptyChunk(ChunkType.SHUTDOWN_COMPLETE)], this.peerTag));
          this.close('shutdown');
          return false;
        }
        this.counters.unexpectedChunk++;
        return true;
      case ChunkType.SHUTDOWN_COMPLETE:
        if (this.stateValue === 'shutdown-ack-sent') {
          this.close('shutdown');
          return false;
        }
        this.counters.unexpectedChunk++;
        return true;
      case ChunkType.ERROR:
        // Reported causes (e.g. stale cookie) need no action of ours beyond retrying.
        return true;
      case ChunkType.FORWARD_TSN:
        return this.onForwardTsn(c);
      case ChunkType.RE_CONFIG:
        return this.onReconfig(c);
      default:
        // RFC 9260 §3.2: the two high bits of an unknown type say stop or skip.
        this.counters.unknownChunk++;
        return (c.type & 0x80) !== 0;
    }
  }

  private onInit(raw: RawChunk, now: number): void {
    const init = parseInit(raw);
    if (!init) {
      this.counters.malformed++;
      return;
    }
    const st = this.stateValue;
    if (st === 'closed' && this.connectCalled) {
      this.counters.unexpectedChunk++;
      return;
    }
    if (st === 'shutdown-ack-sent' || st === 'shutdown-sent' || st === 'shutdown-received' || st === 'shutdown-pending') {
      this.counters.unexpectedChunk++;
      return;
    }
    if (st === 'established' && init.initiateTag !== this.peerTag) {
      // A peer restart (§5.2.2) is not supported: WebRTC starts a new DTLS session
      // and a new association instead. Drop and count.
      this.counters.unexpectedChunk++;
      return;
    }
    // §5.2.1: in COOKIE-WAIT / COOKIE-ECHOED answer with our original tag and TSN; when
    // closed, answer statelessly. The cookie holds what we need from this INIT.
    const cookie = sealCookie(this.cookieSecret, {
      localTag: this.localTag,
      peerTag: init.initiateTag,
      localInitialTsn: this.localInitialTsn,
      peerInitialTsn: init.initialTsn,
      peerRwnd: init.aRwnd,
      outboundStreams: Math.min(this.options.streams, init.inboundStreams),
      inboundStreams: Math.min(this.options.streams, init.outboundStreams),
      peerForwardTsn: init.forwardTsn,
      peerReconfig: init.reconfig,
      peerZeroChecksum: init.zeroChecksum === true,
      createdAt: Math.floor(now),
    });
    if (this.controlPackets.length < MAX_QUEUED_CONTROL) {
      this.controlPackets.push(this.packetOf([encodeInit(ChunkType.INIT_ACK, this.ourInit(cookie))], init.initiateTag));
    }
  }

  private onInitAck(raw: RawChunk, now: number): boolean {
    if (this.stateValue !== 'cookie-wait') return true; // §5.2.3: discard
    const init = parseInit(raw);
    if (!init?.cookie) {
      this.counters.malformed++;
      return false;
    }
    this.adoptPeer(init.initiateTag, init.initialTsn, init.aRwnd, init.inboundStreams, init.outboundStreams, init.forwardTsn, init.reconfig, init.zeroChecksum === true);
    this.handshakeRtt(now);
    this.cookieEcho = encodeCookieEcho(init.cookie.slice());
    this.stateValue = 'cookie-echoed';
    this.handshakeDue = true;
    this.t1Retries = 0;
    this.t1 = now + this.rto.rto;
    return true;
  }

  /**
   * The handshake's round trips (INIT → INIT ACK, COOKIE ECHO → COOKIE ACK) measure the
   * path before any DATA does, so RTO and the tail-loss probe start from the real RTT
   * rather than RTO.Initial. Karn's rule (§6.3.1 C5): only unrepeated exchanges count.
   */
  private handshakeRtt(now: number): void {
    if (this.t1Retries === 0 && this.handshakeSentAt >= 0) this.rto.sample(now - this.handshakeSentAt, now);
    this.handshakeSentAt = -1;
  }

  private adoptPeer(tag: number, initialTsn: number, aRwnd: number, peerMis: number, peerOs: number, fwd: boolean, reconfig: boolean, zeroChecksum: boolean): void {
    this.peerZeroChecksum = zeroChecksum && this.options.zeroChecksum;
    this.peerTag = tag;
    this.tracker.reset(initialTsn);
    this.peerNextRequestSeq = initialTsn;
    this.peerRwnd = aRwnd;
    this.cc.setPeerWindow(aRwnd);
    this.outboundStreams = Math.min(this.options.streams, peerMis);
    this.inboundStreams = Math.min(this.options.streams, peerOs);
    this.peerForwardTsn = fwd;
    this.peerReconfig = reconfig;
  }

  private onCookieEcho(raw: RawChunk, now: number): boolean {
    const c = openCookie(this.cookieSecret, raw.value);
    if (!c || c.localTag !== this.localTag) {
      this.counters.malformed++;
      return false;
    }
    if (((Math.floor(now) - c.createdAt) >>> 0) > this.options.cookieLifetimeMs) {
      // RFC 9260 §5.1.5 step 3: a stale cookie is refused.
      this.counters.staleCookies++;
      return false;
    }
    const st = this.stateValue;
    if (st === 'closed' && this.connectCalled) return false;
    if (st === 'closed' || st === 'cookie-wait' || st === 'cookie-echoed') {
      // §5.2.4 case D (both tags match, we were still handshaking) or §5.1 D when closed.
      if (st !== 'cookie-echoed' || this.peerTag !== c.peerTag) {
        this.adoptPeer(c.peerTag, c.peerInitialTsn, c.peerRwnd, c.outboundStreams, c.inboundStreams, c.peerForwardTsn, c.peerReconfig, c.peerZeroChecksum);
        this.outboundStreams = c.outboundStreams;
        this.inboundStreams = c.inboundStreams;
      }
      this.establish(now);
    } else if (c.peerTag !== this.peerTag) {
      this.counters.unexpectedChunk++;
      return false;
    }
    // A duplicate COOKIE ECHO (our COOKIE ACK was lost) is answered again.
    if (this.controlChunks.length < MAX_QUEUED_CONTROL) this.controlChunks.push(encodeEmptyChunk(ChunkType.COOKIE_ACK));
    return true;
  }

  private establish(now: number): void {
    this.stateValue = 'established';
    this.connectCalled = true;
    this.t1 = Number.POSITIVE_INFINITY;
    this.handshakeDue = false;
    this.cookieEcho = undefined;
    this.initChunk = undefined;
    this.errorCount = 0;
    // Messages queued before the handshake learn now whether PR-SCTP is available.
    if (this.options.heartbeatIntervalMs > 0) this.heartbeatAt = now + this.options.heartbeatIntervalMs;
    this.pushEvent({ type: 'connected' });
  }

  /** False when the packet must be dropped from here on. */
  private onData(raw: RawChunk): boolean {
    const st = this.stateValue;
    if (st !== 'established' && st !== 'shutdown-pending' && st !== 'shutdown-sent') {
      this.counters.unexpectedChunk++;
      return false;
    }
    const d = parseData(raw);
    if (!d) {
      this.counters.malformed++;
      return false;
    }
    this.counters.dataChunksReceived++;
    this.sackOwed = true;
    if ((d.flags & DATA_FLAG_IMMEDIATE) !== 0) this.sackImmediate = true;
    if (d.userData.length === 0) {
      // RFC 9260 §6.2: a DATA chunk without user data is a protocol error; drop it.
      this.counters.malformed++;
      return true;
    }
    const r = this.tracker.check(d.tsn);
    if (r === TsnResult.DUPLICATE) {
      this.counters.duplicateTsns++;
      this.tracker.noteDuplicate(d.tsn);
      return true;
    }
    if (r === TsnResult.OUT_OF_WINDOW) {
      this.counters.outOfWindowTsns++;
      return true;
    }
    // RFC 9260 §6.2: beyond the window, drop; the chunk that fills the first hole is
    // taken while the buffer has any room, so held data can always drain.
    const len = d.userData.length;
    const buffered = this.reassembler.bufferedBytes + this.undeliveredBytes;
    const isNext = d.tsn === tsnAdd(this.tracker.cumulative, 1);
    if (buffered + len > this.options.receiveBufferSize && !(isNext && buffered < 2 * this.options.receiveBufferSize)) {
      this.counters.noBufferDrops++;
      this.sackImmediate = true;
      return true;
    }
    if (!this.tracker.add(d.tsn)) {
      this.counters.noBufferDrops++;
      return true;
    }
    if (d.streamId >= this.inboundStreams) {
      // RFC 9260 §6.5: acknowledge, drop, and report an invalid stream.
      this.counters.invalidStream++;
      return true;
    }
    // A whole message is handed to the application: its own buffer. A fragment lives only
    // until reassembly copies it out: slab memory.
    const whole = (d.flags & (DATA_FLAG_BEGIN | DATA_FLAG_END)) === (DATA_FLAG_BEGIN | DATA_FLAG_END);
    this.reassembler.add(d.tsn, d.flags, d.streamId, d.ssn, d.ppid, whole ? d.userData.slice() : this.slab.copy(d.userData));
    return true;
  }

  private onSack(raw: RawChunk, now: number): boolean {
    const st = this.stateValue;
    if (st === 'closed' || st === 'cookie-wait' || st === 'cookie-echoed') {
      this.counters.unexpectedChunk++;
      return true;
    }
    const s = parseSack(raw);
    if (!s) {
      this.counters.malformed++;
      return false;
    }
    this.processSack(s, now);
    return true;
  }

  private chunkAt(tsn: number): SentChunk | undefined {
    const i = this.sentHead + tsnDiff(tsn, tsnAdd(this.cumAckPoint, 1));
    return i >= this.sentHead && i < this.sent.length ? this.sent[i] : undefined;
  }

  private processSack(s: SackChunk, now: number): void {
    const cum = s.cumulativeTsnAck;
    // RFC 9260 §6.2.1 D: a SACK older than the cumulative point is stale; one acking
    // TSNs never sent is a protocol violation. Both are dropped.
    if (tsnLt(cum, this.cumAckPoint)) return;
    if (tsnLt(tsnAdd(this.nextTsn, -1), cum)) {
      this.counters.malformed++;
      return;
    }
    const flightBefore = this.flight;
    let bytesAcked = 0;
    let newestAckedSeq = -1;
    const cumAdvanced = cum !== this.cumAckPoint;
    // Cumulative acknowledgement.
    while (this.sentHead < this.sent.length) {
      const c = this.sent[this.sentHead]!;
      if (tsnLt(cum, c.tsn)) break;
      if (c.state === ChunkState.IN_FLIGHT || c.state === ChunkState.NACKED) {
        if (c.state === ChunkState.IN_FLIGHT) this.flight -= c.data.length;
        else this.unmarkRetransmit(c);
        bytesAcked += c.data.length;
        if (c.sendSeq > newestAckedSeq) newestAckedSeq = c.sendSeq;
        if (this.rttSentAt >= 0 && c.tsn === this.rttTsn) {
          // Karn (§6.3.1 C5): only chunks sent once give RTT samples.
          if (c.transmissions === 1) this.rto.sample(now - this.rttSentAt, now);
          this.rttSentAt = -1;
        }
      }
      this.sent[this.sentHead++] = undefined;
    }
    if (cumAdvanced) {
      this.cumAckPoint = cum;
      if (tsnLt(this.highestAcked, cum)) this.highestAcked = cum;
      if (tsnLt(this.advancedPeerAckPoint, cum)) this.advancedPeerAckPoint = cum;
    }
    if (this.rttSentAt >= 0 && tsnLe(this.rttTsn, cum)) this.rttSentAt = -1;
    // Gap ack blocks.
    const n = s.gapStarts.length;
    for (let g = 0; g < n; g++) {
      const end = tsnAdd(cum, s.gapEnds[g]);
      if (tsnLt(tsnAdd(this.nextTsn, -1), end)) break;
      for (let off = s.gapStarts[g]; off <= s.gapEnds[g]; off++) {
        const c = this.chunkAt(tsnAdd(cum, off));
        if (!c || c.state === ChunkState.ACKED || c.state === ChunkState.ABANDONED) continue;
        if (c.state === ChunkState.IN_FLIGHT) this.flight -= c.data.length;
        else this.unmarkRetransmit(c);
        c.state = ChunkState.ACKED;
        bytesAcked += c.data.length;
        if (c.sendSeq > newestAckedSeq) newestAckedSeq = c.sendSeq;
        if (this.rttSentAt >= 0 && c.tsn === this.rttTsn) {
          if (c.transmissions === 1) this.rto.sample(now - this.rttSentAt, now);
          this.rttSentAt = -1;
        }
      }
      if (tsnLt(this.highestAcked, end)) this.highestAcked = end;
    }
    if (newestAckedSeq > this.rackSeq) this.rackSeq = newestAckedSeq;
    const lossDetected = (n > 0 || this.rackDeadline !== Number.POSITIVE_INFINITY) && this.detectLosses(now, newestAckedSeq);
    // RFC 9260 §6.1 A: while the peer's window is closed our probes go unacknowledged,
    // but a peer that keeps sending SACKs is alive — its application is just not reading.
    // Those probes' T3 expiries must not add up to Association.Max.Retrans.
    if (s.aRwnd < this.maxPayload) this.errorCount = 0;
    if (bytesAcked > 0 || cumAdvanced) {
      this.errorCount = 0;
      // §6.3.3 keeps a doubled RTO until the next RTT sample; a peer that acknowledges
      // new data is reachable, so (as TCP does) the backoff ends here already — else a
      // FORWARD TSN exchange, which yields no RTT samples, crawls at RTO.Max.
      this.rto.resetBackoff();
    }
    if (lossDetected) this.onLossDetected();
    if (bytesAcked > 0 || cumAdvanced) {
      this.tlpProbes = 0;
      this.tlpDeadline = this.flight > 0 ? now + this.probeTimeout() : Number.POSITIVE_INFINITY;
    }
    this.cc.onAck(bytesAcked, cumAdvanced, flightBefore, now, this.highestAcked, this.nextTsn, this.rto.minRtt, this.rto.smoothedRtt);
    if (cumAdvanced) this.cc.onCumulativeAck(cum);
    // §6.2.1 D iv: the peer's window less every byte still outstanding — in flight, or
    // lost and awaiting retransmission (it will take room in the peer's buffer too).
    this.peerRwnd = Math.max(0, s.aRwnd - this.flight - this.pendingRetransmitBytes);
    // §6.3.2 R2/R3: stop T3 when all is acknowledged; restart it on progress. R3 says
    // "when the earliest outstanding TSN is acknowledged"; we restart on any newly
    // acknowledged byte (as TCP does with SACK): while the peer keeps acknowledging,
    // holes are found by miss indications above (which also catch lost
    // retransmissions), and T3 is left for a silent path or a lost tail.
    if (this.sentHead >= this.sent.length) this.t3 = Number.POSITIVE_INFINITY;
    else if (cumAdvanced || bytesAcked > 0 || this.t3 === Number.POSITIVE_INFINITY) this.t3 = now + this.rto.rto;
    this.compactSent();
    if (this.peerForwardTsn) this.advancePeerAckPoint(now, cumAdvanced);
    if (this.stateValue !== 'established') this.maybeStartShutdown();
  }

  /**
   * Loss detection (§7.2.4), by send order rather than TSN. A chunk transmitted before
   * the newest acknowledged transmission is missing; it is declared lost after
   * `fastRetransmitThreshold` such reports (the RFC's miss indications) or once a
   * reordering window past one RTT has gone by since it was sent (RACK, RFC 8985 §6.2),
   * so one acknowledgement after it is enough. Both also apply to retransmissions, so
   * a lost retransmission is retransmitted again without waiting for T3 — which under
   * 20 % loss is what keeps the association moving. Returns whether any was lost.
   */
  private detectLosses(now: number, newestAckedThisSack: number): boolean {
    const rack = this.rackSeq;
    const threshold = this.options.fastRetransmitThreshold;
    const window = this.rto.smoothedRtt + Math.max(2, (Number.isFinite(this.rto.minRtt) ? this.rto.minRtt : 0) / 4);
    let deadline = Number.POSITIVE_INFINITY;
    let lost = false;
    for (let i = this.sentHead; i < this.sent.length; i++) {
      const c = this.sent[i]!;
      // Original transmissions are in TSN order: past the newest acked one, all are newer.
      if (c.sendSeq > rack) {
        if (c.transmissions === 1) break;
        continue;
      }
      if (c.state !== ChunkState.IN_FLIGHT) continue;
      if (c.sendSeq < newestAckedThisSack) c.misses++;
      if (c.misses >= threshold || now >= c.sentAt + window) {
        c.state = ChunkState.NACKED;
        c.misses = 0;
        this.flight -= c.data.length;
        this.cc.noteLost(c.data.length);
        this.pendingRetransmits++;
        this.pendingRetransmitBytes += c.data.length;
        this.counters.fastRetransmits++;
        lost = true;
      } else if (c.sentAt + window < deadline) deadline = c.sentAt + window;
    }
    this.rackDeadline = deadline;
    return lost;
  }

  private onLossDetected(): void {
    this.cc.onLoss(tsnAdd(this.nextTsn, -1), this.rto.minRtt, this.rto.smoothedRtt);
    // §7.2.4 step 3: the first retransmission packet goes out regardless of cwnd.
    this.fastRtxBudget = true;
    if (this.rttSentAt >= 0 && this.chunkAt(this.rttTsn)?.state === ChunkState.NACKED) this.rttSentAt = -1;
  }

  /** A chunk awaiting retransmission is acknowledged, abandoned or sent again. */
  private unmarkRetransmit(c: SentChunk): void {
    this.pendingRetransmits--;
    this.pendingRetransmitBytes -= c.data.length;
  }

  private compactSent(): void {
    if (this.sentHead === this.sent.length) {
      this.sent.length = 0;
      this.sentHead = 0;
    } else if (this.sentHead > 4096 && this.sentHead * 2 > this.sent.length) {
      this.sent = this.sent.slice(this.sentHead);
      this.sentHead = 0;
    }
  }

  /** RFC 3758 §3.5 A3: a message is abandoned as a whole, fragments sent or not. */
  private abandon(m: OutboundMessage): void {
    if (m.abandoned) return;
    m.abandoned = true;
    this.counters.abandonedMessages++;
    this.sendQueue.abandonCurrent(m);
    for (let t = m.firstTsn; tsnLe(t, m.lastTsn); t = tsnAdd(t, 1)) {
      const c = this.chunkAt(t);
      if (!c) continue;
      if (c.state === ChunkState.IN_FLIGHT) this.flight -= c.data.length;
      else if (c.state === ChunkState.NACKED) this.unmarkRetransmit(c);
      c.state = ChunkState.ABANDONED;
    }
  }

  /**
   * RFC 3758 §3.5 C1-C3: move the Advanced.Peer.Ack.Point over abandoned chunks. We
   * also step over gap-acknowledged chunks between them (the peer holds those): the
   * peer only discards fragment runs that need a TSN at or below its new cumulative
   * TSN which it does not have (Reassembler.sweep), and a live message never does,
   * since the point stops at the first chunk still in flight or awaiting
   * retransmission. Stopping at every acknowledged chunk instead would cost a round
   * trip per abandoned message.
   */
  private advancePeerAckPoint(now: number, cumAdvanced: boolean): void {
    let p = this.advancedPeerAckPoint;
    let skippedAbandoned = false;
    let last = p;
    for (;;) {
      const c = this.chunkAt(tsnAdd(p, 1));
      if (!c || (c.state !== ChunkState.ABANDONED && c.state !== ChunkState.ACKED)) break;
      p = c.tsn;
      if (c.state === ChunkState.ABANDONED) {
        skippedAbandoned = true;
        last = p;
      }
    }
    // The point ends on the last abandoned chunk: acknowledged ones after it need no forwarding.
    p = last;
    if (skippedAbandoned) {
      this.advancedPeerAckPoint = p;
      this.forwardTsnDue = true;
    } else if (tsnLt(this.cumAckPoint, this.advancedPeerAckPoint)) {
      // C3: the peer has not caught up. Repeat the FORWARD TSN at most once per RTT, or
      // at once when the last one (cut short to fit a packet) has been acknowledged.
      if (tsnLe(this.lastForwardTsnCum, this.cumAckPoint) || (!cumAdvanced && now - this.lastForwardTsnAt >= this.rto.smoothedRtt)) {
        this.forwardTsnDue = true;
      }
    }
    if (tsnLt(this.cumAckPoint, this.advancedPeerAckPoint) && this.t3 === Number.POSITIVE_INFINITY) this.t3 = now + this.rto.rto;
  }

  /**
   * The FORWARD TSN for the current Advanced.Peer.Ack.Point. Its stream list must fit a
   * packet: when too many ordered streams are involved, the new cumulative TSN stops
   * short (the rest follows in the next one), so no stream is left waiting on an SSN.
   */
  private buildForwardTsn(maxBytes: number): Uint8Array {
    const maxStreams = Math.max(1, (maxBytes - 8) >> 2);
    const streams = new Map<number, number>();
    let upTo = this.cumAckPoint;
    for (let t = tsnAdd(this.cumAckPoint, 1); tsnLe(t, this.advancedPeerAckPoint); t = tsnAdd(t, 1)) {
      const c = this.chunkAt(t);
      if (c && c.state === ChunkState.ABANDONED && (c.flags & DATA_FLAG_UNORDERED) === 0) {
        if (!streams.has(c.streamId) && streams.size >= maxStreams) break;
        streams.set(c.streamId, c.ssn);
      }
      upTo = t;
    }
    const list: { streamId: number; ssn: number }[] = [];
    for (const [streamId, ssn] of streams) list.push({ streamId, ssn });
    return encodeForwardTsn({ newCumulativeTsn: upTo, streams: list });
  }

  private onForwardTsn(raw: RawChunk): boolean {
    const st = this.stateValue;
    if (st !== 'established' && st !== 'shutdown-pending' && st !== 'shutdown-sent') {
      this.counters.unexpectedChunk++;
      return true;
    }
    const f = parseForwardTsn(raw);
    if (!f) {
      this.counters.malformed++;
      return false;
    }
    this.counters.forwardTsnsReceived++;
    this.sackOwed = this.sackImmediate = true;
    const cum = this.tracker.cumulative;
    // RFC 3758 §3.6: a new cumulative TSN beyond what could have been sent is ignored.
    if (tsnLe(f.newCumulativeTsn, cum) || tsnDiff(f.newCumulativeTsn, cum) > 0xffff) return true;
    this.tracker.forwardTo(f.newCumulativeTsn);
    this.reassembler.forward(this.tracker.cumulative, f.streams.filter((s) => s.streamId < this.inboundStreams));
    return true;
  }

  private onShutdown(raw: RawChunk, now: number): boolean {
    const cum = parseShutdown(raw);
    if (cum === undefined) {
      this.counters.malformed++;
      return false;
    }
    const st = this.stateValue;
    if (st !== 'established' && st !== 'shutdown-pending' && st !== 'shutdown-sent' && st !== 'shutdown-received') return true;
    // RFC 9260 §9.2: the SHUTDOWN's cumulative TSN acknowledges like a SACK.
    this.processSack({ cumulativeTsnAck: cum, aRwnd: this.peerRwnd + this.flight + this.pendingRetransmitBytes, gapStarts: [], gapEnds: [], duplicateTsns: [] }, now);
    if (st === 'shutdown-sent') {
      // §9.2 simultaneous shutdown: answer with SHUTDOWN ACK.
      this.stateValue = 'shutdown-ack-sent';
      this.shutdownDue = true;
      this.t2 = now + this.rto.rto;
      return true;
    }
    if (this.stateValue === 'established' || this.stateValue === 'shutdown-pending') this.stateValue = 'shutdown-received';
    this.maybeStartShutdown();
    return true;
  }

  private maybeStartShutdown(): void {
    const idle = !this.sendQueue.hasData && this.sentHead >= this.sent.length;
    if (!idle) return;
    if (this.stateValue === 'shutdown-pending') {
      this.stateValue = 'shutdown-sent';
      this.shutdownDue = true;
      this.t2 = this.now + this.rto.rto;
    } else if (this.stateValue === 'shutdown-received') {
      this.stateValue = 'shutdown-ack-sent';
      this.shutdownDue = true;
      this.t2 = this.now + this.rto.rto;
    }
  }

  private onReconfig(raw: RawChunk): boolean {
    if (this.stateValue !== 'established') {
      this.counters.unexpectedChunk++;
      return true;
    }
    const params = parseReconfig(raw);
    if (!params) {
      this.counters.malformed++;
      return false;
    }
    for (const p of params) {
      if (p.kind === 'response') this.onReconfigResponse(p.responseSeq, p.result);
      else this.onReconfigRequest(p);
    }
    return true;
  }

  private onReconfigRequest(p: ReconfigParam): void {
    if (p.kind === 'response') return;
    const seq = p.requestSeq;
    let result: number;
    if (this.lastPeerResponse && seq === this.lastPeerResponse.seq && this.lastPeerResponse.result !== ReconfigResult.IN_PROGRESS) {
      // A retransmitted request (our response was lost): the same answer again.
      result = this.lastPeerResponse.result;
    } else if (seq !== this.peerNextRequestSeq) {
      result = ReconfigResult.ERROR_BAD_SEQUENCE_NUMBER;
    } else if (p.kind === 'outgoing-reset') {
      // RFC 6525 §5.2.2: reset once everything up to the sender's last TSN is here;
      // until then answer "in progress" and let the sender ask again.
      if (tsnLe(p.senderLastTsn, this.tracker.cumulative)) {
        const ids = p.streams.length > 0 ? p.streams.filter((s) => s < this.inboundStreams) : undefined;
        if (ids) this.reassembler.resetStreams(ids);
        else this.reassembler.resetAllStreams();
        result = ReconfigResult.SUCCESS_PERFORMED;
        this.pushEvent({ type: 'incoming-stream-reset', streamIds: ids ?? [] });
      } else {
        result = ReconfigResult.IN_PROGRESS;
      }
    } else {
      // Incoming-reset, SSN/TSN reset and add-streams requests are not used by WebRTC.
      result = ReconfigResult.DENIED;
    }
    if (result !== ReconfigResult.IN_PROGRESS && result !== ReconfigResult.ERROR_BAD_SEQUENCE_NUMBER && seq === this.peerNextRequestSeq) {
      this.peerNextRequestSeq = tsnAdd(seq, 1);
    }
    if (result !== ReconfigResult.ERROR_BAD_SEQUENCE_NUMBER) this.lastPeerResponse = { seq, result };
    if (this.reconfigResponses.length < 4) this.reconfigResponses.push({ kind: 'response', responseSeq: seq, result });
  }

  private onReconfigResponse(seq: number, result: number): void {
    const req = this.outgoingReset;
    if (!req || seq !== req.requestSeq) return;
    if (result === ReconfigResult.IN_PROGRESS) {
      this.reconfigDeadline = this.now + this.rto.rto;
      return;
    }
    this.outgoingReset = undefined;
    this.reconfigDeadline = Number.POSITIVE_INFINITY;
    const accepted = result === ReconfigResult.SUCCESS_PERFORMED || result === ReconfigResult.SUCCESS_NOTHING_TO_DO;
    for (const id of req.streams) this.sendQueue.resetStream(id);
    this.pushEvent({ type: 'outgoing-stream-reset', streamIds: req.streams, accepted });
  }

  /** Starts an outgoing reset request for closing streams whose queues have drained. */
  private maybeRequestReset(): void {
    if (this.outgoingReset || this.streamsToReset.size === 0 || this.stateValue !== 'established') return;
    const ready: number[] = [];
    for (const id of this.streamsToReset) {
      if (this.sendQueue.isDrained(id)) ready.push(id);
      if (ready.length >= 256) break;
    }
    if (ready.length === 0) return;
    for (const id of ready) this.streamsToReset.delete(id);
    if (!this.peerReconfig) {
      // Without RE-CONFIG the stream cannot be reset; report it closed locally.
      for (const id of ready) this.sendQueue.resetStream(id);
      this.pushEvent({ type: 'outgoing-stream-reset', streamIds: ready, accepted: false });
      return;
    }
    this.outgoingReset = { requestSeq: this.nextRequestSeq, streams: ready, senderLastTsn: tsnAdd(this.nextTsn, -1) };
    this.nextRequestSeq = tsnAdd(this.nextRequestSeq, 1);
    this.reconfigDue = true;
  }

  // ---------------------------------------------------------------- output

  /** The next SCTP packet to send (one DTLS record), or undefined when there is none. */
  pollTransmit(): Uint8Array | undefined {
    const p = this.controlPackets.length > 0 ? this.controlPackets.shift() : this.buildPacket(this.now);
    if (p) {
      this.counters.packetsSent++;
      this.counters.bytesSent += p.length;
    }
    return p;
  }

  private packetOf(chunks: Uint8Array[], vtag: number): Uint8Array {
    let size = 12;
    for (const c of chunks) size += pad4(c.length);
    const p = this.slab.alloc(size);
    let o = 12;
    for (const c of chunks) {
      p.set(c, o);
      o += pad4(c.length);
    }
    sealPacket(p, this.options.localPort, this.options.remotePort, vtag);
    return p;
  }

  private buildPacket(now: number): Uint8Array | undefined {
    const st = this.stateValue;
    if (st === 'closed') return undefined;
    if (st === 'cookie-wait') {
      if (!this.handshakeDue || !this.initChunk) return undefined;
      this.handshakeDue = false;
      this.handshakeSentAt = now;
      return this.packetOf([this.initChunk], 0);
    }
    if (st === 'cookie-echoed') {
      if (!this.handshakeDue || !this.cookieEcho) return undefined;
      this.handshakeDue = false;
      // COOKIE ACK we owe (crossing handshakes) may ride along (§6.10).
      const chunks = [this.cookieEcho, ...this.controlChunks.splice(0)];
      this.handshakeSentAt = now;
      return this.packetOf(chunks, this.peerTag);
    }
    this.maybeRequestReset();
    const max = this.options.maxPacketSize;
    let size = 12;
    const ctrl = this.outControl;
    ctrl.length = 0;
    while (this.controlChunks.length > 0 && size + pad4(this.controlChunks[0].length) <= max) {
      const c = this.controlChunks.shift()!;
      ctrl.push(c);
      size += pad4(c.length);
    }
    if (this.shutdownDue) {
      this.shutdownDue = false;
      const c =
        this.stateValue === 'shutdown-sent' ? encodeShutdown(this.tracker.cumulative) : encodeEmptyChunk(ChunkType.SHUTDOWN_ACK);
      ctrl.push(c);
      size += c.length;
    }
    const dataAllowed = st === 'established' || st === 'shutdown-pending' || st === 'shutdown-received';
    const wantData = dataAllowed && this.canSendData();
    // SACK: when due, or bundled with anything else we send (§6.2).
    if (this.sackImmediate || (this.sackOwed && (wantData || ctrl.length > 0))) {
      const maxGaps = Math.max(1, ((max - size - 16 - 4 * MAX_DUPS_REPORTED) >> 2) - 4);
      const c = this.takeSack(maxGaps);
      ctrl.push(c);
      size += pad4(c.length);
    }
    if (this.forwardTsnDue && tsnLt(this.cumAckPoint, this.advancedPeerAckPoint)) {
      const c = this.buildForwardTsn(max - size);
      if (size + pad4(c.length) <= max) {
        ctrl.push(c);
        size += pad4(c.length);
        this.forwardTsnDue = false;
        this.lastForwardTsnAt = now;
        this.lastForwardTsnCum = readU32(c, 4);
        this.counters.forwardTsnsSent++;
        if (this.tlpDeadline === Number.POSITIVE_INFINITY && this.tlpProbes < MAX_PROBES) this.tlpDeadline = now + this.probeTimeout();
      }
    } else this.forwardTsnDue = false;
    if (this.reconfigDue || this.reconfigResponses.length > 0) {
      const params: ReconfigParam[] = [];
      if (this.reconfigDue && this.outgoingReset) {
        const r = this.outgoingReset;
        params.push({
          kind: 'outgoing-reset',
          requestSeq: r.requestSeq,
          responseSeq: tsnAdd(this.peerNextRequestSeq, -1),
          senderLastTsn: r.senderLastTsn,
          streams: r.streams,
        });
      }
      while (params.length < 2 && this.reconfigResponses.length > 0) params.push(this.reconfigResponses.shift()!);
      const c = encodeReconfig(params);
      if (size + pad4(c.length) <= max) {
        ctrl.push(c);
        size += pad4(c.length);
        if (this.reconfigDue && this.outgoingReset) {
          this.reconfigDue = false;
          this.reconfigDeadline = now + this.rto.rto;
        }
      } else {
        this.reconfigResponses.unshift(...params.filter((p) => p.kind === 'response'));
      }
    }
    const out = this.outChunks;
    out.length = 0;
    if (wantData) size = this.collectData(now, size, max);
    if (ctrl.length === 0 && out.length === 0) return undefined;
    const p = this.slab.alloc(size);
    let o = 12;
    for (const c of ctrl) {
      p.set(c, o);
      o += pad4(c.length);
    }
    for (let i = 0; i < out.length; i++) {
      const c = out[i];
      let flags = c.flags;
      // RFC 7053: ask for an immediate SACK when this packet empties our queue, so the
      // tail of a burst is not held by the peer's delayed-ack timer.
      if (i === out.length - 1 && !this.sendQueue.hasData && this.pendingRetransmits === 0) flags |= DATA_FLAG_IMMEDIATE;
      o = pad4(writeData(p, o, flags, c.tsn, c.streamId, c.ssn, c.ppid, c.data));
    }
    sealPacket(p, this.options.localPort, this.options.remotePort, this.peerTag, this.peerZeroChecksum);
    if (out.length > 0) {
      if (this.t3 === Number.POSITIVE_INFINITY) this.t3 = now + this.rto.rto;
      if (this.tlpDeadline === Number.POSITIVE_INFINITY && this.tlpProbes < MAX_PROBES) this.tlpDeadline = now + this.probeTimeout();
    }
    return p;
  }

  private canSendData(): boolean {
    const cwndOpen = this.flight < this.cc.cwnd || this.fastRtxBudget;
    if (this.pendingRetransmits > 0 && cwndOpen) return true;
    if (!this.sendQueue.hasData || !(this.flight < this.cc.cwnd)) return false;
    if (this.sent.length - this.sentHead >= MAX_OUTSTANDING_CHUNKS) return false;
    return this.peerRwnd > 0 || this.flight === 0;
  }

  /** Adds retransmissions, then new fragments, to outChunks; returns the packet size. */
  private collectData(now: number, size: number, max: number): number {
    const out = this.outChunks;
    // Retransmissions first (§6.1), limited by cwnd except for the first packet after a
    // fast-retransmit loss detection (§7.2.4).
    if (this.pendingRetransmits > 0) {
      const ignoreCwnd = this.fastRtxBudget;
      this.fastRtxBudget = false;
      for (let i = this.sentHead; i < this.sent.length && this.pendingRetransmits > 0; i++) {
        const c = this.sent[i]!;
        if (c.state !== ChunkState.NACKED) continue;
        const m = c.message;
        // RFC 3758 §3.5 A1/A2: abandon instead of retransmitting past the policy.
        if (
          this.peerForwardTsn &&
          ((m.maxRetransmits !== undefined && c.transmissions > m.maxRetransmits) || (m.expiresAt !== undefined && now >= m.expiresAt))
        ) {
          this.abandon(m);
          continue;
        }
        const need = pad4(DATA_HEADER_SIZE + c.data.length);
        if (size + need > max) break;
        if (!ignoreCwnd && this.flight >= this.cc.cwnd) break;
        c.state = ChunkState.IN_FLIGHT;
        c.transmissions++;
        c.sendSeq = ++this.sendSeq;
        c.sentAt = now;
        this.flight += c.data.length;
        this.unmarkRetransmit(c);
        out.push(c);
        size += need;
      }
      if (this.pendingRetransmits === 0 || out.length > 0) {
        if (this.peerForwardTsn) this.advancePeerAckPoint(now, false);
      }
      if (this.pendingRetransmits > 0) return size;
    }
    // New data within cwnd and the peer's window (§6.1 A, B).
    while (this.flight < this.cc.cwnd && (this.peerRwnd > 0 || this.flight === 0)) {
      if (this.sent.length - this.sentHead >= MAX_OUTSTANDING_CHUNKS) break;
      const room = ((max - size) & ~3) - DATA_HEADER_SIZE;
      if (room < 1) break;
      const f = this.sendQueue.next(Math.min(room, this.maxPayload), MIN_FRAGMENT, now);
      if (!f) break;
      const m = f.message;
      const tsn = this.nextTsn;
      this.nextTsn = tsnAdd(tsn, 1);
      if (f.begin) m.firstTsn = tsn;
      m.lastTsn = tsn;
      const c: SentChunk = {
        tsn,
        flags: (f.begin ? DATA_FLAG_BEGIN : 0) | (f.end ? DATA_FLAG_END : 0) | (m.unordered ? DATA_FLAG_UNORDERED : 0),
        streamId: m.streamId,
        ssn: m.ssn,
        ppid: m.ppid,
        data: f.data,
        message: m,
        sentAt: now,
        sendSeq: ++this.sendSeq,
        transmissions: 1,
        state: ChunkState.IN_FLIGHT,
        misses: 0,
      };
      this.sent.push(c);
      this.flight += f.data.length;
      this.peerRwnd = Math.max(0, this.peerRwnd - f.data.length);
      if (this.rttSentAt < 0) {
        this.rttTsn = tsn;
        this.rttSentAt = now;
      }
      this.counters.dataChunksSent++;
      out.push(c);
      size += pad4(DATA_HEADER_SIZE + f.data.length);
    }
    return size;
  }
}
