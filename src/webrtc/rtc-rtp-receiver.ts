// RTCRtpReceiver (W3C WebRTC §5.3): receives one remote track; keeps RFC 3550 reception
// statistics (§6.4.1, jitter A.8), detects gaps for NACK (RFC 4585 §6.2.1) and unwraps
// RTX (RFC 4588 §4); asks for key frames (PLI, or FIR when only FIR is negotiated).
import type { CodecSpec, ExtensionSpec } from '../sdp/jsep.js';
import { type RTCRtpCapabilities, type RTCRtpCodecParameters, capabilitiesFor } from './capabilities.js';
import { MediaStreamTrack } from './media-stream-track.js';
import type { EncodedFrame, MediaRtpPacket } from './media-types.js';
import { readRtpHeader } from './media-types.js';
import { codecParameters } from './rtc-rtp-sender.js';
import type { RTCDtlsTransport } from './rtc-transports.js';
import { rtpPayloadOffset } from './rtp-rewrite.js';
import { isTelephoneEvent, mediaCodecsFirst } from './dtmf-codecs.js';
import { DtmfEvent, type ReceivedTone, type TelephoneEventCounters, TelephoneEventReceiver } from './dtmf-receiver.js';
import { EventTargetWithHandlers } from './event-handlers.js';
import { RidRouter } from './rid-router.js';
import { EXT } from './capabilities.js';
import { MAX_SIMULCAST_LAYERS, type SimulcastLayer } from './simulcast.js';

export interface NegotiatedReceive {
  mid: string;
  codecs: CodecSpec[];
  extensions: ExtensionSpec[];
  /** SSRCs the peer announced for this section (a=ssrc), if any. */
  ssrcs: number[];
  /** Whether the peer accepts NACK / PLI / FIR for our requests (RFC 4585 §4.2). */
  nack: boolean;
  pli: boolean;
  fir: boolean;
  /** Simulcast layers received on this section (RFC 8853), in the a=simulcast order; absent or empty without simulcast. */
  layers?: SimulcastLayer[];
}

/** Turns RTP packets of one codec back into frames (src/rtp, WASM), per SSRC. */
export interface FrameDepacketizer {
  push(packet: MediaRtpPacket): EncodedFrame[];
  /** True after unrecoverable loss, until the next key frame. */
  readonly waitingForKeyframe?: boolean;
}

/** At most one automatic key frame request per this many ms (libwebrtc waits about as long). */
const KEYFRAME_REQUEST_INTERVAL_MS = 500;
export type DepacketizerFactory = (codec: RTCRtpCodecParameters) => FrameDepacketizer | null;

/** Feedback the receiver wants sent; the connection serialises it as RTCP. */
export type ReceiverFeedback = { type: 'nack'; mediaSsrc: number; sequenceNumbers: number[] } | { type: 'pli' | 'fir'; mediaSsrc: number };

/** Outstanding NACKed sequence numbers per source. */
const MAX_NACK_LIST = 256;
/** A gap larger than this is a restart or a jump, not loss worth retransmitting. */
const MAX_NACK_GAP = 128;
/** Sequence numbers remembered for duplicate detection. */
const DUPLICATE_WINDOW = 1024;
/** A NACKed packet is asked for again after this long, at most NACK_TRIES times (RFC 4585 §6.2.1 allows repeats). */
const NACK_RETRY_MS = 40;
const NACK_TRIES = 3;

export interface RTCRtpSynchronizationSource {
  source: number;
  timestamp: number;
  rtpTimestamp: number;
}

/** RFC 3550 §A.1/A.3/A.8 reception state of one source. */
export class ReceptionStats {
  baseSeq = -1;
  maxSeq = 0;
  cycles = 0;
  received = 0;
  bytes = 0;
  headerBytes = 0;
  jitter = 0;
  #lastTransit: number | undefined;
  expectedPrior = 0;
  receivedPrior = 0;
  lastTimestamp = 0;
  lastArrival = 0;
  duplicates = 0;

  /** Sequence numbers seen recently, by seq mod window (-1: none): duplicate detection. */
  readonly #recent = new Int32Array(DUPLICATE_WINDOW).fill(-1);

  /** True when `seq` was already received (a duplicate, or an RTX copy of a late original). */
  isDuplicate(seq: number): boolean {
    return this.#recent[seq % DUPLICATE_WINDOW] === seq;
  }

  /** Updates with one packet; returns the sequence numbers that are now missing. */
  update(seq: number, rtpTimestamp: number, arrivalMs: number, clockRate: number, payloadBytes: number, headerBytes: number): number[] {
    const missing: number[] = [];
    this.#recent[seq % DUPLICATE_WINDOW] = seq;
    if (this.baseSeq < 0) {
      this.baseSeq = seq;
      this.maxSeq = seq;
    } else {
      const delta = (seq - this.maxSeq) & 0xffff;
      if (delta === 0) {
        this.duplicates++;
      } else if (delta < 0x8000) {
        if (delta > 1 && delta <= MAX_NACK_GAP) for (let s = 1; s < delta; s++) missing.push((this.maxSeq + s) & 0xffff);
        if (seq < this.maxSeq) this.cycles += 0x10000;
        this.maxSeq = seq;
      }
    }
    this.received++;
    this.bytes += payloadBytes;
    this.headerBytes += headerBytes;
    // A.8: interarrival jitter in timestamp units.
    const arrival = (arrivalMs * clockRate) / 1000;
    const transit = arrival - rtpTimestamp;
    if (this.#lastTransit !== undefined) {
      const d = Math.abs(transit - this.#lastTransit);
      this.jitter += (d - this.jitter) / 16;
    }
    this.#lastTransit = transit;
    this.lastTimestamp = rtpTimestamp;
    this.lastArrival = arrivalMs;
    return missing;
  }

  get extendedMax(): number {
    return this.cycles + this.maxSeq;
  }
  get expected(): number {
    return this.baseSeq < 0 ? 0 : this.extendedMax - this.baseSeq + 1;
  }
  /** Cumulative lost (A.3); duplicates are not counted as received, late ones fill their gap. */
  get lost(): number {
    return Math.max(0, this.expected - this.received);
  }
}

export class RTCRtpReceiver extends EventTargetWithHandlers {
  readonly track: MediaStreamTrack;
  /** RFC 4733 telephone-events of this stream, surfaced as 'dtmf' events (non-standard). */
  readonly #telephoneEvents = new TelephoneEventReceiver();
  /** The RTCDtlsTransport, once negotiated. */
  transport: RTCDtlsTransport | null = null;
  #negotiated: NegotiatedReceive | null = null;
  readonly #sources = new Map<number, ReceptionStats>();
  readonly #nackPending = new Map<number, Map<number, { at: number; tries: number }>>();
  readonly #depacketizers = new Map<string, FrameDepacketizer | null>();
  #lastSsrc: number | undefined;
  #lastAutoKeyFrameRequest = Number.NEGATIVE_INFINITY;
  /** Set by the connection. */
  depacketizerFactory: DepacketizerFactory | null = null;
  /** Set by the connection: feedback to send as RTCP. */
  sendFeedback: ((fb: ReceiverFeedback) => void) | null = null;
  readonly counters = { packetsDiscarded: 0, unknownPayloadType: 0, rtxReceived: 0, keyFrameRequests: 0, autoKeyFrameRequests: 0, nackSent: 0, framesDecodedFromRtp: 0, keyFramesReceived: 0 };

  /** Simulcast (RFC 8853): the receivers of the other layers, by rid; this one receives the first. */
  readonly #layers = new Map<string, RTCRtpReceiver>();
  #ridRouter: RidRouter | null = null;
  /** For a layer receiver, the transceiver's receiver that routes to it. */
  readonly layerOf: RTCRtpReceiver | null;
  /** Layers to offer to receive (addTransceiver receiveEncodings), until negotiation settles them. */
  requestedLayers: SimulcastLayer[] = [];

  constructor(kind: 'audio' | 'video', layerOf: RTCRtpReceiver | null = null) {
    super();
    this.track = new MediaStreamTrack({ kind }, true);
    this.track.keyFrameRequester = () => this.requestKeyFrame();
    this.layerOf = layerOf;
    // W3C §5.4 "stop sending and receiving" ends the receiver's track: its layers end with it.
    if (layerOf === null) this.track.addEventListener('ended', () => {
      for (const r of this.#layers.values()) r.track.end();
    });
  }

  /**
   * omnirtc: one remote track per simulcast layer, in the peer's a=simulcast order (`track`
   * is the first); each has `rid`, 'rtp' events, frames() and requestKeyFrame(). Just
   * `[track]` without simulcast. The tracks exist when 'track' fires for a simulcast offer,
   * and after the answer when we offered to receive simulcast.
   */
  getLayers(): MediaStreamTrack[] {
    return [this.track, ...[...this.#layers.values()].map((r) => r.track)];
  }

  /** The receivers of the layers after the first (the connection routes RTCP and stats through them). */
  get layerReceivers(): RTCRtpReceiver[] {
    return [...this.#layers.values()];
  }

  /** Counters of the rid routing (simulcast only). */
  get ridRouting(): RidRouter['counters'] | null {
    return this.#ridRouter?.counters ?? null;
  }

  static getCapabilities(kind: string): RTCRtpCapabilities | null {
    return capabilitiesFor(kind);
  }

  get negotiated(): NegotiatedReceive | null {
    return this.#negotiated;
  }

  getParameters(): { codecs: RTCRtpCodecParameters[]; headerExtensions: { uri: string; id: number; encrypted: boolean }[]; rtcp: { reducedSize: boolean } } {
    const n = this.#negotiated;
    return {
      codecs: n ? n.codecs.flatMap((c) => codecParameters(this.track.kind, c)) : [],
      headerExtensions: n ? n.extensions.map((e) => ({ uri: e.uri, id: e.id, encrypted: false })) : [],
      rtcp: { reducedSize: true },
    };
  }

  getSynchronizationSources(): RTCRtpSynchronizationSource[] {
    return [...this.#sources.entries()].map(([source, s]) => ({ source, timestamp: s.lastArrival, rtpTimestamp: s.lastTimestamp }));
  }
  getContributingSources(): RTCRtpSynchronizationSource[] {
    return [];
  }

  /** Set by the peer connection. */
  statsProvider: (() => Map<string, unknown>) | null = null;

  async getStats(): Promise<Map<string, unknown>> {
    return this.statsProvider?.() ?? new Map();
  }

  /**
   * Non-standard: ask the remote sender for a key frame (PLI, or FIR if only FIR was
   * negotiated); with simulcast, `rid` names the layer (default: the first).
   */
  requestKeyFrame(rid?: string): void {
    if (rid !== undefined && rid !== this.track.rid) {
      this.#layers.get(rid)?.requestKeyFrame();
      return;
    }
    const n = this.#negotiated;
    const ssrc = this.#lastSsrc ?? n?.ssrcs[0];
    if (!n || ssrc === undefined || !this.sendFeedback) return;
    this.counters.keyFrameRequests++;
    this.sendFeedback({ type: n.pli || !n.fir ? 'pli' : 'fir', mediaSsrc: ssrc });
  }

  // ---- wiring used by RTCPeerConnection and the connection ----

  setNegotiated(n: NegotiatedReceive | null): void {
    this.#negotiated = n && { ...n, codecs: mediaCodecsFirst(n.codecs) };
    this.#setLayers(n);
  }

  /** Non-standard: a 'dtmf' DtmfEvent per received DTMF tone (RFC 4733), when it ends. */
  get ondtmf(): ((this: EventTarget, ev: Event) => unknown) | null {
    return this.getHandler('dtmf');
  }
  set ondtmf(h: ((this: EventTarget, ev: Event) => unknown) | null) {
    this.setHandler('dtmf', h);
  }
  /** Counters of received telephone-events (malformed ones dropped, duplicates, tones). */
  get dtmfCounters(): Readonly<TelephoneEventCounters> {
    return this.#telephoneEvents.counters;
  }

  #dispatchTone(t: ReceivedTone): void {
    this.dispatchEvent(new DtmfEvent('dtmf', t));
  }

  /**
   * The layers a remote offer sends (before our answer is applied): their tracks exist when
   * 'track' fires, so a program can take them all there; negotiation then binds them.
   */
  proposeLayers(rids: readonly string[]): void {
    if (this.layerOf !== null || rids.length < 2) return;
    this.track.rid = rids[0];
    for (const rid of rids.slice(1, MAX_SIMULCAST_LAYERS)) {
      if (this.#layers.has(rid)) continue;
      const r = new RTCRtpReceiver(this.track.kind, this);
      r.track.rid = rid;
      r.statsProvider = this.statsProvider;
      this.#layers.set(rid, r);
    }
  }

  /** RFC 8853: one layer receiver per negotiated rid after the first; layers no longer negotiated end. */
  #setLayers(n: NegotiatedReceive | null): void {
    const layers = n?.layers ?? [];
    if (this.layerOf !== null) return;
    if (!n || layers.length < 2) {
      this.#ridRouter = null;
      this.track.rid = null;
      for (const r of this.#layers.values()) r.track.end();
      this.#layers.clear();
      return;
    }
    const rids = layers.map((l) => l.rid);
    this.track.rid = rids[0];
    for (const [rid, r] of this.#layers) {
      if (rids.includes(rid)) continue;
      r.track.end();
      this.#layers.delete(rid);
    }
    for (const rid of rids.slice(1)) {
      let r = this.#layers.get(rid);
      if (!r) {
        r = new RTCRtpReceiver(this.track.kind, this);
        r.track.rid = rid;
        r.transport = this.transport;
        r.statsProvider = this.statsProvider;
        this.#layers.set(rid, r);
      }
      r.setNegotiated({ ...n, ssrcs: [], layers: [] });
    }
    const ext = (uri: string): number | undefined => n.extensions.find((e) => e.uri === uri)?.id;
    this.#ridRouter = new RidRouter(rids, ext(EXT.rid), ext(EXT.repairedRid), this.#ridRouter ?? undefined);
  }
  get sources(): ReadonlyMap<number, ReceptionStats> {
    return this.#sources;
  }
  /** Whether a payload type belongs to this receiver (routing by PT, RFC 9143 §9.2). */
  acceptsPayloadType(pt: number): boolean {
    // A layer receiver is reached through its section's receiver, never by payload type.
    if (this.layerOf !== null) return false;
    return this.#negotiated?.codecs.some((c) => c.payloadType === pt || c.rtxPayloadType === pt) ?? false;
  }

  /** One decrypted RTP packet routed to this receiver. */
  handleRtp(bytes: Uint8Array, nowMs: number): void {
    if (this.#ridRouter) {
      // RFC 8853 / JSEP §5.9: within the section, the rid (or learned SSRC) picks the layer.
      const rid = this.#ridRouter.route(bytes);
      if (rid === undefined) {
        this.counters.packetsDiscarded++;
        return;
      }
      const layer = this.#layers.get(rid);
      if (layer) {
        layer.handleRtp(bytes, nowMs);
        return;
      }
    }
    const n = this.#negotiated;
    let header = readRtpHeader(bytes);
    if (!n || !header) {
      this.counters.packetsDiscarded++;
      return;
    }
    let codec = n.codecs.find((c) => c.payloadType === header?.payloadType);
    if (!codec) {
      const main = n.codecs.find((c) => c.rtxPayloadType === header?.payloadType);
      if (!main) {
        this.counters.unknownPayloadType++;
        return;
      }
      // RFC 4588 §4: RTX payload = OSN + original payload; restore the original packet.
      const at = rtpPayloadOffset(bytes);
      if (at < 0 || bytes.length < at + 2) {
        this.counters.packetsDiscarded++;
        return;
      }
      const osn = (bytes[at] << 8) | bytes[at + 1];
      const originalSsrc = this.#lastSsrc;
      if (originalSsrc === undefined) {
        this.counters.packetsDiscarded++;
        return;
      }
      const restored = new Uint8Array(bytes.length - 2);
      restored.set(bytes.subarray(0, at));
      restored.set(bytes.subarray(at + 2), at);
      restored[1] = (restored[1] & 0x80) | main.payloadType;
      restored[2] = osn >> 8;
      restored[3] = osn & 0xff;
      new DataView(restored.buffer).setUint32(8, originalSsrc);
      this.counters.rtxReceived++;
      this.#nackPending.get(originalSsrc)?.delete(osn);
      bytes = restored;
      header = readRtpHeader(bytes);
      codec = main;
      if (!header) return;
    }
    const at = rtpPayloadOffset(bytes);
    if (at < 0) {
      this.counters.packetsDiscarded++;
      return;
    }
    let stats = this.#sources.get(header.ssrc);
    if (!stats) {
      if (this.#sources.size >= 8) {
        this.counters.packetsDiscarded++;
        return;
      }
      stats = new ReceptionStats();
      this.#sources.set(header.ssrc, stats);
    }
    this.#lastSsrc = header.ssrc;
    if (stats.isDuplicate(header.sequenceNumber)) {
      // A network duplicate, or the RTX copy of an original that came late: delivered once.
      stats.duplicates++;
      this.#nackPending.get(header.ssrc)?.delete(header.sequenceNumber);
      return;
    }
    const missing = stats.update(header.sequenceNumber, header.timestamp, nowMs, codec.clockRate, bytes.length - at, at);
    this.#nackPending.get(header.ssrc)?.delete(header.sequenceNumber);
    if (n.nack) this.#queueNack(header.ssrc, missing, nowMs);
    // RFC 4733: telephone-events share the audio SSRC and sequence space (counted above) and
    // are not audio: they become 'dtmf' events and reach 'rtp' listeners, never frames.
    const telephoneEvent = isTelephoneEvent(codec);
    if (telephoneEvent) {
      for (const t of this.#telephoneEvents.handlePacket(header.ssrc, header.timestamp, bytes.subarray(at), (bytes[0] & 0x20) !== 0, codec.clockRate, nowMs)) this.#dispatchTone(t);
    } else if (this.track.kind === 'audio') {
      const orphan = this.#telephoneEvents.handleAudio(header.ssrc, nowMs, codec.clockRate);
      if (orphan) this.#dispatchTone(orphan);
    }
    // W3C WebRTC §5.3: the track unmutes when media arrives.
    if (this.track.muted) this.track.setMuted(false);
    const params = codecParameters(this.track.kind, codec)[0];
    const packet: MediaRtpPacket = { ...header, bytes, codec: params };
    this.track.deliverRtp(packet);
    if (this.track.wantsFrames && !telephoneEvent) this.#depacketize(packet, params, nowMs);
  }

  /**
   * A padding-only packet (RFC 3550 §5.1; a bandwidth probe) on a media payload type: it takes a
   * sequence number in its SSRC's space, so the gap tracker sees it (never NACKed as lost), but
   * it carries no media. Padding on the RTX payload type has the RTX stream's own sequence
   * space, which is never NACKed: nothing to record.
   */
  handlePadding(bytes: Uint8Array, nowMs: number): void {
    if (this.#ridRouter) {
      const rid = this.#ridRouter.route(bytes);
      const layer = rid === undefined ? undefined : this.#layers.get(rid);
      if (layer) {
        layer.handlePadding(bytes, nowMs);
        return;
      }
    }
    const n = this.#negotiated;
    const header = readRtpHeader(bytes);
    const at = rtpPayloadOffset(bytes);
    if (!n || !header || at < 0) return;
    const codec = n.codecs.find((c) => c.payloadType === header.payloadType);
    const stats = this.#sources.get(header.ssrc);
    // Before the stream's first media packet there is no sequence space to fill yet.
    if (!codec || !stats || stats.isDuplicate(header.sequenceNumber)) return;
    const missing = stats.update(header.sequenceNumber, header.timestamp, nowMs, codec.clockRate, 0, at);
    this.#nackPending.get(header.ssrc)?.delete(header.sequenceNumber);
    if (n.nack) this.#queueNack(header.ssrc, missing, nowMs);
  }

  /** New gaps are NACKed at once; gaps still open after NACK_RETRY_MS are asked for again. */
  #queueNack(ssrc: number, missing: number[], nowMs: number): void {
    let pending = this.#nackPending.get(ssrc);
    if (!pending) {
      if (missing.length === 0) return;
      pending = new Map();
      this.#nackPending.set(ssrc, pending);
    }
    const ask: number[] = [];
    for (const [seq, p] of pending) {
      if (nowMs - p.at < NACK_RETRY_MS) continue;
      if (p.tries >= NACK_TRIES) {
        pending.delete(seq);
        continue;
      }
      p.at = nowMs;
      p.tries++;
      ask.push(seq);
    }
    for (const seq of missing) {
      if (pending.size >= MAX_NACK_LIST) pending.delete(pending.keys().next().value as number);
      pending.set(seq, { at: nowMs, tries: 1 });
      ask.push(seq);
    }
    if (ask.length === 0) return;
    this.counters.nackSent++;
    this.sendFeedback?.({ type: 'nack', mediaSsrc: ssrc, sequenceNumbers: ask.slice(0, MAX_NACK_LIST) });
  }

  #depacketize(packet: MediaRtpPacket, codec: RTCRtpCodecParameters, nowMs: number): void {
    const key = `${codec.mimeType}/${packet.ssrc}`;
    let d = this.#depacketizers.get(key);
    if (d === undefined) {
      d = this.depacketizerFactory?.(codec) ?? null;
      if (this.#depacketizers.size < 16) this.#depacketizers.set(key, d);
    }
    if (!d) return;
    for (const f of d.push(packet)) {
      this.counters.framesDecodedFromRtp++;
      if (f.keyframe) this.counters.keyFramesReceived++;
      this.track.deliverFrame(f);
    }
    // Frames are being dropped until a key frame (loss NACK could not repair): ask for one,
    // as a decoder would (RFC 4585 §6.3.1), rate-limited.
    if (d.waitingForKeyframe && this.track.kind === 'video' && nowMs - this.#lastAutoKeyFrameRequest >= KEYFRAME_REQUEST_INTERVAL_MS) {
      this.#lastAutoKeyFrameRequest = nowMs;
      this.counters.autoKeyFrameRequests++;
      this.requestKeyFrame();
    }
  }
}
