// Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb-03 §2.2): PSFB FMT 15
// with the "REMB" identifier, a 6-bit exponent and 18-bit mantissa, and the SSRCs it covers.
import { misuse } from '../errors.js';
import { type Reader, rtcpPacket, Writer } from './cursor.js';
import { RTCP_PT, type Remb } from './types.js';

export const FMT_AFB = 15;

/** Whether an application-layer feedback body (after the two SSRCs) is REMB. */
export function isRemb(r: Reader): boolean {
  const b = r.bytes;
  const p = r.pos;
  return r.left >= 8 && b[p] === 0x52 && b[p + 1] === 0x45 && b[p + 2] === 0x4d && b[p + 3] === 0x42;
}

export function parseRemb(r: Reader, senderSsrc: number): Remb {
  r.take(4, 'REMB identifier');
  const n = r.u8();
  const word = r.u24();
  const exp = word >>> 18;
  const mantissa = word & 0x3ffff;
  const ssrcs: number[] = [];
  for (let i = 0; i < n; i++) ssrcs.push(r.u32());
  return { type: 'remb', senderSsrc, bitrate: mantissa * 2 ** exp, ssrcs };
}

export function writeRemb(p: Remb): Uint8Array {
  if (p.ssrcs.length > 255) throw misuse('RangeError', 'REMB lists at most 255 SSRCs');
  if (!(p.bitrate >= 0) || !Number.isFinite(p.bitrate)) throw misuse('RangeError', 'REMB bitrate is a non-negative number of bits per second');
  let exp = 0;
  let mantissa = Math.floor(p.bitrate);
  while (mantissa > 0x3ffff) {
    mantissa = Math.floor(mantissa / 2);
    exp++;
  }
  if (exp > 63) throw misuse('RangeError', 'REMB bitrate too large');
  const w = new Writer(16 + 4 * p.ssrcs.length);
  w.u32(p.senderSsrc).u32(0); // media source SSRC unused (0)
  w.u8(0x52).u8(0x45).u8(0x4d).u8(0x42); // "REMB"
  w.u8(p.ssrcs.length).u24((exp << 18) | mantissa);
  for (const s of p.ssrcs) w.u32(s);
  return rtcpPacket(FMT_AFB, RTCP_PT.psfb, w.done());
}
