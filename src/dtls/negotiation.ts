// What goes into the hellos and what comes out of them: the client's offer, its check of the
// server's answer, and the server's choice (server preference order). Pure functions; the
// failures carry the fatal alert the RFCs name.
import { ALERT } from './alert.js';
import { type CipherSuite, TLS_EMPTY_RENEGOTIATION_INFO_SCSV } from './cipher-suite.js';
import { HandshakeFailure } from './errors.js';
import { EC_POINT_FORMAT_UNCOMPRESSED, EXTENSION, u16ListBody, useSrtpBody } from './extensions.js';
import type { ClientHello, ServerHello } from './messages.js';
import { SIGNATURE_SCHEME, SUPPORTED_SIGNATURE_SCHEMES } from './signature.js';
import { type SrtpProfileInfo, srtpProfileById } from './srtp-profile.js';

/** What this endpoint is willing to use, in preference order. */
export interface LocalPolicy {
  suites: readonly CipherSuite[];
  groups: readonly number[];
  srtp: readonly SrtpProfileInfo[];
  requireExtendedMasterSecret: boolean;
}

export interface Negotiated {
  suite: CipherSuite;
  srtpProfile: SrtpProfileInfo | undefined;
  extendedMasterSecret: boolean;
}

type Extensions = [number, Uint8Array][];

/** ClientHello extensions (RFC 8422 §5.1, RFC 5246 §7.4.1.4.1, RFC 7627, RFC 5746, RFC 5764). */
export function clientHelloExtensions(policy: LocalPolicy): Extensions {
  const ext: Extensions = [
    [EXTENSION.supportedGroups, u16ListBody(policy.groups, 2)],
    [EXTENSION.ecPointFormats, new Uint8Array([1, EC_POINT_FORMAT_UNCOMPRESSED])],
    [EXTENSION.signatureAlgorithms, u16ListBody(SUPPORTED_SIGNATURE_SCHEMES, 2)],
    [EXTENSION.extendedMasterSecret, new Uint8Array(0)],
    [EXTENSION.renegotiationInfo, new Uint8Array([0])],
  ];
  if (policy.srtp.length > 0) ext.push([EXTENSION.useSrtp, useSrtpBody(policy.srtp.map((p) => p.id))]);
  return ext;
}

/** Client side: checks a ServerHello against what we offered. */
export function acceptServerHello(sh: ServerHello, policy: LocalPolicy, version: number): Negotiated {
  if (sh.version !== version) throw new HandshakeFailure(ALERT.protocol_version, `server chose version 0x${sh.version.toString(16)}`);
  const suite = policy.suites.find((s) => s.id === sh.cipherSuite);
  if (!suite) throw new HandshakeFailure(ALERT.illegal_parameter, `server chose cipher suite 0x${sh.cipherSuite.toString(16)} we did not offer`);
  if (sh.compressionMethod !== 0) throw new HandshakeFailure(ALERT.illegal_parameter, 'server chose compression');
  const ext = sh.extensions;
  // RFC 5246 §7.4.1.4: a server answers only extensions the client sent.
  const offered: number[] = [EXTENSION.supportedGroups, EXTENSION.ecPointFormats, EXTENSION.extendedMasterSecret, EXTENSION.renegotiationInfo, EXTENSION.signatureAlgorithms];
  if (policy.srtp.length > 0) offered.push(EXTENSION.useSrtp);
  for (const t of ext.present) if (!offered.includes(t)) throw new HandshakeFailure(ALERT.unsupported_extension, `unsolicited extension ${t}`);
  // RFC 5746 §3.4: an initial handshake's renegotiation_info must be empty.
  if (ext.renegotiationInfo && ext.renegotiationInfo.length !== 0) throw new HandshakeFailure(ALERT.handshake_failure, 'renegotiation_info not empty');
  if (ext.ecPointFormats && !ext.ecPointFormats.includes(EC_POINT_FORMAT_UNCOMPRESSED)) throw new HandshakeFailure(ALERT.illegal_parameter, 'no uncompressed point format');
  const extendedMasterSecret = ext.extendedMasterSecret === true;
  if (policy.requireExtendedMasterSecret && !extendedMasterSecret) throw new HandshakeFailure(ALERT.handshake_failure, 'server did not negotiate extended_master_secret (RFC 7627)');
  let srtpProfile: SrtpProfileInfo | undefined;
  if (ext.srtp) {
    // RFC 5764 §4.1.1: exactly one profile, one we offered, and an MKI only if we sent one.
    const p = ext.srtp.profiles.length === 1 ? srtpProfileById(ext.srtp.profiles[0]) : undefined;
    if (!p || !policy.srtp.includes(p) || ext.srtp.mki.length !== 0) throw new HandshakeFailure(ALERT.illegal_parameter, 'bad use_srtp answer');
    srtpProfile = p;
  }
  return { suite, srtpProfile, extendedMasterSecret };
}

/** Server side: picks suite, group and SRTP profile from a ClientHello, in our preference order. */
export function chooseFromClientHello(ch: ClientHello, policy: LocalPolicy): Negotiated & { group: number } {
  const ext = ch.extensions;
  if (!ch.compressionMethods.includes(0)) throw new HandshakeFailure(ALERT.illegal_parameter, 'client does not offer null compression');
  // Our only key is ECDSA, so only ECDSA suites can be ours (RFC 8422 §2).
  const suite = policy.suites.find((s) => s.authentication === 'ecdsa' && ch.cipherSuites.includes(s.id));
  if (!suite) throw new HandshakeFailure(ALERT.handshake_failure, 'no common cipher suite');
  // RFC 8422 §5.1.1: without supported_groups the client takes any group; we pick our first.
  const groups = ext.supportedGroups ?? policy.groups;
  const group = policy.groups.find((g) => groups.includes(g));
  if (group === undefined) throw new HandshakeFailure(ALERT.handshake_failure, 'no common named group');
  if (ext.ecPointFormats && !ext.ecPointFormats.includes(EC_POINT_FORMAT_UNCOMPRESSED)) throw new HandshakeFailure(ALERT.illegal_parameter, 'client does not take uncompressed points');
  // RFC 5246 §7.4.1.4.1: without signature_algorithms the default is SHA-1, which we refuse.
  if (!ext.signatureAlgorithms?.includes(SIGNATURE_SCHEME.ecdsa_secp256r1_sha256)) throw new HandshakeFailure(ALERT.handshake_failure, 'client does not accept ecdsa_secp256r1_sha256');
  if (ext.renegotiationInfo && ext.renegotiationInfo.length !== 0) throw new HandshakeFailure(ALERT.handshake_failure, 'renegotiation_info not empty in an initial handshake (RFC 5746 §3.6)');
  const extendedMasterSecret = ext.extendedMasterSecret === true;
  if (policy.requireExtendedMasterSecret && !extendedMasterSecret) throw new HandshakeFailure(ALERT.handshake_failure, 'client did not offer extended_master_secret (RFC 7627)');
  // RFC 5764 §4.1.1: one profile the client offered; without a common one, no use_srtp at all.
  const srtpProfile = ext.srtp ? policy.srtp.find((p) => ext.srtp!.profiles.includes(p.id)) : undefined;
  return { suite, group, srtpProfile, extendedMasterSecret };
}

/** ServerHello extensions: answers only to what the client sent (RFC 5246 §7.4.1.4). */
export function serverHelloExtensions(ch: ClientHello, n: Negotiated): Extensions {
  const ext: Extensions = [];
  // RFC 5746 §3.6: echo an empty renegotiation_info to the extension or to the SCSV.
  if (ch.extensions.renegotiationInfo !== undefined || ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV)) ext.push([EXTENSION.renegotiationInfo, new Uint8Array([0])]);
  if (n.extendedMasterSecret) ext.push([EXTENSION.extendedMasterSecret, new Uint8Array(0)]);
  if (ch.extensions.ecPointFormats) ext.push([EXTENSION.ecPointFormats, new Uint8Array([1, EC_POINT_FORMAT_UNCOMPRESSED])]);
  if (n.srtpProfile) ext.push([EXTENSION.useSrtp, useSrtpBody([n.srtpProfile.id])]);
  return ext;
}
