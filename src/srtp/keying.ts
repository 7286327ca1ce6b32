// DTLS-SRTP keying (RFC 5764 §4.2): the exporter ("EXTRACTOR-dtls_srtp", RFC 5705)
// yields client_write_SRTP_master_key | server_write_SRTP_master_key |
// client_write_SRTP_master_salt | server_write_SRTP_master_salt. The client protects
// with the client's half and unprotects with the server's; the server the reverse.
import type { SrtpContextInit } from './context.js';
import { SRTP_PROFILES, type SrtpProfile } from './profiles.js';

export interface SrtpKeyPair {
  /** For the context that protects what this endpoint sends. */
  outbound: SrtpContextInit;
  /** For the context that unprotects what the peer sends. */
  inbound: SrtpContextInit;
}

/** Exporter bytes a profile needs: 2 * (key + salt) (RFC 5764 §4.2). */
export function srtpExporterLength(profile: SrtpProfile): number {
  const p = SRTP_PROFILES[profile];
  if (!p) throw new DOMException(`unknown SRTP profile ${String(profile)}`, 'NotSupportedError');
  return 2 * (p.keyLength + p.saltLength);
}

export function srtpKeysFromExporter(material: Uint8Array, profile: SrtpProfile, role: 'client' | 'server'): SrtpKeyPair {
  const need = srtpExporterLength(profile);
  if (!(material instanceof Uint8Array) || material.length !== need) {
    throw new DOMException(`DTLS-SRTP keying material for ${profile} must be ${need} bytes`, 'InvalidAccessError');
  }
  if (role !== 'client' && role !== 'server') {
    throw new DOMException("role must be 'client' or 'server'", 'InvalidAccessError');
  }
  const { keyLength: k, saltLength: s } = SRTP_PROFILES[profile];
  const client = { masterKey: material.slice(0, k), masterSalt: material.slice(2 * k, 2 * k + s) };
  const server = { masterKey: material.slice(k, 2 * k), masterSalt: material.slice(2 * k + s, 2 * k + 2 * s) };
  const mine = role === 'client' ? client : server;
  const theirs = role === 'client' ? server : client;
  return { outbound: { profile, ...mine }, inbound: { profile, ...theirs } };
}
