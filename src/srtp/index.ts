// omnirtc/srtp — SRTP and SRTCP (RFC 3711, 7714, 6188) in the WebAssembly core.
//
// Limits (assembly/srtp/): packets up to 65,535 bytes; replay windows of 1..2048
// packets (1024 by default, libwebrtc's value); 2048 contexts and 8192 SSRC streams per
// process, 64 SSRCs per context. A packet over a limit is dropped with a code, never a trap.
//
// What is and is not constant time: authentication tags are compared in constant time
// (assembly/crypto/compare.ts). Payloads from 97 bytes get their keystream mostly from a
// bitsliced AES with no data-dependent lookups (assembly/crypto/aes-bitsliced.ts); shorter
// payloads, the last one to five blocks of a longer one, key derivation and GCM's H and
// E(K, J0) use T-tables, and GHASH uses per-key nibble tables, so part of the memory access
// pattern still depends on key and data; code sharing the CPU cache could in principle
// learn from timing, as with any table-based AES/GCM. JavaScript and WebAssembly give no
// hard timing guarantees either way.
export {
  DEFAULT_REPLAY_WINDOW,
  SrtpContext,
  type SrtpContextInit,
  type SrtpContextStats,
  type SrtpSessionKeys,
  type SrtpSessionKeysInit,
} from './context.js';
export { SRTP_ERROR_CODES, SrtpError, type SrtpErrorCode } from './errors.js';
export { SRTP_KDF_LABEL, srtpDeriveKey } from './kdf.js';
export { type SrtpKeyPair, srtpExporterLength, srtpKeysFromExporter } from './keying.js';
export {
  isSrtpProfile,
  SRTP_PROFILES,
  type SrtpProfile,
  type SrtpProfileParameters,
  srtpProfileFromDtlsId,
} from './profiles.js';
export { SRTP_CORE_LIMITS } from '../wasm/srtp.js';
