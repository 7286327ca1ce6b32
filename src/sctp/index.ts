// omnirtc/sctp — SCTP (RFC 9260) over DTLS (RFC 8261) for WebRTC data channels
// (RFC 8831), with DCEP (RFC 8832), PR-SCTP (RFC 3758) and stream reset (RFC 6525).
// Sans-IO engines: feed them packets and time, drain packets, events and deadlines.
export { SctpAssociation, type SctpState, type SendOptions } from './association.js';
export { type ChannelEvent, type ChannelParams, type ChannelState, DataChannelManager, ManagedChannel } from './dcep/channel-manager.js';
export {
  PPID_BINARY,
  PPID_BINARY_EMPTY,
  PPID_DCEP,
  PPID_STRING,
  PPID_STRING_EMPTY,
} from './dcep/message.js';
export { SctpError, type SctpErrorCode } from './errors.js';
export type { SctpCloseReason, SctpCounters, SctpEvent } from './events.js';
export { DEFAULT_MAX_PACKET_SIZE, type SctpAssociationOptions } from './options.js';
