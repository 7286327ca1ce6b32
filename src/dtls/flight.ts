// Flights (RFC 6347 §4.2.4): the unit of retransmission. A flight is kept as messages, not
// bytes, and is cut into records and datagrams each time it is sent, because every
// retransmission needs fresh record sequence numbers (RFC 6347 §4.2.4 / §4.1).
import { CONTENT_TYPE, RECORD_HEADER_LENGTH } from './record.js';
import { GCM_RECORD_OVERHEAD } from './cipher-suite.js';
import { HANDSHAKE_HEADER_LENGTH, encodeHandshakeFragment } from './handshake.js';

export type FlightItem =
  | { kind: 'handshake'; msgType: number; messageSeq: number; body: Uint8Array; epoch: number }
  | { kind: 'changeCipherSpec' };

/** Builds one record of `type` in `epoch` (encrypting when epoch > 0) with the next sequence number. */
export type RecordSealer = (type: number, epoch: number, payload: Uint8Array) => Uint8Array;

/** Smallest MTU that still leaves room for a useful fragment of an encrypted message. */
export const MIN_MTU = RECORD_HEADER_LENGTH + GCM_RECORD_OVERHEAD + HANDSHAKE_HEADER_LENGTH + 64;

/** Cuts a flight into records and packs them into datagrams of at most `mtu` bytes. */
export function packFlight(items: readonly FlightItem[], mtu: number, seal: RecordSealer): Uint8Array[] {
  const records: Uint8Array[] = [];
  for (const item of items) {
    if (item.kind === 'changeCipherSpec') {
      // RFC 5246 §7.1: ChangeCipherSpec is the single byte 1, sent in the old epoch.
      records.push(seal(CONTENT_TYPE.changeCipherSpec, 0, new Uint8Array([1])));
      continue;
    }
    const overhead = RECORD_HEADER_LENGTH + (item.epoch > 0 ? GCM_RECORD_OVERHEAD : 0) + HANDSHAKE_HEADER_LENGTH;
    const maxFragment = Math.max(1, mtu - overhead);
    let offset = 0;
    do {
      const n = Math.min(maxFragment, item.body.length - offset);
      records.push(seal(CONTENT_TYPE.handshake, item.epoch, encodeHandshakeFragment(item.msgType, item.messageSeq, item.body, offset, n)));
      offset += n;
    } while (offset < item.body.length);
  }
  // RFC 6347 §4.1.1: several records may go in one datagram, none may straddle two.
  const datagrams: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  let size = 0;
  const flush = (): void => {
    if (current.length === 0) return;
    const d = new Uint8Array(size);
    let o = 0;
    for (const r of current) {
      d.set(r, o);
      o += r.length;
    }
    datagrams.push(d);
    current = [];
    size = 0;
  };
  for (const r of records) {
    if (size + r.length > mtu) flush();
    current.push(r);
    size += r.length;
  }
  flush();
  return datagrams;
}
