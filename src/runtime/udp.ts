// The adapter interface: the only contract between the engines' glue and a runtime's
// sockets. Node, Deno and Bun each implement it in their own file; nothing else in the
// package touches a socket.
import type { TransportAddress } from '../stun/address.js';

export type RuntimeName = 'node' | 'deno' | 'bun';

export interface UdpSocket {
  /** The bound address: the IP asked for and the port actually bound. */
  readonly localAddress: TransportAddress;
  /** Sends one datagram. Errors (unreachable, EPERM) are counted, never thrown. */
  send(bytes: Uint8Array, to: TransportAddress): void;
  close(): Promise<void>;
  /** Datagrams sent and errors from send, for getStats(). */
  readonly stats: { sent: number; received: number; sendErrors: number };
}

export interface TcpConnection {
  readonly localAddress: TransportAddress;
  readonly remoteAddress: TransportAddress;
  write(bytes: Uint8Array): void;
  close(): Promise<void>;
}

export interface UdpBindOptions {
  /** An IP literal (never a wildcard: candidates need a real address). */
  address: string;
  /** 0 or absent = any free port. */
  port?: number;
  onMessage(bytes: Uint8Array, from: TransportAddress): void;
}

export interface TcpConnectOptions {
  address: string;
  port: number;
  onData(bytes: Uint8Array): void;
  onClose?(): void;
  /**
   * Run TLS over the connection (turns:, RFC 7065 / RFC 8656 §3.1) and verify the server's
   * certificate before resolving: the connection never carries a byte to an unverified server.
   */
  tls?: TlsClientOptions;
}

export interface TlsClientOptions {
  /**
   * The name the certificate must carry: the host of the ICE server URL. A host name is also
   * sent as SNI (RFC 6066 §3); an IP literal is matched against the certificate's IP
   * subjectAltNames and sends no SNI.
   */
  serverName: string;
  /** Extra trust anchors (PEM), added to the runtime's default roots (e.g. a private CA). */
  caCertificates?: string[];
}

export interface NetworkAdapter {
  readonly runtime: RuntimeName;
  bindUdp(opts: UdpBindOptions): Promise<UdpSocket>;
  /** A TCP connection, or a verified TLS one when `opts.tls` is given; rejects with the reason. */
  connectTcp(opts: TcpConnectOptions): Promise<TcpConnection>;
  /** Addresses of the machine's interfaces: IP literal, family, and whether internal (loopback). */
  interfaceAddresses(): { address: string; family: 4 | 6; internal: boolean }[];
  /** IP literals for a host name (ICE server URLs), as the system resolver gives them. */
  resolveHost?(host: string): Promise<string[]>;
}

/**
 * The default local addresses for host candidates: every non-internal interface address
 * (IPv6 link-local excluded: it needs a zone), or loopback when there is none, so a
 * machine or namespace with only `lo` still connects.
 */
export function defaultIceAddresses(adapter: NetworkAdapter): string[] {
  const all = adapter.interfaceAddresses();
  const external = all.filter((a) => !a.internal && !(a.family === 6 && /^fe80:/i.test(a.address)));
  if (external.length > 0) return [...new Set(external.map((a) => a.address))];
  const loop = all.filter((a) => a.internal).map((a) => a.address);
  return loop.length > 0 ? [...new Set(loop)] : ['127.0.0.1'];
}

/**
 * Binds a UDP socket on `address` at a port inside [min, max] (W3C-style icePortRange),
 * trying ports from a random start so that several bindings spread over the range.
 */
export async function bindUdpInRange(
  adapter: NetworkAdapter,
  address: string,
  range: { min: number; max: number } | undefined,
  onMessage: UdpBindOptions['onMessage'],
): Promise<UdpSocket> {
  if (!range) return adapter.bindUdp({ address, port: 0, onMessage });
  const { min, max } = range;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
    throw new DOMException(`icePortRange must satisfy 1 ≤ min ≤ max ≤ 65535 (got ${min}–${max})`, 'InvalidAccessError');
  }
  const span = max - min + 1;
  const start = Math.floor(Math.random() * span);
  let lastError: unknown;
  for (let i = 0; i < span; i++) {
    const port = min + ((start + i) % span);
    try {
      return await adapter.bindUdp({ address, port, onMessage });
    } catch (e) {
      lastError = e;
    }
  }
  throw new DOMException(`no free UDP port on ${address} in ${min}–${max}: ${(lastError as Error)?.message ?? ''}`, 'OperationError');
}
