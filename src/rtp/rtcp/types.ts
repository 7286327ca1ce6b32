// RTCP packet shapes (RFC 3550 §6.4-6.7, RFC 4585 §6, RFC 5104 §4.3, REMB
// draft-alvestrand-rmcat-remb-03, transport-wide CC draft-holmer-rmcat-transport-wide-cc-extensions-01).

/** RFC 3550 §6.4.1 report block. */
export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the last report, 0-255 (fixed point /256). */
  fractionLost: number;
  /** Cumulative packets lost (24-bit signed). */
  packetsLost: number;
  highestSequence: number;
  jitter: number;
  lastSenderReport: number;
  delaySinceLastSenderReport: number;
}

export interface SenderReport {
  type: 'sr';
  ssrc: number;
  /** NTP timestamp, seconds and fraction (RFC 3550 §4). */
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  reports: ReportBlock[];
}

export interface ReceiverReport {
  type: 'rr';
  ssrc: number;
  reports: ReportBlock[];
}

export interface SdesItem {
  /** RFC 3550 §6.5: 1 CNAME, 2 NAME, 3 EMAIL, 4 PHONE, 5 LOC, 6 TOOL, 7 NOTE, 8 PRIV. */
  type: number;
  text: string;
}

export interface SourceDescription {
  type: 'sdes';
  chunks: { ssrc: number; items: SdesItem[] }[];
}

export interface Goodbye {
  type: 'bye';
  ssrcs: number[];
  reason?: string;
}

export interface ApplicationDefined {
  type: 'app';
  subtype: number;
  ssrc: number;
  /** Four ASCII characters. */
  name: string;
  /** A multiple of 4 bytes. */
  data: Uint8Array;
}

/** RFC 4585 §6.2.1 generic NACK (RTPFB FMT 1). */
export interface GenericNack {
  type: 'nack';
  senderSsrc: number;
  mediaSsrc: number;
  /** Sequence numbers reported lost. */
  lost: number[];
}

export interface TransportCcPacket {
  sequenceNumber: number;
  received: boolean;
  /** Receive delta in microseconds (multiples of 250), for received packets. */
  deltaMicros?: number;
}

/** Transport-wide congestion control feedback (RTPFB FMT 15). */
export interface TransportCc {
  type: 'twcc';
  senderSsrc: number;
  mediaSsrc: number;
  baseSequenceNumber: number;
  /** Multiples of 64 ms (24 bits). */
  referenceTime: number;
  feedbackPacketCount: number;
  packets: TransportCcPacket[];
}

/** RFC 4585 §6.3.1 Picture Loss Indication (PSFB FMT 1). */
export interface PictureLossIndication {
  type: 'pli';
  senderSsrc: number;
  mediaSsrc: number;
}

/** RFC 5104 §4.3.1 Full Intra Request (PSFB FMT 4). */
export interface FullIntraRequest {
  type: 'fir';
  senderSsrc: number;
  entries: { ssrc: number; sequenceNumber: number }[];
}

/** Receiver Estimated Maximum Bitrate (PSFB FMT 15, "REMB"). */
export interface Remb {
  type: 'remb';
  senderSsrc: number;
  /** Bits per second. */
  bitrate: number;
  ssrcs: number[];
}

/** A packet type (or feedback format) this module does not model: kept, never fatal. */
export interface UnknownRtcp {
  type: 'unknown';
  packetType: number;
  /** The 5-bit count / FMT field. */
  count: number;
  /** Everything after the 4-byte common header. */
  body: Uint8Array;
}

export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SourceDescription
  | Goodbye
  | ApplicationDefined
  | GenericNack
  | TransportCc
  | PictureLossIndication
  | FullIntraRequest
  | Remb
  | UnknownRtcp;

export const RTCP_PT = { sr: 200, rr: 201, sdes: 202, bye: 203, app: 204, rtpfb: 205, psfb: 206 } as const;
