// omnirtc/bun — the Bun network adapter: Bun.udpSocket for UDP, Bun.connect for TURN
// over TCP (both want IP literals), node:tls (which Bun implements) for TURN over TLS,
// node:os for the interface list.
import { lookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import { connectNodeTls } from './node-tls.js';
import { type TransportAddress, ipFamily } from '../stun/address.js';
import type { NetworkAdapter, TcpConnection, TcpConnectOptions, UdpBindOptions, UdpSocket } from './udp.js';

// The few Bun APIs used here, typed locally so the package needs no bun-types.
interface BunUdp {
  readonly port: number;
  send(data: Uint8Array, port: number, address: string): boolean;
  close(): void;
}
interface BunTcp {
  readonly localPort?: number;
  write(data: Uint8Array): number;
  end(): void;
}
interface BunNamespace {
  udpSocket(opts: {
    hostname: string;
    port: number;
    socket: { data(s: BunUdp, buf: Uint8Array, port: number, addr: string): void };
  }): Promise<BunUdp>;
  connect(opts: {
    hostname: string;
    port: number;
    socket: {
      data(s: BunTcp, data: Uint8Array): void;
      close?(s: BunTcp): void;
      error?(s: BunTcp, e: Error): void;
      drain?(s: BunTcp): void;
    };
  }): Promise<BunTcp>;
}

function bun(): BunNamespace {
  const b = (globalThis as unknown as { Bun?: BunNamespace }).Bun;
  if (!b) throw new DOMException('omnirtc/bun needs the Bun runtime', 'NotSupportedError');
  return b;
}

function family(ip: string): 4 | 6 {
  const f = ipFamily(ip);
  if (!f) throw new DOMException(`not an IP address: ${ip} (Bun sockets want IP literals)`, 'InvalidAccessError');
  return f;
}

class BunUdpSocket implements UdpSocket {
  readonly stats = { sent: 0, received: 0, sendErrors: 0 };
  sock?: BunUdp;
  localAddress: TransportAddress = { address: '0.0.0.0', port: 0, family: 4 };

  send(bytes: Uint8Array, to: TransportAddress): void {
    this.stats.sent++;
    try {
      if (!this.sock?.send(bytes, to.port, to.address)) this.stats.sendErrors++;
    } catch {
      this.stats.sendErrors++;
    }
  }

  async close(): Promise<void> {
    try {
      this.sock?.close();
    } catch {
      // already closed
    }
  }
}

class BunTcpConnection implements TcpConnection {
  sock?: BunTcp;
  private pending: Uint8Array[] = [];
  localAddress: TransportAddress = { address: '0.0.0.0', port: 0, family: 4 };
  remoteAddress: TransportAddress = { address: '0.0.0.0', port: 0, family: 4 };

  write(bytes: Uint8Array): void {
    if (!this.sock) return;
    // Bun writes what fits and returns the count: keep the rest for 'drain'.
    if (this.pending.length > 0) {
      this.pending.push(bytes.slice());
      return;
    }
    const n = this.sock.write(bytes);
    if (n < bytes.length) this.pending.push(bytes.slice(Math.max(0, n)));
  }

  drain(): void {
    while (this.sock && this.pending.length > 0) {
      const head = this.pending[0];
      const n = this.sock.write(head);
      if (n < head.length) {
        this.pending[0] = head.slice(Math.max(0, n));
        return;
      }
      this.pending.shift();
    }
  }

  async close(): Promise<void> {
    try {
      this.sock?.end();
    } catch {
      // already closed
    }
  }
}

export const bunAdapter: NetworkAdapter = {
  runtime: 'bun',

  async bindUdp(opts: UdpBindOptions): Promise<UdpSocket> {
    const fam = family(opts.address);
    const wrapped = new BunUdpSocket();
    const sock = await bun().udpSocket({
      hostname: opts.address,
      port: opts.port ?? 0,
      socket: {
        data(_s, buf, port, addr) {
          wrapped.stats.received++;
          opts.onMessage(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), { address: addr, port, family: ipFamily(addr) ?? fam });
        },
      },
    });
    wrapped.sock = sock;
    wrapped.localAddress = { address: opts.address, port: sock.port, family: fam };
    return wrapped;
  },

  async connectTcp(opts: TcpConnectOptions): Promise<TcpConnection> {
    const fam = family(opts.address);
    // node:tls verifies the name with the same checkServerIdentity as Node, so one code path
    // gives both runtimes the same trust rules (default roots plus caCertificates).
    if (opts.tls) return connectNodeTls({ ...opts, tls: opts.tls }, fam);
    const conn = new BunTcpConnection();
    const sock = await bun().connect({
      hostname: opts.address,
      port: opts.port,
      socket: {
        data(_s, data) {
          opts.onData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
        },
        close() {
          opts.onClose?.();
        },
        error() {},
        drain() {
          conn.drain();
        },
      },
    });
    conn.sock = sock;
    conn.localAddress = { address: opts.address, port: sock.localPort ?? 0, family: fam };
    conn.remoteAddress = { address: opts.address, port: opts.port, family: fam };
    return conn;
  },

  async resolveHost(host: string): Promise<string[]> {
    // The system resolver (getaddrinfo): honours /etc/hosts, so "localhost" works.
    const found = await lookup(host, { all: true, verbatim: true });
    return found.map((a) => a.address);
  },

  interfaceAddresses() {
    const out: { address: string; family: 4 | 6; internal: boolean }[] = [];
    for (const list of Object.values(networkInterfaces())) {
      for (const i of list ?? []) out.push({ address: i.address, family: i.family === 'IPv6' ? 6 : 4, internal: i.internal });
    }
    return out;
  },
};

export default bunAdapter;
export * from './udp.js';
export * from './driver.js';
export * from './ice-runner.js';
export * from './shared-udp-port.js';
export { detectRuntime, loadAdapter } from './detect.js';
