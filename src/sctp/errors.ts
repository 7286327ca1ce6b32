// Errors of the SCTP module. Input from the network never throws: it is dropped and
// counted (see SctpCounters). These errors are for API misuse by the caller.

export type SctpErrorCode =
  | 'SCTP_NOT_ESTABLISHED'
  | 'SCTP_CLOSED'
  | 'SCTP_BAD_STREAM'
  | 'SCTP_STREAM_RESETTING'
  | 'SCTP_MESSAGE_TOO_LARGE'
  | 'SCTP_SEND_BUFFER_FULL'
  | 'SCTP_BAD_OPTION'
  | 'SCTP_CHANNEL_ID_IN_USE'
  | 'SCTP_NO_CHANNEL_ID';

export class SctpError extends Error {
  override readonly name = 'SctpError';
  constructor(
    readonly code: SctpErrorCode,
    message: string,
  ) {
    super(message);
  }
}
