// Association options and their WebRTC defaults.
import type { RtoOptions } from './rto.js';

export interface SctpAssociationOptions {
  /** SCTP ports (RFC 8841 §5: 5000 unless a=sctp-port says otherwise). */
  localPort?: number;
  remotePort?: number;
  /**
   * Largest SCTP packet, in bytes. Each packet travels in one DTLS record: 1200 bytes of
   * UDP payload minus 37 bytes of DTLS 1.2 AES-GCM record overhead (13 header + 8
   * explicit nonce + 16 tag) gives 1163.
   */
  maxPacketSize?: number;
  /** Receive buffer: our advertised window (a_rwnd) when empty. */
  receiveBufferSize?: number;
  /** Largest message accepted from the peer (our a=max-message-size, RFC 8841 §6). */
  maxReceiveMessageSize?: number;
  /** Bound of bytes queued for sending across all streams. */
  sendBufferSize?: number;
  /** Streams offered each way (OS and MIS of INIT). */
  streams?: number;
  rto?: Partial<RtoOptions>;
  /** Delayed SACK timer (RFC 9260 §6.2: at most 500 ms; 200 ms is the RFC's default). */
  delayedAckMs?: number;
  /** Miss indications before fast retransmit (RFC 9260 §7.2.4: 3). */
  fastRetransmitThreshold?: number;
  /** Consecutive unanswered retransmissions before the association is aborted (Association.Max.Retrans). */
  maxRetransmissions?: number;
  /** INIT / COOKIE ECHO retransmissions before giving up (Max.Init.Retransmits). */
  maxInitRetransmits?: number;
  initialCwndPackets?: number;
  maxCwnd?: number;
  /**
   * Advertise Zero Checksum Acceptable (RFC 9653) with the "SCTP over DTLS" method: when
   * the peer advertises it too, packets go without CRC-32c (DTLS already authenticates
   * them; Chrome does the same). Set false when the association does not run over DTLS.
   */
  zeroChecksum?: boolean;
  /** Idle HEARTBEAT interval, ms (RFC 9260 §8.3, HB.interval: 30 s). 0 disables. */
  heartbeatIntervalMs?: number;
  /** Valid.Cookie.Life (RFC 9260 §15: 60 s). */
  cookieLifetimeMs?: number;
  /** Source of randomness for tags, TSNs and the cookie key (tests pass a seeded one). */
  randomBytes?: (n: number) => Uint8Array;
}

export type ResolvedOptions = Required<Omit<SctpAssociationOptions, 'rto'>> & { rto: RtoOptions };

export const DEFAULT_MAX_PACKET_SIZE = 1163;

export function resolveOptions(o: SctpAssociationOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    localPort: o.localPort ?? 5000,
    remotePort: o.remotePort ?? 5000,
    maxPacketSize: o.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE,
    receiveBufferSize: o.receiveBufferSize ?? 1024 * 1024,
    maxReceiveMessageSize: o.maxReceiveMessageSize ?? 256 * 1024,
    sendBufferSize: o.sendBufferSize ?? 16 * 1024 * 1024,
    streams: o.streams ?? 65535,
    rto: { initial: o.rto?.initial ?? 500, min: o.rto?.min ?? 200, max: o.rto?.max ?? 3000 },
    delayedAckMs: o.delayedAckMs ?? 200,
    fastRetransmitThreshold: o.fastRetransmitThreshold ?? 3,
    maxRetransmissions: o.maxRetransmissions ?? 10,
    maxInitRetransmits: o.maxInitRetransmits ?? 8,
    initialCwndPackets: o.initialCwndPackets ?? 10,
    maxCwnd: o.maxCwnd ?? 8 * 1024 * 1024,
    heartbeatIntervalMs: o.heartbeatIntervalMs ?? 30_000,
    zeroChecksum: o.zeroChecksum ?? true,
    cookieLifetimeMs: o.cookieLifetimeMs ?? 60_000,
    randomBytes: o.randomBytes ?? ((n) => crypto.getRandomValues(new Uint8Array(n))),
  };
  // A message is reassembled inside the receive window: the window must hold the
  // largest one plus per-chunk overhead, or that message could never complete.
  if (r.receiveBufferSize < r.maxReceiveMessageSize * 1.25) r.receiveBufferSize = Math.ceil(r.maxReceiveMessageSize * 1.25);
  if (!(r.maxPacketSize >= 256 && r.maxPacketSize <= 65535)) throw new RangeError('maxPacketSize must be within 256..65535');
  if (!(r.streams >= 1 && r.streams <= 65535)) throw new RangeError('streams must be within 1..65535');
  if (!(r.receiveBufferSize >= 4 * r.maxPacketSize)) throw new RangeError('receiveBufferSize must hold at least 4 packets');
  if (!(r.rto.min > 0 && r.rto.min <= r.rto.initial && r.rto.initial <= r.rto.max)) throw new RangeError('rto needs 0 < min <= initial <= max');
  if (!(r.delayedAckMs >= 0 && r.delayedAckMs <= 500)) throw new RangeError('delayedAckMs must be within 0..500 (RFC 9260 §6.2)');
  return r;
}
