// Elliptic-curve operations through the WebAssembly core (assembly/ec/): X25519 (RFC 7748)
// and P-256 key pairs, ECDH and ECDSA. One call into the core per operation; inputs and
// outputs cross in the I/O region at the offsets assembly/ec/exports.ts documents.
//
// Errors: functions given a private key or hash of the wrong length, or a P-256 private key
// outside [1, n-1], throw RangeError (caller bugs). Bytes from a peer never throw:
// p256SharedSecret returns undefined for a point that is not on the curve and p256Verify
// returns false for anything that is not a valid signature.
import { sha256 } from '@noble/hashes/sha2.js';
import { WASM_ERR } from './errors.js';
import { wasmCore } from './instance.js';

interface EcExports {
  ecX25519(): number;
  ecP256PublicKey(): number;
  ecP256Ecdh(pointLen: number): number;
  ecP256Sign(): number;
  ecP256Verify(pointLen: number): number;
}

let cached: { fns: EcExports; io: Uint8Array } | undefined;

function core(): { fns: EcExports; io: Uint8Array } {
  if (!cached) {
    const c = wasmCore();
    cached = { fns: c.fns as unknown as EcExports, io: c.io };
  }
  return cached;
}

function need32(bytes: Uint8Array, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) throw new RangeError(`${what} must be 32 bytes`);
}

const X25519_BASE = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 9 : 0));

/** X25519(scalar, u) (RFC 7748 §5), 32 bytes; all zero for a low-order u (RFC 7748 §6.1: callers refuse it). */
export function x25519(scalar: Uint8Array, u: Uint8Array): Uint8Array {
  need32(scalar, 'an X25519 scalar');
  need32(u, 'an X25519 u-coordinate');
  const { fns, io } = core();
  io.set(scalar, 0);
  io.set(u, 32);
  fns.ecX25519();
  const out = io.slice(0, 32);
  io.fill(0, 0, 32);
  return out;
}

/** The X25519 public key of a 32-byte private key: X25519(k, 9). */
export function x25519PublicKey(scalar: Uint8Array): Uint8Array {
  return x25519(scalar, X25519_BASE);
}

// P-256 group order n (FIPS 186-4 D.1.2.3), big-endian, for the private-key range check.
const P256_N_BYTES = Uint8Array.from(
  'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'.match(/../g)!.map((h) => Number.parseInt(h, 16)),
);

/** True when `secret` is a valid P-256 private key: 32 bytes, 1 <= d < n (no early exit on its bytes). */
export function p256IsValidSecretKey(secret: Uint8Array): boolean {
  if (!(secret instanceof Uint8Array) || secret.length !== 32) return false;
  let borrow = 0;
  let any = 0;
  for (let i = 31; i >= 0; i--) {
    borrow = ((secret[i] - P256_N_BYTES[i] - borrow) >>> 8) & 1; // borrow out of d - n
    any |= secret[i];
  }
  return (borrow & (((any - 1) >>> 31) ^ 1)) === 1;
}

function needSecret(secret: Uint8Array): void {
  if (!p256IsValidSecretKey(secret)) throw new RangeError('a P-256 private key must be 32 bytes encoding 1 <= d < n');
}

/** Uncompressed public key 04|x|y (65 bytes, SEC 1 §2.3.3) of a P-256 private key. */
export function p256PublicKey(secret: Uint8Array): Uint8Array {
  needSecret(secret);
  const { fns, io } = core();
  io.set(secret, 0);
  const n = fns.ecP256PublicKey();
  io.fill(0, 0, 32);
  if (n !== 65) throw new RangeError('a P-256 private key must be 32 bytes encoding 1 <= d < n');
  return io.slice(32, 97);
}

/** A fresh P-256 private key from crypto.getRandomValues (rejection sampling, never biased). */
export function p256RandomSecretKey(): Uint8Array {
  for (;;) {
    const d = crypto.getRandomValues(new Uint8Array(32));
    if (p256IsValidSecretKey(d)) return d;
  }
}

/**
 * ECDH (SEC 1 §3.3.1): the x-coordinate of d·Q, 32 bytes, for a peer key Q in SEC 1 form
 * (65-byte uncompressed or 33-byte compressed). Undefined when Q is not a point on the curve.
 */
export function p256SharedSecret(secret: Uint8Array, peerPoint: Uint8Array): Uint8Array | undefined {
  needSecret(secret);
  if (!(peerPoint instanceof Uint8Array) || (peerPoint.length !== 65 && peerPoint.length !== 33)) return undefined;
  const { fns, io } = core();
  io.set(secret, 0);
  io.set(peerPoint, 32);
  const n = fns.ecP256Ecdh(peerPoint.length);
  const out = n === 32 ? io.slice(0, 32) : undefined;
  io.fill(0, 0, 32);
  return out;
}

/**
 * ECDSA P-256 signature r|s (64 bytes) of a 32-byte hash, with RFC 6979 §3.2 deterministic
 * k (HMAC-DRBG over SHA-256, inside the core) and s normalised to the low half, exactly as
 * @noble/curves' p256.sign does by default.
 */
export function p256SignHash(secret: Uint8Array, hash: Uint8Array): Uint8Array {
  needSecret(secret);
  need32(hash, 'an ECDSA P-256 hash');
  const { fns, io } = core();
  io.set(secret, 0);
  io.set(hash, 32);
  const n = fns.ecP256Sign();
  io.fill(0, 0, 64);
  // The core gives up only after 64 rejected nonces (each about 2^-32 likely).
  if (n !== 64) throw new RangeError(`ECDSA P-256 signing failed (${n === WASM_ERR.malformed ? 'no valid nonce' : 'bad private key'})`);
  return io.slice(96, 160);
}

/** ECDSA P-256 signature r|s of `message` hashed with SHA-256 (noble's prehash default). */
export function p256Sign(secret: Uint8Array, message: Uint8Array): Uint8Array {
  return p256SignHash(secret, sha256(message));
}

/**
 * Verifies an ECDSA P-256 signature r|s (64 bytes) of a 32-byte hash under a SEC 1 public key
 * (65 or 33 bytes). Any S is accepted (TLS allows high S, RFC 8422 §5.4); never throws.
 */
export function p256VerifyHash(signature: Uint8Array, hash: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  if (!(hash instanceof Uint8Array) || hash.length !== 32) return false;
  if (!(publicKey instanceof Uint8Array) || (publicKey.length !== 65 && publicKey.length !== 33)) return false;
  const { fns, io } = core();
  io.set(hash, 0);
  io.set(signature, 32);
  io.set(publicKey, 96);
  return fns.ecP256Verify(publicKey.length) === 1;
}

/** p256VerifyHash over SHA-256(message). */
export function p256Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(message instanceof Uint8Array)) return false;
  return p256VerifyHash(signature, sha256(message), publicKey);
}
