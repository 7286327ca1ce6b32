// Stateless HelloVerifyRequest cookies (RFC 6347 §4.2.1): an HMAC under a secret the server
// keeps, over the ClientHello minus its cookie, so the server holds no state per attempt.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes } from './byte-writer.js';

export const COOKIE_LENGTH = 32;

export class CookieMinter {
  private readonly secret = crypto.getRandomValues(new Uint8Array(32));

  mint(clientHelloWithoutCookie: Uint8Array): Uint8Array {
    return hmac(sha256, this.secret, clientHelloWithoutCookie);
  }

  verify(clientHelloWithoutCookie: Uint8Array, cookie: Uint8Array): boolean {
    return cookie.length === COOKIE_LENGTH && equalBytes(this.mint(clientHelloWithoutCookie), cookie);
  }
}
