// SRTP exports of the core, for src/wasm/srtp.ts. Packets travel through the I/O region
// (assembly/io.ts) and are transformed in place; every function returns a length or a
// negative code (abi.ts, plus ERR_INDEX_EXHAUSTED from transform.ts) and never traps.
//
// Limits: packets up to SRTP_MAX_PACKET (65,535) bytes in either direction; replay
// windows 1..REPLAY_BITS_MAX (2048) packets; CONTEXT_SLOTS (2048) contexts and
// STREAM_SLOTS (8192) SSRC streams per process, CONTEXT_STREAMS (64) SSRCs per context.
import { ERR_INVALID_ARGUMENT, ERR_NO_CAPACITY } from '../abi';
import { IO_REGION } from '../io';
import { aesExpandKey, AES_ROUND_KEYS_SIZE } from '../crypto/aes';
import {
  contextAddStream,
  contextAllocate,
  contextCanAddStream,
  contextFindStream,
  contextPointer,
  contextRelease,
} from './context-table';
import { srtpKdf } from './kdf';
import { profileKeyLength, profileSaltLength, profileValid } from './profile';
import { REPLAY_BITS_MAX } from './replay-window';
import { deriveSessionKeys, sessionKeysLength, setSessionKeys } from './session-keys';
import { F_RTP_RX, F_RTP_TX, S_FLAGS, S_RTP_RX_ROC, S_RTP_TX_ROC } from './stream-table';
import { protectRtcp, protectRtp, unprotectRtcp, unprotectRtp } from './transform';

function validWindow(window: i32): bool {
  return window >= 1 && <u32>window <= REPLAY_BITS_MAX;
}

// Creates a context from the master key followed by the master salt in the I/O region.
export function srtpCreate(profile: i32, window: i32): i32 {
  if (!profileValid(profile) || !validWindow(window)) return ERR_INVALID_ARGUMENT;
  const handle = contextAllocate();
  if (handle < 0) return ERR_NO_CAPACITY;
  const keyLen = profileKeyLength(profile);
  deriveSessionKeys(contextPointer(handle), profile, <u32>window, IO_REGION, IO_REGION + <usize>keyLen);
  return handle;
}

// Creates a context from session keys in the I/O region (see setSessionKeys).
export function srtpCreateFromSessionKeys(profile: i32, window: i32): i32 {
  if (!profileValid(profile) || !validWindow(window)) return ERR_INVALID_ARGUMENT;
  const handle = contextAllocate();
  if (handle < 0) return ERR_NO_CAPACITY;
  setSessionKeys(contextPointer(handle), profile, <u32>window, IO_REGION);
  return handle;
}

export function srtpSessionKeysLength(profile: i32): i32 {
  return profileValid(profile) ? sessionKeysLength(profile) : ERR_INVALID_ARGUMENT;
}

export function srtpDestroy(handle: i32): i32 {
  return contextRelease(handle) ? 0 : ERR_INVALID_ARGUMENT;
}

function validLength(len: i32): bool {
  // Room for the largest trailer (16-byte tag + 4-byte SRTCP word) after the packet.
  return len >= 0 && len <= 65535;
}

export function srtpProtectRtp(handle: i32, len: i32): i32 {
  const c = contextPointer(handle);
  if (c == 0 || !validLength(len)) return ERR_INVALID_ARGUMENT;
  return protectRtp(c, IO_REGION, len);
}

export function srtpUnprotectRtp(handle: i32, len: i32): i32 {
  const c = contextPointer(handle);
  if (c == 0 || !validLength(len)) return ERR_INVALID_ARGUMENT;
  return unprotectRtp(c, IO_REGION, len);
}

export function srtpProtectRtcp(handle: i32, len: i32): i32 {
  const c = contextPointer(handle);
  if (c == 0 || !validLength(len)) return ERR_INVALID_ARGUMENT;
  return protectRtcp(c, IO_REGION, len);
}

export function srtpUnprotectRtcp(handle: i32, len: i32): i32 {
  const c = contextPointer(handle);
  if (c == 0 || !validLength(len)) return ERR_INVALID_ARGUMENT;
  return unprotectRtcp(c, IO_REGION, len);
}

// Sets the rollover counter an SSRC starts with (RFC 3711 §3.3.1: a receiver joining
// mid-stream learns it out of band, e.g. RFC 4771). Only before the SSRC's first packet
// in that direction. direction: 0 = sending, 1 = receiving. roc is passed as i32 bits.
export function srtpSetRoc(handle: i32, ssrc: i32, roc: i32, direction: i32): i32 {
  const c = contextPointer(handle);
  if (c == 0 || (direction != 0 && direction != 1)) return ERR_INVALID_ARGUMENT;
  let s = contextFindStream(c, <u32>ssrc);
  if (s == 0) {
    if (!contextCanAddStream(c)) return ERR_NO_CAPACITY;
    s = contextAddStream(c, <u32>ssrc);
  }
  const started = load<u32>(s + S_FLAGS) & (direction == 0 ? F_RTP_TX : F_RTP_RX);
  if (started) return ERR_INVALID_ARGUMENT;
  store<u32>(s + (direction == 0 ? S_RTP_TX_ROC : S_RTP_RX_ROC), <u32>roc);
  return 0;
}

const KDF_RK: usize = memory.data(AES_ROUND_KEYS_SIZE, 16);
const KDF_SALT: usize = memory.data(16, 16);

// The raw PRF (RFC 3711 §4.3.3) for vector tests and diagnostics: master key then
// master salt in the I/O region; outLen bytes for label written to the region's start.
export function srtpKdfOutput(profile: i32, label: i32, outLen: i32): i32 {
  if (!profileValid(profile) || label < 0 || label > 255 || outLen < 0 || outLen > 256) return ERR_INVALID_ARGUMENT;
  const keyLen = profileKeyLength(profile);
  const nr = aesExpandKey(IO_REGION, keyLen, KDF_RK);
  memory.fill(KDF_SALT, 0, 16);
  memory.copy(KDF_SALT, IO_REGION + <usize>keyLen, <usize>profileSaltLength(profile));
  srtpKdf(KDF_RK, nr, KDF_SALT, label, IO_REGION, <usize>outLen);
  memory.fill(KDF_RK, 0, AES_ROUND_KEYS_SIZE);
  return outLen;
}
