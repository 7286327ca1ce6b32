// The hash functions STUN needs, behind one small file: HMAC-SHA1 (the hot one, every
// check and response) runs in the WebAssembly core; the rest comes from @noble/hashes.
import { hmac } from '@noble/hashes/hmac.js';
import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hmacSha1 as coreHmacSha1 } from '../wasm/hmac-sha1.js';

/** HMAC-SHA1, 20 bytes: MESSAGE-INTEGRITY (RFC 8489 §14.5). */
export function hmacSha1(key: Uint8Array, data: Uint8Array): Uint8Array {
  return coreHmacSha1(key, data);
}

/** HMAC-SHA256, 32 bytes: MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6). */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(sha256, key, data);
}

/** MD5, for the long-term credential key (RFC 8489 §9.2.2). */
export function md5Digest(data: Uint8Array): Uint8Array {
  return md5(data);
}

export function sha256Digest(data: Uint8Array): Uint8Array {
  return sha256(data);
}
