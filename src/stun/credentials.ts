// Keys for MESSAGE-INTEGRITY (RFC 8489 §9).
import { md5Digest } from './hash.js';

const utf8 = new TextEncoder();

/** RFC 8489 §9.1.2: short-term key = the password (OpaqueString-prepared; ICE passwords are ASCII). */
export function shortTermKey(password: string): Uint8Array {
  return utf8.encode(password);
}

/** RFC 8489 §9.2.2: long-term key = MD5(username ":" realm ":" password) for the MD5 algorithm. */
export function longTermKey(username: string, realm: string, password: string): Uint8Array {
  return md5Digest(utf8.encode(`${username}:${realm}:${password}`));
}
