// Fills a context's session keys: derived from a master key and salt (RFC 3711 §4.3)
// or, for test vectors and pre-derived material, given directly.
import { AES_ROUND_KEYS_SIZE, aesExpandKey } from '../crypto/aes';
import { aesBitslicedKeys } from '../crypto/aes-bitsliced';
import { gcmPrepareKey } from '../crypto/gcm';
import { hmacSha1Prepare } from '../crypto/hmac';
import {
  C_PROFILE,
  C_RTCP_AUTH,
  C_RTCP_BITSLICED,
  C_RTCP_CIPHER,
  C_RTCP_SALT,
  C_RTCP_TAG,
  C_RTP_AUTH,
  C_RTP_BITSLICED,
  C_RTP_CIPHER,
  C_RTP_SALT,
  C_RTP_TAG,
  C_WINDOW,
  CIPHER_ROUND_KEYS,
} from './context-table';
import {
  LABEL_RTCP_AUTH,
  LABEL_RTCP_ENCRYPTION,
  LABEL_RTCP_SALT,
  LABEL_RTP_AUTH,
  LABEL_RTP_ENCRYPTION,
  LABEL_RTP_SALT,
  srtpKdf,
} from './kdf';
import {
  AUTH_KEY_LENGTH,
  profileIsGcm,
  profileKeyLength,
  profileRtcpTagLength,
  profileRtpTagLength,
  profileSaltLength,
} from './profile';

const MASTER_RK: usize = memory.data(AES_ROUND_KEYS_SIZE, 16);
const MASTER_SALT: usize = memory.data(16, 16);
const SCRATCH: usize = memory.data(32, 16);

// The round keys go into the cipher block, and once more as bitsliced planes for the
// eight-block keystream (transform.ts), so no packet pays for a key schedule.
function setCipherKey(c: usize, cipher: usize, bitsliced: usize, gcm: bool, key: usize, keyLen: i32): void {
  if (gcm) {
    gcmPrepareKey(key, keyLen, c + cipher);
  } else {
    store<i32>(c + cipher, aesExpandKey(key, keyLen, c + cipher + CIPHER_ROUND_KEYS));
  }
  aesBitslicedKeys(c + cipher + CIPHER_ROUND_KEYS, load<i32>(c + cipher), c + bitsliced);
}

function setParameters(c: usize, profile: i32, window: u32): void {
  store<i32>(c + C_PROFILE, profile);
  store<i32>(c + C_RTP_TAG, profileRtpTagLength(profile));
  store<i32>(c + C_RTCP_TAG, profileRtcpTagLength(profile));
  store<u32>(c + C_WINDOW, window);
}

// Master key (profileKeyLength bytes) and master salt (profileSaltLength bytes).
export function deriveSessionKeys(c: usize, profile: i32, window: u32, masterKey: usize, masterSalt: usize): void {
  setParameters(c, profile, window);
  const gcm = profileIsGcm(profile);
  const keyLen = profileKeyLength(profile);
  const saltLen = profileSaltLength(profile);
  const nr = aesExpandKey(masterKey, keyLen, MASTER_RK);
  // RFC 7714 §11: the 96-bit GCM master salt is used as the leftmost bits of the
  // 112-bit PRF salt (zero-padded on the right).
  memory.fill(MASTER_SALT, 0, 16);
  memory.copy(MASTER_SALT, masterSalt, <usize>saltLen);

  srtpKdf(MASTER_RK, nr, MASTER_SALT, LABEL_RTP_ENCRYPTION, SCRATCH, <usize>keyLen);
  setCipherKey(c, C_RTP_CIPHER, C_RTP_BITSLICED, gcm, SCRATCH, keyLen);
  srtpKdf(MASTER_RK, nr, MASTER_SALT, LABEL_RTP_SALT, c + C_RTP_SALT, <usize>saltLen);
  srtpKdf(MASTER_RK, nr, MASTER_SALT, LABEL_RTCP_ENCRYPTION, SCRATCH, <usize>keyLen);
  setCipherKey(c, C_RTCP_CIPHER, C_RTCP_BITSLICED, gcm, SCRATCH, keyLen);
  srtpKdf(MASTER_RK, nr, MASTER_SALT, LABEL_RTCP_SALT, c + C_RTCP_SALT, <usize>saltLen);
  if (!gcm) {
    srtpKdf(MASTER_RK, nr, MASTER_SALT, LABEL_RTP_AUTH, SCRATCH, <usize>AUTH_KEY_LENGTH);
    hmacSha1Prepare(SCRATCH, <usize>AUTH_KEY_LENGTH, c + C_RTP_AUTH);
    srtpKdf(MASTER_RK, nr, MASTER_SALT, LABEL_RTCP_AUTH, SCRATCH, <usize>AUTH_KEY_LENGTH);
    hmacSha1Prepare(SCRATCH, <usize>AUTH_KEY_LENGTH, c + C_RTCP_AUTH);
  }
  memory.fill(MASTER_RK, 0, AES_ROUND_KEYS_SIZE);
  memory.fill(MASTER_SALT, 0, 16);
  memory.fill(SCRATCH, 0, 32);
}

// Bytes of session material for a profile: per direction key | salt | auth key (CM only).
export function sessionKeysLength(profile: i32): i32 {
  const one = profileKeyLength(profile) + profileSaltLength(profile) + (profileIsGcm(profile) ? 0 : AUTH_KEY_LENGTH);
  return 2 * one;
}

// Session keys given directly: RTP key | salt | auth, then RTCP key | salt | auth.
export function setSessionKeys(c: usize, profile: i32, window: u32, material: usize): void {
  setParameters(c, profile, window);
  const gcm = profileIsGcm(profile);
  const keyLen = profileKeyLength(profile);
  const saltLen = <usize>profileSaltLength(profile);
  let q = material;
  setCipherKey(c, C_RTP_CIPHER, C_RTP_BITSLICED, gcm, q, keyLen);
  q += <usize>keyLen;
  memory.copy(c + C_RTP_SALT, q, saltLen);
  q += saltLen;
  if (!gcm) {
    hmacSha1Prepare(q, <usize>AUTH_KEY_LENGTH, c + C_RTP_AUTH);
    q += <usize>AUTH_KEY_LENGTH;
  }
  setCipherKey(c, C_RTCP_CIPHER, C_RTCP_BITSLICED, gcm, q, keyLen);
  q += <usize>keyLen;
  memory.copy(c + C_RTCP_SALT, q, saltLen);
  q += saltLen;
  if (!gcm) hmacSha1Prepare(q, <usize>AUTH_KEY_LENGTH, c + C_RTCP_AUTH);
}
