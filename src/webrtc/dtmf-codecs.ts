// telephone-event (RFC 4733 §7.1.1) among an audio section's negotiated codecs: it rides
// next to the audio codec, never in its place.
import type { CodecSpec } from '../sdp/jsep.js';

export const TELEPHONE_EVENT = 'telephone-event';

export function isTelephoneEvent(c: { name: string }): boolean {
  return c.name.toLowerCase() === TELEPHONE_EVENT;
}

/**
 * The codecs with telephone-event moved behind the media codecs (order otherwise kept): the
 * first codec is what frames are sent with and what stats report, whatever order the peer
 * listed them in.
 */
export function mediaCodecsFirst(codecs: CodecSpec[]): CodecSpec[] {
  if (!codecs.some(isTelephoneEvent)) return codecs;
  return [...codecs.filter((c) => !isTelephoneEvent(c)), ...codecs.filter(isTelephoneEvent)];
}

/**
 * The telephone-event codec to send DTMF with: the one whose clock rate is the audio codec's
 * (RFC 4733 §2.1: events use the audio stream's timestamp clock), else the first offered.
 */
export function telephoneEventFor(codecs: readonly CodecSpec[]): CodecSpec | undefined {
  const audio = codecs.find((c) => !isTelephoneEvent(c));
  const events = codecs.filter(isTelephoneEvent);
  return events.find((c) => c.clockRate === audio?.clockRate) ?? events[0];
}
