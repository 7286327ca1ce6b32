// Compound RTCP (RFC 3550 §6.1): packets back to back, each with its common header.
// Reduced-size RTCP (RFC 5506: a single feedback packet, no leading SR/RR) is accepted;
// unknown packet types and feedback formats are returned as 'unknown', never fatal.
import { RtpError } from '../errors.js';
import { writeApplicationDefined, parseApplicationDefined } from './app.js';
import { parseGoodbye, writeGoodbye } from './bye.js';
import { Reader, rtcpPacket } from './cursor.js';
import { FMT_NACK, parseGenericNack, writeGenericNack } from './nack.js';
import { FMT_FIR, FMT_PLI, parseFullIntraRequest, writeFullIntraRequest, writePictureLossIndication } from './psfb.js';
import { FMT_AFB, isRemb, parseRemb, writeRemb } from './remb.js';
import { parseReceiverReport, parseSenderReport, writeReceiverReport, writeSenderReport } from './reports.js';
import { parseSourceDescription, writeSourceDescription } from './sdes.js';
import { FMT_TWCC, parseTransportCc, writeTransportCc } from './twcc.js';
import { RTCP_PT, type RtcpPacket } from './types.js';

/** RFC 5761 §4 / RFC 7983: the second byte of RTCP is a packet type 192-223. */
export function isRtcp(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] >> 6 === 2 && bytes[1] >= 192 && bytes[1] <= 223;
}

function parseOne(count: number, pt: number, body: Uint8Array): RtcpPacket {
  switch (pt) {
    case RTCP_PT.sr:
      return parseSenderReport(count, body);
    case RTCP_PT.rr:
      return parseReceiverReport(count, body);
    case RTCP_PT.sdes:
      return parseSourceDescription(count, body);
    case RTCP_PT.bye:
      return parseGoodbye(count, body);
    case RTCP_PT.app:
      return parseApplicationDefined(count, body);
    case RTCP_PT.rtpfb:
    case RTCP_PT.psfb: {
      const r = new Reader(body);
      const senderSsrc = r.u32();
      const mediaSsrc = r.u32();
      if (pt === RTCP_PT.rtpfb && count === FMT_NACK) return parseGenericNack(r, senderSsrc, mediaSsrc);
      if (pt === RTCP_PT.rtpfb && count === FMT_TWCC) return parseTransportCc(r, senderSsrc, mediaSsrc);
      if (pt === RTCP_PT.psfb && count === FMT_PLI) return { type: 'pli', senderSsrc, mediaSsrc };
      if (pt === RTCP_PT.psfb && count === FMT_FIR) return parseFullIntraRequest(r, senderSsrc);
      if (pt === RTCP_PT.psfb && count === FMT_AFB && isRemb(r)) return parseRemb(r, senderSsrc);
      return { type: 'unknown', packetType: pt, count, body };
    }
    default:
      return { type: 'unknown', packetType: pt, count, body };
  }
}

/** Parses a (compound or reduced-size) RTCP packet. Throws RtpError('malformed-rtcp'). */
export function parseRtcp(bytes: Uint8Array): RtcpPacket[] {
  const out: RtcpPacket[] = [];
  let o = 0;
  if (bytes.length < 4) throw new RtpError('malformed-rtcp', 'RTCP packet shorter than its 4-byte header');
  while (o < bytes.length) {
    if (o + 4 > bytes.length) throw new RtpError('malformed-rtcp', 'trailing bytes after the last RTCP packet');
    const b0 = bytes[o];
    if (b0 >> 6 !== 2) throw new RtpError('malformed-rtcp', `RTCP version ${b0 >> 6} (RFC 3550 §6.4.1 requires 2)`);
    const pt = bytes[o + 1];
    const len = (((bytes[o + 2] << 8) | bytes[o + 3]) + 1) * 4;
    if (o + len > bytes.length) throw new RtpError('malformed-rtcp', 'RTCP length field points past the end of the datagram');
    let end = o + len;
    if (b0 & 0x20) {
      // RFC 3550 §6.4.1: padding only on the last packet; its last octet counts it.
      const pad = bytes[end - 1];
      if (end !== bytes.length || pad === 0 || pad > len - 4) throw new RtpError('malformed-rtcp', 'RTCP padding count is out of range');
      end -= pad;
    }
    out.push(parseOne(b0 & 0x1f, pt, bytes.subarray(o + 4, end)));
    o += len;
  }
  return out;
}

function writeOne(p: RtcpPacket): Uint8Array {
  switch (p.type) {
    case 'sr':
      return writeSenderReport(p);
    case 'rr':
      return writeReceiverReport(p);
    case 'sdes':
      return writeSourceDescription(p);
    case 'bye':
      return writeGoodbye(p);
    case 'app':
      return writeApplicationDefined(p);
    case 'nack':
      return writeGenericNack(p);
    case 'twcc':
      return writeTransportCc(p);
    case 'pli':
      return writePictureLossIndication(p);
    case 'fir':
      return writeFullIntraRequest(p);
    case 'remb':
      return writeRemb(p);
    case 'unknown':
      if (p.body.length % 4 !== 0) throw new DOMException('an RTCP body is a multiple of 32 bits', 'RangeError');
      return rtcpPacket(p.count, p.packetType, p.body);
  }
}

/** Serialises RTCP packets into one compound packet. */
export function serializeRtcp(packets: RtcpPacket[]): Uint8Array {
  const parts = packets.map(writeOne);
  let n = 0;
  for (const part of parts) n += part.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}
