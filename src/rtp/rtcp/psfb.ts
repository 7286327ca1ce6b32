// Payload-specific feedback: Picture Loss Indication (RFC 4585 §6.3.1, FMT 1) and Full
// Intra Request (RFC 5104 §4.3.1, FMT 4).
import { type Reader, rtcpPacket, Writer } from './cursor.js';
import { type FullIntraRequest, type PictureLossIndication, RTCP_PT } from './types.js';

export const FMT_PLI = 1;
export const FMT_FIR = 4;

export function writePictureLossIndication(p: PictureLossIndication): Uint8Array {
  return rtcpPacket(FMT_PLI, RTCP_PT.psfb, new Writer(8).u32(p.senderSsrc).u32(p.mediaSsrc).done());
}

export function parseFullIntraRequest(r: Reader, senderSsrc: number): FullIntraRequest {
  const entries: FullIntraRequest['entries'] = [];
  while (r.left >= 8) {
    const ssrc = r.u32();
    const sequenceNumber = r.u8();
    r.u24(); // reserved
    entries.push({ ssrc, sequenceNumber });
  }
  return { type: 'fir', senderSsrc, entries };
}

export function writeFullIntraRequest(p: FullIntraRequest): Uint8Array {
  const w = new Writer(8 + 8 * p.entries.length);
  w.u32(p.senderSsrc).u32(0); // RFC 5104 §4.3.1.2: media source SSRC is 0
  for (const e of p.entries) w.u32(e.ssrc).u8(e.sequenceNumber & 0xff).u24(0);
  return rtcpPacket(FMT_FIR, RTCP_PT.psfb, w.done());
}
