// The cipher suites we negotiate: ECDHE with AES-GCM only (RFC 5289 §3.2), as WebRTC
// endpoints do. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 is mandatory (RFC 8827 §6.5).
import type { PrfHash } from './prf.js';

export interface CipherSuite {
  id: number;
  name: CipherSuiteName;
  /** Certificate key type that signs the ServerKeyExchange. */
  authentication: 'ecdsa' | 'rsa';
  keyLength: 16 | 32;
  prfHash: PrfHash;
}

export type CipherSuiteName =
  | 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'
  | 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'
  | 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256';

export const CIPHER_SUITES: readonly CipherSuite[] = [
  { id: 0xc02b, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', authentication: 'ecdsa', keyLength: 16, prfHash: 'sha256' },
  { id: 0xc02c, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', authentication: 'ecdsa', keyLength: 32, prfHash: 'sha384' },
  { id: 0xc02f, name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', authentication: 'rsa', keyLength: 16, prfHash: 'sha256' },
];

export function cipherSuiteById(id: number): CipherSuite | undefined {
  return CIPHER_SUITES.find((s) => s.id === id);
}

export function cipherSuiteByName(name: string): CipherSuite | undefined {
  return CIPHER_SUITES.find((s) => s.name === name);
}

/** RFC 5288 §3: 4-byte implicit salt from the key block, 8-byte explicit nonce per record. */
export const GCM_FIXED_IV_LENGTH = 4;
export const GCM_EXPLICIT_NONCE_LENGTH = 8;
export const GCM_TAG_LENGTH = 16;
/** Bytes an encrypted record adds to its plaintext. */
export const GCM_RECORD_OVERHEAD = GCM_EXPLICIT_NONCE_LENGTH + GCM_TAG_LENGTH;

/** RFC 5746 §3.3: the SCSV a client may send instead of an empty renegotiation_info. */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;
