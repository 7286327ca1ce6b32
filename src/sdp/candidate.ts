// a=candidate (RFC 8839 §5.1): the ICE candidate line, also the `candidate` string of
// RTCIceCandidate (W3C WebRTC §4.8.1, without the leading "a=").
import { SDP_ERROR, SdpError } from './errors.js';

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

export interface Candidate {
  foundation: string;
  component: number;
  /** As sent ("udp", "UDP", "tcp"); compare case-insensitively (RFC 8839 §5.1). */
  transport: string;
  priority: number;
  address: string;
  port: number;
  type: CandidateType | string;
  relatedAddress?: string;
  relatedPort?: number;
  /** tcptype (RFC 6544 §4.5): active, passive or so. */
  tcpType?: string;
  /** Extension name/value pairs in order (generation, ufrag, network-id, network-cost …). */
  extensions: [string, string][];
}

// ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.1); foundation is 1*32 of them.
const FOUNDATION = /^[A-Za-z0-9+/]{1,32}$/;
const DIGITS = /^[0-9]{1,10}$/;
const TOKEN = /^[!#$%&'*+\-.^_`{|}~A-Za-z0-9]+$/;

function int(text: string, max: number, what: string): number {
  if (!DIGITS.test(text)) throw new SdpError(SDP_ERROR.badValue, `candidate ${what} "${text}" is not a number`);
  const n = Number(text);
  if (n > max) throw new SdpError(SDP_ERROR.badValue, `candidate ${what} ${n} is out of range`);
  return n;
}

/** Parses "candidate:…" (the "candidate:" prefix and a leading "a=" are optional). */
export function parseCandidate(text: string): Candidate {
  let body = text.trim();
  if (body.startsWith('a=')) body = body.slice(2);
  if (body.startsWith('candidate:')) body = body.slice('candidate:'.length);
  const parts = body.split(' ').filter((p) => p.length > 0);
  if (parts.length < 8 || parts[6] !== 'typ') {
    throw new SdpError(SDP_ERROR.badValue, 'candidate needs "foundation component transport priority address port typ type"');
  }
  if (parts.length > 64) throw new SdpError(SDP_ERROR.tooMany, 'candidate has too many fields');
  const [foundation, component, transport, priority, address, port, , type] = parts;
  if (!FOUNDATION.test(foundation)) throw new SdpError(SDP_ERROR.badValue, `candidate foundation "${foundation}" is invalid`);
  if (!TOKEN.test(transport)) throw new SdpError(SDP_ERROR.badValue, `candidate transport "${transport}" is invalid`);
  if (!TOKEN.test(type)) throw new SdpError(SDP_ERROR.badValue, `candidate type "${type}" is invalid`);
  if (address.length === 0 || address.length > 255 || !/^[A-Za-z0-9.:\-_%]+$/.test(address)) {
    throw new SdpError(SDP_ERROR.badValue, `candidate address "${address}" is invalid`);
  }
  const candidate: Candidate = {
    foundation,
    component: int(component, 256, 'component'),
    transport,
    priority: int(priority, 0xffffffff, 'priority'),
    address,
    port: int(port, 65535, 'port'),
    type,
    extensions: [],
  };
  if (candidate.component < 1) throw new SdpError(SDP_ERROR.badValue, 'candidate component must be at least 1');
  // Extensions come as name/value pairs; raddr/rport/tcptype have fixed meanings.
  for (let i = 8; i < parts.length; i += 2) {
    const name = parts[i];
    const value = parts[i + 1];
    if (value === undefined) throw new SdpError(SDP_ERROR.badValue, `candidate extension "${name}" has no value`);
    if (name === 'raddr') candidate.relatedAddress = value;
    else if (name === 'rport') candidate.relatedPort = int(value, 65535, 'rport');
    else if (name === 'tcptype') candidate.tcpType = value;
    else candidate.extensions.push([name, value]);
  }
  return candidate;
}

/** Serialises to "candidate:…" (no "a=" prefix), in RFC 8839 field order. */
export function serializeCandidate(c: Candidate): string {
  let out = `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined) out += ` raddr ${c.relatedAddress}`;
  if (c.relatedPort !== undefined) out += ` rport ${c.relatedPort}`;
  if (c.tcpType !== undefined) out += ` tcptype ${c.tcpType}`;
  for (const [name, value] of c.extensions) out += ` ${name} ${value}`;
  return out;
}

/** The value of an extension such as "ufrag" or "generation", if present. */
export function candidateExtension(c: Candidate, name: string): string | undefined {
  for (const [n, v] of c.extensions) if (n === name) return v;
  return undefined;
}
