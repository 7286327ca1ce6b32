// omnirtc/srtp — SRTP and SRTCP (RFC 3711, 7714, 6188) in the WebAssembly core.
//
// Limits (assembly/srtp/): packets up to 65,535 bytes; replay windows of 1..2048
// packets (1024 by default, libwebrtc's value); 2048 contexts and 8192 SSRC streams per
// process, 64 SSRCs per context. A packet over a limit is dropped with a code, never a trap.
//
// What is and is not constant time: authentication tags are compared in constant time
// (assembly/crypto/compare.ts). AES uses T-tables and GHASH uses per-key nibble tables,
// so their memory access pattern depends on key and data; code sharing the CPU cache
// could in principle learn from timing, as with any table-based AES/GCM. JavaScript and
// WebAssembly give no hard timing guarantees either way.
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
