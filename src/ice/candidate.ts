// ICE candidates: priorities (RFC 8445 §5.1.2) and the SDP candidate-attribute grammar
// (RFC 8839 §5.1), which is also what trickle (RFC 8838) carries.
import { ipFamily } from '../stun/address.js';
import { IceError } from './errors.js';

export type IceCandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

export interface IceCandidate {
  readonly foundation: string;
  readonly component: number;
  readonly transport: 'udp' | 'tcp';
  readonly priority: number;
  /** IP literal, or an mDNS name ending in ".local" for remote candidates. */
  readonly address: string;
  readonly port: number;
  readonly type: IceCandidateType;
  readonly relatedAddress?: string;
  readonly relatedPort?: number;
  readonly tcpType?: string;
  readonly ufrag?: string;
  readonly generation?: number;
  /** Local relayed candidates: how we reach the TURN server (W3C RTCIceCandidate.relayProtocol). */
  readonly relayProtocol?: RelayProtocol;
}

/** W3C RTCIceServerTransportProtocol: the transport to a TURN server. */
export type RelayProtocol = 'udp' | 'tcp' | 'tls';

/** RFC 8445 §5.1.2.2 recommended type preferences. */
export const TYPE_PREFERENCE: Readonly<Record<IceCandidateType, number>> = { host: 126, prflx: 110, srflx: 100, relay: 0 };

/** RFC 8445 §5.1.2.1: priority = 2^24·type + 2^8·local + (256 − component). */
export function candidatePriority(type: IceCandidateType, localPreference: number, component = 1): number {
  return TYPE_PREFERENCE[type] * 0x1000000 + (localPreference & 0xffff) * 0x100 + (256 - component);
}

/**
 * Type preferences of relayed candidates by the transport to the TURN server: UDP above TCP
 * above TLS, each below every other type (RFC 8445 §5.1.2.2 leaves relay at the bottom; the
 * split is libwebrtc's ICE_TYPE_PREFERENCE_RELAY_{UDP,TCP,TLS} = 2, 1, 0, so a peer's
 * priorities and ours order relays the same way).
 */
export const RELAY_TYPE_PREFERENCE: Readonly<Record<RelayProtocol, number>> = { udp: 2, tcp: 1, tls: 0 };

/** RFC 8445 §5.1.2.1 priority of a relayed candidate reached over `protocol`. */
export function relayCandidatePriority(protocol: RelayProtocol, localPreference: number, component = 1): number {
  return RELAY_TYPE_PREFERENCE[protocol] * 0x1000000 + (localPreference & 0xffff) * 0x100 + (256 - component);
}

/** Parses "candidate:…" (with or without "a="). Throws IceError on bad syntax. */
export function parseCandidate(line: string): IceCandidate {
  let s = line.trim();
  if (s.startsWith('a=')) s = s.slice(2);
  if (s.startsWith('candidate:')) s = s.slice(10);
  const f = s.split(/\s+/);
  if (f.length < 8 || f[6] !== 'typ') throw new IceError('ICE_BAD_CANDIDATE', `not a candidate attribute: ${line}`);
  const [foundation, comp, transport, prio, address, port, , type] = f;
  const component = Number(comp);
  const priority = Number(prio);
  const portNum = Number(port);
  const t = transport.toLowerCase();
  if (!/^[A-Za-z0-9+/]{1,32}$/.test(foundation)) throw new IceError('ICE_BAD_CANDIDATE', `bad foundation in ${line}`);
  if (!Number.isInteger(component) || component < 1 || component > 256) throw new IceError('ICE_BAD_CANDIDATE', `bad component in ${line}`);
  if (!Number.isInteger(priority) || priority < 1 || priority > 0xffffffff) throw new IceError('ICE_BAD_CANDIDATE', `bad priority in ${line}`);
  if (!Number.isInteger(portNum) || portNum < 0 || portNum > 65535) throw new IceError('ICE_BAD_CANDIDATE', `bad port in ${line}`);
  if (t !== 'udp' && t !== 'tcp') throw new IceError('ICE_BAD_CANDIDATE', `unknown transport in ${line}`);
  if (type !== 'host' && type !== 'srflx' && type !== 'prflx' && type !== 'relay') throw new IceError('ICE_BAD_CANDIDATE', `unknown type in ${line}`);
  if (!ipFamily(address) && !address.toLowerCase().endsWith('.local')) throw new IceError('ICE_BAD_CANDIDATE', `bad address in ${line}`);
  const out: {
    foundation: string;
    component: number;
    transport: 'udp' | 'tcp';
    priority: number;
    address: string;
    port: number;
    type: IceCandidateType;
    relatedAddress?: string;
    relatedPort?: number;
    tcpType?: string;
    ufrag?: string;
    generation?: number;
  } = { foundation, component, transport: t, priority, address, port: portNum, type };
  for (let i = 8; i + 1 < f.length; i += 2) {
    const v = f[i + 1];
    switch (f[i]) {
      case 'raddr':
        out.relatedAddress = v;
        break;
      case 'rport':
        out.relatedPort = Number(v);
        break;
      case 'tcptype':
        out.tcpType = v;
        break;
      case 'ufrag':
        out.ufrag = v;
        break;
      case 'generation':
        out.generation = Number(v);
        break;
    }
  }
  return out;
}

/** Formats a candidate as the attribute value "candidate:…" (no "a=" prefix). */
export function formatCandidate(c: IceCandidate): string {
  let s = `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined && c.relatedPort !== undefined) s += ` raddr ${c.relatedAddress} rport ${c.relatedPort}`;
  if (c.tcpType) s += ` tcptype ${c.tcpType}`;
  if (c.generation !== undefined) s += ` generation ${c.generation}`;
  if (c.ufrag) s += ` ufrag ${c.ufrag}`;
  return s;
}

/** RFC 8445 §6.1.2.3: pair priority from the controlling (g) and controlled (d) candidate priorities. */
export function pairPriority(g: number, d: number): bigint {
  const lo = BigInt(Math.min(g, d));
  const hi = BigInt(Math.max(g, d));
  return (lo << 32n) + 2n * hi + (g > d ? 1n : 0n);
}

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** RFC 8839 §5.4: ice-char strings; ufrag ≥ 4 chars, pwd ≥ 22 chars (we use 24 bits… of entropy each char: 6). */
export function randomIceString(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let s = '';
  for (const b of bytes) s += ICE_CHARS[b & 63];
  return s;
}
