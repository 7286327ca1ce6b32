// Data Channel Establishment Protocol messages (RFC 8832 §5), carried in SCTP user
// messages with PPID 50 (RFC 8832 §8.1).

export const PPID_DCEP = 50;
export const PPID_STRING = 51;
export const PPID_BINARY = 53;
export const PPID_STRING_EMPTY = 56;
export const PPID_BINARY_EMPTY = 57;

const DATA_CHANNEL_ACK = 0x02;
const DATA_CHANNEL_OPEN = 0x03;

/** Channel Type values (RFC 8832 §5.1). */
export const enum ChannelType {
  RELIABLE = 0x00,
  PARTIAL_RELIABLE_REXMIT = 0x01,
  PARTIAL_RELIABLE_TIMED = 0x02,
  RELIABLE_UNORDERED = 0x80,
  PARTIAL_RELIABLE_REXMIT_UNORDERED = 0x81,
  PARTIAL_RELIABLE_TIMED_UNORDERED = 0x82,
}

export interface DataChannelOpen {
  ordered: boolean;
  /** Exactly one of these for a partially reliable channel. */
  maxRetransmits?: number;
  maxPacketLifeTime?: number;
  /** RFC 8831 §6.4 / W3C priority: 128 very-low, 256 low, 512 medium, 1024 high. */
  priority: number;
  label: string;
  protocol: string;
}

export type DcepMessage = { type: 'open'; open: DataChannelOpen } | { type: 'ack' };

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

export function encodeOpen(o: DataChannelOpen): Uint8Array {
  const label = utf8.encode(o.label);
  const protocol = utf8.encode(o.protocol);
  const b = new Uint8Array(12 + label.length + protocol.length);
  const dv = new DataView(b.buffer);
  let type: number = o.ordered ? ChannelType.RELIABLE : ChannelType.RELIABLE_UNORDERED;
  let reliability = 0;
  if (o.maxRetransmits !== undefined) {
    type |= ChannelType.PARTIAL_RELIABLE_REXMIT;
    reliability = o.maxRetransmits;
  } else if (o.maxPacketLifeTime !== undefined) {
    type |= ChannelType.PARTIAL_RELIABLE_TIMED;
    reliability = o.maxPacketLifeTime;
  }
  b[0] = DATA_CHANNEL_OPEN;
  b[1] = type;
  dv.setUint16(2, o.priority);
  dv.setUint32(4, reliability >>> 0);
  dv.setUint16(8, label.length);
  dv.setUint16(10, protocol.length);
  b.set(label, 12);
  b.set(protocol, 12 + label.length);
  return b;
}

export function encodeAck(): Uint8Array {
  return Uint8Array.of(DATA_CHANNEL_ACK);
}

/** Undefined for anything malformed: unknown type, bad lengths, invalid UTF-8. */
export function parseDcep(b: Uint8Array): DcepMessage | undefined {
  if (b.length === 0) return undefined;
  if (b[0] === DATA_CHANNEL_ACK) return b.length === 1 ? { type: 'ack' } : undefined;
  if (b[0] !== DATA_CHANNEL_OPEN || b.length < 12) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const channelType = b[1];
  const labelLen = dv.getUint16(8);
  const protocolLen = dv.getUint16(10);
  if (12 + labelLen + protocolLen !== b.length) return undefined;
  const base = channelType & 0x7f;
  if (base > 2) return undefined;
  const reliability = dv.getUint32(4);
  let label: string;
  let protocol: string;
  try {
    label = fromUtf8.decode(b.subarray(12, 12 + labelLen));
    protocol = fromUtf8.decode(b.subarray(12 + labelLen));
  } catch {
    return undefined;
  }
  return {
    type: 'open',
    open: {
      ordered: (channelType & 0x80) === 0,
      maxRetransmits: base === 1 ? reliability : undefined,
      maxPacketLifeTime: base === 2 ? reliability : undefined,
      priority: dv.getUint16(2),
      label,
      protocol,
    },
  };
}
