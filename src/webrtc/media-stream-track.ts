// MediaStreamTrack (W3C Media Capture §4.3) for servers: no capture device, instead
// media written by the program (`writeRtp`, `writeFrame`) or received from a peer
// ('rtp' events, `frames()`). A track can feed any number of RTCRtpSenders.
import { domError } from './errors.js';
import { EventTargetWithHandlers } from './event-handlers.js';
import type { EncodedFrame, EncodedFrameInit, MediaRtpPacket, TrackSink, TrackWriteOptions } from './media-types.js';
import { readRtpHeader } from './media-types.js';

export type MediaStreamTrackState = 'live' | 'ended';

export interface MediaStreamTrackInit {
  kind: 'audio' | 'video';
  id?: string;
  label?: string;
}

/** 'rtp' event of a track: one packet, as received (after SRTP) or as written. */
export class RTCRtpPacketEvent extends Event {
  readonly packet: MediaRtpPacket;
  constructor(packet: MediaRtpPacket) {
    super('rtp');
    this.packet = packet;
  }
}

/** 'keyframerequest' event: the peer asked for a key frame (PLI or FIR, RFC 4585 §6.3.1, RFC 5104 §4.3.1). */
export class KeyFrameRequestEvent extends Event {
  readonly method: 'pli' | 'fir';
  /** The simulcast encoding (rid) the peer wants a key frame on; undefined without simulcast. */
  readonly rid: string | undefined;
  constructor(method: 'pli' | 'fir', rid?: string) {
    super('keyframerequest');
    this.method = method;
    this.rid = rid;
  }
}

/** Bound on frames waiting in one frames() iterator; older ones are dropped and counted. */
const MAX_QUEUED_FRAMES = 128;

interface FrameReader {
  queue: EncodedFrame[];
  wake: (() => void) | null;
}

export class MediaStreamTrack extends EventTargetWithHandlers {
  readonly kind: 'audio' | 'video';
  readonly id: string;
  readonly label: string;
  contentHint = '';
  #enabled = true;
  #muted = false;
  #readyState: MediaStreamTrackState = 'live';
  readonly #sinks = new Set<TrackSink>();
  readonly #readers = new Set<FrameReader>();
  /** Frames dropped because a frames() reader fell behind. */
  framesDropped = 0;
  /** Set by a receiver: asks the remote sender for a key frame. */
  keyFrameRequester: (() => void) | null = null;
  /** True for tracks created by an RTCRtpReceiver. */
  readonly remote: boolean;
  /** omnirtc: the simulcast layer (RFC 8851 rid) a remote track carries; null when not simulcast. */
  rid: string | null = null;

  constructor(init: MediaStreamTrackInit, remote = false) {
    super();
    if (init?.kind !== 'audio' && init?.kind !== 'video') {
      throw domError('TypeError', 'new MediaStreamTrack({ kind }) needs kind "audio" or "video"');
    }
    this.kind = init.kind;
    this.id = init.id ?? crypto.randomUUID();
    this.label = init.label ?? (remote ? 'remote' : 'omnirtc');
    this.remote = remote;
    // W3C WebRTC §5.3 (create an RTCRtpReceiver): a remote track starts muted until media arrives.
    this.#muted = remote;
  }

  get enabled(): boolean {
    return this.#enabled;
  }
  set enabled(v: boolean) {
    this.#enabled = Boolean(v);
  }
  get muted(): boolean {
    return this.#muted;
  }
  get readyState(): MediaStreamTrackState {
    return this.#readyState;
  }

  get onmute(): ((ev: Event) => unknown) | null {
    return this.getHandler('mute');
  }
  set onmute(h: ((ev: Event) => unknown) | null) {
    this.setHandler('mute', h);
  }
  get onunmute(): ((ev: Event) => unknown) | null {
    return this.getHandler('unmute');
  }
  set onunmute(h: ((ev: Event) => unknown) | null) {
    this.setHandler('unmute', h);
  }
  get onended(): ((ev: Event) => unknown) | null {
    return this.getHandler('ended');
  }
  set onended(h: ((ev: Event) => unknown) | null) {
    this.setHandler('ended', h);
  }

  clone(): MediaStreamTrack {
    const copy = new MediaStreamTrack({ kind: this.kind, label: this.label }, this.remote);
    copy.keyFrameRequester = this.keyFrameRequester;
    // A clone sees the same media: it subscribes to this track as a sink.
    this.addSink({ writeRtp: (p) => copy.deliverRtp(p), writeFrame: (f) => copy.writeFrame(f) });
    return copy;
  }

  /** Ends the track (Media Capture §4.3.1.6): senders stop sending it, readers finish. */
  stop(): void {
    if (this.#readyState === 'ended') return;
    this.#readyState = 'ended';
    this.#sinks.clear();
    for (const r of this.#readers) r.wake?.();
  }

  getSettings(): Record<string, unknown> {
    return { deviceId: this.id };
  }
  getConstraints(): Record<string, unknown> {
    return {};
  }
  getCapabilities(): Record<string, unknown> {
    return {};
  }
  async applyConstraints(): Promise<void> {}

  /**
   * Sends an RTP packet on every sender of this track. SSRC, payload type and sequence
   * number are rewritten per sender to what was negotiated with its peer.
   */
  writeRtp(packet: Uint8Array, options?: TrackWriteOptions): void {
    if (this.#readyState === 'ended') throw domError('InvalidStateError', 'the track has ended; create a new MediaStreamTrack');
    const header = readRtpHeader(packet);
    if (!header) throw domError('TypeError', 'writeRtp needs an RTP version 2 packet with a 12-byte header (RFC 3550 §5.1)');
    // Simulcast: `rid` picks the sender encoding (RFC 8851); without it the first one sends.
    this.deliverRtp(options?.rid !== undefined ? { ...header, bytes: packet, codec: null, rid: options.rid } : { ...header, bytes: packet, codec: null });
  }

  /** Sends one encoded frame on every sender; each packetises it for its negotiated codec. */
  writeFrame(frame: EncodedFrameInit, options?: TrackWriteOptions): void {
    if (this.#readyState === 'ended') throw domError('InvalidStateError', 'the track has ended; create a new MediaStreamTrack');
    if (!(frame?.data instanceof Uint8Array) || !Number.isFinite(frame.timestamp)) {
      throw domError('TypeError', 'writeFrame needs { data: Uint8Array, timestamp: number, keyframe?: boolean }');
    }
    if (!this.#enabled) return;
    const out = options?.rid !== undefined ? { ...frame, rid: options.rid } : frame;
    for (const sink of this.#sinks) sink.writeFrame(out);
  }

  /** Depacketised frames received on this track, until it ends (bounded buffer). */
  frames(): AsyncIterableIterator<EncodedFrame> {
    const reader: FrameReader = { queue: [], wake: null };
    this.#readers.add(reader);
    const track = this;
    const iterator: AsyncIterableIterator<EncodedFrame> = {
      [Symbol.asyncIterator]() {
        return iterator;
      },
      async next(): Promise<IteratorResult<EncodedFrame>> {
        for (;;) {
          const f = reader.queue.shift();
          if (f) return { value: f, done: false };
          if (track.#readyState === 'ended') {
            track.#readers.delete(reader);
            return { value: undefined, done: true };
          }
          await new Promise<void>((resolve) => {
            reader.wake = resolve;
          });
          reader.wake = null;
        }
      },
      async return(): Promise<IteratorResult<EncodedFrame>> {
        track.#readers.delete(reader);
        reader.queue.length = 0;
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }

  /** Asks the source of this track for a key frame (a PLI/FIR upstream for remote tracks). */
  requestKeyFrame(): void {
    this.keyFrameRequester?.();
  }

  // ---- wiring used by senders and receivers ----

  addSink(sink: TrackSink): void {
    this.#sinks.add(sink);
  }
  removeSink(sink: TrackSink): void {
    this.#sinks.delete(sink);
  }
  get wantsFrames(): boolean {
    return this.#readers.size > 0;
  }

  /** A packet for this track (received or written): 'rtp' event, then every sink. */
  deliverRtp(packet: MediaRtpPacket): void {
    if (this.#readyState === 'ended') return;
    if (this.remote) this.dispatchEvent(new RTCRtpPacketEvent(packet));
    if (!this.#enabled) return;
    for (const sink of this.#sinks) sink.writeRtp(packet);
  }

  /** A depacketised frame for this track's frames() readers. */
  deliverFrame(frame: EncodedFrame): void {
    for (const r of this.#readers) {
      if (r.queue.length >= MAX_QUEUED_FRAMES) {
        r.queue.shift();
        this.framesDropped++;
      }
      r.queue.push(frame);
      r.wake?.();
    }
  }

  setMuted(muted: boolean): void {
    if (this.#muted === muted || this.#readyState === 'ended') return;
    this.#muted = muted;
    this.dispatchEvent(new Event(muted ? 'mute' : 'unmute'));
  }

  /** Ends a remote track when its transceiver stops (W3C WebRTC §5.4 "stop the RTCRtpTransceiver"). */
  end(): void {
    if (this.#readyState === 'ended') return;
    this.stop();
    this.dispatchEvent(new Event('ended'));
  }
}
