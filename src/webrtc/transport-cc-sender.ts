// The sending half of transport-wide congestion control
// (draft-holmer-rmcat-transport-wide-cc-extensions-01): one 16-bit wrapping sequence number
// for every RTP packet on the BUNDLE transport (§2: all streams of the transport share it,
// retransmissions included), written in place into the packet's transport-cc header
// extension just before SRTP protection; abs-send-time is written at the same moment. A
// bounded history (sequence → send time, size) turns the peer's feedback (§3.1) into
// delivered/lost counts and a delivery-rate estimate for getStats.
import type { TransportCc } from '../rtp/index.js';
import { writeAbsSendTime } from './abs-send-time.js';

/** Sent packets remembered for feedback: a power of two, about 1.5 s of 2.5 Mbit/s video. */
const HISTORY = 2048;
/** Feedback samples kept for the rate estimate, and the window they cover. */
const RATE_SAMPLES = 64;
const RATE_WINDOW_MS = 1000;
/** A span shorter than this gives no estimate (one burst says nothing about the rate). */
const MIN_RATE_SPAN_MS = 20;

const enum Status {
  Free = 0,
  Sent = 1,
  Lost = 2,
  Received = 3,
}

/** Where, in one packet, the per-packet extension values go (byte offsets of their data). */
export interface StampOffsets {
  transportCc?: number;
  absSendTime?: number;
}

/**
 * Byte offset of extension `id`'s data inside `packet`, or undefined when absent or shorter
 * than `minLength`. Walks the RFC 8285 one-byte (§4.2) or two-byte (§4.3) elements in place:
 * this runs for every packet sent, so it allocates nothing.
 */
export function extensionDataOffset(packet: Uint8Array, id: number, minLength: number): number | undefined {
  const p = packet;
  if (p.length < 12 || !(p[0] & 0x10)) return undefined;
  const start = 12 + (p[0] & 0x0f) * 4;
  if (p.length < start + 4) return undefined;
  const profile = (p[start] << 8) | p[start + 1];
  const end = start + 4 + ((p[start + 2] << 8) | p[start + 3]) * 4;
  if (end > p.length) return undefined;
  let o = start + 4;
  if (profile === 0xbede) {
    while (o < end) {
      const b = p[o];
      if (b === 0) {
        o++; // padding
        continue;
      }
      const eid = b >> 4;
      const len = (b & 0x0f) + 1;
      if (eid === 15 || o + 1 + len > end) return undefined; // §4.2: id 15 stops parsing
      if (eid === id) return len >= minLength ? o + 1 : undefined;
      o += 1 + len;
    }
  } else if ((profile & 0xfff0) === 0x1000) {
    while (o < end) {
      const eid = p[o];
      if (eid === 0) {
        o++;
        continue;
      }
      if (o + 2 > end) return undefined;
      const len = p[o + 1];
      if (o + 2 + len > end) return undefined;
      if (eid === id) return len >= minLength ? o + 2 : undefined;
      o += 2 + len;
    }
  }
  return undefined;
}

/**
 * Receives each feedback message packet by packet (sequence order), with our send time, the
 * peer's arrival time (reference time + receive deltas, §3.1.5, receiver clock ms) and the
 * size, and the probe cluster the packet belonged to (-1 = none): the send-side bandwidth
 * estimator (src/cc) implements it.
 */
export interface TransportCcFeedbackObserver {
  beginFeedback(): void;
  addReceived(sendTime: number, arrivalTime: number, size: number, probeCluster: number): void;
  addLost(): void;
  endFeedback(now: number): void;
}

export interface TransportCcSenderStats {
  /** Packets given a transport-wide sequence number. */
  packetsStamped: number;
  /** Of those, packets of a bandwidth probe cluster (queued media sent early, RTX copies, padding). */
  probePacketsStamped: number;
  /** Transport-cc feedback messages received. */
  feedbackReceived: number;
  /** Packets the peer reported as received / as lost (a later "received" undoes a "lost"). */
  packetsReportedReceived: number;
  packetsReportedLost: number;
  /** Feedback entries for sequence numbers no longer (or never) in the history. */
  feedbackUnknownPackets: number;
}

export class TransportCcSender {
  readonly #now: () => number;
  #next: number;
  // Allocated on the first stamped packet: an idle or data-only connection pays nothing.
  #sendTimes: Float64Array | null = null;
  #sizes: Uint16Array | null = null;
  #seqs: Int32Array | null = null;
  #status: Uint8Array | null = null;
  /** Probe cluster id of each remembered packet (-1 = not a probe), src/cc/probe-controller.ts. */
  #clusters: Int32Array | null = null;
  // Ring of feedback samples: bytes the peer confirmed, and the send-time span they cover.
  // Allocated with the history (a connection that never sends media pays nothing).
  #rateBytes: Float64Array | null = null;
  #rateFirstSend: Float64Array | null = null;
  #rateLastSend: Float64Array | null = null;
  #rateCount = 0;
  /** The peer's latest REMB (draft-alvestrand-rmcat-remb-03), bits per second. */
  #remb: number | undefined;
  #rateHead = 0;
  /** The unwrapped reference time of the previous feedback (§3.1: 24 bits of 64 ms), or NaN. */
  #reference = Number.NaN;
  /** Gets every feedback message packet by packet (the bandwidth estimator), when set. */
  feedbackObserver: TransportCcFeedbackObserver | null = null;
  readonly stats: TransportCcSenderStats = { packetsStamped: 0, probePacketsStamped: 0, feedbackReceived: 0, packetsReportedReceived: 0, packetsReportedLost: 0, feedbackUnknownPackets: 0 };

  /** `now`: the connection's monotonic clock in ms; `firstSequence` for tests (default 0, as libwebrtc starts). */
  constructor(now: () => number, firstSequence = 0) {
    this.#now = now;
    this.#next = firstSequence & 0xffff;
  }

  /** The sequence number the next stamped packet gets. */
  get nextSequenceNumber(): number {
    return this.#next;
  }

  /**
   * Writes the next transport-wide sequence number and/or abs-send-time into `packet` in
   * place (the caller protects it with SRTP right after), and records it for feedback.
   */
  stamp(packet: Uint8Array, at: StampOffsets): void {
    this.stampAt(packet, at.transportCc ?? -1, at.absSendTime ?? -1);
  }

  /**
   * stamp() with the offsets as numbers (-1 = absent): the pacer's allocation-free form.
   * `probeCluster` tags a bandwidth-probe packet in the history (-1 = none).
   */
  stampAt(packet: Uint8Array, transportCcOffset: number, absSendTimeOffset: number, probeCluster = -1): void {
    const now = this.#now();
    if (absSendTimeOffset >= 0) writeAbsSendTime(packet, absSendTimeOffset, now);
    const o = transportCcOffset;
    if (o < 0) return;
    const seq = this.#next;
    this.#next = (seq + 1) & 0xffff;
    packet[o] = seq >> 8;
    packet[o + 1] = seq & 0xff;
    this.stats.packetsStamped++;
    if (probeCluster >= 0) this.stats.probePacketsStamped++;
    if (!this.#seqs) {
      this.#sendTimes = new Float64Array(HISTORY);
      this.#sizes = new Uint16Array(HISTORY);
      this.#seqs = new Int32Array(HISTORY).fill(-1);
      this.#status = new Uint8Array(HISTORY);
      this.#clusters = new Int32Array(HISTORY);
      this.#rateBytes = new Float64Array(RATE_SAMPLES);
      this.#rateFirstSend = new Float64Array(RATE_SAMPLES);
      this.#rateLastSend = new Float64Array(RATE_SAMPLES);
    }
    const i = seq & (HISTORY - 1);
    (this.#sendTimes as Float64Array)[i] = now;
    (this.#sizes as Uint16Array)[i] = Math.min(packet.length, 0xffff);
    this.#seqs[i] = seq;
    (this.#status as Uint8Array)[i] = Status.Sent;
    (this.#clusters as Int32Array)[i] = probeCluster;
  }

  /** Feedback from the peer (§3.1): counts, and one delivery-rate sample from what it confirms. */
  handleFeedback(fb: TransportCc): void {
    this.stats.feedbackReceived++;
    const seqs = this.#seqs;
    const status = this.#status;
    const times = this.#sendTimes;
    const sizes = this.#sizes;
    const clusters = this.#clusters;
    let bytes = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    const observer = this.feedbackObserver;
    // §3.1.5: each received packet's delta is relative to the previous received one, the
    // first to the reference time (24 bits, 64 ms units, unwrapped here).
    let arrival = this.#unwrapReference(fb.referenceTime) * 64;
    observer?.beginFeedback();
    for (const p of fb.packets) {
      if (p.received) arrival += (p.deltaMicros ?? 0) / 1000;
      const seq = p.sequenceNumber & 0xffff;
      const i = seq & (HISTORY - 1);
      if (!seqs || !status || !times || !sizes || seqs[i] !== seq || status[i] === Status.Free) {
        this.stats.feedbackUnknownPackets++;
        continue;
      }
      const was = status[i];
      if (p.received) {
        if (was === Status.Received) continue; // reported twice: counted once
        if (was === Status.Lost) this.stats.packetsReportedLost--;
        status[i] = Status.Received;
        this.stats.packetsReportedReceived++;
        bytes += sizes[i];
        if (times[i] < first) first = times[i];
        if (times[i] > last) last = times[i];
        observer?.addReceived(times[i], arrival, sizes[i], clusters ? clusters[i] : -1);
      } else if (was === Status.Sent) {
        status[i] = Status.Lost;
        this.stats.packetsReportedLost++;
        observer?.addLost();
      }
    }
    observer?.endFeedback(this.#now());
    if (bytes === 0 || !this.#rateBytes || !this.#rateFirstSend || !this.#rateLastSend) return;
    const k = this.#rateHead;
    this.#rateBytes[k] = bytes;
    this.#rateFirstSend[k] = first;
    this.#rateLastSend[k] = last;
    this.#rateHead = (k + 1) % RATE_SAMPLES;
    if (this.#rateCount < RATE_SAMPLES) this.#rateCount++;
  }

  /**
   * Bits per second the peer confirmed receiving, over the packets sent in the last second
   * before the newest confirmed one: a measured delivery rate (what got through), not a
   * capacity probe. Undefined until feedback spanning at least 20 ms of sending arrived.
   */
  get deliveryRate(): number | undefined {
    const sizes = this.#rateBytes;
    const firsts = this.#rateFirstSend;
    const lasts = this.#rateLastSend;
    if (this.#rateCount === 0 || !sizes || !firsts || !lasts) return undefined;
    let newest = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < this.#rateCount; j++) if (lasts[j] > newest) newest = lasts[j];
    let bytes = 0;
    let oldest = newest;
    for (let j = 0; j < this.#rateCount; j++) {
      if (lasts[j] <= newest - RATE_WINDOW_MS) continue;
      bytes += sizes[j];
      if (firsts[j] < oldest) oldest = firsts[j];
    }
    const span = Math.min(newest - oldest, RATE_WINDOW_MS);
    if (span < MIN_RATE_SPAN_MS) return undefined;
    return Math.round((bytes * 8 * 1000) / span);
  }

  #unwrapReference(reference: number): number {
    const r = reference & 0xffffff;
    if (Number.isNaN(this.#reference)) this.#reference = r;
    else {
      const last = this.#reference;
      // The nearest value to the previous one that has these low 24 bits.
      const diff = ((((r - last) % 0x1000000) + 0x1800000) % 0x1000000) - 0x800000;
      this.#reference = last + diff;
    }
    return this.#reference;
  }

  /** A REMB from the peer (bits per second): the estimate when transport-cc gives none. */
  handleRemb(bitrate: number): void {
    if (Number.isFinite(bitrate) && bitrate >= 0) this.#remb = bitrate;
  }

  /**
   * W3C webrtc-stats candidate-pair availableOutgoingBitrate: the delivery rate measured from
   * transport-cc feedback, else the peer's latest REMB, else undefined.
   */
  get availableOutgoingBitrate(): number | undefined {
    return this.deliveryRate ?? this.#remb;
  }
}
