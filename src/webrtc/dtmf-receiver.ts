// Received DTMF (RFC 4733 §2.5.2): telephone-event packets of a remote audio stream turned
// into one event per tone, when the tone ends. The end report comes three times
// (§2.5.1.4) and long tones come in segments (§2.5.1.3): both are folded into one event.
// Input is hostile: bad lengths are dropped and counted, every table is bounded.
import { MAX_EVENT_DURATION, dtmfTone, parseTelephoneEvents } from '../rtp/telephone-event.js';

/** Non-standard ('dtmf' on RTCRtpReceiver): one received DTMF tone, fired when it ends. */
export class DtmfEvent extends Event {
  /** '0'–'9', '*', '#', 'A'–'D'. */
  readonly tone: string;
  /** How long the tone lasted, in ms (RFC 4733 §2.3.5 duration over the clock rate). */
  readonly duration: number;
  /** RTP timestamp of the tone's start (audio clock). */
  readonly rtpTimestamp: number;
  readonly ssrc: number;
  /** Power level, −dBm0 (RFC 4733 §2.3.4). */
  readonly volume: number;
  /** False when the end reports were lost and the next tone (or the audio) ended it (RFC 4733 §2.5.2.2). */
  readonly endReceived: boolean;
  constructor(type: string, init: { tone: string; duration: number; rtpTimestamp: number; ssrc: number; volume: number; endReceived: boolean }) {
    super(type);
    this.tone = init.tone;
    this.duration = init.duration;
    this.rtpTimestamp = init.rtpTimestamp;
    this.ssrc = init.ssrc;
    this.volume = init.volume;
    this.endReceived = init.endReceived;
  }
}

export interface ReceivedTone {
  tone: string;
  duration: number;
  rtpTimestamp: number;
  ssrc: number;
  volume: number;
  endReceived: boolean;
}

/** A tone still going, per source. */
interface OpenTone {
  event: number;
  /** Timestamp of the first segment (the tone's start) and of the current one. */
  start: number;
  segment: number;
  /** Units in the segments before the current one, and the current one's duration so far. */
  before: number;
  duration: number;
  volume: number;
  /** Arrival time (ms) of its latest report. */
  lastAt: number;
}

interface SourceState {
  open: OpenTone | null;
  /** Start timestamps of recently reported tones: late or repeated end reports of them are ignored. */
  readonly ended: number[];
}

/** Sources tracked at once (the receiver itself keeps at most 8). */
const MAX_SOURCES = 8;
/** Reported tones remembered per source for de-duplication. */
const ENDED_MEMORY = 16;
/**
 * A tone with no report for this long (ms of arrival time; 20 updates at RFC 4733's 50 ms) is
 * ended by the next audio packet: its end reports were lost. Arrival time, not RTP time: a
 * sender may start its audio clock elsewhere than where its first event was stamped.
 */
const ORPHAN_TIMEOUT_MS = 1000;

export interface TelephoneEventCounters {
  /** Telephone-event packets received. */
  packets: number;
  /** Dropped: the payload was not 4·n bytes (RFC 4733 §2.3), or padding was malformed. */
  malformed: number;
  /** Event codes other than the 16 DTMF ones (RFC 4734 tones and signals), ignored. */
  unsupportedEvents: number;
  /** Reports of tones already delivered (end retransmissions, late packets). */
  duplicates: number;
  /** Tones delivered. */
  tones: number;
  /** Tones ended without an end report (lost), by the next tone or the audio. */
  endsLost: number;
}

function serialBefore(a: number, b: number): boolean {
  return a !== b && ((b - a) >>> 0) < 0x80000000;
}

/** Whether `ts` starts one of the open tone's segments before the current one. */
function earlierSegment(open: OpenTone, ts: number): boolean {
  const d = (ts - open.start) >>> 0;
  return d < ((open.segment - open.start) >>> 0) && d % MAX_EVENT_DURATION === 0;
}

export class TelephoneEventReceiver {
  readonly #sources = new Map<number, SourceState>();
  readonly counters: TelephoneEventCounters = { packets: 0, malformed: 0, unsupportedEvents: 0, duplicates: 0, tones: 0, endsLost: 0 };

  /**
   * One telephone-event RTP packet: `payload` is what follows the header (padding included
   * when `padded`). Returns the tones that ended with it (usually none or one).
   */
  handlePacket(ssrc: number, timestamp: number, payload: Uint8Array, padded: boolean, clockRate: number, nowMs = 0): ReceivedTone[] {
    this.counters.packets++;
    let body = payload;
    if (padded) {
      // RFC 3550 §5.1: the last octet counts the padding, itself included.
      const pad = payload.length > 0 ? payload[payload.length - 1] : 0;
      if (pad === 0 || pad > payload.length) {
        this.counters.malformed++;
        return [];
      }
      body = payload.subarray(0, payload.length - pad);
    }
    const reports = parseTelephoneEvents(body);
    if (!reports || !(clockRate > 0)) {
      this.counters.malformed++;
      return [];
    }
    // Several reports in one packet (RFC 4733 §2.5.1.5) share its timestamp; the first is the one for DTMF.
    const r = reports[0];
    const tone = dtmfTone(r.event);
    if (tone === undefined) {
      this.counters.unsupportedEvents++;
      return [];
    }
    const src = this.#source(ssrc);
    if (!src) return [];
    const out: ReceivedTone[] = [];
    const ts = timestamp >>> 0;
    if (src.ended.includes(ts)) {
      this.counters.duplicates++;
      return out;
    }
    let open = src.open;
    if (open && ts === open.segment) {
      if (r.duration > open.duration) open.duration = r.duration;
      open.lastAt = nowMs;
    } else if (open && r.event === open.event && ts === ((open.segment + MAX_EVENT_DURATION) >>> 0)) {
      // RFC 4733 §2.5.1.3: the next segment of a long tone starts where the last ended, every
      // segment but the last being 0xFFFF long (so this holds even when its final report was lost).
      open.before += MAX_EVENT_DURATION;
      open.segment = ts;
      open.duration = r.duration;
      open.lastAt = nowMs;
    } else if (open && (!serialBefore(open.start, ts) || earlierSegment(open, ts))) {
      // A copy of an earlier segment's final report, or a packet older than the open tone.
      this.counters.duplicates++;
      return out;
    } else {
      if (open) {
        // RFC 4733 §2.5.2.2: a new event ends the previous one, whose end reports were lost.
        this.counters.endsLost++;
        out.push(this.#close(src, ssrc, open, clockRate, false));
      }
      open = { event: r.event, start: ts, segment: ts, before: 0, duration: r.duration, volume: r.volume, lastAt: nowMs };
      src.open = open;
    }
    if (r.end) out.push(this.#close(src, ssrc, open, clockRate, true));
    return out;
  }

  /** An audio packet of `ssrc` arriving at `nowMs`: a tone without reports for ORPHAN_TIMEOUT_MS ends here. */
  handleAudio(ssrc: number, nowMs: number, clockRate: number): ReceivedTone | undefined {
    const src = this.#sources.get(ssrc);
    const open = src?.open;
    if (!src || !open || !(clockRate > 0) || nowMs - open.lastAt < ORPHAN_TIMEOUT_MS) return undefined;
    this.counters.endsLost++;
    return this.#close(src, ssrc, open, clockRate, false);
  }

  #source(ssrc: number): SourceState | undefined {
    let s = this.#sources.get(ssrc);
    if (!s) {
      if (this.#sources.size >= MAX_SOURCES) {
        this.counters.malformed++;
        return undefined;
      }
      s = { open: null, ended: [] };
      this.#sources.set(ssrc, s);
    }
    return s;
  }

  #close(src: SourceState, ssrc: number, open: OpenTone, clockRate: number, endReceived: boolean): ReceivedTone {
    src.open = null;
    // Every segment's start is remembered, so that late copies of any of them are recognised.
    for (let seg = open.start, n = 0; n <= open.before / MAX_EVENT_DURATION; n++, seg = (seg + MAX_EVENT_DURATION) >>> 0) {
      src.ended.push(seg);
      if (src.ended.length > ENDED_MEMORY) src.ended.shift();
    }
    this.counters.tones++;
    return {
      tone: dtmfTone(open.event) ?? '',
      duration: ((open.before + open.duration) * 1000) / clockRate,
      rtpTimestamp: open.start,
      ssrc,
      volume: open.volume,
      endReceived,
    };
  }
}
