// AES-GCM (NIST SP 800-38D) with 96-bit nonces and 128-bit tags, the only shape SRTP
// (RFC 7714 §8, §9) and TLS/DTLS 1.2 GCM suites (RFC 5288) use.
import { AES_ROUND_KEYS_SIZE, aesEncryptWords, aesExpandKey, aesOut0, aesOut1, aesOut2, aesOut3, bswap32, loadBE32 } from './aes';
import { constantTimeEqual } from './compare';
import { ctrXor } from './ctr';
import { ctrXorBitsliced } from './aes-bitsliced';
import { GHASH_STATE_SIZE, GHASH_TABLE_SIZE, ghashLengths, ghashPad, ghashSetKey, ghashStart, ghashUpdate } from './ghash';

// A prepared key: round count (4) | pad (12) | round keys (240) | GHASH table (4096).
export const GCM_KEY_SIZE: i32 = 16 + AES_ROUND_KEYS_SIZE + GHASH_TABLE_SIZE;
export const GCM_TAG_SIZE: i32 = 16;

const HBLOCK: usize = memory.data(16, 16);
// The running GHASH of the current message and E(K, J0) (SP 800-38D §7.1 step 6).
export const GCM_GHASH: usize = memory.data(GHASH_STATE_SIZE, 16);
const EJ0: usize = memory.data(16, 16);
const TAG: usize = memory.data(16, 16);

// Nonce words of the message in progress (big-endian).
let n0: u32 = 0;
let n1: u32 = 0;
let n2: u32 = 0;

// Prepares a 16- or 32-byte key. Returns false for another length.
export function gcmPrepareKey(key: usize, keyLen: i32, k: usize): bool {
  const nr = aesExpandKey(key, keyLen, k + 16);
  if (nr == 0) return false;
  store<i32>(k, nr);
  // H = E(K, 0^128) (SP 800-38D §6.4).
  aesEncryptWords(k + 16, nr, 0, 0, 0, 0);
  store<u32>(HBLOCK, bswap32(aesOut0));
  store<u32>(HBLOCK, bswap32(aesOut1), 4);
  store<u32>(HBLOCK, bswap32(aesOut2), 8);
  store<u32>(HBLOCK, bswap32(aesOut3), 12);
  ghashSetKey(k + 16 + AES_ROUND_KEYS_SIZE, HBLOCK);
  memory.fill(HBLOCK, 0, 16);
  return true;
}

// @ts-ignore: decorator
@inline
function table(k: usize): usize {
  return k + 16 + AES_ROUND_KEYS_SIZE;
}

// Starts a message: J0 = nonce || 0^31 || 1 (SP 800-38D §7.1 step 2), E(K, J0) kept for
// the tag, GHASH reset. The AAD is then fed with gcmAad (any number of pieces).
export function gcmBegin(k: usize, nonce: usize): void {
  n0 = loadBE32(nonce);
  n1 = loadBE32(nonce + 4);
  n2 = loadBE32(nonce + 8);
  aesEncryptWords(k + 16, load<i32>(k), n0, n1, n2, 1);
  store<u32>(EJ0, bswap32(aesOut0));
  store<u32>(EJ0, bswap32(aesOut1), 4);
  store<u32>(EJ0, bswap32(aesOut2), 8);
  store<u32>(EJ0, bswap32(aesOut3), 12);
  ghashStart(GCM_GHASH);
}

export function gcmAad(k: usize, p: usize, len: usize): void {
  ghashUpdate(GCM_GHASH, table(k), p, len);
}

// Encrypts len bytes in place (counter from inc32(J0)) and absorbs the ciphertext.
export function gcmEncrypt(k: usize, p: usize, len: usize): void {
  ghashPad(GCM_GHASH, table(k));
  ctrXor(k + 16, load<i32>(k), n0, n1, n2, 2, p, len);
  ghashUpdate(GCM_GHASH, table(k), p, len);
}

// Absorbs the ciphertext only; gcmDecrypt runs after the tag is verified so that a
// forged message leaves the buffer untouched.
export function gcmAbsorbCiphertext(k: usize, p: usize, len: usize): void {
  ghashPad(GCM_GHASH, table(k));
  ghashUpdate(GCM_GHASH, table(k), p, len);
}

export function gcmDecrypt(k: usize, p: usize, len: usize): void {
  ctrXor(k + 16, load<i32>(k), n0, n1, n2, 2, p, len);
}

// gcmEncrypt and gcmDecrypt with the keystream from bitsliced round keys bk (eight
// blocks per step, see aes-bitsliced.ts): the same bytes, faster on records of a few
// hundred bytes and up.
export function gcmEncryptBitsliced(k: usize, bk: usize, p: usize, len: usize): void {
  ghashPad(GCM_GHASH, table(k));
  ctrXorBitsliced(bk, k + 16, load<i32>(k), n0, n1, n2, 2, p, len);
  ghashUpdate(GCM_GHASH, table(k), p, len);
}

export function gcmDecryptBitsliced(k: usize, bk: usize, p: usize, len: usize): void {
  ctrXorBitsliced(bk, k + 16, load<i32>(k), n0, n1, n2, 2, p, len);
}

// Writes the 16-byte tag for aadLen bytes of AAD and ctLen of ciphertext.
export function gcmTag(k: usize, aadLen: usize, ctLen: usize, out: usize): void {
  ghashLengths(GCM_GHASH, table(k), <u64>aadLen, <u64>ctLen);
  v128.store(out, v128.xor(v128.load(GCM_GHASH), v128.load(EJ0)));
}

// Compares the expected tag with the one at tag (constant time).
export function gcmCheckTag(k: usize, aadLen: usize, ctLen: usize, tag: usize): bool {
  gcmTag(k, aadLen, ctLen, TAG);
  return constantTimeEqual(TAG, tag, 16);
}
