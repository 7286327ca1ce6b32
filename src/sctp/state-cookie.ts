// The State Cookie (RFC 9260 §5.1.3): everything the association needs from the peer's
// INIT, sealed with an HMAC-SHA-256 under a per-association secret, so an INIT ACK can
// be sent without keeping state and a forged or altered cookie is rejected.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { readU16, readU32, writeU16, writeU32 } from './packet.js';

export interface CookieContents {
  localTag: number;
  peerTag: number;
  localInitialTsn: number;
  peerInitialTsn: number;
  peerRwnd: number;
  /** Negotiated stream counts (min of offers), RFC 9260 §5.1.1. */
  outboundStreams: number;
  inboundStreams: number;
  peerForwardTsn: boolean;
  peerReconfig: boolean;
  /** The peer accepts zero checksums (RFC 9653). */
  peerZeroChecksum: boolean;
  /** When the cookie was made, in the caller's clock (ms, truncated to 32 bits). */
  createdAt: number;
}

const BODY = 30;
const MAC = 32;
export const COOKIE_SIZE = BODY + MAC;

export function sealCookie(secret: Uint8Array, c: CookieContents): Uint8Array {
  const b = new Uint8Array(COOKIE_SIZE);
  writeU32(b, 0, c.localTag);
  writeU32(b, 4, c.peerTag);
  writeU32(b, 8, c.localInitialTsn);
  writeU32(b, 12, c.peerInitialTsn);
  writeU32(b, 16, c.peerRwnd);
  writeU16(b, 20, c.outboundStreams);
  writeU16(b, 22, c.inboundStreams);
  b[24] = (c.peerForwardTsn ? 1 : 0) | (c.peerReconfig ? 2 : 0) | (c.peerZeroChecksum ? 4 : 0);
  b[25] = 1; // format version
  writeU32(b, 26, c.createdAt >>> 0);
  b.set(hmac(sha256, secret, b.subarray(0, BODY)), BODY);
  return b;
}

/** The contents when the MAC verifies, else undefined. Comparison is branch-free. */
export function openCookie(secret: Uint8Array, cookie: Uint8Array): CookieContents | undefined {
  if (cookie.length !== COOKIE_SIZE || cookie[25] !== 1) return undefined;
  const mac = hmac(sha256, secret, cookie.subarray(0, BODY));
  let diff = 0;
  for (let i = 0; i < MAC; i++) diff |= mac[i] ^ cookie[BODY + i];
  if (diff !== 0) return undefined;
  return {
    localTag: readU32(cookie, 0),
    peerTag: readU32(cookie, 4),
    localInitialTsn: readU32(cookie, 8),
    peerInitialTsn: readU32(cookie, 12),
    peerRwnd: readU32(cookie, 16),
    outboundStreams: readU16(cookie, 20),
    inboundStreams: readU16(cookie, 22),
    peerForwardTsn: (cookie[24] & 1) !== 0,
    peerReconfig: (cookie[24] & 2) !== 0,
    peerZeroChecksum: (cookie[24] & 4) !== 0,
    createdAt: readU32(cookie, 26),
  };
}
