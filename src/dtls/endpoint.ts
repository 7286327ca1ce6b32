// DtlsEndpoint: one DTLS 1.2 association (RFC 6347) in either role, sans-IO. Bytes and time
// go in (handleInput, handleTimeout); datagrams, events and the next deadline come out
// (pollTransmit, pollEvent, pollTimeout). No socket, no timer, no await.
// The work is done by ClientAssociation / ServerAssociation over the shared Association.
import type { Association } from './association.js';
import type { CipherSuiteName } from './cipher-suite.js';
import { ClientAssociation } from './client-association.js';
import type { DtlsEndpointOptions, DtlsEvent, DtlsRole, DtlsSrtpKeys, PeerVerifier } from './endpoint-types.js';
import { misuse } from './errors.js';
import { ServerAssociation } from './server-association.js';
import type { DtlsStats } from './stats.js';

export type { DtlsEndpointOptions, DtlsEvent, DtlsGroupName, DtlsRole, DtlsSrtpKeys, PeerVerifier, SrtpMasterKey } from './endpoint-types.js';

export class DtlsEndpoint {
  readonly role: DtlsRole;
  private readonly association: Association;

  constructor(options: DtlsEndpointOptions) {
    if (options?.role === 'client') this.association = new ClientAssociation(options);
    else if (options?.role === 'server') this.association = new ServerAssociation(options);
    else throw misuse('SyntaxError', "role must be 'client' or 'server'");
    this.role = options.role;
  }

  /** Client only: sends the first ClientHello (RFC 5763 §5: the a=setup:active side). */
  start(now: number): void {
    checkNow(now);
    this.association.start(now);
  }

  /**
   * Optional: generates this handshake's ephemeral ECDHE key now (call it while idle, before
   * the handshake) so the handshake flight does not compute it. The key is still fresh per
   * association and used once.
   */
  prepare(): void {
    this.association.prepare();
  }

  /** Feeds one received UDP datagram. Never throws on network input. */
  handleInput(now: number, datagram: Uint8Array): void {
    checkNow(now);
    if (!(datagram instanceof Uint8Array)) throw misuse('InvalidAccessError', 'handleInput() takes the datagram as a Uint8Array');
    this.association.handleInput(now, datagram);
  }

  /** Call when pollTimeout()'s deadline has passed. */
  handleTimeout(now: number): void {
    checkNow(now);
    this.association.handleTimeout(now);
  }

  /** Next datagram to send (≤ mtu), or undefined. */
  pollTransmit(): Uint8Array | undefined {
    return this.association.pollTransmit();
  }

  pollEvent(): DtlsEvent | undefined {
    return this.association.pollEvent();
  }

  /** The earliest time handleTimeout() wants to run, or undefined. */
  pollTimeout(): number | undefined {
    return this.association.pollTimeout();
  }

  /** Sends application data (one record). Only once connected. */
  send(data: Uint8Array): void {
    this.association.send(data);
  }

  /** Sends close_notify (RFC 5246 §7.2.1) and ends the association. */
  close(): void {
    this.association.close();
  }

  /** Supplies the peer verifier later (remote SDP arrived after the DTLS start). */
  setPeerVerifier(verifier: PeerVerifier): void {
    this.association.setPeerVerifier(verifier);
  }

  /** RFC 5705 exporter; only after 'connected'. `context` undefined means "no context". */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    return this.association.exportKeyingMaterial(label, context, length);
  }

  /** SRTP master keys and salts (RFC 5764 §4.2); `outbound`/`inbound` fit omnirtc/srtp's SrtpContext. */
  srtpKeys(): DtlsSrtpKeys {
    return this.association.srtpKeys();
  }

  getStats(): DtlsStats {
    return this.association.getStats();
  }

  get connectionState(): 'new' | 'connecting' | 'connected' | 'closed' | 'failed' {
    return this.association.connectionState;
  }

  get negotiatedCipherSuite(): CipherSuiteName | undefined {
    return this.association.negotiatedCipherSuite;
  }

  /** Frees the record keys (the WebAssembly key table is bounded). Implied by close and failure. */
  dispose(): void {
    this.association.dispose();
  }
}

function checkNow(now: number): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw misuse('InvalidAccessError', 'now must be a finite number of milliseconds from a monotonic clock');
}
