// Sender and receiver reports with their report blocks (RFC 3550 §6.4.1, §6.4.2).
import { misuse } from '../errors.js';
import { Reader, rtcpPacket, Writer } from './cursor.js';
import { RTCP_PT, type ReceiverReport, type ReportBlock, type SenderReport } from './types.js';

function readBlocks(r: Reader, count: number): ReportBlock[] {
  const out: ReportBlock[] = [];
  for (let i = 0; i < count; i++) {
    r.need(24, 'report block');
    const ssrc = r.u32();
    const fractionLost = r.u8();
    const lost = r.u24();
    out.push({
      ssrc,
      fractionLost,
      packetsLost: lost & 0x800000 ? lost - 0x1000000 : lost, // 24-bit signed
      highestSequence: r.u32(),
      jitter: r.u32(),
      lastSenderReport: r.u32(),
      delaySinceLastSenderReport: r.u32(),
    });
  }
  return out;
}

function writeBlocks(w: Writer, blocks: ReportBlock[]): void {
  if (blocks.length > 31) throw misuse('RangeError', 'an RTCP report carries at most 31 report blocks (RFC 3550 §6.4.1): send several');
  for (const b of blocks) {
    w.u32(b.ssrc).u8(b.fractionLost).u24(Math.max(-0x800000, Math.min(0x7fffff, b.packetsLost)) & 0xffffff);
    w.u32(b.highestSequence).u32(b.jitter).u32(b.lastSenderReport).u32(b.delaySinceLastSenderReport);
  }
}

export function parseSenderReport(count: number, body: Uint8Array): SenderReport {
  const r = new Reader(body);
  r.need(24, 'sender info');
  // Profile-specific extensions after the blocks are ignored (RFC 3550 §6.4.1).
  return {
    type: 'sr',
    ssrc: r.u32(),
    ntpSeconds: r.u32(),
    ntpFraction: r.u32(),
    rtpTimestamp: r.u32(),
    packetCount: r.u32(),
    octetCount: r.u32(),
    reports: readBlocks(r, count),
  };
}

export function parseReceiverReport(count: number, body: Uint8Array): ReceiverReport {
  const r = new Reader(body);
  return { type: 'rr', ssrc: r.u32(), reports: readBlocks(r, count) };
}

export function writeSenderReport(p: SenderReport): Uint8Array {
  const w = new Writer(28 + 24 * p.reports.length);
  w.u32(p.ssrc).u32(p.ntpSeconds).u32(p.ntpFraction).u32(p.rtpTimestamp).u32(p.packetCount).u32(p.octetCount);
  writeBlocks(w, p.reports);
  return rtcpPacket(p.reports.length, RTCP_PT.sr, w.done());
}

export function writeReceiverReport(p: ReceiverReport): Uint8Array {
  const w = new Writer(4 + 24 * p.reports.length);
  w.u32(p.ssrc);
  writeBlocks(w, p.reports);
  return rtcpPacket(p.reports.length, RTCP_PT.rr, w.done());
}
