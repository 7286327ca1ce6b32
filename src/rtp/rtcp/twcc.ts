// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-
// extensions-01 §3.1): RTPFB FMT 15. Packet status chunks (run length, or 1-bit / 2-bit
// status vectors), then receive deltas in 250 µs ticks (1 byte small, 2 bytes signed large).
import { misuse, RtpError } from '../errors.js';
import { type Reader, rtcpPacket, Writer } from './cursor.js';
import { RTCP_PT, type TransportCc, type TransportCcPacket } from './types.js';

export const FMT_TWCC = 15;
const NOT_RECEIVED = 0;
const SMALL = 1;
const LARGE = 2;
const TICK_US = 250;

export function parseTransportCc(r: Reader, senderSsrc: number, mediaSsrc: number): TransportCc {
  const base = r.u16();
  const count = r.u16();
  const referenceTime = r.u24();
  const feedbackPacketCount = r.u8();
  const statuses: number[] = [];
  while (statuses.length < count) {
    const chunk = r.u16();
    if ((chunk & 0x8000) === 0) {
      // Run length chunk: T=0, S (2 bits), run length (13 bits).
      const symbol = (chunk >> 13) & 3;
      const run = chunk & 0x1fff;
      for (let i = 0; i < run && statuses.length < count; i++) statuses.push(symbol);
    } else if ((chunk & 0x4000) === 0) {
      for (let i = 13; i >= 0 && statuses.length < count; i--) statuses.push((chunk >> i) & 1); // 14 × 1 bit
    } else {
      for (let i = 12; i >= 0 && statuses.length < count; i -= 2) statuses.push((chunk >> i) & 3); // 7 × 2 bits
    }
  }
  const packets: TransportCcPacket[] = [];
  for (let i = 0; i < count; i++) {
    const s = statuses[i];
    const sequenceNumber = (base + i) & 0xffff;
    if (s === NOT_RECEIVED) packets.push({ sequenceNumber, received: false });
    else if (s === SMALL) packets.push({ sequenceNumber, received: true, deltaMicros: r.u8() * TICK_US });
    else if (s === LARGE) packets.push({ sequenceNumber, received: true, deltaMicros: r.i16() * TICK_US });
    else throw new RtpError('malformed-rtcp', 'transport-cc packet status 3 is reserved');
  }
  return { type: 'twcc', senderSsrc, mediaSsrc, baseSequenceNumber: base, referenceTime, feedbackPacketCount, packets };
}

function statusOf(p: TransportCcPacket): number {
  if (!p.received) return NOT_RECEIVED;
  const ticks = Math.round((p.deltaMicros ?? 0) / TICK_US);
  if (ticks >= 0 && ticks <= 255) return SMALL;
  if (ticks < -32768 || ticks > 32767) throw misuse('RangeError', `transport-cc receive delta ${p.deltaMicros} µs does not fit 16 bits of 250 µs`);
  return LARGE;
}

export function writeTransportCc(p: TransportCc): Uint8Array {
  if (p.packets.length > 0xffff) throw misuse('RangeError', 'transport-cc feedback covers at most 65535 packets');
  const statuses = p.packets.map(statusOf);
  const w = new Writer(20 + statuses.length * 2);
  w.u32(p.senderSsrc).u32(p.mediaSsrc).u16(p.baseSequenceNumber).u16(statuses.length);
  w.u24(p.referenceTime & 0xffffff).u8(p.feedbackPacketCount & 0xff);
  let i = 0;
  while (i < statuses.length) {
    let run = 1;
    while (i + run < statuses.length && statuses[i + run] === statuses[i] && run < 0x1fff) run++;
    if (run >= 7 || i + run === statuses.length) {
      w.u16((statuses[i] << 13) | run); // run length chunk
      i += run;
      continue;
    }
    const window = statuses.slice(i, i + 14);
    if (!window.includes(LARGE) && window.length === 14) {
      let chunk = 0x8000;
      for (let k = 0; k < 14; k++) chunk |= window[k] << (13 - k);
      w.u16(chunk);
      i += 14;
    } else {
      let chunk = 0xc000;
      const n = Math.min(7, statuses.length - i);
      for (let k = 0; k < n; k++) chunk |= statuses[i + k] << (12 - 2 * k);
      w.u16(chunk);
      i += n;
    }
  }
  for (let k = 0; k < statuses.length; k++) {
    const ticks = Math.round((p.packets[k].deltaMicros ?? 0) / TICK_US);
    if (statuses[k] === SMALL) w.u8(ticks);
    else if (statuses[k] === LARGE) w.i16(ticks);
  }
  w.align();
  return rtcpPacket(FMT_TWCC, RTCP_PT.rtpfb, w.done());
}
