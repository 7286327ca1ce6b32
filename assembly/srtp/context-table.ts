// SRTP contexts: one per master key (one per direction of a DTLS-SRTP association),
// in a bounded table in linear memory, addressed by handle. Bound: CONTEXT_SLOTS
// contexts alive in the process (13.1 KiB each, 26 MiB for the table; two per peer connection)
// and CONTEXT_STREAMS SSRCs per context.
// A handle carries a generation so a disposed handle never reaches the next owner.
import { AES_ROUND_KEYS_SIZE } from '../crypto/aes';
import { AES_BITSLICED_KEYS_SIZE } from '../crypto/aes-bitsliced';
import { GCM_KEY_SIZE } from '../crypto/gcm';
import { HMAC_SHA1_KEY_SIZE } from '../crypto/hmac';
import { streamAllocate, streamPointer, streamRelease, streamsFree } from './stream-table';

export const CONTEXT_SLOTS: i32 = 2048;
const SLOT_BITS: i32 = 11; // 2^11 = CONTEXT_SLOTS
export const CONTEXT_STREAMS: i32 = 64;

// Layout. A cipher block is laid out as a GCM key (round count, round keys, GHASH
// table) for every profile so one code path expands keys; AES-CM leaves the table unused.
export const C_PROFILE: usize = 0; // i32
export const C_RTP_TAG: usize = 4; // i32, RTP tag length
export const C_RTCP_TAG: usize = 8; // i32
export const C_WINDOW: usize = 12; // u32, replay window in packets
export const C_STREAM_COUNT: usize = 16; // i32
export const C_LAST_STREAM: usize = 20; // i32, index into the SSRC list of the last hit
export const C_RTP_CIPHER: usize = 64;
export const C_RTCP_CIPHER: usize = C_RTP_CIPHER + <usize>GCM_KEY_SIZE;
// The same round keys as bitsliced planes (aes-bitsliced.ts) for the eight-block
// keystream of longer payloads: 1.9 KiB per direction, 7.5 MiB over the whole table,
// which the fixed 64 MiB memory holds (static data ends near 54 MiB with it).
export const C_RTP_BITSLICED: usize = C_RTCP_CIPHER + <usize>GCM_KEY_SIZE;
export const C_RTCP_BITSLICED: usize = C_RTP_BITSLICED + <usize>AES_BITSLICED_KEYS_SIZE;
export const C_RTP_SALT: usize = C_RTCP_BITSLICED + <usize>AES_BITSLICED_KEYS_SIZE; // 16, zero-padded
export const C_RTCP_SALT: usize = C_RTP_SALT + 16;
export const C_RTP_AUTH: usize = C_RTCP_SALT + 16; // prepared HMAC-SHA1 key
export const C_RTCP_AUTH: usize = C_RTP_AUTH + <usize>HMAC_SHA1_KEY_SIZE;
export const C_SSRCS: usize = C_RTCP_AUTH + <usize>HMAC_SHA1_KEY_SIZE + 8; // u32 x CONTEXT_STREAMS
export const C_SLOTS: usize = C_SSRCS + (<usize>CONTEXT_STREAMS << 2); // u16 x CONTEXT_STREAMS
export const CONTEXT_SIZE: i32 = <i32>((C_SLOTS + (<usize>CONTEXT_STREAMS << 1) + 63) & ~63);

// Round keys of a cipher block (after the 16-byte head holding the round count).
export const CIPHER_ROUND_KEYS: usize = 16;
export const CIPHER_TABLE: usize = 16 + <usize>AES_ROUND_KEYS_SIZE;

const CONTEXTS: usize = memory.data(CONTEXT_SLOTS * CONTEXT_SIZE, 64);
const GEN: usize = memory.data(CONTEXT_SLOTS * 4, 16);
const LIVE: u32 = 0x80000000;
let hint: i32 = 0;

// Claims a zeroed context; returns its handle, or -1 when the table is full.
export function contextAllocate(): i32 {
  for (let n = 0; n < CONTEXT_SLOTS; n++) {
    const slot = (hint + n) & (CONTEXT_SLOTS - 1);
    const g = load<u32>(GEN + (<usize>slot << 2));
    if (g & LIVE) continue;
    const gen = (g + 1) & 0xfffff; // 20 bits: handles stay positive i32
    memory.fill(CONTEXTS + <usize>slot * <usize>CONTEXT_SIZE, 0, CONTEXT_SIZE);
    store<u32>(GEN + (<usize>slot << 2), gen | LIVE);
    hint = slot + 1;
    return <i32>((gen << SLOT_BITS) | <u32>slot);
  }
  return -1;
}

// The context of a live handle, or 0.
export function contextPointer(handle: i32): usize {
  if (handle < 0) return 0;
  const slot = handle & (CONTEXT_SLOTS - 1);
  if (load<u32>(GEN + (<usize>slot << 2)) != ((<u32>handle >>> SLOT_BITS) | LIVE)) return 0;
  return CONTEXTS + <usize>slot * <usize>CONTEXT_SIZE;
}

// Releases the context's streams, wipes its keys and frees the slot.
export function contextRelease(handle: i32): bool {
  const c = contextPointer(handle);
  if (c == 0) return false;
  const count = load<i32>(c + C_STREAM_COUNT);
  for (let i = 0; i < count; i++) streamRelease(<i32>load<u16>(c + C_SLOTS + (<usize>i << 1)));
  memory.fill(c, 0, CONTEXT_SIZE);
  const slot = handle & (CONTEXT_SLOTS - 1);
  store<u32>(GEN + (<usize>slot << 2), load<u32>(GEN + (<usize>slot << 2)) & ~LIVE);
  return true;
}

// The stream for ssrc in context c, or 0 if it has none yet.
export function contextFindStream(c: usize, ssrc: u32): usize {
  const last = load<i32>(c + C_LAST_STREAM);
  const count = load<i32>(c + C_STREAM_COUNT);
  if (last < count && load<u32>(c + C_SSRCS + (<usize>last << 2)) == ssrc) {
    return streamPointer(<i32>load<u16>(c + C_SLOTS + (<usize>last << 1)));
  }
  for (let i = 0; i < count; i++) {
    if (load<u32>(c + C_SSRCS + (<usize>i << 2)) == ssrc) {
      store<i32>(c + C_LAST_STREAM, i);
      return streamPointer(<i32>load<u16>(c + C_SLOTS + (<usize>i << 1)));
    }
  }
  return 0;
}

// Whether one more stream fits (checked before any work, so that a packet which
// would need a new stream is refused without side effects).
export function contextCanAddStream(c: usize): bool {
  return load<i32>(c + C_STREAM_COUNT) < CONTEXT_STREAMS && streamsFree() > 0;
}

// Adds a stream for ssrc; the caller has checked contextCanAddStream.
export function contextAddStream(c: usize, ssrc: u32): usize {
  const count = load<i32>(c + C_STREAM_COUNT);
  if (count >= CONTEXT_STREAMS) return 0;
  const slot = streamAllocate(ssrc);
  if (slot < 0) return 0;
  store<u32>(c + C_SSRCS + (<usize>count << 2), ssrc);
  store<u16>(c + C_SLOTS + (<usize>count << 1), <u16>slot);
  store<i32>(c + C_STREAM_COUNT, count + 1);
  store<i32>(c + C_LAST_STREAM, count);
  return streamPointer(slot);
}
