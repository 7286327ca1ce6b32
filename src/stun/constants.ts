// Wire constants of STUN (RFC 8489), its ICE attributes (RFC 8445 §16.1) and TURN
// (RFC 8656 §18). Names follow the IANA registry.

/** RFC 8489 §5: fixed value in every message since RFC 5389. */
export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_LENGTH = 20;
/** RFC 8489 §14.7: FINGERPRINT is CRC-32 XOR-ed with this ("STUN"). */
export const FINGERPRINT_XOR = 0x5354554e;

export const StunClass = {
  request: 0,
  indication: 1,
  success: 2,
  error: 3,
} as const;
export type StunClass = (typeof StunClass)[keyof typeof StunClass];

export const StunMethod = {
  binding: 0x001,
  // RFC 8656 §18.1
  allocate: 0x003,
  refresh: 0x004,
  send: 0x006,
  data: 0x007,
  createPermission: 0x008,
  channelBind: 0x009,
} as const;

export const StunAttr = {
  MAPPED_ADDRESS: 0x0001,
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  UNKNOWN_ATTRIBUTES: 0x000a,
  // RFC 8656 §18.2
  CHANNEL_NUMBER: 0x000c,
  LIFETIME: 0x000d,
  XOR_PEER_ADDRESS: 0x0012,
  DATA: 0x0013,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_ADDRESS_FAMILY: 0x0017,
  EVEN_PORT: 0x0018,
  REQUESTED_TRANSPORT: 0x0019,
  DONT_FRAGMENT: 0x001a,
  MESSAGE_INTEGRITY_SHA256: 0x001c,
  PASSWORD_ALGORITHM: 0x001d,
  USERHASH: 0x001e,
  XOR_MAPPED_ADDRESS: 0x0020,
  RESERVATION_TOKEN: 0x0022,
  // RFC 8445 §16.1
  PRIORITY: 0x0024,
  USE_CANDIDATE: 0x0025,
  PASSWORD_ALGORITHMS: 0x8002,
  ALTERNATE_DOMAIN: 0x8003,
  SOFTWARE: 0x8022,
  ALTERNATE_SERVER: 0x8023,
  FINGERPRINT: 0x8028,
  ICE_CONTROLLED: 0x8029,
  ICE_CONTROLLING: 0x802a,
} as const;

/** RFC 8489 §18.3: attributes below 0x8000 are comprehension-required. */
export function isComprehensionRequired(type: number): boolean {
  return type < 0x8000;
}

/** The comprehension-required attributes this implementation understands. */
export const KNOWN_REQUIRED_ATTRIBUTES: ReadonlySet<number> = new Set(
  Object.values(StunAttr).filter((t) => isComprehensionRequired(t)),
);

/** Error codes used by this stack (RFC 8489 §14.8, RFC 8445 §7.3.1.1, RFC 8656 §18.3). */
export const StunErrorCodes = {
  tryAlternate: 300,
  badRequest: 400,
  unauthorized: 401,
  forbidden: 403,
  unknownAttribute: 420,
  allocationMismatch: 437,
  staleNonce: 438,
  addressFamilyNotSupported: 440,
  wrongCredentials: 441,
  unsupportedTransportProtocol: 442,
  peerAddressFamilyMismatch: 443,
  allocationQuotaReached: 486,
  roleConflict: 487,
  serverError: 500,
  insufficientCapacity: 508,
} as const;
