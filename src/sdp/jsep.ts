// JSEP (RFC 9429) building blocks: m= sections for offers and answers (§5.2.1, §5.3.1),
// the session skeleton with BUNDLE (RFC 9143 §7), and the offer/answer intersection of
// codecs (RFC 3264 §6.1), RTX (RFC 4588 §8.6), RTCP feedback and header extensions
// (RFC 8285 §5). Plain data in, plain data out: the W3C facade decides what to offer.
import type { Candidate } from './candidate.js';
import { type Codec, codecsMatch, mediaCodecs } from './codec.js';
import { parseFmtpParameters } from './fmtp.js';
import { emptyMedia } from './parse.js';
import type { Direction, Fingerprint, MediaDescription, SessionDescription, SetupRole } from './types.js';

export interface FeedbackSpec {
  type: string;
  parameter?: string;
}

export interface CodecSpec {
  payloadType: number;
  name: string;
  clockRate: number;
  channels?: number;
  fmtp?: string;
  feedback: FeedbackSpec[];
  /** RTX payload type paired with this codec (video). */
  rtxPayloadType?: number;
}

export interface ExtensionSpec {
  id: number;
  uri: string;
}

export interface TransportSpec {
  iceUfrag: string;
  icePwd: string;
  iceOptions: string[];
  fingerprints: Fingerprint[];
  setup: SetupRole;
  candidates: Candidate[];
  endOfCandidates: boolean;
}

export interface RtpMediaSpec {
  kind: 'audio' | 'video';
  mid: string;
  direction: Direction;
  codecs: CodecSpec[];
  extensions: ExtensionSpec[];
  /** msid stream ids (RFC 8830); empty sends "-" as Chromium does. */
  streamIds: string[];
  trackId?: string;
  /** Our sending SSRCs, present when we send (direction has "send"). */
  ssrc?: number;
  rtxSsrc?: number;
  cname?: string;
  rtcpRsize: boolean;
  /** rid/simulcast lines kept from the peer (RFC 8851/8853), echoed in answers. */
  rids?: MediaDescription['rids'];
  simulcast?: MediaDescription['simulcast'];
}

export interface DataMediaSpec {
  kind: 'application';
  mid: string;
  sctpPort: number;
  maxMessageSize: number;
}

/** A rejected or stopped section: port 0, formats kept, no attributes (JSEP §5.2.2, §5.3.1). */
export interface RejectedMediaSpec {
  kind: string;
  mid?: string;
  protocol: string;
  formats: string[];
  rejected: true;
}

export type MediaSpec = RtpMediaSpec | DataMediaSpec | RejectedMediaSpec;

export const RTP_PROTOCOL = 'UDP/TLS/RTP/SAVPF';
export const SCTP_PROTOCOL = 'UDP/DTLS/SCTP';

/** JSEP §5.2.1: "9" and "0.0.0.0" until candidates are known; the default candidate after. */
function applyTransport(m: MediaDescription, t: TransportSpec): void {
  m.iceUfrag = t.iceUfrag;
  m.icePwd = t.icePwd;
  m.iceOptions = [...t.iceOptions];
  m.fingerprints = t.fingerprints.map((f) => ({ ...f }));
  m.setup = t.setup;
  m.candidates = t.candidates.map((c) => ({ ...c, extensions: [...c.extensions] }));
  m.endOfCandidates = t.endOfCandidates;
  const def = t.candidates.find((c) => c.component === 1 && c.transport.toLowerCase() === 'udp');
  if (def) {
    m.port = def.port;
    m.connection = { netType: 'IN', addrType: def.address.includes(':') ? 'IP6' : 'IP4', address: def.address };
  }
}

export function buildMediaSection(spec: MediaSpec, transport: TransportSpec): MediaDescription {
  if ('rejected' in spec) {
    const m = emptyMedia(spec.kind, 0, spec.protocol, spec.formats.length > 0 ? [...spec.formats] : ['0']);
    m.connection = { netType: 'IN', addrType: 'IP4', address: '0.0.0.0' };
    if (spec.mid !== undefined) m.mid = spec.mid;
    return m;
  }
  if (spec.kind === 'application') {
    const m = emptyMedia('application', 9, SCTP_PROTOCOL, ['webrtc-datachannel']);
    m.connection = { netType: 'IN', addrType: 'IP4', address: '0.0.0.0' };
    applyTransport(m, transport);
    m.mid = spec.mid;
    m.sctpPort = spec.sctpPort;
    m.maxMessageSize = spec.maxMessageSize;
    return m;
  }
  const formats: string[] = [];
  for (const c of spec.codecs) {
    formats.push(String(c.payloadType));
    if (c.rtxPayloadType !== undefined) formats.push(String(c.rtxPayloadType));
  }
  const m = emptyMedia(spec.kind, 9, RTP_PROTOCOL, formats);
  m.connection = { netType: 'IN', addrType: 'IP4', address: '0.0.0.0' };
  // RFC 8843 §5.1 rtcp-mux; "a=rtcp:9 IN IP4 0.0.0.0" as browsers write it for old parsers.
  m.rtcp = { port: 9, netType: 'IN', addrType: 'IP4', address: '0.0.0.0' };
  applyTransport(m, transport);
  m.mid = spec.mid;
  m.extMaps = spec.extensions.map((e) => ({ id: e.id, uri: e.uri }));
  m.direction = spec.direction;
  const streamIds = spec.streamIds.length > 0 ? spec.streamIds : ['-'];
  const sends = spec.direction === 'sendrecv' || spec.direction === 'sendonly';
  if (sends && spec.trackId !== undefined) for (const s of streamIds) m.msids.push({ streamId: s, trackId: spec.trackId });
  m.rtcpMux = true;
  m.rtcpRsize = spec.rtcpRsize;
  for (const c of spec.codecs) {
    m.rtpMaps.push(c.channels !== undefined ? { payloadType: c.payloadType, encodingName: c.name, clockRate: c.clockRate, channels: c.channels } : { payloadType: c.payloadType, encodingName: c.name, clockRate: c.clockRate });
    for (const fb of c.feedback) m.rtcpFeedback.push(fb.parameter !== undefined ? { payloadType: c.payloadType, type: fb.type, parameter: fb.parameter } : { payloadType: c.payloadType, type: fb.type });
    if (c.fmtp !== undefined && c.fmtp.length > 0) m.fmtps.push({ payloadType: c.payloadType, parameters: c.fmtp });
    if (c.rtxPayloadType !== undefined) {
      m.rtpMaps.push({ payloadType: c.rtxPayloadType, encodingName: 'rtx', clockRate: c.clockRate });
      m.fmtps.push({ payloadType: c.rtxPayloadType, parameters: `apt=${c.payloadType}` });
    }
  }
  if (spec.rids) m.rids = spec.rids.map((r) => ({ ...r }));
  if (spec.simulcast) m.simulcast = spec.simulcast;
  if (sends && spec.ssrc !== undefined && spec.cname !== undefined) {
    // RFC 5576 §4: cname per source, FID group pairing the RTX source (RFC 4588 §8.2).
    if (spec.rtxSsrc !== undefined) m.ssrcGroups.push({ semantics: 'FID', ssrcs: [spec.ssrc, spec.rtxSsrc] });
    for (const ssrc of spec.rtxSsrc !== undefined ? [spec.ssrc, spec.rtxSsrc] : [spec.ssrc]) {
      m.ssrcs.push({ ssrc, attribute: 'cname', value: spec.cname });
      if (spec.trackId !== undefined) m.ssrcs.push({ ssrc, attribute: 'msid', value: `${streamIds[0]} ${spec.trackId}` });
    }
  }
  return m;
}

export interface SessionSpec {
  sessionId: string;
  sessionVersion: number;
  bundleMids: string[];
  iceLite: boolean;
  streamIds: string[];
}

export function buildSession(spec: SessionSpec, media: MediaDescription[]): SessionDescription {
  return {
    version: 0,
    origin: { username: '-', sessionId: spec.sessionId, sessionVersion: String(spec.sessionVersion), netType: 'IN', addrType: 'IP4', address: '127.0.0.1' },
    sessionName: '-',
    timing: { start: '0', stop: '0' },
    iceLite: spec.iceLite,
    groups: spec.bundleMids.length > 0 ? [{ semantics: 'BUNDLE', mids: [...spec.bundleMids] }] : [],
    msidSemantics: [{ semantic: 'WMS', identifiers: [...spec.streamIds] }],
    fingerprints: [],
    extMaps: [],
    extmapAllowMixed: true,
    bandwidths: [],
    attributes: [],
    otherLines: [],
    media,
  };
}

function codecSpecFromRemote(remote: Codec, local: CodecSpec): CodecSpec {
  const feedback = local.feedback.filter((fb) => remote.feedback.some((r) => r.type === fb.type && r.parameter === fb.parameter));
  const out: CodecSpec = { payloadType: remote.payloadType, name: local.name, clockRate: remote.clockRate, feedback };
  if (remote.channels !== undefined) out.channels = remote.channels;
  // Answer with our own fmtp (our receive preferences), as RFC 3264 §6.1 allows; H.264
  // keeps the offered profile-level-id when levels are asymmetric (RFC 6184 §8.2.2).
  const fmtp = local.name.toLowerCase() === 'h264' ? [...remote.parameters].map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join(';') : local.fmtp;
  if (fmtp !== undefined && fmtp.length > 0) out.fmtp = fmtp;
  return out;
}

function toCodec(spec: CodecSpec): Codec {
  const c: Codec = { payloadType: spec.payloadType, name: spec.name, clockRate: spec.clockRate, parameters: parseFmtpParameters(spec.fmtp ?? ''), feedback: spec.feedback };
  if (spec.channels !== undefined) c.channels = spec.channels;
  return c;
}

/**
 * The codecs both sides support, in the remote's preference order and with the remote's
 * payload types (RFC 3264 §6.1), each with its RTX payload type when both offer RTX, and
 * with the RTCP feedback both list.
 */
export function negotiateCodecs(local: readonly CodecSpec[], remote: MediaDescription): CodecSpec[] {
  const remoteCodecs = mediaCodecs(remote);
  const out: CodecSpec[] = [];
  for (const rc of remoteCodecs) {
    const name = rc.name.toLowerCase();
    if (name === 'rtx' || name === 'red' || name === 'ulpfec' || name === 'flexfec-03') continue;
    const lc = local.find((l) => codecsMatch(toCodec(l), rc));
    if (!lc || out.some((o) => o.payloadType === rc.payloadType)) continue;
    const spec = codecSpecFromRemote(rc, lc);
    if (lc.rtxPayloadType !== undefined) {
      const rtx = remoteCodecs.find((c) => c.name.toLowerCase() === 'rtx' && c.parameters.get('apt') === String(rc.payloadType));
      if (rtx) spec.rtxPayloadType = rtx.payloadType;
    }
    out.push(spec);
  }
  return out;
}

/** Header extensions both support, with the remote's ids (RFC 8285 §5). */
export function negotiateExtensions(local: readonly ExtensionSpec[], remote: MediaDescription): ExtensionSpec[] {
  const out: ExtensionSpec[] = [];
  for (const r of remote.extMaps) {
    if (r.direction === 'inactive') continue;
    if (local.some((l) => l.uri === r.uri) && !out.some((o) => o.id === r.id)) out.push({ id: r.id, uri: r.uri });
  }
  return out;
}

/** The direction seen from the other side (RFC 3264 §6.1). */
export function reverseDirection(d: Direction): Direction {
  return d === 'sendonly' ? 'recvonly' : d === 'recvonly' ? 'sendonly' : d;
}

export function hasSend(d: Direction): boolean {
  return d === 'sendrecv' || d === 'sendonly';
}
export function hasRecv(d: Direction): boolean {
  return d === 'sendrecv' || d === 'recvonly';
}

/** JSEP §5.3.1: answer direction = our wish ∩ the reverse of what the offer allows. */
export function answerDirection(local: Direction, offered: Direction): Direction {
  const send = hasSend(local) && hasRecv(offered);
  const recv = hasRecv(local) && hasSend(offered);
  return send && recv ? 'sendrecv' : send ? 'sendonly' : recv ? 'recvonly' : 'inactive';
}
