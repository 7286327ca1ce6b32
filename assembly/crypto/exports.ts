// Crypto exports of the core, for the host wrappers in src/wasm/hmac-sha1.ts and
// src/wasm/aes-gcm.ts. Bytes travel through the I/O region (assembly/io.ts); every
// function returns a length or a negative code from abi.ts and never traps.
import { ERR_AUTH, ERR_INVALID_ARGUMENT, IO_REGION_SIZE } from '../abi';
import { IO_REGION } from '../io';
import { gcmAad, gcmAbsorbCiphertext, gcmBegin, gcmCheckTag, gcmDecryptBitsliced, gcmEncryptBitsliced, gcmTag, GCM_TAG_SIZE } from './gcm';
import { gcmKeyBitsliced, gcmKeyCreate, gcmKeyDestroy, gcmKeyPointer } from './gcm-key-table';
import { HMAC_SHA1_STREAM_SIZE, hmacSha1StreamFinal, hmacSha1StreamInit, hmacSha1StreamUpdate } from './hmac';
import { SHA1_STREAM_SIZE, sha1StreamFinal, sha1StreamInit, sha1StreamUpdate } from './sha1';

const SHA1_STREAM: usize = memory.data(SHA1_STREAM_SIZE, 16);
const HMAC_STREAM: usize = memory.data(HMAC_SHA1_STREAM_SIZE, 16);

function validLength(len: i32): bool {
  return len >= 0 && len <= IO_REGION_SIZE;
}

// SHA-1 over data fed in pieces: begin, feed(len) per piece in the I/O region, end
// writes the 20-byte digest to the start of the region.
export function sha1Begin(): i32 {
  sha1StreamInit(SHA1_STREAM);
  return 0;
}

export function sha1Feed(len: i32): i32 {
  if (!validLength(len)) return ERR_INVALID_ARGUMENT;
  sha1StreamUpdate(SHA1_STREAM, IO_REGION, <usize>len);
  return 0;
}

export function sha1End(): i32 {
  sha1StreamFinal(SHA1_STREAM, IO_REGION);
  return 20;
}

// HMAC-SHA1: the key (keyLen bytes) is in the I/O region at begin.
export function hmacSha1Begin(keyLen: i32): i32 {
  if (!validLength(keyLen)) return ERR_INVALID_ARGUMENT;
  hmacSha1StreamInit(HMAC_STREAM, IO_REGION, <usize>keyLen);
  return 0;
}

export function hmacSha1Feed(len: i32): i32 {
  if (!validLength(len)) return ERR_INVALID_ARGUMENT;
  hmacSha1StreamUpdate(HMAC_STREAM, IO_REGION, <usize>len);
  return 0;
}

export function hmacSha1End(): i32 {
  hmacSha1StreamFinal(HMAC_STREAM, IO_REGION);
  return 20;
}

// AES-GCM keys by handle. The key bytes are in the I/O region.
export function gcmKeyNew(keyLen: i32): i32 {
  return gcmKeyCreate(IO_REGION, keyLen);
}

export function gcmKeyFree(handle: i32): i32 {
  return gcmKeyDestroy(handle);
}

// I/O region layout for seal and open: nonce (12) | 4 spare | AAD (aadLen) | data.
// Offsets are fixed so the host writes each part once.
const GCM_DATA_OFFSET: usize = 16;

// Encrypts len bytes that follow the AAD and appends the tag. Returns len + 16.
export function gcmSeal(handle: i32, aadLen: i32, len: i32): i32 {
  const k = gcmKeyPointer(handle);
  if (k == 0 || aadLen < 0 || len < 0) return ERR_INVALID_ARGUMENT;
  if (<i64>GCM_DATA_OFFSET + <i64>aadLen + <i64>len + GCM_TAG_SIZE > <i64>IO_REGION_SIZE) return ERR_INVALID_ARGUMENT;
  const aad = IO_REGION + GCM_DATA_OFFSET;
  const data = aad + <usize>aadLen;
  gcmBegin(k, IO_REGION);
  gcmAad(k, aad, <usize>aadLen);
  gcmEncryptBitsliced(k, gcmKeyBitsliced(handle), data, <usize>len);
  gcmTag(k, <usize>aadLen, <usize>len, data + <usize>len);
  return len + GCM_TAG_SIZE;
}

// Verifies and decrypts sealedLen bytes (ciphertext || tag) after the AAD. Returns the
// plaintext length, or ERR_AUTH with the buffer unchanged.
export function gcmOpen(handle: i32, aadLen: i32, sealedLen: i32): i32 {
  const k = gcmKeyPointer(handle);
  if (k == 0 || aadLen < 0 || sealedLen < 0) return ERR_INVALID_ARGUMENT;
  if (<i64>GCM_DATA_OFFSET + <i64>aadLen + <i64>sealedLen > <i64>IO_REGION_SIZE) return ERR_INVALID_ARGUMENT;
  if (sealedLen < GCM_TAG_SIZE) return ERR_AUTH;
  const aad = IO_REGION + GCM_DATA_OFFSET;
  const data = aad + <usize>aadLen;
  const ctLen = <usize>(sealedLen - GCM_TAG_SIZE);
  gcmBegin(k, IO_REGION);
  gcmAad(k, aad, <usize>aadLen);
  gcmAbsorbCiphertext(k, data, ctLen);
  if (!gcmCheckTag(k, <usize>aadLen, ctLen, data + ctLen)) return ERR_AUTH;
  gcmDecryptBitsliced(k, gcmKeyBitsliced(handle), data, ctLen);
  return <i32>ctLen;
}
