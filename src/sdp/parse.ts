// SDP text → model (RFC 8866 §5 line grammar, §9 ABNF; JSEP RFC 9429 §5.8 parsing).
// Lenient where browsers are (LF or CRLF, blank lines, unknown lines kept), strict on the
// grammar of every line the model knows; never throws anything but SdpError.
import { parseCandidate } from './candidate.js';
import {
  isDirection,
  parseExtMap,
  parseFingerprint,
  parseFmtp,
  parseGroup,
  parseMsid,
  parseMsidSemantic,
  parseRid,
  parseRtcp,
  parseRtcpFeedback,
  parseRtpMap,
  parseSetup,
  parseSsrc,
  parseSsrcGroup,
  parseUint,
} from './attribute-grammar.js';
import { SDP_ERROR, SdpError } from './errors.js';
import { SDP_LIMITS } from './limits.js';
import { parseSimulcast } from './simulcast.js';
import type { ConnectionData, MediaDescription, SessionDescription, TransportAttributes } from './types.js';

function emptyTransport(): TransportAttributes {
  return { fingerprints: [], extMaps: [], extmapAllowMixed: false, bandwidths: [], attributes: [], otherLines: [] };
}

export function emptyMedia(kind: string, port: number, protocol: string, formats: string[]): MediaDescription {
  return {
    ...emptyTransport(),
    kind,
    port,
    protocol,
    formats,
    candidates: [],
    endOfCandidates: false,
    rtcpMux: false,
    rtcpMuxOnly: false,
    rtcpRsize: false,
    bundleOnly: false,
    rtpMaps: [],
    fmtps: [],
    rtcpFeedback: [],
    ssrcs: [],
    ssrcGroups: [],
    msids: [],
    rids: [],
  };
}

function parseConnection(value: string): ConnectionData {
  const parts = value.split(' ');
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) throw new SdpError(SDP_ERROR.badValue, `c=${value} is not "nettype addrtype address"`);
  return { netType: parts[0], addrType: parts[1], address: parts[2] };
}

function parseMediaLine(value: string): MediaDescription {
  // RFC 8866 §5.14: m=<media> <port>[/<number of ports>] <proto> <fmt> ...
  const parts = value.split(' ').filter((p) => p.length > 0);
  if (parts.length < 3) throw new SdpError(SDP_ERROR.badValue, 'm= needs "media port proto fmt…"');
  if (parts.length - 3 > SDP_LIMITS.maxFormats) throw new SdpError(SDP_ERROR.tooMany, 'm= lists too many formats');
  const pm = /^([0-9]{1,5})(?:\/([0-9]{1,5}))?$/.exec(parts[1]);
  if (!pm) throw new SdpError(SDP_ERROR.badValue, `m= port "${parts[1]}" is invalid`);
  const media = emptyMedia(parts[0], parseUint(pm[1], 65535, 'm= port'), parts[2], parts.slice(3));
  if (pm[2] !== undefined) media.numberOfPorts = parseUint(pm[2], 65535, 'm= port count');
  return media;
}

/** Attributes valid at session and media level (JSEP RFC 9429 §5.8). */
function applyTransportAttribute(t: TransportAttributes, name: string, value: string | undefined): boolean {
  switch (name) {
    case 'ice-ufrag':
      t.iceUfrag = value ?? '';
      return true;
    case 'ice-pwd':
      t.icePwd = value ?? '';
      return true;
    case 'ice-options':
      t.iceOptions = (value ?? '').split(' ').filter((o) => o.length > 0);
      return true;
    case 'fingerprint':
      t.fingerprints.push(parseFingerprint(value ?? ''));
      return true;
    case 'setup':
      t.setup = parseSetup(value ?? '');
      return true;
    case 'extmap':
      t.extMaps.push(parseExtMap(value ?? ''));
      return true;
    case 'extmap-allow-mixed':
      t.extmapAllowMixed = true;
      return true;
    default:
      if (value === undefined && isDirection(name)) {
        t.direction = name;
        return true;
      }
      return false;
  }
}

function applySessionAttribute(s: SessionDescription, name: string, value: string | undefined): boolean {
  switch (name) {
    case 'group':
      s.groups.push(parseGroup(value ?? ''));
      return true;
    case 'msid-semantic':
      s.msidSemantics.push(parseMsidSemantic(value ?? ''));
      return true;
    case 'ice-lite':
      s.iceLite = true;
      return true;
    default:
      return false;
  }
}

function applyMediaAttribute(m: MediaDescription, name: string, value: string | undefined): boolean {
  const v = value ?? '';
  switch (name) {
    case 'mid':
      if (v.length === 0 || v.length > 255) throw new SdpError(SDP_ERROR.badValue, 'a=mid must be 1–255 characters');
      m.mid = v;
      return true;
    case 'candidate':
      if (m.candidates.length >= SDP_LIMITS.maxCandidatesPerMedia) throw new SdpError(SDP_ERROR.tooMany, 'too many a=candidate lines in one m= section');
      m.candidates.push(parseCandidate(v));
      return true;
    case 'end-of-candidates':
      m.endOfCandidates = true;
      return true;
    case 'rtcp':
      m.rtcp = parseRtcp(v);
      return true;
    case 'rtcp-mux':
      m.rtcpMux = true;
      return true;
    case 'rtcp-mux-only':
      m.rtcpMuxOnly = true;
      return true;
    case 'rtcp-rsize':
      m.rtcpRsize = true;
      return true;
    case 'bundle-only':
      m.bundleOnly = true;
      return true;
    case 'rtpmap':
      m.rtpMaps.push(parseRtpMap(v));
      return true;
    case 'fmtp':
      m.fmtps.push(parseFmtp(v));
      return true;
    case 'rtcp-fb':
      m.rtcpFeedback.push(parseRtcpFeedback(v));
      return true;
    case 'ssrc':
      m.ssrcs.push(parseSsrc(v));
      return true;
    case 'ssrc-group':
      m.ssrcGroups.push(parseSsrcGroup(v));
      return true;
    case 'msid':
      m.msids.push(parseMsid(v));
      return true;
    case 'rid':
      m.rids.push(parseRid(v));
      return true;
    case 'simulcast':
      m.simulcast = parseSimulcast(v);
      return true;
    case 'sctp-port':
      m.sctpPort = parseUint(v, 65535, 'sctp-port');
      return true;
    case 'max-message-size':
      m.maxMessageSize = parseUint(v, Number.MAX_SAFE_INTEGER, 'max-message-size');
      return true;
    default:
      return false;
  }
}

function wrap(e: unknown, line: number): never {
  if (e instanceof SdpError) throw new SdpError(e.code, e.message, e.line ?? line);
  throw new SdpError(SDP_ERROR.badValue, String(e), line);
}

/** Parses a session description; throws SdpError with a code and the line number. */
export function parse(text: string): SessionDescription {
  if (typeof text !== 'string') throw new SdpError(SDP_ERROR.badValue, 'SDP must be a string');
  if (text.length > SDP_LIMITS.maxLength) throw new SdpError(SDP_ERROR.tooLarge, `SDP is longer than ${SDP_LIMITS.maxLength} characters`);
  const lines = text.split(/\r?\n/);
  if (lines.length > SDP_LIMITS.maxLines + 1) throw new SdpError(SDP_ERROR.tooMany, `SDP has more than ${SDP_LIMITS.maxLines} lines`);

  const session: SessionDescription = {
    ...emptyTransport(),
    version: -1,
    origin: { username: '-', sessionId: '0', sessionVersion: '0', netType: 'IN', addrType: 'IP4', address: '127.0.0.1' },
    sessionName: '-',
    timing: { start: '0', stop: '0' },
    iceLite: false,
    groups: [],
    msidSemantics: [],
    media: [],
  };
  let sawOrigin = false;
  let current: MediaDescription | undefined;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineNo = i + 1;
    if (line.length === 0) continue;
    if (line.length > SDP_LIMITS.maxLineLength) throw new SdpError(SDP_ERROR.tooLarge, 'line is too long', lineNo);
    if (line.length < 2 || line[1] !== '=' || !/[a-z]/.test(line[0])) {
      throw new SdpError(SDP_ERROR.badLine, `"${line.slice(0, 40)}" is not "<letter>=<value>"`, lineNo);
    }
    const type = line[0];
    const value = line.slice(2);
    if (session.version < 0) {
      // RFC 8866 §5: the description starts with v=0.
      if (type !== 'v') throw new SdpError(SDP_ERROR.missingLine, 'SDP must start with v=0', lineNo);
      if (value.trim() !== '0') throw new SdpError(SDP_ERROR.badValue, `unsupported SDP version "${value}"`, lineNo);
      session.version = 0;
      continue;
    }
    try {
      if (type === 'm') {
        if (!sawOrigin) throw new SdpError(SDP_ERROR.missingLine, 'm= before o=');
        if (session.media.length >= SDP_LIMITS.maxMediaSections) throw new SdpError(SDP_ERROR.tooMany, 'too many m= sections');
        current = parseMediaLine(value);
        session.media.push(current);
        continue;
      }
      const target: TransportAttributes = current ?? session;
      switch (type) {
        case 'o': {
          if (current) throw new SdpError(SDP_ERROR.badLine, 'o= inside a media section');
          const p = value.split(' ');
          if (p.length !== 6 || p.some((x) => x.length === 0)) throw new SdpError(SDP_ERROR.badValue, 'o= needs 6 fields');
          session.origin = { username: p[0], sessionId: p[1], sessionVersion: p[2], netType: p[3], addrType: p[4], address: p[5] };
          sawOrigin = true;
          break;
        }
        case 's':
          if (current) target.otherLines.push({ type, value });
          else session.sessionName = value;
          break;
        case 'i':
          if (current) current.information = value;
          else session.information = value;
          break;
        case 't': {
          const p = value.split(' ');
          if (current || p.length !== 2) throw new SdpError(SDP_ERROR.badValue, 't= needs "start stop" at session level');
          session.timing = { start: p[0], stop: p[1] };
          break;
        }
        case 'c':
          target.connection = parseConnection(value);
          break;
        case 'b': {
          const m = /^([A-Za-z0-9-]+):([0-9]{1,15})$/.exec(value);
          if (!m) throw new SdpError(SDP_ERROR.badValue, `b=${value} is not "type:value"`);
          target.bandwidths.push({ type: m[1], value: Number(m[2]) });
          break;
        }
        case 'a': {
          const colon = value.indexOf(':');
          const name = colon < 0 ? value : value.slice(0, colon);
          const attrValue = colon < 0 ? undefined : value.slice(colon + 1);
          if (name.length === 0) throw new SdpError(SDP_ERROR.badLine, 'a= with an empty attribute name');
          const known =
            applyTransportAttribute(target, name, attrValue) ||
            (current ? applyMediaAttribute(current, name, attrValue) : applySessionAttribute(session, name, attrValue));
          if (!known) target.attributes.push(attrValue === undefined ? { name } : { name, value: attrValue });
          break;
        }
        case 'v':
          throw new SdpError(SDP_ERROR.badLine, 'v= may appear only once');
        default:
          target.otherLines.push({ type, value });
      }
    } catch (e) {
      wrap(e, lineNo);
    }
  }
  if (session.version < 0) throw new SdpError(SDP_ERROR.missingLine, 'SDP is empty: it must start with v=0');
  if (!sawOrigin) throw new SdpError(SDP_ERROR.missingLine, 'SDP has no o= line');
  return session;
}
