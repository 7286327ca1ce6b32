// DTLS-SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2) and the split of the
// exported keying material into SRTP master keys and salts (RFC 5764 §4.2).

export type SrtpProfileName = 'SRTP_AES128_CM_HMAC_SHA1_80' | 'SRTP_AES128_CM_HMAC_SHA1_32' | 'SRTP_AEAD_AES_128_GCM' | 'SRTP_AEAD_AES_256_GCM';

export interface SrtpProfileInfo {
  name: SrtpProfileName;
  id: number;
  keyLength: number;
  saltLength: number;
}

/** In our preference order: GCM first (RFC 7714 §14.2 defines it for DTLS-SRTP). */
export const SRTP_PROFILES: readonly SrtpProfileInfo[] = [
  { name: 'SRTP_AEAD_AES_128_GCM', id: 0x0007, keyLength: 16, saltLength: 12 },
  { name: 'SRTP_AEAD_AES_256_GCM', id: 0x0008, keyLength: 32, saltLength: 12 },
  { name: 'SRTP_AES128_CM_HMAC_SHA1_80', id: 0x0001, keyLength: 16, saltLength: 14 },
  { name: 'SRTP_AES128_CM_HMAC_SHA1_32', id: 0x0002, keyLength: 16, saltLength: 14 },
];

export function srtpProfileByName(name: string): SrtpProfileInfo | undefined {
  return SRTP_PROFILES.find((p) => p.name === name);
}

export function srtpProfileById(id: number): SrtpProfileInfo | undefined {
  return SRTP_PROFILES.find((p) => p.id === id);
}

/** RFC 5764 §4.2 exporter label. */
export const DTLS_SRTP_EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';

/** Master keys and salts for both directions, named by the side that writes with them. */
export interface SrtpKeyMaterial {
  profile: SrtpProfileName;
  clientWriteKey: Uint8Array;
  serverWriteKey: Uint8Array;
  clientWriteSalt: Uint8Array;
  serverWriteSalt: Uint8Array;
}

/** Bytes to export for a profile: 2 × (key + salt). */
export function srtpExportLength(p: SrtpProfileInfo): number {
  return 2 * (p.keyLength + p.saltLength);
}

/** RFC 5764 §4.2: client_write_SRTP_master_key | server_write_… key | client salt | server salt. */
export function splitSrtpKeyMaterial(p: SrtpProfileInfo, material: Uint8Array): SrtpKeyMaterial {
  let o = 0;
  const take = (n: number): Uint8Array => {
    const part = material.slice(o, o + n);
    o += n;
    return part;
  };
  return {
    profile: p.name,
    clientWriteKey: take(p.keyLength),
    serverWriteKey: take(p.keyLength),
    clientWriteSalt: take(p.saltLength),
    serverWriteSalt: take(p.saltLength),
  };
}
