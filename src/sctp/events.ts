// What an association tells its owner (drained with pollEvent()).

export type SctpCloseReason =
  /** Graceful SHUTDOWN completed. */
  | 'shutdown'
  /** We aborted (abort() was called). */
  | 'abort'
  /** The peer sent ABORT. */
  | 'peer-abort'
  /** Too many retransmissions without an answer (RFC 9260 §8.2, §8.3). */
  | 'timeout';

export type SctpEvent =
  | { type: 'connected' }
  | { type: 'message'; streamId: number; ppid: number; data: Uint8Array; unordered: boolean }
  /** The stream's queued bytes fell to its low threshold (W3C bufferedamountlow). */
  | { type: 'buffered-amount-low'; streamId: number }
  /** The peer reset its outgoing streams, i.e. our incoming ones (RFC 6525 §5.2.2). */
  | { type: 'incoming-stream-reset'; streamIds: number[] }
  /** Our outgoing stream reset completed (or was refused: then `accepted` is false). */
  | { type: 'outgoing-stream-reset'; streamIds: number[]; accepted: boolean }
  | { type: 'closed'; reason: SctpCloseReason; detail?: string };

/** Dropped-and-counted input and other statistics (for getStats). */
export interface SctpCounters {
  packetsReceived: number;
  packetsSent: number;
  bytesReceived: number;
  bytesSent: number;
  badChecksum: number;
  malformed: number;
  badVerificationTag: number;
  unexpectedChunk: number;
  unknownChunk: number;
  duplicateTsns: number;
  outOfWindowTsns: number;
  noBufferDrops: number;
  invalidStream: number;
  oversizedMessages: number;
  staleCookies: number;
  dataChunksSent: number;
  dataChunksReceived: number;
  fastRetransmits: number;
  timeoutRetransmits: number;
  tailLossProbes: number;
  /** SACKs repeated because the peer fell silent while we reported gaps. */
  sackRefreshes: number;
  t3Expiries: number;
  abandonedMessages: number;
  forwardTsnsSent: number;
  forwardTsnsReceived: number;
  messagesSent: number;
  messagesReceived: number;
}

export function newCounters(): SctpCounters {
  return {
    packetsReceived: 0,
    packetsSent: 0,
    bytesReceived: 0,
    bytesSent: 0,
    badChecksum: 0,
    malformed: 0,
    badVerificationTag: 0,
    unexpectedChunk: 0,
    unknownChunk: 0,
    duplicateTsns: 0,
    outOfWindowTsns: 0,
    noBufferDrops: 0,
    invalidStream: 0,
    oversizedMessages: 0,
    staleCookies: 0,
    dataChunksSent: 0,
    dataChunksReceived: 0,
    fastRetransmits: 0,
    timeoutRetransmits: 0,
    tailLossProbes: 0,
    sackRefreshes: 0,
    t3Expiries: 0,
    abandonedMessages: 0,
    forwardTsnsSent: 0,
    forwardTsnsReceived: 0,
    messagesSent: 0,
    messagesReceived: 0,
  };
}
