// The abs-send-time RTP header extension (http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time):
// 3 bytes, the send time in seconds as unsigned 6.18 fixed point, wrapping every 64 s. Only
// differences between packets matter to the receiver (its delay-based estimator), so any
// monotonic clock serves as the time base.

/** Size of the extension's data in bytes. */
export const ABS_SEND_TIME_BYTES = 3;

/** 24-bit 6.18 fixed-point seconds for a monotonic time in milliseconds. */
export function absSendTime(nowMs: number): number {
  // 2^18 units per second = 262.144 per millisecond.
  return Math.round(nowMs * 262.144) & 0xffffff;
}

/** Writes the value for `nowMs` at `offset` (where the extension's data starts), network byte order. */
export function writeAbsSendTime(packet: Uint8Array, offset: number, nowMs: number): void {
  const v = absSendTime(nowMs);
  packet[offset] = v >>> 16;
  packet[offset + 1] = (v >>> 8) & 0xff;
  packet[offset + 2] = v & 0xff;
}
