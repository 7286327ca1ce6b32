// Generic NACK (RFC 4585 §6.2.1): RTPFB FMT 1, FCI entries of a packet ID and a bitmask
// of the 16 following lost packets.
import { type Reader, rtcpPacket, Writer } from './cursor.js';
import { type GenericNack, RTCP_PT } from './types.js';

export const FMT_NACK = 1;

export function parseGenericNack(r: Reader, senderSsrc: number, mediaSsrc: number): GenericNack {
  const lost: number[] = [];
  while (r.left >= 4) {
    const pid = r.u16();
    const blp = r.u16();
    lost.push(pid);
    for (let i = 0; i < 16; i++) if (blp & (1 << i)) lost.push((pid + i + 1) & 0xffff);
  }
  return { type: 'nack', senderSsrc, mediaSsrc, lost };
}

export function writeGenericNack(p: GenericNack): Uint8Array {
  const w = new Writer(8 + p.lost.length * 4);
  w.u32(p.senderSsrc).u32(p.mediaSsrc);
  // In sequence order as given; each entry covers its PID and the 16 after it.
  let i = 0;
  const lost = p.lost.map((s) => s & 0xffff);
  while (i < lost.length) {
    const pid = lost[i];
    let blp = 0;
    i++;
    while (i < lost.length) {
      const d = (lost[i] - pid) & 0xffff;
      if (d < 1 || d > 16) break;
      blp |= 1 << (d - 1);
      i++;
    }
    w.u16(pid).u16(blp);
  }
  return rtcpPacket(FMT_NACK, RTCP_PT.rtpfb, w.done());
}
