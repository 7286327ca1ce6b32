// omnirtc/srtp — SRTP and SRTCP (RFC 3711, 7714, 6188) in the WebAssembly core.
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
