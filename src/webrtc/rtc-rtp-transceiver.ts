// RTCRtpTransceiver (W3C WebRTC §5.4): a sender/receiver pair bound to one m= section.
import type { CodecSpec } from '../sdp/jsep.js';
import type { Direction } from '../sdp/types.js';
import { DEFAULT_CODECS, type RTCRtpCodec, mimeTypeOf } from './capabilities.js';
import { domError } from './errors.js';
import type { RTCRtpReceiver } from './rtc-rtp-receiver.js';
import type { RTCRtpSender } from './rtc-rtp-sender.js';

export type RTCRtpTransceiverDirection = Direction | 'stopped';

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/** Hooks into the owning peer connection. */
export interface TransceiverOwner {
  isClosed(): boolean;
  updateNegotiationNeeded(): void;
}

export class RTCRtpTransceiver {
  readonly sender: RTCRtpSender;
  readonly receiver: RTCRtpReceiver;
  readonly kind: 'audio' | 'video';
  #mid: string | null = null;
  #direction: Direction;
  #currentDirection: RTCRtpTransceiverDirection | null = null;
  #stopping = false;
  #stopped = false;
  #codecPreferences: CodecSpec[] = [];
  readonly #owner: TransceiverOwner;

  // JSEP bookkeeping (RFC 9429 §5.2.2, W3C §4.4.1.6), used by RTCPeerConnection.
  /** m= line index this transceiver is associated with, once offered or answered. */
  mLineIndex: number | null = null;
  /** Created by addTrack (may be recycled by a remote offer, W3C §4.4.1.6 step 2.2.8). */
  addedByAddTrack = false;
  /** The "[[FiredDirection]]" slot: direction for which track events were last fired. */
  firedDirection: Direction | null = null;
  /** Remote stream ids associated with the receiver. */
  remoteStreamIds: string[] = [];
  /** Set while a remote offer created this transceiver (removed again on rollback). */
  createdByRemoteOffer = false;
  /** The mid we chose for an offer before it was applied. */
  proposedMid: string | null = null;

  constructor(kind: 'audio' | 'video', sender: RTCRtpSender, receiver: RTCRtpReceiver, direction: Direction, owner: TransceiverOwner) {
    this.kind = kind;
    this.sender = sender;
    this.receiver = receiver;
    this.#direction = direction;
    this.#owner = owner;
  }

  get mid(): string | null {
    return this.#mid;
  }
  get direction(): RTCRtpTransceiverDirection {
    return this.#stopping ? 'stopped' : this.#direction;
  }
  /** W3C §5.4: setting direction updates the negotiation-needed flag. */
  set direction(d: RTCRtpTransceiverDirection) {
    if (!DIRECTIONS.has(d)) throw domError('TypeError', `direction must be sendrecv, sendonly, recvonly or inactive (got "${d}")`);
    if (this.#owner.isClosed()) throw domError('InvalidStateError', 'the peer connection is closed');
    if (this.#stopping) throw domError('InvalidStateError', 'the transceiver is stopping; it cannot change direction');
    if (d === this.#direction) return;
    this.#direction = d as Direction;
    this.#owner.updateNegotiationNeeded();
  }
  get currentDirection(): RTCRtpTransceiverDirection | null {
    return this.#stopped ? 'stopped' : this.#currentDirection;
  }
  get stopped(): boolean {
    return this.#stopped;
  }
  get stopping(): boolean {
    return this.#stopping;
  }

  /** W3C §5.4 stop(): stop sending and receiving now; the m= section is rejected at the next negotiation. */
  stop(): void {
    if (this.#owner.isClosed()) throw domError('InvalidStateError', 'the peer connection is closed');
    if (this.#stopping) return;
    this.stopSending();
    this.#owner.updateNegotiationNeeded();
  }

  /** W3C §5.4 setCodecPreferences: a subset of getCapabilities(kind).codecs, in preference order. */
  setCodecPreferences(codecs: RTCRtpCodec[]): void {
    if (!Array.isArray(codecs)) throw domError('TypeError', 'setCodecPreferences needs an array of codecs');
    const out: CodecSpec[] = [];
    for (const c of codecs) {
      if (c.mimeType.toLowerCase().endsWith('/rtx') || c.mimeType.toLowerCase().endsWith('/red')) continue;
      const match = DEFAULT_CODECS[this.kind].find(
        (l) => mimeTypeOf(this.kind, l.name).toLowerCase() === c.mimeType.toLowerCase() && l.clockRate === c.clockRate && (c.sdpFmtpLine === undefined || c.sdpFmtpLine === l.fmtp),
      );
      if (!match) throw domError('InvalidModificationError', `codec ${c.mimeType} is not in RTCRtpReceiver.getCapabilities('${this.kind}')`);
      out.push(match);
    }
    this.#codecPreferences = out;
  }

  /** Codecs to offer: the preferences, or every supported codec. */
  get localCodecs(): readonly CodecSpec[] {
    return this.#codecPreferences.length > 0 ? this.#codecPreferences : DEFAULT_CODECS[this.kind];
  }

  // ---- wiring used by RTCPeerConnection ----

  setMid(mid: string | null): void {
    this.#mid = mid;
  }
  setDirectionInternal(d: Direction): void {
    this.#direction = d;
  }
  setCurrentDirection(d: Direction | null): void {
    this.#currentDirection = d;
  }
  /** "Stop sending and receiving" (W3C §5.4): sender stops, remote track ends. */
  stopSending(): void {
    this.#stopping = true;
    this.sender.stopped = true;
    this.sender.setSendPath(null, false);
    this.receiver.track.end();
  }
  /** "Stop the RTCRtpTransceiver" (W3C §5.4): after negotiation rejected it. */
  markStopped(): void {
    if (!this.#stopping) this.stopSending();
    this.#stopped = true;
    this.#currentDirection = null;
  }
}
