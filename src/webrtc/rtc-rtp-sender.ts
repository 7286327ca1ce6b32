// RTCRtpSender (W3C WebRTC §5.2): sends one track with the negotiated codec, SSRC and
// header extensions; keeps a bounded retransmission buffer for NACK (RFC 4585 §6.2.1,
// RTX per RFC 4588 when negotiated); reports PLI/FIR to the program feeding the track.
import type { CodecSpec, ExtensionSpec } from '../sdp/jsep.js';
import { type RTCRtpCapabilities, type RTCRtpCodecParameters, EXT, capabilitiesFor, mimeTypeOf } from './capabilities.js';
import { domError } from './errors.js';
import { KeyFrameRequestEvent, type MediaStreamTrack } from './media-stream-track.js';
import type { EncodedFrameInit, MediaRtpPacket, RtpSendPath, TrackSink } from './media-types.js';
import type { RTCDtlsTransport } from './rtc-transports.js';
import { ABS_SEND_TIME_BYTES } from './abs-send-time.js';
import { type HeaderExtensionValue, rewriteRtp, rtpPayloadOffset } from './rtp-rewrite.js';
import { extensionDataOffset } from './transport-cc-sender.js';
import { mediaCodecsFirst, telephoneEventFor } from './dtmf-codecs.js';
import type { TelephoneEventPacket } from './dtmf-scheduler.js';
import { RTCDTMFSender } from './rtc-dtmf-sender.js';
import type { SimulcastLayer } from './simulcast.js';
import { ForwardSwitch } from './forward-switch.js';

export interface RTCRtpEncodingParameters {
  rid?: string;
  active: boolean;
  maxBitrate?: number;
  maxFramerate?: number;
  scaleResolutionDownBy?: number;
  priority?: string;
  networkPriority?: string;
}

/** W3C RTCRtpEncodingParameters as given to addTransceiver's sendEncodings: `active` defaults to true. */
export type RTCRtpEncodingInit = Omit<RTCRtpEncodingParameters, 'active'> & { active?: boolean };

export interface RTCRtpSendParameters {
  transactionId: string;
  encodings: RTCRtpEncodingParameters[];
  codecs: RTCRtpCodecParameters[];
  headerExtensions: { uri: string; id: number; encrypted: boolean }[];
  rtcp: { cname: string; reducedSize: boolean };
  degradationPreference?: string;
}

/** What negotiation decided for this sender (JSEP §5.10–5.11). */
export interface NegotiatedSend {
  mid: string;
  codecs: CodecSpec[];
  extensions: ExtensionSpec[];
  /** Simulcast layers the peer accepted (RFC 8853 §5.3), in our order; absent or empty: one stream. */
  layers?: SimulcastLayer[];
}

/** The frame packetiser the connection plugs in (src/rtp, WASM): whole RTP packets, marker set; null when the codec has none. */
export type FramePacketizer = (frame: EncodedFrameInit, codec: CodecSpec, ssrc: number) => Uint8Array[] | null;

/** Packets kept for retransmission: about 1 s of 2.5 Mbit/s video. */
const RTX_BUFFER = 512;
/** maxBitrate is enforced over this sliding window, remembered as at most this many frames. */
const RATE_WINDOW_MS = 1000;
const RATE_WINDOW_FRAMES = 256;

function randomUint32(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

export class RTCRtpSender {
  readonly kind: 'audio' | 'video';
  #track: MediaStreamTrack | null;
  #streamIds: string[];
  readonly ssrc = randomUint32();
  /** a=msid track id when no track is attached (stable across offers). */
  readonly msidTrackId = crypto.randomUUID();
  readonly rtxSsrc: number | undefined;
  readonly cname: string;
  #encodings: RTCRtpEncodingParameters[] = [{ active: true }];
  #transactionId: string | null = null;
  #negotiated: NegotiatedSend | null = null;
  #sendPath: RtpSendPath | null = null;
  #sending = false;
  #seq = randomUint32() & 0xffff;
  #rtxSeq = randomUint32() & 0xffff;
  readonly #history = new Map<number, Uint8Array>();
  /** Negotiated ids of the per-packet extensions (placeholders written here, values by the transport). */
  #twccId: number | undefined;
  #absSendTimeId: number | undefined;
  /** Frames sent through writeFrame in the maxBitrate window: send time and RTP bytes, a ring. */
  #windowAt: Float64Array | null = null;
  #windowBytes: Uint32Array | null = null;
  #windowHead = 0;
  #windowCount = 0;
  /** A delta frame was dropped for maxBitrate: later delta frames reference it, so they wait for a keyframe. */
  #awaitingKeyframe = false;
  /** Set by the connection: turns frames into RTP payload packets for a codec. */
  packetizer: FramePacketizer | null = null;
  /** The RTCDtlsTransport, once negotiated (W3C §5.2). */
  transport: RTCDtlsTransport | null = null;
  readonly stats = { packetsSent: 0, bytesSent: 0, headerBytesSent: 0, retransmittedPacketsSent: 0, retransmittedBytesSent: 0, nackCount: 0, pliCount: 0, firCount: 0, framesSent: 0, keyFramesEncoded: 0, packetsDropped: 0, framesDroppedForMaxBitrate: 0, lastSenderReportRtpTimestamp: 0, lastRtpTimestamp: 0, lastPacketSentAt: 0 };
  /** From the peer's RTCP RR/SR report block about this sender (RFC 3550 §6.4.1); RTT in seconds. */
  remoteReport: { fractionLost: number; packetsLost: number; jitter: number; roundTripTime: number | undefined } | null = null;
  /**
   * The peer's receiver-estimated maximum bitrate for this sender's SSRC, bits per second
   * (REMB, draft-alvestrand-rmcat-remb-03), or null before any; set as REMB arrives.
   */
  remoteEstimatedBitrate: number | null = null;
  /** Called when replaceTrack/setStreams need a renegotiation check. */
  onNegotiationNeeded: (() => void) | null = null;
  readonly #sink: TrackSink = {
    writeRtp: (p) => this.#writeRtp(p),
    writeFrame: (f) => this.#writeFrame(f),
  };

  /** Simulcast: senders of encodings[1..] (own SSRC, RTX SSRC, sequence and history); this one sends encodings[0]. */
  readonly #layers: RTCRtpSender[] = [];
  /** For an encoding's sender, the transceiver's sender that owns it. */
  readonly layerOf: RTCRtpSender | null;
  /** Simulcast was negotiated: packets carry the rid extension until the peer reports on the SSRC. */
  #simulcast = false;
  /** The peer listed this encoding paused (RFC 8853 §5.1 `~`). */
  #paused = false;
  #ridId: number | undefined;
  #repairedRidId: number | undefined;
  /** Continuity across a replaceTrack between forwarded (remote) tracks: key frame gate, timestamp and VP8 picture rebasing. */
  readonly #continuity = new ForwardSwitch();

  constructor(kind: 'audio' | 'video', track: MediaStreamTrack | null, streamIds: string[], cname: string, layerOf: RTCRtpSender | null = null) {
    this.layerOf = layerOf;
    this.kind = kind;
    this.#track = null;
    this.#streamIds = streamIds;
    this.cname = cname;
    if (kind === 'video') this.rtxSsrc = randomUint32();
    this.#dtmf = kind === 'audio' ? this.#makeDtmf() : null;
    this.attachTrack(track);
  }

  static getCapabilities(kind: string): RTCRtpCapabilities | null {
    return capabilitiesFor(kind);
  }

  get track(): MediaStreamTrack | null {
    return this.#track;
  }
  get streamIds(): readonly string[] {
    return this.#streamIds;
  }
  get negotiated(): NegotiatedSend | null {
    return this.#negotiated;
  }
  /** W3C §5.2: the RTCDTMFSender of an audio sender (RFC 4733 telephone-events), null for video. */
  get dtmf(): RTCDTMFSender | null {
    return this.#dtmf;
  }
  readonly #dtmf: RTCDTMFSender | null;
  /** When the last media packet left (sendPath clock), for the DTMF event timestamps. */
  #lastMediaAt: number | undefined;
  /** Base of the DTMF timestamps while no media has been sent (RFC 3550 §5.1: random start). */
  readonly #idleTimestampBase = randomUint32();

  /** W3C §5.2 replaceTrack: same kind or null; no renegotiation needed. */
  async replaceTrack(withTrack: MediaStreamTrack | null): Promise<void> {
    if (withTrack !== null && withTrack.kind !== this.kind) {
      throw domError('TypeError', `replaceTrack needs a ${this.kind} track (got ${withTrack.kind})`);
    }
    if (this.stopped) throw domError('InvalidStateError', 'the transceiver is stopped; add a new track with addTrack');
    this.attachTrack(withTrack);
  }

  setStreams(...streams: { id: string }[]): void {
    if (this.stopped) throw domError('InvalidStateError', 'the transceiver is stopped');
    this.#streamIds = streams.map((s) => s.id);
    this.onNegotiationNeeded?.();
  }

  getParameters(): RTCRtpSendParameters {
    this.#transactionId = crypto.randomUUID();
    const n = this.#negotiated;
    return {
      transactionId: this.#transactionId,
      encodings: this.#encodings.map((e) => ({ ...e })),
      codecs: n ? n.codecs.flatMap((c) => codecParameters(this.kind, c)) : [],
      headerExtensions: n ? n.extensions.map((e) => ({ uri: e.uri, id: e.id, encrypted: false })) : [],
      rtcp: { cname: this.cname, reducedSize: true },
    };
  }

  /** W3C §5.2 setParameters: only encodings' active/maxBitrate/… may change, with a fresh transactionId. */
  async setParameters(parameters: RTCRtpSendParameters): Promise<void> {
    if (this.stopped) throw domError('InvalidStateError', 'the transceiver is stopped');
    if (this.#transactionId === null || parameters?.transactionId !== this.#transactionId) {
      throw domError('InvalidModificationError', 'call getParameters() first and pass its result (transactionId) to setParameters()');
    }
    if (!Array.isArray(parameters.encodings) || parameters.encodings.length !== this.#encodings.length) {
      throw domError('InvalidModificationError', 'the number of encodings cannot change after negotiation');
    }
    for (let i = 0; i < parameters.encodings.length; i++) {
      if (parameters.encodings[i].rid !== this.#encodings[i].rid) throw domError('InvalidModificationError', 'encoding rid cannot change');
      const mb = parameters.encodings[i].maxBitrate;
      if (mb !== undefined && !(mb >= 0)) throw domError('RangeError', 'maxBitrate must be a non-negative number');
      const sd = parameters.encodings[i].scaleResolutionDownBy;
      if (sd !== undefined && !(sd >= 1)) throw domError('RangeError', 'scaleResolutionDownBy must be at least 1');
    }
    this.#encodings = parameters.encodings.map((e) => ({ ...e, active: e.active !== false }));
    // Each simulcast encoding's sender follows its entry (active:false stops that layer).
    this.#layers.forEach((l, i) => {
      l.#encodings = [this.#encodings[i + 1]];
    });
    this.#transactionId = null;
  }

  /** Set by the peer connection. */
  statsProvider: (() => Map<string, unknown>) | null = null;

  async getStats(): Promise<Map<string, unknown>> {
    return this.statsProvider?.() ?? new Map();
  }

  // ---- wiring used by RTCPeerConnection and the connection ----

  stopped = false;

  setInitialEncodings(encodings: readonly RTCRtpEncodingInit[]): void {
    this.#encodings = encodings.map((e) => ({ ...e, active: e.active !== false }));
    if (this.layerOf !== null || this.#layers.length > 0) return;
    for (const e of this.#encodings.slice(1)) {
      const l = new RTCRtpSender(this.kind, this.#track, [...this.#streamIds], this.cname, this);
      l.#encodings = [e];
      this.#layers.push(l);
    }
  }

  /**
   * W3C §4.4.1.6 / RFC 8853 §5.3: the answer declined simulcast, only the first encoding
   * remains (it keeps its rid, so media written for the other rids is still not sent).
   */
  keepFirstEncoding(): void {
    if (this.#encodings.length < 2) return;
    this.#encodings = [this.#encodings[0]];
    for (const l of this.#layers) l.attachTrack(null);
    this.#layers.length = 0;
  }

  /** The rid of the encoding this sender sends (simulcast), else undefined. */
  get rid(): string | undefined {
    return this.#encodings[0]?.rid;
  }

  /** Senders of the simulcast encodings after the first that the peer accepted (empty without simulcast). */
  get layerSenders(): RTCRtpSender[] {
    if (!this.#simulcast) return [];
    const rids = new Set((this.#negotiated?.layers ?? []).map((l) => l.rid));
    return this.#layers.filter((l) => rids.has(l.rid as string));
  }

  /** Every encoding's sender, negotiated or not (stats, replaceTrack). */
  get allLayerSenders(): readonly RTCRtpSender[] {
    return this.#layers;
  }
  get encodings(): readonly RTCRtpEncodingParameters[] {
    return this.#encodings;
  }

  attachTrack(track: MediaStreamTrack | null): void {
    const previous = this.#track;
    this.#track?.removeSink(this.#sink);
    this.#track = track;
    track?.addSink(this.#sink);
    for (const l of this.#layers) l.attachTrack(track);
    // An SFU switching the forwarded layer (replaceTrack): the new source must start with a
    // key frame the peer can decode from (RFC 4585 §6.3.1), so one is asked for upstream.
    if (track !== null && previous !== null && previous !== track && previous.remote && track.remote) {
      this.#continuity.sourceChanged();
      if (this.#sending) track.requestKeyFrame();
    }
  }

  setNegotiated(n: NegotiatedSend | null): void {
    this.#negotiated = n && { ...n, codecs: mediaCodecsFirst(n.codecs) };
    const layers = n?.layers ?? [];
    this.#simulcast = layers.length > 1 && this.rid !== undefined;
    this.#paused = layers.find((l) => l.rid === this.rid)?.paused === true;
    this.#ridId = this.#simulcast ? n?.extensions.find((e) => e.uri === EXT.rid)?.id : undefined;
    this.#repairedRidId = this.#simulcast ? n?.extensions.find((e) => e.uri === EXT.repairedRid)?.id : undefined;
    for (const l of this.#layers) {
      l.setNegotiated(n);
      // An encoding the peer no longer takes stops at once (the connection only drives the others).
      if (!this.#simulcast || !layers.some((x) => x.rid === l.rid)) l.setSendPath(null, false);
    }
    this.#twccId = n?.extensions.find((e) => e.uri === EXT.transportCc)?.id;
    this.#absSendTimeId = n?.extensions.find((e) => e.uri === EXT.absSendTime)?.id;
    this.#extCache = null;
  }

  /** Starts or stops sending (direction and transport both allow it). */
  setSendPath(path: RtpSendPath | null, sending: boolean): void {
    this.#sendPath = path;
    this.#sending = sending && path !== null;
    // Stopping the transceiver's sender (or its direction) stops every simulcast encoding.
    if (!this.#sending) for (const l of this.#layers) l.setSendPath(null, false);
  }
  get sending(): boolean {
    return this.#sending;
  }

  #pickCodec(packet: MediaRtpPacket): CodecSpec | undefined {
    const codecs = this.#negotiated?.codecs ?? [];
    if (packet.codec) {
      const mime = packet.codec.mimeType.toLowerCase();
      const same = codecs.filter((c) => mimeTypeOf(this.kind, c.name).toLowerCase() === mime && c.clockRate === packet.codec?.clockRate);
      // H.264 needs the same packetization-mode; prefer an exact fmtp match.
      return same.find((c) => (c.fmtp ?? '') === (packet.codec?.sdpFmtpLine ?? '')) ?? same[0];
    }
    return codecs.find((c) => c.payloadType === packet.payloadType) ?? codecs[0];
  }

  /**
   * The header extensions of our packets: [media, RTX]. Built once per negotiation (and again
   * when the rid stops being sent), not per packet: every sent packet uses them read-only.
   */
  #extCache: [HeaderExtensionValue[], HeaderExtensionValue[]] | null = null;
  #extCacheWithRid = false;

  #extensions(repair = false): readonly HeaderExtensionValue[] {
    const withRid = this.remoteReport === null;
    if (this.#extCache === null || this.#extCacheWithRid !== withRid) {
      this.#extCache = [this.#buildExtensions(false, withRid), this.#buildExtensions(true, withRid)];
      this.#extCacheWithRid = withRid;
    }
    return this.#extCache[repair ? 1 : 0];
  }

  #buildExtensions(repair: boolean, withRid: boolean): HeaderExtensionValue[] {
    const out: HeaderExtensionValue[] = [];
    const n = this.#negotiated;
    if (!n) return out;
    const utf8 = new TextEncoder();
    for (const e of n.extensions) {
      // RFC 9143 §9.2: the MID extension lets the peer route packets before it knows our SSRC.
      if (e.uri === EXT.mid) out.push({ id: e.id, data: utf8.encode(n.mid) });
    }
    // RFC 8852 §3: the layer's rid (repaired-rid on RTX) until the peer's RTCP reports on this
    // SSRC show it has paired SSRC and rid, as libwebrtc does.
    const ridId = repair ? this.#repairedRidId : this.#ridId;
    if (ridId !== undefined && withRid) out.push({ id: ridId, data: utf8.encode(this.rid) });
    // Room for the per-packet values, written in place just before SRTP (see #send).
    if (this.#twccId !== undefined) out.push({ id: this.#twccId, data: new Uint8Array(2) });
    if (this.#absSendTimeId !== undefined) out.push({ id: this.#absSendTimeId, data: new Uint8Array(ABS_SEND_TIME_BYTES) });
    return out;
  }


  /**
   * Every packet leaves here: the transport-wide sequence number (one counter per BUNDLE
   * transport, draft-holmer-rmcat-transport-wide-cc-extensions-01 §2, retransmissions
   * included) and abs-send-time are stamped in place, then the connection protects it.
   */
  #send(path: RtpSendPath, packet: Uint8Array, retransmission = false): void {
    const stamper = path.transportCc;
    if (stamper && (this.#twccId !== undefined || this.#absSendTimeId !== undefined)) {
      const tcc = this.#twccId !== undefined ? (extensionDataOffset(packet, this.#twccId, 2) ?? -1) : -1;
      const abs = this.#absSendTimeId !== undefined ? (extensionDataOffset(packet, this.#absSendTimeId, ABS_SEND_TIME_BYTES) ?? -1) : -1;
      // Video is paced when transport-cc is negotiated (the estimate that sets the pace comes
      // from its feedback); audio never waits behind video (src/cc/pacer.ts).
      if (path.pace && this.kind === 'video' && this.#twccId !== undefined) {
        path.pace(packet, tcc, abs, retransmission);
        return;
      }
      stamper.stampAt(packet, tcc, abs);
    }
    path.sendRtp(packet);
  }

  /** Whether media written for `rid` is this encoding's: the first takes unnamed media too (RFC 8853 §5.3 fallback). */
  #takes(rid: string | undefined): boolean {
    const mine = this.rid;
    if (this.layerOf !== null) return rid === mine;
    return rid === undefined || mine === undefined || rid === mine;
  }

  #writeRtp(packet: MediaRtpPacket): void {
    if (!this.#takes(packet.rid)) return;
    if (this.#paused || !this.#sending || this.#sendPath === null || this.#encodings[0]?.active === false) {
      this.stats.packetsDropped++;
      return;
    }
    const codec = this.#pickCodec(packet);
    if (!codec) {
      this.stats.packetsDropped++;
      return;
    }
    this.#seq = (this.#seq + 1) & 0xffff;
    const out = rewriteRtp(packet.bytes, { ssrc: this.ssrc, payloadType: codec.payloadType, sequenceNumber: this.#seq, extensions: this.#extensions() });
    if (!out) {
      this.stats.packetsDropped++;
      return;
    }
    const name = codec.name.toLowerCase();
    if (!this.#continuity.apply(out, name === 'vp8' || name === 'h264' ? name : 'other', rtpPayloadOffset(out), codec.clockRate, this.#sendPath.now?.())) {
      this.#seq = (this.#seq - 1) & 0xffff; // held back, not sent: no gap in our sequence
      return;
    }
    this.#transmit(out, ((out[4] << 24) | (out[5] << 16) | (out[6] << 8) | out[7]) >>> 0);
  }

  #transmit(out: Uint8Array, timestamp: number, media = true): void {
    const seq = (out[2] << 8) | out[3];
    this.#history.set(seq, out);
    if (this.#history.size > RTX_BUFFER) this.#history.delete(this.#history.keys().next().value as number);
    const payloadAt = rtpPayloadOffset(out);
    this.stats.packetsSent++;
    this.stats.bytesSent += out.length - payloadAt;
    this.stats.headerBytesSent += payloadAt;
    if (media) {
      this.stats.lastRtpTimestamp = timestamp >>> 0;
      this.#lastMediaAt = this.#sendPath?.now?.();
    }
    if (this.#sendPath) this.#send(this.#sendPath, out);
  }

  #makeDtmf(): RTCDTMFSender {
    const sender = this;
    return new RTCDTMFSender({
      get hasTrack() {
        return sender.#track !== null;
      },
      get active() {
        return sender.#encodings[0]?.active !== false;
      },
      telephoneEventCodec: () => telephoneEventFor(this.#negotiated?.codecs ?? []),
      rtpTimestampAt: (now, clockRate) => this.#rtpTimestampAt(now, clockRate),
      sendTelephoneEvent: (payloadType, packet) => this.#sendTelephoneEvent(payloadType, packet),
    });
  }

  /**
   * Where the audio stream is at `now` (RFC 4733 §2.5.1.2: an event's timestamp is its start
   * on the audio clock): the last media timestamp moved on by the time since it was sent.
   */
  #rtpTimestampAt(now: number, clockRate: number): number {
    const at = this.#lastMediaAt;
    const audioRate = this.#negotiated?.codecs[0]?.clockRate;
    if (at !== undefined && audioRate === clockRate) return (this.stats.lastRtpTimestamp + Math.round(((now - at) * clockRate) / 1000)) >>> 0;
    return (this.#idleTimestampBase + Math.round((now * clockRate) / 1000)) >>> 0;
  }

  /** One RFC 4733 packet on the audio SSRC and sequence space, with the section's header extensions. */
  #sendTelephoneEvent(payloadType: number, packet: TelephoneEventPacket): void {
    if (!this.#sending || this.#sendPath === null || this.#encodings[0]?.active === false) {
      this.stats.packetsDropped++;
      return;
    }
    const raw = new Uint8Array(12 + packet.payload.length);
    raw[0] = 0x80; // RFC 3550 §5.1: V=2
    raw[1] = (packet.marker ? 0x80 : 0) | (payloadType & 0x7f);
    raw.set(packet.payload, 12);
    this.#seq = (this.#seq + 1) & 0xffff;
    const out = rewriteRtp(raw, { ssrc: this.ssrc, payloadType, sequenceNumber: this.#seq, timestamp: packet.timestamp, extensions: this.#extensions() });
    if (!out) {
      this.stats.packetsDropped++;
      return;
    }
    this.#transmit(out, packet.timestamp, false);
  }

  #writeFrame(frame: EncodedFrameInit): void {
    if (!this.#takes(frame.rid)) return;
    if (this.#paused || !this.#sending || this.#sendPath === null || this.#encodings[0]?.active === false) {
      this.stats.packetsDropped++;
      return;
    }
    const codec = this.#negotiated?.codecs[0];
    const packets = codec && this.packetizer ? this.packetizer(frame, codec, this.ssrc) : null;
    if (!codec || !packets) {
      this.stats.packetsDropped++;
      return;
    }
    const ext = this.#extensions();
    const outs: Uint8Array[] = [];
    let bytes = 0;
    for (const p of packets) {
      const out = rewriteRtp(p, { ssrc: this.ssrc, payloadType: codec.payloadType, sequenceNumber: 0, extensions: ext });
      if (!out) continue;
      outs.push(out);
      bytes += out.length;
    }
    if (this.#overMaxBitrate(frame, bytes)) {
      this.stats.framesDroppedForMaxBitrate++;
      return;
    }
    for (const out of outs) {
      this.#seq = (this.#seq + 1) & 0xffff;
      out[2] = this.#seq >> 8;
      out[3] = this.#seq & 0xff;
      this.#transmit(out, frame.timestamp);
    }
    this.stats.framesSent++;
    if (frame.keyframe) this.stats.keyFramesEncoded++;
  }

  /**
   * encodings[0].maxBitrate for writeFrame (W3C §5.2 leaves the means to the sender): a frame
   * that would lift the RTP bytes sent in the last second above maxBitrate is dropped, unless
   * it is a keyframe; after a dropped video delta frame the following delta frames are dropped
   * too until the next keyframe, since they reference the missing one. Opus frames are
   * independent and dropped one by one. Records the frame when it is sent.
   */
  #overMaxBitrate(frame: EncodedFrameInit, bytes: number): boolean {
    const max = this.#encodings[0]?.maxBitrate;
    const now = this.#sendPath?.now?.();
    const keyframe = frame.keyframe === true;
    if (keyframe || max === undefined) this.#awaitingKeyframe = false;
    // The window is kept only while a limit is set (no cost otherwise).
    if (max === undefined || now === undefined) return false;
    if (!keyframe) {
      if (this.#awaitingKeyframe && this.kind === 'video') return true;
      let sent = 0;
      for (let j = 0; j < this.#windowCount; j++) {
        const k = (this.#windowHead - 1 - j + RATE_WINDOW_FRAMES) % RATE_WINDOW_FRAMES;
        if ((this.#windowAt as Float64Array)[k] <= now - RATE_WINDOW_MS) break;
        sent += (this.#windowBytes as Uint32Array)[k];
      }
      if ((sent + bytes) * 8 > (max * RATE_WINDOW_MS) / 1000) {
        if (this.kind === 'video') this.#awaitingKeyframe = true;
        return true;
      }
    }
    if (!this.#windowAt) {
      this.#windowAt = new Float64Array(RATE_WINDOW_FRAMES);
      this.#windowBytes = new Uint32Array(RATE_WINDOW_FRAMES);
    }
    (this.#windowAt as Float64Array)[this.#windowHead] = now;
    (this.#windowBytes as Uint32Array)[this.#windowHead] = bytes;
    this.#windowHead = (this.#windowHead + 1) % RATE_WINDOW_FRAMES;
    if (this.#windowCount < RATE_WINDOW_FRAMES) this.#windowCount++;
    return false;
  }

  /** RFC 4585 §6.2.1 Generic NACK: resend what is still buffered (as RTX when negotiated, RFC 4588 §4). */
  handleNack(sequenceNumbers: readonly number[]): void {
    this.stats.nackCount++;
    const path = this.#sendPath;
    if (!path || !this.#sending) return;
    for (const seq of sequenceNumbers) {
      const original = this.#history.get(seq);
      if (!original) continue;
      const out = this.#rtxCopy(original, seq) ?? original;
      if (!out) continue;
      this.stats.retransmittedPacketsSent++;
      this.stats.retransmittedBytesSent += out.length;
      this.#send(path, out, true);
    }
  }

  /** RFC 4588 §4: `original` (sequence `seq`) on the RTX SSRC, OSN first; undefined without RTX. */
  #rtxCopy(original: Uint8Array, seq: number): Uint8Array | undefined {
    const rtxPt = this.#negotiated?.codecs.find((c) => c.payloadType === (original[1] & 0x7f))?.rtxPayloadType;
    if (rtxPt === undefined || this.rtxSsrc === undefined) return undefined;
    const at = rtpPayloadOffset(original);
    const body = new Uint8Array(original.length - at + 2);
    body[0] = seq >> 8; // OSN (RFC 4588 §4)
    body[1] = seq & 0xff;
    body.set(original.subarray(at), 2);
    const withHeader = new Uint8Array(at + body.length);
    withHeader.set(original.subarray(0, at));
    withHeader.set(body, at);
    withHeader[0] &= 0xdf; // padding, if any, was part of the original payload
    this.#rtxSeq = (this.#rtxSeq + 1) & 0xffff;
    return rewriteRtp(withHeader, { ssrc: this.rtxSsrc, payloadType: rtxPt, sequenceNumber: this.#rtxSeq, extensions: this.#extensions(true) });
  }

  /**
   * The most this sender's active encodings may send together (W3C encodings[].maxBitrate),
   * bits per second; undefined when one of them has no maxBitrate. Bounds bandwidth probing.
   */
  get maxBitrate(): number | undefined {
    let sum = 0;
    for (const e of this.#encodings) {
      if (e.active === false) continue;
      if (e.maxBitrate === undefined) return undefined;
      sum += e.maxBitrate;
    }
    return sum;
  }

  /** Whether probePacket() can make a packet now (see there). */
  get canProbe(): boolean {
    const n = this.#negotiated;
    if (this.kind !== 'video' || !this.#sending || this.#twccId === undefined || !n || n.codecs.length === 0) return false;
    return (n.codecs[0].rtxPayloadType !== undefined && this.rtxSsrc !== undefined) || this.stats.packetsSent > 0;
  }

  /**
   * A bandwidth-probe packet (src/cc/probe-controller.ts), the `index`-th of its cluster, with
   * the byte offsets of its transport-cc and abs-send-time data (-1 = none); null when this
   * sender cannot make one (not sending video with transport-cc). As libwebrtc does: with RTX,
   * an RTX copy of recently sent media (the receiver drops the duplicate) or, before any
   * media, padding on the RTX SSRC and payload type; without RTX, padding on the media SSRC
   * once media has started (a receiver's packet buffer must not begin with padding).
   * Padding-only packets: RFC 3550 §5.1 P bit, the last octet counts the padding.
   */
  probePacket(index: number): { packet: Uint8Array; transportCc: number; absSendTime: number } | null {
    const n = this.#negotiated;
    if (!this.canProbe || !n || this.#twccId === undefined) return null;
    let out: Uint8Array | undefined;
    const rtxPt = n.codecs[0].rtxPayloadType;
    if (rtxPt !== undefined && this.rtxSsrc !== undefined) {
      // The latest 16 media packets in turn: a copy of each is a full-size probe packet.
      for (let back = index % 16, tries = 0; tries < 16 && !out; back = (back + 1) % 16, tries++) {
        const seq = (this.#seq - back) & 0xffff;
        const original = this.#history.get(seq);
        if (original) out = this.#rtxCopy(original, seq);
      }
      if (!out) {
        this.#rtxSeq = (this.#rtxSeq + 1) & 0xffff;
        out = rewriteRtp(paddingOnly(this.stats.lastRtpTimestamp), { ssrc: this.rtxSsrc, payloadType: rtxPt, sequenceNumber: this.#rtxSeq, extensions: this.#extensions(true) });
      }
    } else if (this.stats.packetsSent > 0) {
      this.#seq = (this.#seq + 1) & 0xffff;
      out = rewriteRtp(paddingOnly(this.stats.lastRtpTimestamp), { ssrc: this.ssrc, payloadType: n.codecs[0].payloadType, sequenceNumber: this.#seq, extensions: this.#extensions() });
    }
    if (!out) return null;
    const abs = this.#absSendTimeId !== undefined ? (extensionDataOffset(out, this.#absSendTimeId, ABS_SEND_TIME_BYTES) ?? -1) : -1;
    return { packet: out, transportCc: extensionDataOffset(out, this.#twccId, 2) ?? -1, absSendTime: abs };
  }

  /** PLI (RFC 4585 §6.3.1) or FIR (RFC 5104 §4.3.1) from the peer. */
  handleKeyFrameRequest(method: 'pli' | 'fir'): void {
    if (method === 'pli') this.stats.pliCount++;
    else this.stats.firCount++;
    const track = this.#track;
    if (!track) return;
    track.dispatchEvent(new KeyFrameRequestEvent(method, this.#simulcast ? this.rid : undefined));
    // A forwarded remote track passes the request upstream (echo / SFU).
    if (track.remote) track.requestKeyFrame();
  }
}

/** An RTP header (version 2, P bit) and 255 octets of padding, the last one counting them (RFC 3550 §5.1). */
function paddingOnly(timestamp: number): Uint8Array {
  const p = new Uint8Array(12 + 255);
  p[0] = 0xa0;
  new DataView(p.buffer).setUint32(4, timestamp >>> 0);
  p[p.length - 1] = 255;
  return p;
}

export function codecParameters(kind: 'audio' | 'video', c: CodecSpec): RTCRtpCodecParameters[] {
  const out: RTCRtpCodecParameters[] = [];
  const main: RTCRtpCodecParameters = { payloadType: c.payloadType, mimeType: mimeTypeOf(kind, c.name), clockRate: c.clockRate };
  if (c.channels !== undefined) main.channels = c.channels;
  if (c.fmtp !== undefined) main.sdpFmtpLine = c.fmtp;
  out.push(main);
  if (c.rtxPayloadType !== undefined) {
    out.push({ payloadType: c.rtxPayloadType, mimeType: `${kind}/rtx`, clockRate: c.clockRate, sdpFmtpLine: `apt=${c.payloadType}` });
  }
  return out;
}
