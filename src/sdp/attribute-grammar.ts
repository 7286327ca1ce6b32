// Value grammars of the a= attributes the model knows (one function per attribute),
// each throwing SdpError(badValue) when the value does not match.
import { SDP_ERROR, SdpError } from './errors.js';
import type {
  Direction,
  ExtMap,
  Fingerprint,
  Fmtp,
  Group,
  Msid,
  MsidSemantic,
  Rid,
  RtcpAttribute,
  RtcpFeedback,
  RtpMap,
  SetupRole,
  SsrcAttribute,
  SsrcGroup,
} from './types.js';

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
const SETUP_ROLES: ReadonlySet<string> = new Set(['actpass', 'active', 'passive', 'holdconn']);

function bad(what: string, value: string): never {
  throw new SdpError(SDP_ERROR.badValue, `a=${what} value "${value.slice(0, 80)}" is invalid`);
}

export function parseUint(text: string, max: number, what: string): number {
  if (!/^[0-9]{1,10}$/.test(text)) bad(what, text);
  const n = Number(text);
  if (n > max) bad(what, text);
  return n;
}

function payloadType(text: string, what: string): number {
  return parseUint(text, 127, what);
}

export function isDirection(text: string): text is Direction {
  return DIRECTIONS.has(text);
}

export function parseSetup(value: string): SetupRole {
  if (!SETUP_ROLES.has(value)) bad('setup', value);
  return value as SetupRole;
}

// RFC 8122 §5: hash-func SP fingerprint (hex pairs separated by ':').
export function parseFingerprint(value: string): Fingerprint {
  const m = /^(\S+) ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})*)$/.exec(value.trim());
  if (!m) bad('fingerprint', value);
  return { algorithm: m[1].toLowerCase(), value: m[2].toUpperCase() };
}

// RFC 5888 §5: group:semantics *(SP identification-tag)
export function parseGroup(value: string): Group {
  const parts = value.split(' ').filter((p) => p.length > 0);
  if (parts.length === 0) bad('group', value);
  return { semantics: parts[0], mids: parts.slice(1) };
}

export function parseMsidSemantic(value: string): MsidSemantic {
  const parts = value.trim().split(/\s+/);
  if (parts.length === 0 || parts[0] === '') bad('msid-semantic', value);
  return { semantic: parts[0], identifiers: parts.slice(1) };
}

// RFC 3605 §2.1: rtcp:port [nettype SP addrtype SP connection-address]
export function parseRtcp(value: string): RtcpAttribute {
  const parts = value.trim().split(/\s+/);
  const port = parseUint(parts[0] ?? '', 65535, 'rtcp');
  if (parts.length === 1) return { port };
  if (parts.length !== 4) bad('rtcp', value);
  return { port, netType: parts[1], addrType: parts[2], address: parts[3] };
}

// RFC 8866 §6.6: rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
export function parseRtpMap(value: string): RtpMap {
  const m = /^([0-9]{1,3}) ([^/\s]+)\/([0-9]{1,10})(?:\/([0-9]{1,3}))?$/.exec(value.trim());
  if (!m) bad('rtpmap', value);
  const out: RtpMap = {
    payloadType: payloadType(m[1], 'rtpmap'),
    encodingName: m[2],
    clockRate: parseUint(m[3], 0xffffffff, 'rtpmap'),
  };
  if (m[4] !== undefined) out.channels = parseUint(m[4], 255, 'rtpmap');
  return out;
}

export function parseFmtp(value: string): Fmtp {
  const m = /^([0-9]{1,3}) ?(.*)$/.exec(value);
  if (!m) bad('fmtp', value);
  return { payloadType: payloadType(m[1], 'fmtp'), parameters: m[2] };
}

// RFC 4585 §4.2: rtcp-fb:<pt or *> <type> [<parameter…>]
export function parseRtcpFeedback(value: string): RtcpFeedback {
  const m = /^(\*|[0-9]{1,3}) (\S+)(?: (.+))?$/.exec(value.trim());
  if (!m) bad('rtcp-fb', value);
  const out: RtcpFeedback = { payloadType: m[1] === '*' ? '*' : payloadType(m[1], 'rtcp-fb'), type: m[2] };
  if (m[3] !== undefined) out.parameter = m[3];
  return out;
}

// RFC 8285 §8: extmap:<value>["/"<direction>] <URI> <extensionattributes>
export function parseExtMap(value: string): ExtMap {
  const m = /^([0-9]{1,5})(?:\/(\S+))? (\S+)(?: (.+))?$/.exec(value.trim());
  if (!m) bad('extmap', value);
  const id = parseUint(m[1], 4096, 'extmap');
  // 1–14 one-byte, 1–255 two-byte, 4096–4351 reserved for negotiation (RFC 8285 §6).
  if (id < 1 || (id > 255 && id < 4096)) bad('extmap', value);
  const out: ExtMap = { id, uri: m[3] };
  if (m[2] !== undefined) {
    if (!isDirection(m[2])) bad('extmap', value);
    out.direction = m[2];
  }
  if (m[4] !== undefined) out.attributes = m[4];
  return out;
}

// RFC 5576 §4.1: ssrc:<ssrc-id> <attribute>[:<value>]
export function parseSsrc(value: string): SsrcAttribute {
  const m = /^([0-9]{1,10}) ([^:\s]+)(?::(.*))?$/.exec(value.trim());
  if (!m) bad('ssrc', value);
  const out: SsrcAttribute = { ssrc: parseUint(m[1], 0xffffffff, 'ssrc'), attribute: m[2] };
  if (m[3] !== undefined) out.value = m[3];
  return out;
}

// RFC 5576 §4.2: ssrc-group:<semantics> *(SP ssrc-id)
export function parseSsrcGroup(value: string): SsrcGroup {
  const parts = value.trim().split(/\s+/);
  if (parts.length < 1 || parts[0] === '') bad('ssrc-group', value);
  return { semantics: parts[0], ssrcs: parts.slice(1).map((s) => parseUint(s, 0xffffffff, 'ssrc-group')) };
}

// RFC 8830 §2: msid:<stream id> [<track id>]
export function parseMsid(value: string): Msid {
  const parts = value.trim().split(/\s+/);
  if (parts.length < 1 || parts.length > 2 || parts[0] === '') bad('msid', value);
  return parts.length === 2 ? { streamId: parts[0], trackId: parts[1] } : { streamId: parts[0] };
}

// RFC 8851 §10: rid:<rid-id> SP (send/recv) [SP restrictions]
export function parseRid(value: string): Rid {
  const m = /^([A-Za-z0-9_-]{1,255}) (send|recv)(?: (.+))?$/.exec(value.trim());
  if (!m) bad('rid', value);
  const out: Rid = { id: m[1], direction: m[2] as 'send' | 'recv' };
  if (m[3] !== undefined) out.restrictions = m[3];
  return out;
}
