// TLS 1.2 SignatureAndHashAlgorithm code points we speak (RFC 5246 §7.4.1.4.1 as renamed by
// RFC 8446 §4.2.3), and verification against a peer public key.
import { p256Verify } from '../wasm/ec.js';
import { ecdsaSignatureFromDer } from './ecdsa-der.js';
import type { PeerPublicKey } from './public-key.js';
import { rsaPkcs1Sha256Verify, rsaPssSha256Verify } from './rsa.js';

export const SIGNATURE_SCHEME = {
  ecdsa_secp256r1_sha256: 0x0403,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pkcs1_sha256: 0x0401,
} as const;
export type SignatureSchemeName = keyof typeof SIGNATURE_SCHEME;

/** What we offer and accept, in preference order. */
export const SUPPORTED_SIGNATURE_SCHEMES: readonly number[] = [
  SIGNATURE_SCHEME.ecdsa_secp256r1_sha256,
  SIGNATURE_SCHEME.rsa_pss_rsae_sha256,
  SIGNATURE_SCHEME.rsa_pkcs1_sha256,
];

/** Verifies `signature` over `message` (the hash is part of the scheme); never throws. */
export function verifySignature(scheme: number, key: PeerPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (scheme === SIGNATURE_SCHEME.ecdsa_secp256r1_sha256 && key.kind === 'ecdsa-p256') {
      // OpenSSL emits high-S signatures; TLS does not forbid them (RFC 8422 §5.4).
      const rs = ecdsaSignatureFromDer(signature);
      return rs !== undefined && p256Verify(rs, message, key.point);
    }
    if (scheme === SIGNATURE_SCHEME.rsa_pkcs1_sha256 && key.kind === 'rsa') return rsaPkcs1Sha256Verify(key, message, signature);
    if (scheme === SIGNATURE_SCHEME.rsa_pss_rsae_sha256 && key.kind === 'rsa') return rsaPssSha256Verify(key, message, signature);
    return false;
  } catch {
    return false;
  }
}
