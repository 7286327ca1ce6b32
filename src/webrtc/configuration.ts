// RTCConfiguration (W3C WebRTC §4.2.1) with omnirtc's server extras (DESIGN.md "Public API"):
// iceAddresses, icePortRange, iceLite, iceTlsCaCertificates. Unknown keys are ignored, as browsers do.
import type { IceTurnServer } from '../ice/agent.js';
import { domError } from './errors.js';
import type { RTCCertificate } from './rtc-certificate.js';

export interface RTCIceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export type RTCIceTransportPolicy = 'all' | 'relay';
export type RTCBundlePolicy = 'balanced' | 'max-compat' | 'max-bundle';
export type RTCRtcpMuxPolicy = 'require';

export interface RTCConfiguration {
  iceServers?: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  bundlePolicy?: RTCBundlePolicy;
  rtcpMuxPolicy?: RTCRtcpMuxPolicy;
  certificates?: RTCCertificate[];
  iceCandidatePoolSize?: number;
  /** Local addresses for host candidates (default: every non-internal address, loopback when none). */
  iceAddresses?: string[];
  /** UDP port range for host candidates. */
  icePortRange?: { min: number; max: number };
  /** Act as an ICE lite agent (RFC 8445 §2.5), e.g. a server with a public address. */
  iceLite?: boolean;
  /**
   * Extra trust anchors (PEM certificates) for turns: servers, added to the runtime's default
   * roots: a TURN server with a certificate from a private CA.
   */
  iceTlsCaCertificates?: string[];
}

/** A parsed ICE server URL (RFC 7064 stun/stuns, RFC 7065 turn/turns). */
export interface IceServerUrl {
  scheme: 'stun' | 'stuns' | 'turn' | 'turns';
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
  username?: string;
  credential?: string;
  url: string;
}

export interface NormalizedConfiguration {
  iceServers: RTCIceServer[];
  iceServerUrls: IceServerUrl[];
  iceTransportPolicy: RTCIceTransportPolicy;
  bundlePolicy: RTCBundlePolicy;
  rtcpMuxPolicy: RTCRtcpMuxPolicy;
  certificates: RTCCertificate[];
  iceCandidatePoolSize: number;
  iceAddresses: string[] | undefined;
  icePortRange: { min: number; max: number } | undefined;
  iceLite: boolean;
  iceTlsCaCertificates: string[] | undefined;
}

export function parseIceServerUrl(url: string, username?: string, credential?: string): IceServerUrl {
  const m = /^(stuns?|turns?):(\[[0-9A-Fa-f:.]+\]|[^:?\s[\]]+)(?::([0-9]{1,5}))?(?:\?transport=(udp|tcp))?$/.exec(url.trim());
  if (!m) throw domError('SyntaxError', `"${url}" is not a stun:, stuns:, turn: or turns: URL (RFC 7064, RFC 7065)`);
  const scheme = m[1] as IceServerUrl['scheme'];
  // RFC 7065 §3: turns: defaults to 5349. stuns: is used as a plain stun: server over UDP, as
  // libwebrtc does (pc/ice_server_parsing.cc, ParseIceServerUrl: `case STUN: case STUNS:` add
  // the same STUN server, and only TURNS switches to the TLS port 5349), so its default
  // port is 3478 too.
  const port = m[3] !== undefined ? Number(m[3]) : scheme === 'turns' ? 5349 : 3478;
  if (port < 1 || port > 65535) throw domError('SyntaxError', `"${url}" has an invalid port`);
  if ((scheme === 'stun' || scheme === 'stuns') && m[4] !== undefined) throw domError('SyntaxError', `"${url}": stun URLs take no ?transport`);
  // turns: is TLS over TCP (RFC 7065 §3); turns:…?transport=udp (DTLS, RFC 7350) is kept as
  // 'udp' so that gathering can report it as unsupported (icecandidateerror 701).
  const transport = (m[4] as 'udp' | 'tcp' | undefined) ?? (scheme === 'turns' ? 'tcp' : 'udp');
  const out: IceServerUrl = { scheme, host: m[2].replace(/^\[|\]$/g, ''), port, transport, url };
  if (scheme === 'turn' || scheme === 'turns') {
    // W3C §4.4.1.5 step 11.6: TURN needs both username and credential.
    if (username === undefined || credential === undefined) {
      throw domError('InvalidAccessError', `"${url}" needs username and credential in its RTCIceServer`);
    }
    out.username = username;
    out.credential = credential;
  }
  return out;
}

/** stun: and stuns: URLs both give a STUN server asked over UDP (stuns: as libwebrtc does, see parseIceServerUrl). */
export function isStunUrl(u: IceServerUrl): boolean {
  return u.scheme === 'stun' || u.scheme === 'stuns';
}

/**
 * How a TURN URL reaches its server: turn: over UDP or TCP (?transport), turns: over TLS on
 * TCP (RFC 7065 §3, RFC 8656 §3.1). undefined for STUN URLs and for turns:…?transport=udp
 * (TURN over DTLS, RFC 7350), which is not implemented (nor by browsers).
 */
export function turnTransportOf(u: IceServerUrl): 'udp' | 'tcp' | 'tls' | undefined {
  if (u.scheme === 'turn') return u.transport;
  if (u.scheme === 'turns' && u.transport === 'tcp') return 'tls';
  return undefined;
}

/** The ICE agent's TURN server for a TURN URL whose host is (or resolved to) `address`. */
export function iceTurnServerOf(u: IceServerUrl, address: string, family: 4 | 6): IceTurnServer {
  const transport = turnTransportOf(u) ?? 'udp';
  const server: IceTurnServer = { server: { address, port: u.port, family }, username: u.username ?? '', password: u.credential ?? '', transport };
  // The certificate must name the host written in the URL, not the address it resolved to.
  if (transport === 'tls') server.tlsServerName = u.host;
  return server;
}

export function normalizeConfiguration(config: RTCConfiguration | undefined): NormalizedConfiguration {
  const c = config ?? {};
  const iceServers = c.iceServers ?? [];
  if (!Array.isArray(iceServers)) throw domError('TypeError', 'iceServers must be an array of RTCIceServer');
  const urls: IceServerUrl[] = [];
  for (const server of iceServers) {
    const list = typeof server?.urls === 'string' ? [server.urls] : server?.urls;
    if (!Array.isArray(list) || list.length === 0) throw domError('SyntaxError', 'each RTCIceServer needs urls');
    for (const u of list) urls.push(parseIceServerUrl(u, server.username, server.credential));
  }
  const policy = c.iceTransportPolicy ?? 'all';
  if (policy !== 'all' && policy !== 'relay') throw domError('TypeError', 'iceTransportPolicy must be "all" or "relay"');
  const bundle = c.bundlePolicy ?? 'max-bundle';
  if (bundle !== 'balanced' && bundle !== 'max-compat' && bundle !== 'max-bundle') throw domError('TypeError', 'bundlePolicy must be balanced, max-compat or max-bundle');
  if ((c.rtcpMuxPolicy ?? 'require') !== 'require') throw domError('TypeError', 'rtcpMuxPolicy must be "require"');
  const pool = c.iceCandidatePoolSize ?? 0;
  if (!Number.isInteger(pool) || pool < 0 || pool > 255) throw domError('TypeError', 'iceCandidatePoolSize must be an integer 0–255');
  const certificates = c.certificates ?? [];
  for (const cert of certificates) {
    if (cert.expires <= performance.timeOrigin + performance.now()) throw domError('InvalidAccessError', 'a certificate in the configuration has expired; generate a new one');
  }
  const range = c.icePortRange;
  if (range !== undefined && !(Number.isInteger(range.min) && Number.isInteger(range.max) && range.min >= 1 && range.min <= range.max && range.max <= 65535)) {
    throw domError('TypeError', 'icePortRange needs integers 1 ≤ min ≤ max ≤ 65535');
  }
  if (c.iceAddresses !== undefined && (!Array.isArray(c.iceAddresses) || c.iceAddresses.some((a) => typeof a !== 'string'))) {
    throw domError('TypeError', 'iceAddresses must be an array of IP address strings');
  }
  const cas = c.iceTlsCaCertificates;
  if (cas !== undefined && (!Array.isArray(cas) || cas.some((p) => typeof p !== 'string' || !p.includes('-----BEGIN CERTIFICATE-----')))) {
    throw domError('TypeError', 'iceTlsCaCertificates must be an array of PEM certificates ("-----BEGIN CERTIFICATE-----…")');
  }
  return {
    iceServers: iceServers.map((s) => ({ ...s })),
    iceServerUrls: urls,
    iceTransportPolicy: policy,
    bundlePolicy: bundle,
    rtcpMuxPolicy: 'require',
    certificates: [...certificates],
    iceCandidatePoolSize: pool,
    iceAddresses: c.iceAddresses ? [...c.iceAddresses] : undefined,
    icePortRange: range ? { ...range } : undefined,
    iceLite: c.iceLite === true,
    iceTlsCaCertificates: cas ? [...cas] : undefined,
  };
}
