// Certificate fingerprints as SDP carries them (RFC 8122 §5): hash of the DER certificate,
// upper-case hex bytes joined by colons. sha-256 is what we emit; sha-1/384/512 are accepted.
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { equalBytes } from './byte-writer.js';

export type FingerprintAlgorithm = 'sha-1' | 'sha-256' | 'sha-384' | 'sha-512';

export interface CertificateFingerprint {
  algorithm: string;
  /** "AB:CD:…" (case-insensitive on input). */
  value: string;
}

const HASHES: Record<FingerprintAlgorithm, (d: Uint8Array) => Uint8Array> = {
  'sha-1': sha1,
  'sha-256': sha256,
  'sha-384': sha384,
  'sha-512': sha512,
};

export function isFingerprintAlgorithm(a: string): a is FingerprintAlgorithm {
  return Object.hasOwn(HASHES, a.toLowerCase());
}

export function fingerprintBytes(der: Uint8Array, algorithm: FingerprintAlgorithm): Uint8Array {
  return HASHES[algorithm](der);
}

export function formatFingerprint(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

export function certificateFingerprint(der: Uint8Array, algorithm: FingerprintAlgorithm = 'sha-256'): CertificateFingerprint {
  return { algorithm, value: formatFingerprint(fingerprintBytes(der, algorithm)) };
}

/** Parses "AB:CD:…" into bytes; undefined when it is not colon-separated hex pairs. */
export function parseFingerprintValue(value: string): Uint8Array | undefined {
  const parts = value.trim().split(':');
  if (parts.length === 0 || parts.length > 64) return undefined;
  const out = new Uint8Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    if (!/^[0-9a-fA-F]{2}$/.test(parts[i])) return undefined;
    out[i] = Number.parseInt(parts[i], 16);
  }
  return out;
}

/**
 * True when `der` matches at least one expected fingerprint of a supported algorithm
 * (RFC 8122 §5: unknown algorithms are ignored; RFC 8842 §5: any one match suffices).
 */
export function matchesFingerprints(der: Uint8Array, expected: readonly CertificateFingerprint[]): boolean {
  let matched = false;
  for (const fp of expected) {
    const alg = fp.algorithm.toLowerCase();
    if (!isFingerprintAlgorithm(alg)) continue;
    const want = parseFingerprintValue(fp.value);
    if (!want) continue;
    if (equalBytes(fingerprintBytes(der, alg), want)) matched = true;
  }
  return matched;
}
