// The DTMF playout of one RTCDTMFSender, sans-IO: the W3C WebRTC §7.2 playout task (one tone
// after another, ',' a 2 s pause, tonechange events) and, for each tone, the RFC 4733 §2.5.1
// event packets. Fed `now` by its owner (the connection's one timer); never sets a timer.
import { MAX_EVENT_DURATION, TELEPHONE_EVENT_BYTES, dtmfEventCode, writeTelephoneEvent } from '../rtp/telephone-event.js';

/** RFC 4733 §2.5.1.2: an update every 50 ms while the event lasts. */
export const DTMF_UPDATE_INTERVAL_MS = 50;
/**
 * RFC 4733 §2.5.1.4: the final packet of an event (and of a segment) is sent three times. They
 * leave together, as libwebrtc sends them: Chromium's receiver (NetEq) plays an event out again
 * when an end report comes after the event was played (seen in chromium-dtmf.test.ts with
 * copies 50 ms apart: tones doubled and shifted, the last one cut).
 */
const FINAL_PACKET_COPIES = 3;
/** W3C WebRTC §7.2 insertDTMF: ',' delays the next tone by 2 s. */
export const DTMF_COMMA_DELAY_MS = 2000;
/** RFC 4733 §2.3.4: power level in −dBm0; −10 dBm0 is the level libwebrtc sends. */
export const DTMF_VOLUME = 10;

/** One telephone-event packet to send: RTP timestamp, marker and 4-byte payload. */
export interface TelephoneEventPacket {
  /** The event's (segment's) start in the audio clock (RFC 4733 §2.5.1.2: same for every report of it). */
  timestamp: number;
  /** RFC 4733 §2.5.1.2: set on the first packet of an event. */
  marker: boolean;
  payload: Uint8Array;
}

export interface DtmfToneChange {
  type: 'tonechange';
  /** The tone that starts, ',' for a pause, or '' once the buffer is empty (W3C §7.2). */
  tone: string;
}

/** What the scheduler asks of its owner at playout time. */
export interface DtmfPlayoutHost {
  /** W3C §7.2 playout task steps 1–2: false when the transceiver is stopped or does not send. */
  canPlay(): boolean;
  /** The telephone-event clock rate (Hz), or undefined when none is negotiated (tones are then only timed). */
  clockRate(): number | undefined;
  /** The RTP timestamp (in `clockRate` units) of the audio stream at `now`: where an event starting now begins. */
  rtpTimestampAt(now: number, clockRate: number): number;
}

/** One tone being reported on the wire (RFC 4733 §2.5.1). */
interface Emission {
  event: number;
  clockRate: number;
  /** RTP timestamp of the event's start. */
  start: number;
  /** Total duration in timestamp units. */
  units: number;
  /** When the event started (ms) and the index of the next update. */
  startedAt: number;
  tick: number;
  /** Units before the current segment (RFC 4733 §2.5.1.3). */
  segmentStart: number;
  /** The end report is sent. */
  finished: boolean;
}

function serialAfter(a: number, b: number): boolean {
  return a !== b && ((a - b) >>> 0) < 0x80000000;
}

export class DtmfScheduler {
  readonly #host: DtmfPlayoutHost;
  #toneBuffer = '';
  #duration = 100;
  #interToneGap = 70;
  /** The next run of the playout task, if one is queued (W3C §7.2 step "if a Playout task is scheduled"). */
  #playoutAt: number | undefined;
  readonly #emissions: Emission[] = [];
  readonly #transmit: TelephoneEventPacket[] = [];
  readonly #events: DtmfToneChange[] = [];
  /** Where the last event ended, in its clock: the next one must not start before (RFC 4733 §2.5.1.2). */
  #lastEnd: number | undefined;
  readonly counters = { tonesStarted: 0, eventPacketsQueued: 0 };

  constructor(host: DtmfPlayoutHost) {
    this.#host = host;
  }

  get toneBuffer(): string {
    return this.#toneBuffer;
  }
  get duration(): number {
    return this.#duration;
  }
  get interToneGap(): number {
    return this.#interToneGap;
  }
  /** True while a playout task is queued (a tone, a pause or the final '' event is due). */
  get playing(): boolean {
    return this.#playoutAt !== undefined;
  }

  /**
   * W3C §7.2 insertDTMF steps from "set [[ToneBuffer]]" on: `tones` already validated and
   * upper-cased, `duration` and `interToneGap` already clamped by the caller.
   */
  insert(now: number, tones: string, duration: number, interToneGap: number): void {
    this.#toneBuffer = tones;
    this.#duration = duration;
    this.#interToneGap = interToneGap;
    if (tones === '' || this.#playoutAt !== undefined) return;
    // "Queue a task": it runs on the owner's next turn, not inside insertDTMF.
    this.#playoutAt = now;
  }

  pollTimeout(): number | undefined {
    let at = this.#playoutAt;
    for (const e of this.#emissions) {
      const next = e.startedAt + e.tick * DTMF_UPDATE_INTERVAL_MS;
      if (at === undefined || next < at) at = next;
    }
    return at;
  }

  handleTimeout(now: number): void {
    // Updates due before a tone that starts now go first, in time order.
    this.#runEmissions(now);
    if (this.#playoutAt !== undefined && this.#playoutAt <= now) {
      this.#playout(now);
      this.#runEmissions(now);
    }
  }

  pollTransmit(): TelephoneEventPacket | undefined {
    return this.#transmit.shift();
  }

  pollEvent(): DtmfToneChange | undefined {
    return this.#events.shift();
  }

  /** W3C §7.2 "Playout task". */
  #playout(now: number): void {
    this.#playoutAt = undefined;
    if (!this.#host.canPlay()) return;
    if (this.#toneBuffer === '') {
      this.#events.push({ type: 'tonechange', tone: '' });
      return;
    }
    const tone = this.#toneBuffer[0];
    this.#toneBuffer = this.#toneBuffer.slice(1);
    if (tone === ',') {
      this.#playoutAt = now + DTMF_COMMA_DELAY_MS;
    } else {
      this.#startTone(now, tone);
      this.#playoutAt = now + this.#duration + this.#interToneGap;
    }
    this.#events.push({ type: 'tonechange', tone });
  }

  #startTone(now: number, tone: string): void {
    const clockRate = this.#host.clockRate();
    const event = dtmfEventCode(tone);
    if (clockRate === undefined || event < 0) return;
    this.counters.tonesStarted++;
    let start = this.#host.rtpTimestampAt(now, clockRate) >>> 0;
    // Two events never share a start (a receiver tells events apart by timestamp).
    if (this.#lastEnd !== undefined && !serialAfter(start, this.#lastEnd)) start = (this.#lastEnd + 1) >>> 0;
    const units = Math.max(1, Math.round((this.#duration * clockRate) / 1000));
    this.#lastEnd = (start + units) >>> 0;
    this.#emissions.push({ event, clockRate, start, units, startedAt: now, tick: 0, segmentStart: 0, finished: false });
  }

  #runEmissions(now: number): void {
    for (let i = 0; i < this.#emissions.length; ) {
      const e = this.#emissions[i];
      while (!e.finished && e.startedAt + e.tick * DTMF_UPDATE_INTERVAL_MS <= now) this.#update(e);
      if (e.finished) this.#emissions.splice(i, 1);
      else i++;
    }
  }

  /**
   * One 50 ms step of an event (RFC 4733 §2.5.1.2): the report of the event so far. Each report
   * covers the interval it opens, so the end (E) report leaves when the tone's last interval begins.
   */
  #update(e: Emission): void {
    const covered = Math.min(e.units, Math.round(((e.tick + 1) * DTMF_UPDATE_INTERVAL_MS * e.clockRate) / 1000));
    const first = e.tick === 0;
    // RFC 4733 §2.5.1.3: a segment is at most 0xFFFF units long; its final report (no E) is
    // sent three times like an event's, and the next segment starts where it ended, without M.
    if (covered - e.segmentStart > MAX_EVENT_DURATION || (covered - e.segmentStart === MAX_EVENT_DURATION && covered < e.units)) {
      this.#final(e, MAX_EVENT_DURATION, false, first);
      e.segmentStart += MAX_EVENT_DURATION;
    }
    const inSegment = covered - e.segmentStart;
    if (inSegment > 0) {
      const end = covered >= e.units;
      if (end) this.#final(e, inSegment, true, first && e.segmentStart === 0);
      else this.#queue((e.start + e.segmentStart) >>> 0, first && e.segmentStart === 0, this.#payload(e.event, false, inSegment));
    }
    if (covered >= e.units) e.finished = true;
    e.tick++;
  }

  /** A final report, FINAL_PACKET_COPIES times (new sequence numbers, same content). */
  #final(e: Emission, duration: number, end: boolean, marker: boolean): void {
    const timestamp = (e.start + e.segmentStart) >>> 0;
    const payload = this.#payload(e.event, end, duration);
    this.#queue(timestamp, marker, payload);
    for (let i = 1; i < FINAL_PACKET_COPIES; i++) this.#queue(timestamp, false, payload);
  }

  #payload(event: number, end: boolean, duration: number): Uint8Array {
    return writeTelephoneEvent({ event, end, volume: DTMF_VOLUME, duration }, new Uint8Array(TELEPHONE_EVENT_BYTES));
  }

  #queue(timestamp: number, marker: boolean, payload: Uint8Array): void {
    this.counters.eventPacketsQueued++;
    this.#transmit.push({ timestamp, marker, payload });
  }
}
