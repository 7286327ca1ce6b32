// RSA signature verification for peers with RSA certificates (ECDHE_RSA suites and RSA
// client certificates): RSASSA-PKCS1-v1_5 and RSASSA-PSS with SHA-256 (RFC 8017 §8.1, §8.2).
// Only public-key operations: BigInt modpow leaks nothing secret.
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes } from './byte-writer.js';

export interface RsaPublicKey {
  n: bigint;
  e: bigint;
  size: number;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return result;
}

function toBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function toBytes(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** RFC 8017 §5.2.2 RSAVP1 after the §8 length checks; undefined when the signature is out of range. */
function encodedMessage(key: RsaPublicKey, signature: Uint8Array): Uint8Array | undefined {
  if (signature.length !== key.size) return undefined;
  const s = toBigInt(signature);
  if (s >= key.n) return undefined;
  return toBytes(modPow(s, key.e, key.n), key.size);
}

// RFC 8017 §9.2 note 1: DigestInfo DER prefix for SHA-256.
const SHA256_DIGEST_INFO = new Uint8Array([0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]);

/** RSASSA-PKCS1-v1_5-VERIFY with SHA-256: rebuild EM and compare whole (no lenient parsing). */
export function rsaPkcs1Sha256Verify(key: RsaPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  const em = encodedMessage(key, signature);
  if (!em) return false;
  const t = new Uint8Array(SHA256_DIGEST_INFO.length + 32);
  t.set(SHA256_DIGEST_INFO);
  t.set(sha256(message), SHA256_DIGEST_INFO.length);
  if (key.size < t.length + 11) return false;
  const expected = new Uint8Array(key.size).fill(0xff);
  expected[0] = 0;
  expected[1] = 1;
  expected[key.size - t.length - 1] = 0;
  expected.set(t, key.size - t.length);
  return equalBytes(em, expected);
}

function mgf1Sha256(seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  for (let counter = 0, o = 0; o < length; counter++) {
    new DataView(input.buffer).setUint32(seed.length, counter);
    const h = sha256(input);
    out.set(h.subarray(0, Math.min(32, length - o)), o);
    o += 32;
  }
  return out;
}

/** RSASSA-PSS-VERIFY (RFC 8017 §9.1.2) with SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 8446 §4.2.3). */
export function rsaPssSha256Verify(key: RsaPublicKey, message: Uint8Array, signature: Uint8Array, saltLength = 32): boolean {
  const em0 = encodedMessage(key, signature);
  if (!em0) return false;
  const modBits = key.n.toString(2).length;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  // When modBits-1 is a multiple of 8 the encoded message is one byte shorter than k (§8.1.2 step 2c).
  if (em0.length > emLen && em0[0] !== 0) return false;
  const em = em0.subarray(em0.length - emLen);
  const hLen = 32;
  if (emLen < hLen + saltLength + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topMask = 0xff >>> (8 * emLen - emBits);
  if ((maskedDb[0] & ~topMask) !== 0) return false;
  const db = mgf1Sha256(h, maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i] ^= maskedDb[i];
  db[0] &= topMask;
  const psLen = emLen - hLen - saltLength - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 1) return false;
  const salt = db.subarray(db.length - saltLength);
  const mPrime = new Uint8Array(8 + hLen + saltLength);
  mPrime.set(sha256(message), 8);
  mPrime.set(salt, 8 + hLen);
  return equalBytes(sha256(mPrime), h);
}
