// Typed calls into the WebAssembly core's SRTP transforms (assembly/srtp/exports.ts).
// Only numbers cross: packets are copied into the shared I/O region, transformed in
// place there, and read back. src/srtp/ builds the public SrtpContext on top.
import { wasmCore } from './instance.js';

export interface SrtpCoreExports {
  srtpCreate(profile: number, window: number): number;
  srtpCreateFromSessionKeys(profile: number, window: number): number;
  srtpSessionKeysLength(profile: number): number;
  srtpDestroy(handle: number): number;
  srtpProtectRtp(handle: number, len: number): number;
  srtpUnprotectRtp(handle: number, len: number): number;
  srtpProtectRtcp(handle: number, len: number): number;
  srtpUnprotectRtcp(handle: number, len: number): number;
  srtpSetRoc(handle: number, ssrc: number, roc: number, direction: number): number;
  srtpKdfOutput(profile: number, label: number, outLen: number): number;
}

export interface SrtpCore {
  readonly fns: SrtpCoreExports;
  /** The I/O region: packets are written at offset 0 and transformed in place. */
  readonly io: Uint8Array;
}

/** Core profile numbers (assembly/srtp/profile.ts). */
export const CORE_PROFILE = {
  SRTP_AES128_CM_HMAC_SHA1_80: 1,
  SRTP_AES128_CM_HMAC_SHA1_32: 2,
  SRTP_AEAD_AES_128_GCM: 3,
  SRTP_AEAD_AES_256_GCM: 4,
  SRTP_AES256_CM_HMAC_SHA1_80: 5,
  SRTP_AES256_CM_HMAC_SHA1_32: 6,
} as const;

/** The core's SRTP-specific return code beyond src/wasm/errors.ts: an index would wrap. */
export const CORE_ERR_INDEX_EXHAUSTED = -7;

/** Core bounds (assembly/srtp/): contexts and SSRC streams per process, SSRCs per context. */
export const SRTP_CORE_LIMITS = {
  contexts: 2048,
  streams: 8192,
  streamsPerContext: 64,
  maxReplayWindow: 2048,
  maxPacket: 65535,
} as const;

let cached: SrtpCore | undefined;

export function srtpCore(): SrtpCore {
  if (cached) return cached;
  const core = wasmCore();
  cached = { fns: core.fns as unknown as SrtpCoreExports, io: core.io };
  return cached;
}
