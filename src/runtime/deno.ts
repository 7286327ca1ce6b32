// omnirtc/deno — the Deno network adapter: Deno.listenDatagram (needs --unstable-net)
// for UDP, Deno.connect for TURN over TCP, Deno.startTls on it for TURN over TLS,
// Deno.networkInterfaces (needs --allow-sys).
import { type TransportAddress, ipFamily } from '../stun/address.js';
import type { NetworkAdapter, TcpConnection, TcpConnectOptions, TlsClientOptions, UdpBindOptions, UdpSocket } from './udp.js';

// The few Deno APIs used here, typed locally so the package needs no Deno type package.
interface DenoNetAddr {
  transport: string;
  hostname: string;
  port: number;
}
interface DenoDatagramConn {
  readonly addr: DenoNetAddr;
  send(p: Uint8Array, addr: DenoNetAddr): Promise<number>;
  receive(p?: Uint8Array): Promise<[Uint8Array, DenoNetAddr]>;
  close(): void;
}
interface DenoConn {
  readonly localAddr: DenoNetAddr;
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
  setNoDelay?(nodelay?: boolean): void;
}
interface DenoTlsConn extends DenoConn {
  handshake(): Promise<unknown>;
}
interface DenoNamespace {
  listenDatagram?(opts: { hostname: string; port: number; transport: 'udp' }): DenoDatagramConn;
  connect(opts: { hostname: string; port: number; transport: 'tcp' }): Promise<DenoConn>;
  startTls(conn: DenoConn, opts: { hostname: string; caCerts?: string[] }): Promise<DenoTlsConn>;
  networkInterfaces(): { family: 'IPv4' | 'IPv6'; address: string }[];
  resolveDns(query: string, type: 'A' | 'AAAA'): Promise<string[]>;
}

function deno(): DenoNamespace {
  const d = (globalThis as unknown as { Deno?: DenoNamespace }).Deno;
  if (!d) throw new DOMException('omnirtc/deno needs the Deno runtime', 'NotSupportedError');
  return d;
}

function family(ip: string): 4 | 6 {
  const f = ipFamily(ip);
  if (!f) throw new DOMException(`not an IP address: ${ip} (pass IP literals, not host names)`, 'InvalidAccessError');
  return f;
}

class DenoUdpSocket implements UdpSocket {
  readonly stats = { sent: 0, received: 0, sendErrors: 0 };
  private closed = false;

  constructor(
    private readonly conn: DenoDatagramConn,
    readonly localAddress: TransportAddress,
    onMessage: UdpBindOptions['onMessage'],
  ) {
    void this.loop(onMessage);
  }

  private async loop(onMessage: UdpBindOptions['onMessage']): Promise<void> {
    while (!this.closed) {
      let got: [Uint8Array, DenoNetAddr];
      try {
        got = await this.conn.receive();
      } catch {
        if (this.closed) return;
        continue;
      }
      this.stats.received++;
      const [data, from] = got;
      const f = ipFamily(from.hostname) ?? 4;
      onMessage(data, { address: from.hostname, port: from.port, family: f });
    }
  }

  send(bytes: Uint8Array, to: TransportAddress): void {
    this.stats.sent++;
    this.conn.send(bytes, { transport: 'udp', hostname: to.address, port: to.port }).catch(() => {
      this.stats.sendErrors++;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}

class DenoTcpConnection implements TcpConnection {
  private closed = false;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly conn: DenoConn,
    readonly localAddress: TransportAddress,
    readonly remoteAddress: TransportAddress,
    opts: TcpConnectOptions,
  ) {
    void this.loop(opts);
  }

  private async loop(opts: TcpConnectOptions): Promise<void> {
    const buf = new Uint8Array(65536);
    try {
      for (;;) {
        const n = await this.conn.read(buf);
        if (n === null) break;
        opts.onData(buf.slice(0, n));
      }
    } catch {
      // connection reset
    }
    this.closed = true;
    opts.onClose?.();
  }

  write(bytes: Uint8Array): void {
    if (this.closed) return;
    // Writes are chained so frames never interleave.
    this.writing = this.writing.then(async () => {
      let off = 0;
      while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
    }).catch(() => {});
  }

  async close(): Promise<void> {
    await this.writing;
    if (!this.closed) {
      this.closed = true;
      try {
        this.conn.close();
      } catch {
        // already closed
      }
    }
  }
}

/** A server that accepts TCP but never finishes the handshake must not hold gathering up. */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * TLS on an open TCP connection to the resolved IP: Deno.startTls verifies the certificate for
 * `serverName` (the URL's host; an IP literal is matched against IP subjectAltNames) against
 * Deno's default roots plus `caCerts` ("in addition to the default root certificates").
 * The handshake is forced here so that a bad certificate rejects now, not on the first read.
 */
async function startTls(tcp: DenoConn, tls: TlsClientOptions): Promise<DenoConn> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const conn = await deno().startTls(tcp, { hostname: tls.serverName, ...(tls.caCertificates?.length ? { caCerts: tls.caCertificates } : {}) });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`TLS handshake with ${tls.serverName} timed out after ${TLS_HANDSHAKE_TIMEOUT_MS} ms`)), TLS_HANDSHAKE_TIMEOUT_MS);
    });
    try {
      await Promise.race([conn.handshake(), timeout]);
    } catch (e) {
      try {
        conn.close();
      } catch {
        // already closed
      }
      throw e;
    }
    return conn;
  } catch (e) {
    try {
      tcp.close();
    } catch {
      // consumed by startTls, or already closed
    }
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

export const denoAdapter: NetworkAdapter = {
  runtime: 'deno',

  async bindUdp(opts: UdpBindOptions): Promise<UdpSocket> {
    const fam = family(opts.address);
    const d = deno();
    if (!d.listenDatagram) throw new DOMException('Deno.listenDatagram is missing: run deno with --unstable-net', 'NotSupportedError');
    const conn = d.listenDatagram({ hostname: opts.address, port: opts.port ?? 0, transport: 'udp' });
    return new DenoUdpSocket(conn, { address: opts.address, port: conn.addr.port, family: fam }, opts.onMessage);
  },

  async connectTcp(opts: TcpConnectOptions): Promise<TcpConnection> {
    const fam = family(opts.address);
    const tcp = await deno().connect({ hostname: opts.address, port: opts.port, transport: 'tcp' });
    tcp.setNoDelay?.(true);
    const conn = opts.tls ? await startTls(tcp, opts.tls) : tcp;
    return new DenoTcpConnection(
      conn,
      { address: conn.localAddr.hostname, port: conn.localAddr.port, family: fam },
      { address: opts.address, port: opts.port, family: fam },
      opts,
    );
  },

  async resolveHost(host: string): Promise<string[]> {
    // Deno.resolveDns asks DNS servers only (no /etc/hosts): name the loopback host ourselves.
    if (host === 'localhost') return ['127.0.0.1', '::1'];
    const out: string[] = [];
    for (const type of ['A', 'AAAA'] as const) {
      try {
        out.push(...(await deno().resolveDns(host, type)));
      } catch {
        // no record of this type
      }
    }
    return out;
  },

  interfaceAddresses() {
    return deno()
      .networkInterfaces()
      .map((i) => {
        const fam: 4 | 6 = i.family === 'IPv6' ? 6 : 4;
        // Deno reports no "internal" flag: loopback addresses are the internal ones.
        const internal = fam === 4 ? i.address.startsWith('127.') : i.address === '::1';
        return { address: i.address, family: fam, internal };
      });
  },
};

export default denoAdapter;
export * from './udp.js';
export * from './driver.js';
export * from './ice-runner.js';
export * from './shared-udp-port.js';
export { detectRuntime, loadAdapter } from './detect.js';
