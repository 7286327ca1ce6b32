// Glue between a sans-IO IceAgent and real sockets from a runtime adapter: binds the
// host sockets (explicit addresses, optional port range), connects TURN-over-TCP
// servers, feeds every datagram to the agent, sends what it transmits, and keeps the
// one timer (EngineDriver) armed. Used by the examples, tests and benchmarks; the
// RTCPeerConnection facade does the same with its own demux in front.
import type { IceAgent, IceEvent } from '../ice/agent.js';
import { type TransportAddress, ipFamily } from '../stun/address.js';
import { EngineDriver } from './driver.js';
import type { SharedPortHandler, SharedUdpPort } from './shared-udp-port.js';
import { type NetworkAdapter, type TcpConnection, type UdpSocket, bindUdpInRange, defaultIceAddresses } from './udp.js';

export interface IceRunnerOptions {
  adapter: NetworkAdapter;
  /** Local IPs for host candidates (default: defaultIceAddresses(adapter)). */
  addresses?: string[];
  portRange?: { min: number; max: number };
  /** Use this shared socket (demultiplexed by ufrag) instead of binding sockets of its own. */
  sharedPort?: SharedUdpPort;
  onEvent?: (e: IceEvent) => void;
  now?: () => number;
}

const TCP_SOCKET_BASE = 1000;
const SHARED_SOCKET = 0;

export class IceRunner {
  private readonly udp = new Map<number, UdpSocket>();
  private readonly tcp = new Map<number, TcpConnection>();
  private readonly driver: EngineDriver;
  private closed = false;
  private sharedUfrag?: string;
  private readonly sharedHandler: SharedPortHandler = (bytes, from) => this.input(bytes, from, SHARED_SOCKET);

  private constructor(
    readonly agent: IceAgent,
    private readonly opts: IceRunnerOptions,
  ) {
    this.driver = new EngineDriver(agent, { now: opts.now, after: () => this.pump() });
  }

  get now(): number {
    return this.driver.now();
  }

  /** Binds sockets, starts gathering, and runs the agent until close(). */
  static async start(agent: IceAgent, opts: IceRunnerOptions): Promise<IceRunner> {
    const r = new IceRunner(agent, opts);
    const addresses = opts.sharedPort ? [] : (opts.addresses ?? defaultIceAddresses(opts.adapter));
    let id = 1;
    try {
      if (opts.sharedPort) agent.addSocket({ id: SHARED_SOCKET, address: opts.sharedPort.localAddress });
      for (const address of addresses) {
        if (!ipFamily(address)) throw new DOMException(`iceAddresses entries must be IP literals (got ${address})`, 'InvalidAccessError');
        const socketId = id++;
        const sock = await bindUdpInRange(opts.adapter, address, opts.portRange, (bytes, from) => r.input(bytes, from, socketId));
        r.udp.set(socketId, sock);
        agent.addSocket({ id: socketId, address: sock.localAddress });
      }
      let tcpId = TCP_SOCKET_BASE;
      for (const server of agent.tcpTurnServers) {
        const socketId = tcpId++;
        const conn = await opts.adapter.connectTcp({
          address: server.server.address,
          port: server.server.port,
          onData: (bytes) => r.input(bytes, server.server, socketId),
        });
        r.tcp.set(socketId, conn);
        agent.addTurnTcpSocket(r.now, socketId, server);
      }
    } catch (e) {
      await r.closeSockets();
      throw e;
    }
    agent.gather(r.now);
    r.pump();
    return r;
  }

  /** The bound UDP socket addresses. */
  get localAddresses(): TransportAddress[] {
    return [...this.udp.values()].map((s) => s.localAddress);
  }

  /** Application bytes over the selected pair (see IceAgent.send). */
  send(bytes: Uint8Array): boolean {
    const ok = this.agent.send(bytes, this.now);
    this.pump();
    return ok;
  }

  /** Runs `fn` on the agent (e.g. adding remote candidates) and then flushes its outputs. */
  update(fn: (agent: IceAgent, now: number) => void): void {
    fn(this.agent, this.now);
    this.pump();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.agent.close(this.now);
    this.flushTransmits();
    this.driver.stop();
    // Give a TURN deallocation a moment to leave before the sockets go.
    await new Promise((res) => setTimeout(res, 20));
    await this.closeSockets();
  }

  private input(bytes: Uint8Array, from: TransportAddress, socket: number): void {
    if (this.closed) return;
    this.agent.handleInput(this.now, bytes, from, socket);
    this.pump();
  }

  private flushTransmits(): void {
    for (let t = this.agent.pollTransmit(); t; t = this.agent.pollTransmit()) {
      if (t.socket === SHARED_SOCKET && this.opts.sharedPort) {
        this.opts.sharedPort.send(t.bytes, t.to);
        continue;
      }
      const u = this.udp.get(t.socket);
      if (u) u.send(t.bytes, t.to);
      else this.tcp.get(t.socket)?.write(t.bytes);
    }
  }

  private pump(): void {
    const shared = this.opts.sharedPort;
    if (shared && !this.closed && this.sharedUfrag !== this.agent.localUfrag) {
      // Registered under every ufrag it has used, so checks of the old generation still arrive.
      this.sharedUfrag = this.agent.localUfrag;
      shared.register(this.sharedUfrag, this.sharedHandler);
    }
    this.flushTransmits();
    for (let e = this.agent.pollEvent(); e; e = this.agent.pollEvent()) this.opts.onEvent?.(e);
    // Event handlers may have queued more.
    this.flushTransmits();
    if (!this.closed) this.driver.kick();
  }

  private async closeSockets(): Promise<void> {
    this.opts.sharedPort?.unregister(this.sharedHandler);
    await Promise.all([...this.udp.values()].map((s) => s.close()));
    await Promise.all([...this.tcp.values()].map((c) => c.close()));
    this.udp.clear();
    this.tcp.clear();
  }
}
