// Errors of the TURN client. Network input never throws: it is dropped and counted.
// These are reported in 'failed' events and thrown only for API misuse.
export type TurnErrorCode =
  | 'TURN_ALLOCATE_FAILED'
  | 'TURN_AUTH_FAILED'
  | 'TURN_TIMEOUT'
  | 'TURN_NOT_ALLOCATED'
  | 'TURN_TOO_MANY_PEERS';

export class TurnError extends Error {
  override name = 'TurnError';
  constructor(
    readonly code: TurnErrorCode,
    message: string,
  ) {
    super(message);
  }
}
