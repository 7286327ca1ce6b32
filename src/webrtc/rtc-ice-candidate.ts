// RTCIceCandidate (W3C WebRTC §4.8.2): the candidate-attribute text plus its fields parsed.
import { type Candidate, parseCandidate, serializeCandidate } from '../sdp/candidate.js';
import { SdpError } from '../sdp/errors.js';
import { domError } from './errors.js';
import type { RTCIceServerTransportProtocol } from './peer-transport.js';

export interface RTCIceCandidateInit {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export type RTCIceComponent = 'rtp' | 'rtcp';
export type RTCIceProtocol = 'udp' | 'tcp';
export type RTCIceCandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
export type RTCIceTcpCandidateType = 'active' | 'passive' | 'so';

export class RTCIceCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
  readonly usernameFragment: string | null;
  readonly foundation: string | null = null;
  readonly component: RTCIceComponent | null = null;
  readonly priority: number | null = null;
  readonly address: string | null = null;
  readonly protocol: RTCIceProtocol | null = null;
  readonly port: number | null = null;
  readonly type: RTCIceCandidateType | null = null;
  readonly tcpType: RTCIceTcpCandidateType | null = null;
  readonly relatedAddress: string | null = null;
  readonly relatedPort: number | null = null;
  /** The parsed candidate line; null for the end-of-candidates indication (""). */
  readonly parsed: Candidate | null = null;
  #relayProtocol: RTCIceServerTransportProtocol | null = null;

  constructor(init: RTCIceCandidateInit = {}) {
    const sdpMid = init.sdpMid ?? null;
    const sdpMLineIndex = init.sdpMLineIndex ?? null;
    // §4.8.2.1: both null is a TypeError.
    if (sdpMid === null && sdpMLineIndex === null) {
      throw domError('TypeError', 'RTCIceCandidate needs sdpMid or sdpMLineIndex');
    }
    this.candidate = init.candidate ?? '';
    this.sdpMid = sdpMid;
    this.sdpMLineIndex = sdpMLineIndex;
    this.usernameFragment = init.usernameFragment ?? null;
    if (this.candidate.length === 0) return;
    let c: Candidate;
    try {
      c = parseCandidate(this.candidate);
    } catch (e) {
      // The spec leaves attributes null when the line does not parse; addIceCandidate rejects it.
      if (e instanceof SdpError) return;
      throw e;
    }
    this.parsed = c;
    this.foundation = c.foundation;
    this.component = c.component === 1 ? 'rtp' : 'rtcp';
    this.priority = c.priority;
    this.address = c.address;
    const proto = c.transport.toLowerCase();
    this.protocol = proto === 'udp' || proto === 'tcp' ? proto : null;
    this.port = c.port;
    this.type = (['host', 'srflx', 'prflx', 'relay'] as const).find((t) => t === c.type) ?? null;
    this.tcpType = (['active', 'passive', 'so'] as const).find((t) => t === c.tcpType) ?? null;
    this.relatedAddress = c.relatedAddress ?? null;
    this.relatedPort = c.relatedPort ?? null;
  }

  /**
   * W3C §4.8.2: for a local relayed candidate, the protocol to the TURN server ('udp', 'tcp'
   * or 'tls'); null otherwise (it is not in the candidate line, so remote ones have none).
   */
  get relayProtocol(): RTCIceServerTransportProtocol | null {
    return this.#relayProtocol;
  }

  /** Builds the RTCIceCandidate for a local candidate of the m= section `mid`/`index`. */
  static fromCandidate(c: Candidate, sdpMid: string, sdpMLineIndex: number, usernameFragment: string, relayProtocol?: RTCIceServerTransportProtocol): RTCIceCandidate {
    const out = new RTCIceCandidate({ candidate: serializeCandidate(c), sdpMid, sdpMLineIndex, usernameFragment });
    if (c.type === 'relay' && relayProtocol) out.#relayProtocol = relayProtocol;
    return out;
  }

  toJSON(): RTCIceCandidateInit {
    return { candidate: this.candidate, sdpMid: this.sdpMid, sdpMLineIndex: this.sdpMLineIndex, usernameFragment: this.usernameFragment };
  }
}
