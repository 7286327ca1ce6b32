// Chunk type and parameter type numbers (RFC 9260 §3.2, RFC 3758, RFC 6525, RFC 7053).

export const enum ChunkType {
  DATA = 0,
  INIT = 1,
  INIT_ACK = 2,
  SACK = 3,
  HEARTBEAT = 4,
  HEARTBEAT_ACK = 5,
  ABORT = 6,
  SHUTDOWN = 7,
  SHUTDOWN_ACK = 8,
  ERROR = 9,
  COOKIE_ECHO = 10,
  COOKIE_ACK = 11,
  SHUTDOWN_COMPLETE = 14,
  RE_CONFIG = 130, // RFC 6525 §3.1
  FORWARD_TSN = 192, // RFC 3758 §3.2
}

export const enum ParamType {
  HEARTBEAT_INFO = 1,
  STATE_COOKIE = 7,
  UNRECOGNIZED_PARAMETER = 8,
  COOKIE_PRESERVATIVE = 9,
  SUPPORTED_ADDRESS_TYPES = 12,
  OUTGOING_SSN_RESET_REQUEST = 13, // RFC 6525 §4.1
  INCOMING_SSN_RESET_REQUEST = 14, // RFC 6525 §4.2
  SSN_TSN_RESET_REQUEST = 15,
  RECONFIG_RESPONSE = 16, // RFC 6525 §4.4
  ADD_OUTGOING_STREAMS_REQUEST = 17,
  ADD_INCOMING_STREAMS_REQUEST = 18,
  SUPPORTED_EXTENSIONS = 0x8008, // RFC 5061 §4.2.7
  ZERO_CHECKSUM_ACCEPTABLE = 0x8001, // RFC 9653 §4
  FORWARD_TSN_SUPPORTED = 0xc000, // RFC 3758 §3.1
}

// DATA chunk flags (RFC 9260 §3.3.1, RFC 7053 §4.1 for I).
export const DATA_FLAG_END = 0x01;
export const DATA_FLAG_BEGIN = 0x02;
export const DATA_FLAG_UNORDERED = 0x04;
export const DATA_FLAG_IMMEDIATE = 0x08;

/** Size of the common header (RFC 9260 §3.1) and of a chunk header (§3.2). */
export const COMMON_HEADER_SIZE = 12;
export const CHUNK_HEADER_SIZE = 4;
export const DATA_HEADER_SIZE = 16;

/** Pads a chunk or parameter length to a 4-byte boundary (RFC 9260 §3.2). */
export function pad4(n: number): number {
  return (n + 3) & ~3;
}
