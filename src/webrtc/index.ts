// The W3C object model (omnirtc main entry): RTCPeerConnection and the interfaces around it.
export { RTCPeerConnection } from './rtc-peer-connection.js';
export type {
  RTCSignalingState,
  RTCIceConnectionState,
  RTCPeerConnectionState,
  RTCOfferOptions,
  RTCRtpTransceiverInit,
} from './rtc-peer-connection.js';
export { RTCSessionDescription } from './rtc-session-description.js';
export type { RTCSdpType, RTCSessionDescriptionInit } from './rtc-session-description.js';
export { RTCIceCandidate } from './rtc-ice-candidate.js';
export type { RTCIceCandidateInit } from './rtc-ice-candidate.js';
export { RTCRtpTransceiver } from './rtc-rtp-transceiver.js';
export type { RTCRtpTransceiverDirection } from './rtc-rtp-transceiver.js';
export { RTCRtpSender } from './rtc-rtp-sender.js';
export type { RTCRtpSendParameters, RTCRtpEncodingParameters } from './rtc-rtp-sender.js';
export { RTCRtpReceiver } from './rtc-rtp-receiver.js';
export { RTCCertificate } from './rtc-certificate.js';
export type { RTCDtlsFingerprint } from './rtc-certificate.js';
export { MediaStreamTrack, RTCRtpPacketEvent, KeyFrameRequestEvent } from './media-stream-track.js';
export type { MediaStreamTrackInit } from './media-stream-track.js';
export { MediaStream, MediaStreamTrackEvent } from './media-stream.js';
export { RTCPeerConnectionIceEvent, RTCPeerConnectionIceErrorEvent, RTCTrackEvent } from './events.js';
export { RTCBandwidthEstimateEvent } from './bandwidth-estimate-event.js';
export { RTCError } from './errors.js';
export type { RTCConfiguration, RTCIceServer, RTCBundlePolicy, RTCIceTransportPolicy } from './configuration.js';
export type { RTCRtpCodec, RTCRtpCodecParameters, RTCRtpCapabilities } from './capabilities.js';
export type { EncodedFrame, EncodedFrameInit, MediaRtpPacket } from './media-types.js';
export { RTCDataChannel, RTCDataChannelEvent, RTCErrorEvent } from './rtc-data-channel.js';
export type { RTCDataChannelInit, RTCDataChannelState } from './rtc-data-channel.js';
export { RTCIceTransport, RTCDtlsTransport, RTCSctpTransport } from './rtc-transports.js';
export type { RTCIceParameters, RTCIceCandidatePair, RTCSctpTransportState } from './rtc-transports.js';
export { RTCDTMFSender, RTCDTMFToneChangeEvent } from './rtc-dtmf-sender.js';
export { DtmfEvent } from './dtmf-receiver.js';
