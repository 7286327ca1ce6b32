// The RTP payload for DTMF events, "telephone-event" (RFC 4733 §2.3): one 4-byte block per
// event report — event code, end bit, volume, duration in timestamp units:
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     event     |E|R| volume    |          duration             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/** Payload size of one event report (RFC 4733 §2.3). */
export const TELEPHONE_EVENT_BYTES = 4;
/** The duration field is 16 bits: longer events are sent as segments (RFC 4733 §2.5.1.3). */
export const MAX_EVENT_DURATION = 0xffff;
/** Reports packed into one packet that a receiver reads at most (RFC 4733 §2.5.1.5 allows several). */
export const MAX_REPORTS_PER_PACKET = 16;

/** The DTMF events of RFC 4733 §3.2 table 3: 0–9, * (10), # (11), A–D (12–15). */
const DTMF_TONES = '0123456789*#ABCD';

export interface TelephoneEventReport {
  /** Event code (RFC 4733 §2.3.1); 0–15 are the DTMF digits. */
  event: number;
  /** E bit: the event has ended (RFC 4733 §2.3.3). */
  end: boolean;
  /** Power level as −dBm0, 0–63 (RFC 4733 §2.3.4). */
  volume: number;
  /** Duration so far in timestamp units, from the packet's RTP timestamp (RFC 4733 §2.3.5). */
  duration: number;
}

/** The RFC 4733 event code of a DTMF tone character ('0'–'9', '*', '#', 'A'–'D'), or -1. */
export function dtmfEventCode(tone: string): number {
  return tone.length === 1 ? DTMF_TONES.indexOf(tone) : -1;
}

/** The tone character of a DTMF event code (0–15), or undefined for other events (RFC 4734 and later). */
export function dtmfTone(event: number): string | undefined {
  return event >= 0 && event < DTMF_TONES.length ? DTMF_TONES[event] : undefined;
}

/** Writes one event report (RFC 4733 §2.3); R (reserved) is sent as zero. */
export function writeTelephoneEvent(report: TelephoneEventReport, out: Uint8Array = new Uint8Array(TELEPHONE_EVENT_BYTES), at = 0): Uint8Array {
  out[at] = report.event & 0xff;
  out[at + 1] = (report.end ? 0x80 : 0) | (report.volume & 0x3f);
  out[at + 2] = (report.duration >> 8) & 0xff;
  out[at + 3] = report.duration & 0xff;
  return out;
}

/**
 * The event reports of a telephone-event payload (padding already removed), or undefined when
 * the length is not a positive multiple of 4 or holds more than MAX_REPORTS_PER_PACKET reports.
 */
export function parseTelephoneEvents(payload: Uint8Array): TelephoneEventReport[] | undefined {
  const n = payload.length;
  if (n === 0 || n % TELEPHONE_EVENT_BYTES !== 0 || n > MAX_REPORTS_PER_PACKET * TELEPHONE_EVENT_BYTES) return undefined;
  const out: TelephoneEventReport[] = [];
  for (let at = 0; at < n; at += TELEPHONE_EVENT_BYTES) {
    out.push({ event: payload[at], end: (payload[at + 1] & 0x80) !== 0, volume: payload[at + 1] & 0x3f, duration: (payload[at + 2] << 8) | payload[at + 3] });
  }
  return out;
}
