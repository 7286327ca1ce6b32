// One UDP socket shared by many ICE agents (a server's single media port), routed by
// ICE ufrag through IceUdpMux. Pass it to IceRunner.start({ sharedPort }) for each agent.
import { IceUdpMux } from '../ice/mux.js';
import type { TransportAddress } from '../stun/address.js';
import type { NetworkAdapter, UdpSocket } from './udp.js';

export type SharedPortHandler = (bytes: Uint8Array, from: TransportAddress) => void;

export class SharedUdpPort {
  private readonly mux = new IceUdpMux<SharedPortHandler>();

  private constructor(private readonly socket: UdpSocket) {}

  static async bind(adapter: NetworkAdapter, address: string, port = 0): Promise<SharedUdpPort> {
    let port_: SharedUdpPort | undefined;
    const sock = await adapter.bindUdp({ address, port, onMessage: (b, from) => port_?.dispatch(b, from) });
    port_ = new SharedUdpPort(sock);
    return port_;
  }

  get localAddress(): TransportAddress {
    return this.socket.localAddress;
  }

  /** Datagrams routed / dropped because no agent claimed them. */
  get stats(): { routed: number; unroutable: number } {
    return this.mux.stats;
  }

  register(ufrag: string, handler: SharedPortHandler): void {
    this.mux.register(ufrag, handler);
  }

  unregister(handler: SharedPortHandler): void {
    this.mux.unregister(handler);
  }

  send(bytes: Uint8Array, to: TransportAddress): void {
    this.socket.send(bytes, to);
  }

  close(): Promise<void> {
    return this.socket.close();
  }

  private dispatch(bytes: Uint8Array, from: TransportAddress): void {
    this.mux.route(bytes, from)?.(bytes, from);
  }
}
