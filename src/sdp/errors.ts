// omnirtc/sdp errors: every failure of the parser and of the negotiation helpers is an
// SdpError with a stable `code` (callers switch on the code, never on the message).
export const SDP_ERROR = {
  /** The text is larger than the parser accepts (MAX_SDP_BYTES). */
  tooLarge: 'SDP_TOO_LARGE',
  /** A line is not `<letter>=<value>` (RFC 8866 §5). */
  badLine: 'SDP_BAD_LINE',
  /** A required line (v=, o=) is missing or out of order (RFC 8866 §5). */
  missingLine: 'SDP_MISSING_LINE',
  /** A known line or attribute has a value that does not match its grammar. */
  badValue: 'SDP_BAD_VALUE',
  /** A bounded table (media sections, candidates, codecs …) would overflow. */
  tooMany: 'SDP_TOO_MANY',
  /** Offer/answer rules were broken (JSEP RFC 9429 §5.7–5.8). */
  negotiation: 'SDP_NEGOTIATION',
} as const;

export type SdpErrorCode = (typeof SDP_ERROR)[keyof typeof SDP_ERROR];

export class SdpError extends Error {
  override name = 'SdpError';
  readonly code: SdpErrorCode;
  /** 1-based line number in the parsed text, when the error is tied to one. */
  readonly line: number | undefined;
  constructor(code: SdpErrorCode, message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.code = code;
    this.line = line;
  }
}
