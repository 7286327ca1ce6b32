// TLS client connections through node:tls, for the Node adapter and the Bun adapter (Bun
// implements node:tls). Used for TURN over TLS (turns:, RFC 7065; RFC 8656 §3.1).
import type { Socket } from 'node:net';
import { checkServerIdentity, connect, rootCertificates } from 'node:tls';
import { type TransportAddress, ipFamily } from '../stun/address.js';
import type { TcpConnection, TcpConnectOptions, TlsClientOptions } from './udp.js';

/** A server that accepts TCP but never finishes the handshake must not hold gathering up. */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** A TCP or TLS stream (TLSSocket is a net.Socket) behind the adapters' TcpConnection. */
export class NodeStreamConnection implements TcpConnection {
  constructor(
    private readonly sock: Socket,
    readonly localAddress: TransportAddress,
    readonly remoteAddress: TransportAddress,
  ) {}

  write(bytes: Uint8Array): void {
    if (!this.sock.destroyed) this.sock.write(bytes);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.sock.destroyed) return resolve();
      this.sock.once('close', () => resolve());
      this.sock.end();
      // No lingering: a TURN client has nothing more to say once it closes.
      setTimeout(() => this.sock.destroy(), 1000).unref?.();
    });
  }
}

/**
 * Connects to `opts.address` (an IP literal) and completes a TLS handshake whose certificate
 * is verified against the default roots plus `tls.caCertificates`, for the name
 * `tls.serverName`. Rejects with an Error saying why (refused, untrusted, wrong name).
 */
export function connectNodeTls(opts: TcpConnectOptions & { tls: TlsClientOptions }, family: 4 | 6): Promise<TcpConnection> {
  const { serverName, caCertificates } = opts.tls;
  const nameIsIp = ipFamily(serverName) !== undefined;
  return new Promise((resolve, reject) => {
    const sock = connect({
      host: opts.address,
      port: opts.port,
      // RFC 6066 §3: SNI carries host names only, never IP literals.
      ...(nameIsIp ? {} : { servername: serverName }),
      // node:tls `ca` replaces the default roots: keep them and add the private ones.
      ...(caCertificates && caCertificates.length > 0 ? { ca: [...rootCertificates, ...caCertificates] } : {}),
      rejectUnauthorized: true,
      // We connect to a resolved IP, but the certificate must name the URL's host.
      checkServerIdentity: (_host, cert) => checkServerIdentity(serverName, cert),
    });
    sock.setNoDelay(true);
    const timer = setTimeout(() => sock.destroy(new Error(`TLS handshake with ${opts.address}:${opts.port} timed out after ${TLS_HANDSHAKE_TIMEOUT_MS} ms`)), TLS_HANDSHAKE_TIMEOUT_MS);
    const onError = (err: Error) => {
      clearTimeout(timer);
      sock.destroy();
      reject(err);
    };
    sock.once('error', onError);
    sock.once('secureConnect', () => {
      clearTimeout(timer);
      sock.off('error', onError);
      // Late errors (reset) end in 'close'; they must not crash the process.
      sock.on('error', () => {});
      sock.on('data', (d: Uint8Array) => opts.onData(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
      sock.on('close', () => opts.onClose?.());
      resolve(
        new NodeStreamConnection(
          sock,
          { address: sock.localAddress ?? opts.address, port: sock.localPort ?? 0, family },
          { address: opts.address, port: opts.port, family },
        ),
      );
    });
  });
}
