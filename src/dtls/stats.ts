// Counters for getStats(): every dropped record or message is counted by reason
// (DESIGN.md "Bad input, errors, limits").

export interface DtlsDropCounters {
  /** Datagram whose record framing broke (bad header, length past the end). */
  malformedRecord: number;
  /** Record version that is not DTLS 1.0/1.2. */
  badVersion: number;
  /** Record of an epoch we cannot read (old, or too far ahead, or held too long). */
  badEpoch: number;
  /** Sequence number already seen or left of the window (RFC 6347 §4.1.2.6). */
  replay: number;
  /** AEAD tag did not verify (RFC 6347 §4.1.2.7: silently discarded). */
  decryptFailed: number;
  /** Content type unknown, or not allowed in this epoch/state. */
  unexpectedContentType: number;
  /** Handshake fragment that did not parse or conflicted with earlier fragments. */
  malformedHandshake: number;
  /** Handshake message that has no place in the current state (dropped, not fatal). */
  unexpectedHandshake: number;
  /** Handshake message already processed (a retransmission). */
  duplicateHandshake: number;
  /** Handshake message too far ahead, or too long. */
  handshakeOutOfWindow: number;
  /** Alert in epoch 0 after encryption started (unauthenticated, ignored). */
  unauthenticatedAlert: number;
  /** ClientHello whose cookie did not verify (answered with HelloVerifyRequest). */
  badCookie: number;
  /** Input after close or failure. */
  afterClose: number;
  /** Input to a client before start(). */
  beforeStart: number;
  /** Events or datagrams dropped because a bounded queue was full. */
  queueOverflow: number;
}

export interface DtlsStats {
  datagramsReceived: number;
  datagramsSent: number;
  bytesReceived: number;
  bytesSent: number;
  recordsReceived: number;
  applicationRecordsSent: number;
  applicationRecordsReceived: number;
  /** Flights sent again after a timeout or a peer retransmission. */
  retransmissions: number;
  dropped: DtlsDropCounters;
}

export function newDtlsStats(): DtlsStats {
  return {
    datagramsReceived: 0,
    datagramsSent: 0,
    bytesReceived: 0,
    bytesSent: 0,
    recordsReceived: 0,
    applicationRecordsSent: 0,
    applicationRecordsReceived: 0,
    retransmissions: 0,
    dropped: {
      malformedRecord: 0,
      badVersion: 0,
      badEpoch: 0,
      replay: 0,
      decryptFailed: 0,
      unexpectedContentType: 0,
      malformedHandshake: 0,
      unexpectedHandshake: 0,
      duplicateHandshake: 0,
      handshakeOutOfWindow: 0,
      unauthenticatedAlert: 0,
      badCookie: 0,
      afterClose: 0,
      beforeStart: 0,
      queueOverflow: 0,
    },
  };
}
