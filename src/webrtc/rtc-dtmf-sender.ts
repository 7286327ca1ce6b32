// RTCDTMFSender (W3C WebRTC §7.2) and RTCDTMFToneChangeEvent (§7.3): DTMF tones sent as
// RFC 4733 telephone-events on an audio sender's SSRC. The timing lives in DtmfScheduler
// (sans-IO); the connection's one timer drives it (setDriver / pollTimeout / handleTimeout).
import type { CodecSpec } from '../sdp/jsep.js';
import { DtmfScheduler, type TelephoneEventPacket } from './dtmf-scheduler.js';
import { domError } from './errors.js';
import { EventTargetWithHandlers } from './event-handlers.js';

/** W3C §7.2 insertDTMF: the characters that make tones, plus ',' (a 2 s pause). */
const VALID_TONES = /^[0-9A-D#*,]*$/;
/** W3C §7.2 insertDTMF steps: duration within [40, 6000] ms, interToneGap within [30, 6000] ms. */
const MIN_DURATION = 40;
const MAX_DURATION = 6000;
const MIN_GAP = 30;
const MAX_GAP = 6000;

export class RTCDTMFToneChangeEvent extends Event {
  readonly tone: string;
  constructor(type: string, init: { tone?: string } = {}) {
    super(type);
    this.tone = init.tone ?? '';
  }
}

/** The transceiver state DTMF depends on (W3C §7.2 "determine if DTMF can be sent"). */
export interface DtmfTransceiverState {
  readonly stopping: boolean;
  readonly stopped: boolean;
  readonly currentDirection: string | null;
}

/** What an RTCDTMFSender needs of its RTCRtpSender. */
export interface DtmfSenderHost {
  readonly hasTrack: boolean;
  readonly active: boolean;
  /** The negotiated telephone-event codec to send with, if any. */
  telephoneEventCodec(): CodecSpec | undefined;
  /** The audio stream's RTP timestamp at `now` in `clockRate` units. */
  rtpTimestampAt(now: number, clockRate: number): number;
  /** Sends one event packet on the audio SSRC and sequence space. */
  sendTelephoneEvent(payloadType: number, packet: TelephoneEventPacket): void;
}

/** The connection's clock and a way to have its timer re-read our deadline. */
export interface DtmfDriver {
  now(): number;
  wake(): void;
}

/** WebIDL `unsigned long` conversion (ECMAScript ToUint32 after ToNumber). */
function toUnsignedLong(v: unknown): number {
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) >>> 0 : 0;
}

export class RTCDTMFSender extends EventTargetWithHandlers {
  readonly #host: DtmfSenderHost;
  readonly #scheduler: DtmfScheduler;
  #transceiver: DtmfTransceiverState | null = null;
  #driver: DtmfDriver | null = null;
  /** Inside handleTimeout: the connection re-reads our deadline afterwards, no wake needed. */
  #running = false;

  constructor(host: DtmfSenderHost) {
    super();
    this.#host = host;
    this.#scheduler = new DtmfScheduler({
      canPlay: () => this.#transceiverSends(),
      clockRate: () => this.#host.telephoneEventCodec()?.clockRate,
      rtpTimestampAt: (now, clockRate) => this.#host.rtpTimestampAt(now, clockRate),
    });
  }

  get toneBuffer(): string {
    return this.#scheduler.toneBuffer;
  }

  /** W3C §7.2 "determine if DTMF can be sent". */
  get canInsertDTMF(): boolean {
    const t = this.#transceiver;
    if (!t || t.stopping || t.stopped) return false;
    if (!this.#host.hasTrack) return false;
    if (t.currentDirection !== 'sendrecv' && t.currentDirection !== 'sendonly') return false;
    if (!this.#host.active) return false;
    return this.#host.telephoneEventCodec() !== undefined;
  }

  get ontonechange(): ((this: EventTarget, ev: Event) => unknown) | null {
    return this.getHandler('tonechange');
  }
  set ontonechange(h: ((this: EventTarget, ev: Event) => unknown) | null) {
    this.setHandler('tonechange', h);
  }

  /** W3C §7.2 insertDTMF(tones, duration = 100, interToneGap = 70). */
  insertDTMF(tones: string, duration: number = 100, interToneGap: number = 70): void {
    const t = this.#transceiver;
    if (!t || t.stopping || t.stopped) throw domError('InvalidStateError', 'the transceiver is stopped: DTMF needs an audio sender that is sending');
    if (t.currentDirection === 'recvonly' || t.currentDirection === 'inactive') {
      throw domError('InvalidStateError', `the transceiver's currentDirection is ${t.currentDirection}: set direction to sendrecv or sendonly and renegotiate`);
    }
    if (!this.canInsertDTMF) {
      throw domError('InvalidStateError', 'canInsertDTMF is false: negotiate audio/telephone-event with a sending audio transceiver that has a track, then insert tones');
    }
    const upper = String(tones).toUpperCase();
    if (!VALID_TONES.test(upper)) throw domError('InvalidCharacterError', 'tones may hold only 0-9, A-D, #, * and , (a 2 s pause)');
    const d = Math.min(MAX_DURATION, Math.max(MIN_DURATION, toUnsignedLong(duration)));
    const g = Math.min(MAX_GAP, Math.max(MIN_GAP, toUnsignedLong(interToneGap)));
    const driver = this.#driver;
    const wasPlaying = this.#scheduler.playing;
    this.#scheduler.insert(driver ? driver.now() : 0, upper, d, g);
    if (!wasPlaying && this.#scheduler.playing && !this.#running) this.#wakeSoon();
  }

  #wakePending = false;

  /**
   * Has the connection re-read our deadline, from a microtask: insertDTMF may run inside the
   * connection's own event loop (a 'dtmf' or 'track' listener answering tones), which must not
   * be re-entered.
   */
  #wakeSoon(): void {
    if (this.#wakePending) return;
    this.#wakePending = true;
    queueMicrotask(() => {
      this.#wakePending = false;
      this.#driver?.wake();
    });
  }

  // ---- wiring used by the peer connection and the connection ----

  /** Set once, by the peer connection, when the sender's transceiver is made. */
  attachTransceiver(t: DtmfTransceiverState): void {
    this.#transceiver = t;
  }

  /** Set by the connection that carries this sender (null when it goes). */
  setDriver(driver: DtmfDriver | null): void {
    this.#driver = driver;
    if (driver && this.#scheduler.playing) this.#wakeSoon();
  }

  pollTimeout(): number | undefined {
    return this.#driver ? this.#scheduler.pollTimeout() : undefined;
  }

  /** Runs what is due: sends event packets, then fires tonechange events. */
  handleTimeout(now: number): void {
    const s = this.#scheduler;
    this.#running = true;
    try {
      s.handleTimeout(now);
      const codec = this.#host.telephoneEventCodec();
      for (let p = s.pollTransmit(); p; p = s.pollTransmit()) if (codec) this.#host.sendTelephoneEvent(codec.payloadType, p);
      // A listener may call insertDTMF (to append tones): the scheduler is consistent by now.
      for (let e = s.pollEvent(); e; e = s.pollEvent()) this.dispatchEvent(new RTCDTMFToneChangeEvent('tonechange', { tone: e.tone }));
    } finally {
      this.#running = false;
    }
  }

  /** Counters of the scheduler (tones started, event packets made). */
  get counters(): Readonly<DtmfScheduler['counters']> {
    return this.#scheduler.counters;
  }

  #transceiverSends(): boolean {
    const t = this.#transceiver;
    if (!t || t.stopping || t.stopped) return false;
    return t.currentDirection !== 'recvonly' && t.currentDirection !== 'inactive';
  }
}
