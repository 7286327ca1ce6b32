// HMAC-SHA1 (RFC 2104) with the inner and outer states precomputed once per key, so a
// message costs only its own blocks plus one outer block (RFC 2104 §4 "implementation
// note"). SRTP (RFC 3711 §4.2.1) and STUN (RFC 8489 §14.5) use it.
import { sha1Blocks, sha1Finish, sha1InitState, sha1StreamFinal, sha1StreamInit, sha1StreamUpdate, SHA1_STREAM_SIZE } from './sha1';

// A prepared key: inner state (20) | outer state (20).
export const HMAC_SHA1_KEY_SIZE: i32 = 40;

const PAD: usize = memory.data(64, 16);
const STATE: usize = memory.data(24, 16);
const INNER: usize = memory.data(24, 16);

// Prepares a key of any length (RFC 2104 §2: keys longer than the block are hashed).
export function hmacSha1Prepare(key: usize, keyLen: usize, prepared: usize): void {
  memory.fill(PAD, 0, 64);
  if (keyLen > 64) {
    sha1InitState(STATE);
    sha1Finish(STATE, key, keyLen, 0, PAD);
  } else {
    memory.copy(PAD, key, keyLen);
  }
  for (let i: usize = 0; i < 64; i++) store<u8>(PAD + i, load<u8>(PAD + i) ^ 0x36);
  sha1InitState(prepared);
  sha1Blocks(prepared, PAD, 1);
  // 0x36 ^ 0x5c turns the inner pad into the outer pad.
  for (let i: usize = 0; i < 64; i++) store<u8>(PAD + i, load<u8>(PAD + i) ^ (0x36 ^ 0x5c));
  sha1InitState(prepared + 20);
  sha1Blocks(prepared + 20, PAD, 1);
  memory.fill(PAD, 0, 64);
}

// Writes the 20-byte HMAC of len contiguous bytes at p to out.
export function hmacSha1(prepared: usize, p: usize, len: usize, out: usize): void {
  memory.copy(STATE, prepared, 20);
  sha1Finish(STATE, p, len, 64, INNER);
  memory.copy(STATE, prepared + 20, 20);
  sha1Finish(STATE, INNER, 20, 64, out);
}

// Streaming HMAC for the host API: prepared key (40) then a SHA-1 stream.
export const HMAC_SHA1_STREAM_SIZE: i32 = 40 + SHA1_STREAM_SIZE;

export function hmacSha1StreamInit(s: usize, key: usize, keyLen: usize): void {
  hmacSha1Prepare(key, keyLen, s);
  const h = s + 40;
  sha1StreamInit(h);
  memory.copy(h, s, 20);
  store<u64>(h, 64, 24); // the inner pad block is already absorbed
}

export function hmacSha1StreamUpdate(s: usize, p: usize, len: usize): void {
  sha1StreamUpdate(s + 40, p, len);
}

export function hmacSha1StreamFinal(s: usize, out: usize): void {
  sha1StreamFinal(s + 40, INNER);
  memory.copy(STATE, s + 20, 20);
  sha1Finish(STATE, INNER, 20, 64, out);
}
