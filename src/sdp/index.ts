// omnirtc/sdp — SDP (RFC 8866) parse/serialise with the WebRTC attributes (JSEP RFC 9429,
// BUNDLE RFC 9143, ICE RFC 8839, DTLS RFC 8842, RTP RFC 8285/5576/8851/8853, SCTP RFC 8841),
// candidate lines, fmtp parameters and the codec matching rules used in negotiation.
export { parse, emptyMedia } from './parse.js';
export { serialize } from './serialize.js';
export { parseCandidate, serializeCandidate, candidateExtension } from './candidate.js';
export type { Candidate, CandidateType } from './candidate.js';
export { parseFmtpParameters, serializeFmtpParameters } from './fmtp.js';
export { parseSimulcast, serializeSimulcast } from './simulcast.js';
export { mediaCodecs, codecsMatch, rtxFor } from './codec.js';
export type { Codec } from './codec.js';
export { SdpError, SDP_ERROR } from './errors.js';
export type { SdpErrorCode } from './errors.js';
export { SDP_LIMITS } from './limits.js';
export type * from './types.js';
export {
  buildMediaSection,
  buildSession,
  negotiateCodecs,
  negotiateExtensions,
  answerDirection,
  reverseDirection,
  hasSend,
  hasRecv,
  RTP_PROTOCOL,
  SCTP_PROTOCOL,
} from './jsep.js';
export type { CodecSpec, ExtensionSpec, FeedbackSpec, TransportSpec, RtpMediaSpec, DataMediaSpec, RejectedMediaSpec, MediaSpec, SessionSpec } from './jsep.js';
