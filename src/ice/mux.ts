// One UDP port shared by many ICE agents (servers: one port for every peer connection),
// demultiplexed by the local ufrag in the USERNAME of incoming checks (RFC 8445 §7.3:
// USERNAME is "<receiver ufrag>:<sender ufrag>"). Later datagrams from the same remote
// address (DTLS, SRTP, consent) go to the agent that address was last seen checking.
import { type TransportAddress, addressKey } from '../stun/address.js';
import { decodeText } from '../stun/attributes.js';
import { StunAttr, StunClass, StunMethod } from '../stun/constants.js';
import { decodeStunMessage, getAttribute, isStunMessage } from '../stun/message.js';

export interface UdpMuxStats {
  routed: number;
  unroutable: number;
}

export class IceUdpMux<T> {
  private readonly byUfrag = new Map<string, T>();
  private readonly byRemote = new Map<string, T>();
  readonly stats: UdpMuxStats = { routed: 0, unroutable: 0 };

  /** @param maxRemotes bound on remembered remote addresses (oldest forgotten first). */
  constructor(private readonly maxRemotes = 65536) {}

  /** Registers an agent under its local ufrag (call again with the new one after an ICE restart). */
  register(ufrag: string, target: T): void {
    this.byUfrag.set(ufrag, target);
  }

  /** Forgets a ufrag, or every ufrag and address of a target. */
  unregister(ufragOrTarget: string | T): void {
    if (typeof ufragOrTarget === 'string') {
      this.byUfrag.delete(ufragOrTarget);
      return;
    }
    for (const [k, v] of this.byUfrag) if (v === ufragOrTarget) this.byUfrag.delete(k);
    for (const [k, v] of this.byRemote) if (v === ufragOrTarget) this.byRemote.delete(k);
  }

  /** The agent a datagram from `from` belongs to, or undefined (count it and drop it). */
  route(bytes: Uint8Array, from: TransportAddress): T | undefined {
    const key = addressKey(from);
    if (isStunMessage(bytes)) {
      try {
        const m = decodeStunMessage(bytes);
        if (m.method === StunMethod.binding && m.cls === StunClass.request) {
          const u = getAttribute(m, StunAttr.USERNAME);
          const name = u ? decodeText(u) : '';
          const colon = name.indexOf(':');
          const target = colon > 0 ? this.byUfrag.get(name.slice(0, colon)) : undefined;
          if (target !== undefined) {
            this.remember(key, target);
            this.stats.routed++;
            return target;
          }
        }
      } catch {
        // Malformed: fall through to the address table.
      }
    }
    const t = this.byRemote.get(key);
    if (t === undefined) this.stats.unroutable++;
    else this.stats.routed++;
    return t;
  }

  private remember(key: string, target: T): void {
    if (this.byRemote.get(key) === target) return;
    this.byRemote.delete(key);
    if (this.byRemote.size >= this.maxRemotes) {
      const oldest = this.byRemote.keys().next().value;
      if (oldest !== undefined) this.byRemote.delete(oldest);
    }
    this.byRemote.set(key, target);
  }
}
