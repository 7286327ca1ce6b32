// The public types of omnirtc/dtls's engine: options, events, SRTP key shapes.
import type { RecordAeadFactory } from './aead.js';
import type { DtlsCertificate } from './certificate.js';
import type { CipherSuiteName } from './cipher-suite.js';
import type { CertificateFingerprint } from './fingerprint.js';
import type { SrtpKeyMaterial, SrtpProfileName } from './srtp-profile.js';

export type DtlsRole = 'client' | 'server';
export type DtlsGroupName = 'x25519' | 'P-256';

/** How the peer's certificate is trusted: SDP fingerprints (RFC 8122), or a predicate over its DER. */
export type PeerVerifier = readonly CertificateFingerprint[] | ((certificateDer: Uint8Array) => boolean);

export interface DtlsEndpointOptions {
  role: DtlsRole;
  certificate: DtlsCertificate;
  /**
   * Checked when the peer's Certificate arrives, before any key is released. When absent,
   * the handshake runs but completion waits for setPeerVerifier() (remote SDP still pending).
   */
  verifyPeer?: PeerVerifier;
  /** use_srtp profiles in preference order; default all four, GCM first. [] disables use_srtp. */
  srtpProfiles?: readonly SrtpProfileName[];
  /** Default: all three suites, ECDSA AES-128 first. */
  cipherSuites?: readonly CipherSuiteName[];
  /** Default: X25519 then P-256. */
  groups?: readonly DtlsGroupName[];
  /** Largest datagram this endpoint sends (UDP payload). Default 1200. */
  mtu?: number;
  /** Server: answer a cookie-less ClientHello with a HelloVerifyRequest (RFC 6347 §4.2.1). Default true. */
  cookieExchange?: boolean;
  /** Server: request and require a client certificate (WebRTC requires it, RFC 8827 §6.5). Default true. */
  requireClientCertificate?: boolean;
  /** Refuse peers without RFC 7627 extended_master_secret. Default true. */
  requireExtendedMasterSecret?: boolean;
  /** First retransmission timeout in ms. Default 200. */
  initialRetransmitMs?: number;
  /** Ceiling of the doubling retransmission timeout in ms. Default 2000. */
  maxRetransmitMs?: number;
  /** Whole handshake must finish within this many ms of start. Default 20000. */
  handshakeTimeoutMs?: number;
  /** Record cipher; default AES-GCM from the WebAssembly core. */
  aead?: RecordAeadFactory;
}

/** One direction's SRTP master key, shaped like omnirtc/srtp's SrtpContextInit. */
export interface SrtpMasterKey {
  profile: SrtpProfileName;
  masterKey: Uint8Array;
  masterSalt: Uint8Array;
}

export interface DtlsSrtpKeys extends SrtpKeyMaterial {
  /** Protects what this endpoint sends. */
  outbound: SrtpMasterKey;
  /** Unprotects what the peer sends. */
  inbound: SrtpMasterKey;
}

export type DtlsEvent =
  | {
      type: 'connected';
      cipherSuite: CipherSuiteName;
      /** Negotiated use_srtp profile, if any. */
      srtpProfile: SrtpProfileName | undefined;
      /** ECDHE group used. */
      group: DtlsGroupName;
      /** Peer's leaf certificate, DER (undefined only for a server with requireClientCertificate: false). */
      peerCertificate: Uint8Array | undefined;
    }
  | { type: 'applicationData'; data: Uint8Array }
  /** An alert the peer sent (fatal ones are followed by 'failed'). */
  | { type: 'alert'; level: 'warning' | 'fatal'; description: string; code: number }
  /** close_notify received, or close() called. */
  | { type: 'closed' }
  /** The association is dead: handshake timeout, fatal alert sent or received. */
  | { type: 'failed'; reason: string; alert: string | undefined };
