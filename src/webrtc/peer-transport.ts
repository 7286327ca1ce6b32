// The contract between the W3C facade (RTCPeerConnection) and the connection that owns
// the engines (ICE → DTLS → SRTP/SCTP over one BUNDLE transport). The facade decides what
// negotiation means; the transport moves bytes and reports states.
import type { Candidate } from '../sdp/candidate.js';
import type { Fingerprint } from '../sdp/types.js';
import type { RTCRtpReceiver } from './rtc-rtp-receiver.js';
import type { RTCRtpSender } from './rtc-rtp-sender.js';

export type RTCIceGatheringState = 'new' | 'gathering' | 'complete';
export type RTCIceTransportState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';
export type RTCDtlsTransportState = 'new' | 'connecting' | 'connected' | 'closed' | 'failed';
/** W3C §4.8.1: the transport between a client and a TURN server. */
export type RTCIceServerTransportProtocol = 'udp' | 'tcp' | 'tls';

export interface TransportListener {
  /** A gathered candidate; `relayProtocol` for relayed ones (how we reach the TURN server). */
  localCandidate(candidate: Candidate, relayProtocol?: RTCIceServerTransportProtocol): void;
  gatheringState(state: RTCIceGatheringState): void;
  iceState(state: RTCIceTransportState): void;
  dtlsState(state: RTCDtlsTransportState): void;
  /** The SCTP association is up (data channels may open). */
  sctpState(state: 'connecting' | 'connected' | 'closed'): void;
  /** A (new) candidate pair carries the data. */
  selectedPair?(): void;
  /** A STUN/TURN server could not be used (W3C §4.8.4 icecandidateerror). */
  candidateError?(error: { address: string; port: number; url: string; errorCode: number; errorText: string }): void;
}

export interface RemoteTransportParameters {
  iceUfrag: string;
  icePwd: string;
  iceLite: boolean;
  candidates: Candidate[];
  endOfCandidates: boolean;
  fingerprints: Fingerprint[];
  /** Our DTLS role (RFC 8842 §5.3): client sends ClientHello. */
  dtlsRole: 'client' | 'server';
  /** Our ICE role (RFC 8445 §6.1.1). */
  controlling: boolean;
}

export interface MediaBinding {
  mid: string;
  senders: RTCRtpSender[];
  receivers: RTCRtpReceiver[];
}

export interface PeerTransport {
  readonly localUfrag: string;
  readonly localPwd: string;
  /** Starts gathering host (and server-reflexive/relay) candidates. */
  startGathering(): void;
  /** Applies the remote parameters of the BUNDLE transport; starts checks and DTLS. */
  setRemote(params: RemoteTransportParameters): void;
  addRemoteCandidate(candidate: Candidate | null): void;
  /** ICE restart (RFC 8445 §9) with fresh local credentials. */
  restartIce(ufrag: string, pwd: string): void;
  /** The media sections on this transport, after each negotiation (routing tables, RFC 9143 §9.2). */
  setMedia(bindings: MediaBinding[], sctp: { mid: string; remotePort: number; maxMessageSize: number } | null): void;
  close(): void;
}
