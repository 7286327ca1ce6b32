// Goodbye (RFC 3550 §6.6): SSRCs leaving, and an optional reason.
import { misuse } from '../errors.js';
import { Reader, rtcpPacket, Writer } from './cursor.js';
import { type Goodbye, RTCP_PT } from './types.js';

export function parseGoodbye(count: number, body: Uint8Array): Goodbye {
  const r = new Reader(body);
  const ssrcs: number[] = [];
  for (let i = 0; i < count; i++) ssrcs.push(r.u32());
  const out: Goodbye = { type: 'bye', ssrcs };
  if (r.left > 0) {
    const len = r.u8();
    out.reason = new TextDecoder().decode(r.take(len, 'BYE reason'));
  }
  return out;
}

export function writeGoodbye(p: Goodbye): Uint8Array {
  if (p.ssrcs.length > 31) throw misuse('RangeError', 'a BYE packet names at most 31 SSRCs (RFC 3550 §6.6)');
  const w = new Writer();
  for (const s of p.ssrcs) w.u32(s);
  if (p.reason !== undefined) {
    const text = new TextEncoder().encode(p.reason);
    if (text.length > 255) throw misuse('RangeError', 'a BYE reason is at most 255 bytes (RFC 3550 §6.6)');
    w.u8(text.length).bytes(text).align();
  }
  return rtcpPacket(p.ssrcs.length, RTCP_PT.bye, w.done());
}
