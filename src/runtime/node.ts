// omnirtc/node — the Node.js network adapter: node:dgram for UDP, node:net for TURN over TCP,
// node:tls for TURN over TLS.
import { type Socket as DgramSocket, createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { lookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import { NodeStreamConnection, connectNodeTls } from './node-tls.js';
import { type TransportAddress, ipFamily } from '../stun/address.js';
import type { NetworkAdapter, TcpConnection, TcpConnectOptions, UdpBindOptions, UdpSocket } from './udp.js';

function family(ip: string): 4 | 6 {
  const f = ipFamily(ip);
  if (!f) throw new DOMException(`not an IP address: ${ip} (pass IP literals, not host names)`, 'InvalidAccessError');
  return f;
}

class NodeUdpSocket implements UdpSocket {
  readonly stats = { sent: 0, received: 0, sendErrors: 0 };
  constructor(
    private readonly sock: DgramSocket,
    readonly localAddress: TransportAddress,
  ) {}

  // One callback for every send: no closure allocated per datagram on the hot path.
  private readonly onSent = (err: Error | null): void => {
    if (err) this.stats.sendErrors++;
  };

  send(bytes: Uint8Array, to: TransportAddress): void {
    this.stats.sent++;
    this.sock.send(bytes, to.port, to.address, this.onSent);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.sock.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}

/** Requested SO_RCVBUF / SO_SNDBUF for every UDP socket. */
const UDP_BUFFER_BYTES = 4 * 1024 * 1024;

export const nodeAdapter: NetworkAdapter = {
  runtime: 'node',

  bindUdp(opts: UdpBindOptions): Promise<UdpSocket> {
    const fam = family(opts.address);
    // Large kernel buffers: a data channel at full speed bursts faster than one event-loop
    // turn drains the socket, and the kernel default (~208 KiB) drops the overflow, which
    // SCTP then has to retransmit. The kernel caps these at net.core.{r,w}mem_max.
    const sock = createSocket({
      type: fam === 6 ? 'udp6' : 'udp4',
      ipv6Only: fam === 6,
      recvBufferSize: UDP_BUFFER_BYTES,
      sendBufferSize: UDP_BUFFER_BYTES,
    });
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        sock.close();
        reject(err);
      };
      sock.once('error', onError);
      sock.bind({ address: opts.address, port: opts.port ?? 0, exclusive: true }, () => {
        sock.off('error', onError);
        // Late socket errors (ICMP unreachable on some platforms) must not crash the process.
        sock.on('error', () => {});
        const a = sock.address();
        const wrapped = new NodeUdpSocket(sock, { address: opts.address, port: a.port, family: fam });
        sock.on('message', (msg, rinfo) => {
          wrapped.stats.received++;
          const f = rinfo.family === 'IPv6' ? 6 : 4;
          opts.onMessage(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), { address: rinfo.address, port: rinfo.port, family: f });
        });
        resolve(wrapped);
      });
    });
  },

  connectTcp(opts: TcpConnectOptions): Promise<TcpConnection> {
    const fam = family(opts.address);
    if (opts.tls) return connectNodeTls({ ...opts, tls: opts.tls }, fam);
    return new Promise((resolve, reject) => {
      const sock = connect({ host: opts.address, port: opts.port, family: fam });
      sock.setNoDelay(true);
      const onError = (err: Error) => reject(err);
      sock.once('error', onError);
      sock.once('connect', () => {
        sock.off('error', onError);
        sock.on('error', () => {});
        sock.on('data', (d) => opts.onData(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
        sock.on('close', () => opts.onClose?.());
        resolve(
          new NodeStreamConnection(
            sock,
            { address: sock.localAddress ?? opts.address, port: sock.localPort ?? 0, family: fam },
            { address: opts.address, port: opts.port, family: fam },
          ),
        );
      });
    });
  },

  async resolveHost(host: string): Promise<string[]> {
    // The system resolver (getaddrinfo): honours /etc/hosts, so "localhost" works.
    const found = await lookup(host, { all: true, verbatim: true });
    return found.map((a) => a.address);
  },

  interfaceAddresses() {
    const out: { address: string; family: 4 | 6; internal: boolean }[] = [];
    for (const list of Object.values(networkInterfaces())) {
      for (const i of list ?? []) {
        const fam = i.family === 'IPv6' || (i.family as unknown) === 6 ? 6 : 4;
        out.push({ address: i.address, family: fam, internal: i.internal });
      }
    }
    return out;
  },
};

export default nodeAdapter;
export * from './udp.js';
export * from './driver.js';
export * from './ice-runner.js';
export * from './shared-udp-port.js';
export { detectRuntime, loadAdapter } from './detect.js';
