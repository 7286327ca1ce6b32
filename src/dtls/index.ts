// omnirtc/dtls — DTLS 1.2 (RFC 6347) for DTLS-SRTP (RFC 5764) and data channels (RFC 8261),
// as a sans-IO engine.
//
// Shape (the same as every omnirtc engine, DESIGN.md "Sans-IO engines"):
//
//   const certificate = await DtlsCertificate.generate();          // ECDSA P-256, self-signed
//   const ep = new DtlsEndpoint({
//     role: 'client' | 'server',                                    // RFC 5763 §5: a=setup decides
//     certificate,
//     verifyPeer: [{ algorithm: 'sha-256', value: 'AB:CD:…' }],     // from the peer's SDP, or (der) => boolean
//     srtpProfiles, mtu: 1200, …                                     // optional, see DtlsEndpointOptions
//   });
//   ep.start(now);                          // client only: sends the ClientHello
//   ep.handleInput(now, datagram);          // every DTLS datagram (RFC 7983: first byte 20..63)
//   ep.handleTimeout(now);                  // when pollTimeout() has passed
//   ep.pollTransmit();                      // → Uint8Array datagram (≤ mtu), until undefined
//   ep.pollEvent();                         // → connected | applicationData | alert | closed | failed
//   ep.pollTimeout();                       // → next deadline (ms, the caller's clock) or undefined
//   ep.send(bytes);                         // application data (SCTP packets), once connected
//   ep.srtpKeys();                          // RFC 5764 §4.2 split; .outbound/.inbound fit new SrtpContext()
//   ep.exportKeyingMaterial(label, context, length);  // RFC 5705
//   ep.close();                             // close_notify
//   ep.getStats();                          // counters, dropped records by reason
//
// `now` is monotonic milliseconds from the caller; the engine never reads a clock.
//
// Timers (RFC 6347 §4.2.4.1, tuned for WebRTC): a flight is resent after 200 ms, doubling
// each time up to 2 s (initialRetransmitMs / maxRetransmitMs). RFC 6347 suggests 1 s, but on
// an ICE-checked path the RTT is known to be small and SCTP over lossy links depends on the
// handshake finishing quickly; the 2 s ceiling keeps a long outage from stretching the
// backoff. A flight is also resent at once when the peer resends its previous one. The
// handshake as a whole fails after 20 s (handshakeTimeoutMs).
//
// The peer certificate is checked against verifyPeer when its Certificate message arrives
// (fatal bad_certificate on mismatch). Without verifyPeer the handshake runs, but 'connected'
// and every key wait for setPeerVerifier() — for a remote SDP that arrives late.
export type { RecordAead, RecordAeadFactory } from './aead.js';
export { ALERT, alertName } from './alert.js';
export { type CertificateOptions, DtlsCertificate } from './certificate.js';
export { CIPHER_SUITES, type CipherSuite, type CipherSuiteName } from './cipher-suite.js';
export {
  DtlsEndpoint,
  type DtlsEndpointOptions,
  type DtlsEvent,
  type DtlsGroupName,
  type DtlsRole,
  type DtlsSrtpKeys,
  type PeerVerifier,
  type SrtpMasterKey,
} from './endpoint.js';
export { DTLS_ERROR_CODES, DtlsError, type DtlsErrorCode } from './errors.js';
export {
  type CertificateFingerprint,
  type FingerprintAlgorithm,
  certificateFingerprint,
  formatFingerprint,
  matchesFingerprints,
} from './fingerprint.js';
export { exportKeyingMaterial, prf } from './prf.js';
export { type PeerPublicKey, certificatePublicKey } from './public-key.js';
export {
  DTLS_SRTP_EXPORTER_LABEL,
  SRTP_PROFILES,
  type SrtpKeyMaterial,
  type SrtpProfileInfo,
  type SrtpProfileName,
  splitSrtpKeyMaterial,
  srtpExportLength,
} from './srtp-profile.js';
export type { DtlsDropCounters, DtlsStats } from './stats.js';
