// SRTP protection profiles by their DTLS-SRTP names: RFC 5764 §4.1.2, RFC 7714 §14.2;
// the AES-256-CM pair follows RFC 6188 (no DTLS-SRTP code point).

export type SrtpProfile =
  | 'SRTP_AES128_CM_HMAC_SHA1_80'
  | 'SRTP_AES128_CM_HMAC_SHA1_32'
  | 'SRTP_AEAD_AES_128_GCM'
  | 'SRTP_AEAD_AES_256_GCM'
  | 'SRTP_AES256_CM_HMAC_SHA1_80'
  | 'SRTP_AES256_CM_HMAC_SHA1_32';

export interface SrtpProfileParameters {
  /** Master (and session) key length in bytes. */
  readonly keyLength: number;
  /** Master (and session) salt length in bytes: 14 for AES-CM, 12 for GCM. */
  readonly saltLength: number;
  /** Authentication tag bytes on SRTP and on SRTCP (SRTCP keeps 80 bits for _32). */
  readonly rtpTagLength: number;
  readonly rtcpTagLength: number;
  readonly aead: boolean;
  /** DTLS-SRTP protection profile code point (RFC 5764 §4.1.2, RFC 7714 §14.2), if any. */
  readonly dtlsId?: number;
}

export const SRTP_PROFILES: Readonly<Record<SrtpProfile, SrtpProfileParameters>> = {
  SRTP_AES128_CM_HMAC_SHA1_80: { keyLength: 16, saltLength: 14, rtpTagLength: 10, rtcpTagLength: 10, aead: false, dtlsId: 0x0001 },
  SRTP_AES128_CM_HMAC_SHA1_32: { keyLength: 16, saltLength: 14, rtpTagLength: 4, rtcpTagLength: 10, aead: false, dtlsId: 0x0002 },
  SRTP_AEAD_AES_128_GCM: { keyLength: 16, saltLength: 12, rtpTagLength: 16, rtcpTagLength: 16, aead: true, dtlsId: 0x0007 },
  SRTP_AEAD_AES_256_GCM: { keyLength: 32, saltLength: 12, rtpTagLength: 16, rtcpTagLength: 16, aead: true, dtlsId: 0x0008 },
  SRTP_AES256_CM_HMAC_SHA1_80: { keyLength: 32, saltLength: 14, rtpTagLength: 10, rtcpTagLength: 10, aead: false },
  SRTP_AES256_CM_HMAC_SHA1_32: { keyLength: 32, saltLength: 14, rtpTagLength: 4, rtcpTagLength: 10, aead: false },
};

export function isSrtpProfile(name: unknown): name is SrtpProfile {
  return typeof name === 'string' && Object.hasOwn(SRTP_PROFILES, name);
}

/** The profile named by a DTLS-SRTP code point, or undefined. */
export function srtpProfileFromDtlsId(id: number): SrtpProfile | undefined {
  for (const [name, p] of Object.entries(SRTP_PROFILES) as [SrtpProfile, SrtpProfileParameters][]) {
    if (p.dtlsId === id) return name;
  }
  return undefined;
}
