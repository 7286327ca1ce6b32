// SRTP protection profiles and their transform parameters: RFC 5764 §4.1.2 (the two
// AES-CM HMAC-SHA1 profiles; SRTCP keeps the 80-bit tag even for _32), RFC 7714 §14.2
// (AEAD_AES_128/256_GCM, 96-bit salts, 128-bit tags) and RFC 6188 §3 (AES-256-CM).
// Numbers are the core's own; the host maps the DTLS-SRTP names onto them.

export const PROFILE_AES128_CM_SHA1_80: i32 = 1;
export const PROFILE_AES128_CM_SHA1_32: i32 = 2;
export const PROFILE_AEAD_AES_128_GCM: i32 = 3;
export const PROFILE_AEAD_AES_256_GCM: i32 = 4;
export const PROFILE_AES256_CM_SHA1_80: i32 = 5;
export const PROFILE_AES256_CM_SHA1_32: i32 = 6;

export function profileValid(p: i32): bool {
  return p >= 1 && p <= 6;
}

export function profileIsGcm(p: i32): bool {
  return p == PROFILE_AEAD_AES_128_GCM || p == PROFILE_AEAD_AES_256_GCM;
}

export function profileKeyLength(p: i32): i32 {
  return p == PROFILE_AEAD_AES_256_GCM || p == PROFILE_AES256_CM_SHA1_80 || p == PROFILE_AES256_CM_SHA1_32 ? 32 : 16;
}

// Session and master salt length: 112 bits for AES-CM, 96 bits for GCM (RFC 7714 §12).
export function profileSaltLength(p: i32): i32 {
  return profileIsGcm(p) ? 12 : 14;
}

export function profileRtpTagLength(p: i32): i32 {
  if (profileIsGcm(p)) return 16;
  return p == PROFILE_AES128_CM_SHA1_32 || p == PROFILE_AES256_CM_SHA1_32 ? 4 : 10;
}

export function profileRtcpTagLength(p: i32): i32 {
  return profileIsGcm(p) ? 16 : 10;
}

// HMAC-SHA1 session authentication key length n_a (RFC 3711 §5.2).
export const AUTH_KEY_LENGTH: i32 = 20;
