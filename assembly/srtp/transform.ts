// The SRTP and SRTCP packet transforms (RFC 3711 §3.3, §3.4; RFC 7714 §8, §9), in place
// on a packet at p. Each returns the new length or a negative code. A rejected packet
// changes neither the context nor the bytes at p (authentication runs before
// decryption, and per-SSRC state is committed only after it succeeds).
import { ERR_AUTH, ERR_MALFORMED, ERR_NO_CAPACITY, ERR_REPLAY } from '../abi';
import { loadBE32, storeBE32 } from '../crypto/aes';
import { constantTimeEqual } from '../crypto/compare';
import { ctrXorBitsliced } from '../crypto/aes-bitsliced';
import { ctrXor } from '../crypto/ctr';
import {
  gcmAad,
  gcmAbsorbCiphertext,
  gcmBegin,
  gcmCheckTag,
  gcmDecrypt,
  gcmDecryptBitsliced,
  gcmEncrypt,
  gcmEncryptBitsliced,
  gcmTag,
} from '../crypto/gcm';
import { hmacSha1 } from '../crypto/hmac';
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
  contextAddStream,
  contextCanAddStream,
  contextFindStream,
} from './context-table';
import { profileIsGcm } from './profile';
import { replayAcceptable, replayCommit } from './replay-window';
import {
  F_RTCP_RX,
  F_RTP_RX,
  F_RTP_TX,
  S_FLAGS,
  S_RTCP_BITMAP,
  S_RTCP_RX_HIGHEST,
  S_RTCP_TX_NEXT,
  S_RTP_BITMAP,
  S_RTP_RX_HIGHEST,
  S_RTP_RX_ROC,
  S_RTP_TX_HIGHEST,
  S_RTP_TX_ROC,
} from './stream-table';

// SRTP-specific code beyond abi.ts: the 48-bit packet index or the 31-bit SRTCP index
// would wrap, so the master key must be replaced (RFC 3711 §9.2).
export const ERR_INDEX_EXHAUSTED: i32 = -7;

// Largest packet accepted by any transform, protected or not: a UDP datagram.
export const SRTP_MAX_PACKET: i32 = 65535;

const NONCE: usize = memory.data(16, 16);
const MAC: usize = memory.data(20, 16);
const SAVED_TAG: usize = memory.data(16, 16);
const RTCP_AAD: usize = memory.data(16, 16);

// Index estimation failures (RFC 3711 Appendix A): the guess falls before index 0, or
// past 2^48 - 1.
const TOO_OLD: i64 = -1;
const WRAPS: i64 = -2;

// RFC 3711 §3.3.1 / Appendix A: the index of SEQ relative to the highest index seen.
function estimateIndex(highest: u64, seq: u32): i64 {
  const roc = <u32>(highest >>> 16);
  const sl = <u32>(highest & 0xffff);
  let v: i64 = <i64>roc;
  if (sl < 32768) {
    if (seq > sl && seq - sl > 32768) v = <i64>roc - 1;
  } else if (sl - 32768 > seq) {
    v = <i64>roc + 1;
  }
  if (v < 0) return TOO_OLD;
  if (v > 0xffffffff) return WRAPS;
  return (v << 16) | <i64>seq;
}

// RTP header length including CSRCs and the extension (RFC 3550 §5.1, §5.3.1), which
// SRTP authenticates but does not encrypt; -1 when it does not fit in len.
function rtpHeaderLength(p: usize, len: i32): i32 {
  if (len < 12) return -1;
  const b0 = <i32>load<u8>(p);
  if (b0 >> 6 != 2) return -1;
  let h = 12 + ((b0 & 0x0f) << 2);
  if (b0 & 0x10) {
    if (h + 4 > len) return -1;
    const words = (<i32>load<u8>(p + <usize>h + 2) << 8) | <i32>load<u8>(p + <usize>h + 3);
    h += 4 + (words << 2);
  }
  return h > len ? -1 : h;
}

// @ts-ignore: decorator
@inline
function loadBE16(p: usize): u32 {
  return (<u32>load<u8>(p) << 8) | <u32>load<u8>(p + 1);
}

// Payload length from which the keystream runs through the bitsliced eight-block AES
// (aes-bitsliced.ts; it leaves a tail of up to five blocks to the T-tables) rather than
// through the T-tables alone (ctr.ts). Whole-packet protect rates on 2-core x86-64 V8,
// every profile: up to 80 B both forms are the T-tables; 81-96 B (one eight-block step
// for six blocks) are even; from 97 B (seven blocks) the bitsliced form wins, +6-9 % at
// 100-112 B, +8-13 % at 160 B, +17-25 % at 1200 B.
const BITSLICED_MIN: usize = 97;

// AES-CM: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16) (RFC 3711 §4.1.1). Both
// keystream forms count in the IV's last 32-bit word; the low 16 bits start at zero and
// a packet is far below 2^16 blocks, so this is the RFC's 128-bit increment.
function cmXor(c: usize, cipher: usize, bitsliced: usize, salt: usize, ssrc: u32, index: u64, p: usize, len: usize): void {
  const rk = c + cipher + CIPHER_ROUND_KEYS;
  const nr = load<i32>(c + cipher);
  const w0 = loadBE32(c + salt);
  const w1 = loadBE32(c + salt + 4) ^ ssrc;
  const w2 = loadBE32(c + salt + 8) ^ <u32>(index >>> 16);
  const w3 = loadBE32(c + salt + 12) ^ (<u32>(index & 0xffff) << 16);
  if (len >= BITSLICED_MIN) {
    ctrXorBitsliced(c + bitsliced, rk, nr, w0, w1, w2, w3, p, len);
  } else {
    ctrXor(rk, nr, w0, w1, w2, w3, p, len);
  }
}

// GCM's counter-mode half (SP 800-38D §7.1 step 3), by payload length as cmXor.
// @ts-ignore: decorator
@inline
function gcmEncryptBy(c: usize, cipher: usize, bitsliced: usize, p: usize, len: usize): void {
  if (len >= BITSLICED_MIN) gcmEncryptBitsliced(c + cipher, c + bitsliced, p, len);
  else gcmEncrypt(c + cipher, p, len);
}

// @ts-ignore: decorator
@inline
function gcmDecryptBy(c: usize, cipher: usize, bitsliced: usize, p: usize, len: usize): void {
  if (len >= BITSLICED_MIN) gcmDecryptBitsliced(c + cipher, c + bitsliced, p, len);
  else gcmDecrypt(c + cipher, p, len);
}

// RFC 7714 §8.1 (RTP): IV = (00 00 || SSRC || ROC || SEQ) XOR salt, and §9.1 (RTCP):
// (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt; both 12 octets.
function gcmNonce(c: usize, salt: usize, w0: u32, w1: u32, w2: u32): void {
  storeBE32(NONCE, loadBE32(c + salt) ^ w0);
  storeBE32(NONCE + 4, loadBE32(c + salt + 4) ^ w1);
  storeBE32(NONCE + 8, loadBE32(c + salt + 8) ^ w2);
}

export function protectRtp(c: usize, p: usize, len: i32): i32 {
  if (len > SRTP_MAX_PACKET) return ERR_MALFORMED;
  const h = rtpHeaderLength(p, len);
  if (h < 0) return ERR_MALFORMED;
  const seq = loadBE16(p + 2);
  const ssrc = loadBE32(p + 8);
  let s = contextFindStream(c, ssrc);
  if (s == 0 && !contextCanAddStream(c)) return ERR_NO_CAPACITY;
  let index: i64;
  if (s != 0 && load<u32>(s + S_FLAGS) & F_RTP_TX) {
    index = estimateIndex(load<u64>(s + S_RTP_TX_HIGHEST), seq);
    if (index == TOO_OLD) return ERR_REPLAY;
    if (index == WRAPS) return ERR_INDEX_EXHAUSTED;
  } else {
    index = (<i64>(s != 0 ? load<u32>(s + S_RTP_TX_ROC) : 0) << 16) | <i64>seq;
  }
  if (s == 0) s = contextAddStream(c, ssrc);
  const flags = load<u32>(s + S_FLAGS);
  if (!(flags & F_RTP_TX) || <u64>index > load<u64>(s + S_RTP_TX_HIGHEST)) store<u64>(s + S_RTP_TX_HIGHEST, <u64>index);
  store<u32>(s + S_FLAGS, flags | F_RTP_TX);

  const roc = <u32>(<u64>index >>> 16);
  const body = <usize>(len - h);
  const tag = load<i32>(c + C_RTP_TAG);
  if (profileIsGcm(load<i32>(c + C_PROFILE))) {
    const k = c + C_RTP_CIPHER;
    gcmNonce(c, C_RTP_SALT, ssrc >>> 16, (ssrc << 16) | (roc >>> 16), (roc << 16) | seq);
    gcmBegin(k, NONCE);
    gcmAad(k, p, <usize>h);
    gcmEncryptBy(c, C_RTP_CIPHER, C_RTP_BITSLICED, p + <usize>h, body);
    gcmTag(k, <usize>h, body, p + <usize>len);
  } else {
    cmXor(c, C_RTP_CIPHER, C_RTP_BITSLICED, C_RTP_SALT, ssrc, <u64>index, p + <usize>h, body);
    // RFC 3711 §4.2: the tag covers the authenticated portion || ROC.
    storeBE32(p + <usize>len, roc);
    hmacSha1(c + C_RTP_AUTH, p, <usize>len + 4, MAC);
    memory.copy(p + <usize>len, MAC, <usize>tag);
  }
  return len + tag;
}

export function unprotectRtp(c: usize, p: usize, len: i32): i32 {
  const tag = load<i32>(c + C_RTP_TAG);
  if (len > SRTP_MAX_PACKET || len < 12 + tag) return ERR_MALFORMED;
  const end = len - tag; // authenticated portion
  const h = rtpHeaderLength(p, end);
  if (h < 0) return ERR_MALFORMED;
  const seq = loadBE16(p + 2);
  const ssrc = loadBE32(p + 8);
  const s = contextFindStream(c, ssrc);
  const known = s != 0 && (load<u32>(s + S_FLAGS) & F_RTP_RX) != 0;
  let index: i64;
  if (known) {
    const highest = load<u64>(s + S_RTP_RX_HIGHEST);
    index = estimateIndex(highest, seq);
    if (index == TOO_OLD) return ERR_REPLAY;
    if (index == WRAPS) return ERR_INDEX_EXHAUSTED;
    if (!replayAcceptable(s + S_RTP_BITMAP, highest, true, <u64>index, load<u32>(c + C_WINDOW))) return ERR_REPLAY;
  } else {
    if (s == 0 && !contextCanAddStream(c)) return ERR_NO_CAPACITY;
    index = (<i64>(s != 0 ? load<u32>(s + S_RTP_RX_ROC) : 0) << 16) | <i64>seq;
  }

  const roc = <u32>(<u64>index >>> 16);
  const body = <usize>(end - h);
  if (profileIsGcm(load<i32>(c + C_PROFILE))) {
    const k = c + C_RTP_CIPHER;
    gcmNonce(c, C_RTP_SALT, ssrc >>> 16, (ssrc << 16) | (roc >>> 16), (roc << 16) | seq);
    gcmBegin(k, NONCE);
    gcmAad(k, p, <usize>h);
    gcmAbsorbCiphertext(k, p + <usize>h, body);
    if (!gcmCheckTag(k, <usize>h, body, p + <usize>end)) return ERR_AUTH;
    gcmDecryptBy(c, C_RTP_CIPHER, C_RTP_BITSLICED, p + <usize>h, body);
  } else {
    // The ROC goes where the tag is, just for the MAC; the tag is put back either way.
    const t = p + <usize>end;
    memory.copy(SAVED_TAG, t, <usize>tag);
    storeBE32(t, roc);
    hmacSha1(c + C_RTP_AUTH, p, <usize>end + 4, MAC);
    memory.copy(t, SAVED_TAG, <usize>tag);
    if (!constantTimeEqual(MAC, SAVED_TAG, <usize>tag)) return ERR_AUTH;
    cmXor(c, C_RTP_CIPHER, C_RTP_BITSLICED, C_RTP_SALT, ssrc, <u64>index, p + <usize>h, body);
  }

  const st = s != 0 ? s : contextAddStream(c, ssrc);
  const highest = load<u64>(st + S_RTP_RX_HIGHEST);
  store<u64>(st + S_RTP_RX_HIGHEST, replayCommit(st + S_RTP_BITMAP, highest, known, <u64>index));
  store<u32>(st + S_FLAGS, load<u32>(st + S_FLAGS) | F_RTP_RX);
  return end;
}

// RFC 3711 §3.4: SRTCP appends E || SRTCP index (and the tag); the first 8 octets stay clear.
export function protectRtcp(c: usize, p: usize, len: i32): i32 {
  if (len > SRTP_MAX_PACKET || len < 8 || load<u8>(p) >> 6 != 2) return ERR_MALFORMED;
  const ssrc = loadBE32(p + 4);
  let s = contextFindStream(c, ssrc);
  if (s == 0 && !contextCanAddStream(c)) return ERR_NO_CAPACITY;
  const index = s != 0 ? load<u32>(s + S_RTCP_TX_NEXT) : 0;
  if (index > 0x7fffffff) return ERR_INDEX_EXHAUSTED;
  if (s == 0) s = contextAddStream(c, ssrc);
  store<u32>(s + S_RTCP_TX_NEXT, index + 1);
  const word = 0x80000000 | index; // E = 1: we always encrypt
  const body = <usize>(len - 8);
  const tag = load<i32>(c + C_RTCP_TAG);
  if (profileIsGcm(load<i32>(c + C_PROFILE))) {
    // RFC 7714 §9.2: AAD = first 8 octets || ESRTCP word; the tag precedes the word.
    const k = c + C_RTCP_CIPHER;
    gcmNonce(c, C_RTCP_SALT, ssrc >>> 16, ssrc << 16, index);
    memory.copy(RTCP_AAD, p, 8);
    storeBE32(RTCP_AAD + 8, word);
    gcmBegin(k, NONCE);
    gcmAad(k, RTCP_AAD, 12);
    gcmEncryptBy(c, C_RTCP_CIPHER, C_RTCP_BITSLICED, p + 8, body);
    gcmTag(k, 12, body, p + <usize>len);
    storeBE32(p + <usize>len + 16, word);
    return len + 16 + 4;
  }
  cmXor(c, C_RTCP_CIPHER, C_RTCP_BITSLICED, C_RTCP_SALT, ssrc, <u64>index, p + 8, body);
  storeBE32(p + <usize>len, word);
  hmacSha1(c + C_RTCP_AUTH, p, <usize>len + 4, MAC);
  memory.copy(p + <usize>len + 4, MAC, <usize>tag);
  return len + 4 + tag;
}

export function unprotectRtcp(c: usize, p: usize, len: i32): i32 {
  const tag = load<i32>(c + C_RTCP_TAG);
  if (len > SRTP_MAX_PACKET || len < 8 + 4 + tag || load<u8>(p) >> 6 != 2) return ERR_MALFORMED;
  const gcm = profileIsGcm(load<i32>(c + C_PROFILE));
  // CM: ... || E+index || tag. GCM: ... || tag || E+index (RFC 7714 §9.3 figure).
  const wordAt = p + <usize>(gcm ? len - 4 : len - tag - 4);
  const word = loadBE32(wordAt);
  const encrypted = (word & 0x80000000) != 0;
  const index = word & 0x7fffffff;
  const ssrc = loadBE32(p + 4);
  const s = contextFindStream(c, ssrc);
  const known = s != 0 && (load<u32>(s + S_FLAGS) & F_RTCP_RX) != 0;
  if (known) {
    const highest = load<u64>(s + S_RTCP_RX_HIGHEST);
    if (!replayAcceptable(s + S_RTCP_BITMAP, highest, true, <u64>index, load<u32>(c + C_WINDOW))) return ERR_REPLAY;
  } else if (s == 0 && !contextCanAddStream(c)) {
    return ERR_NO_CAPACITY;
  }

  let out: i32;
  if (gcm) {
    const k = c + C_RTCP_CIPHER;
    const end = len - 4 - 16; // header + payload
    gcmNonce(c, C_RTCP_SALT, ssrc >>> 16, ssrc << 16, index);
    gcmBegin(k, NONCE);
    if (encrypted) {
      memory.copy(RTCP_AAD, p, 8);
      storeBE32(RTCP_AAD + 8, word);
      gcmAad(k, RTCP_AAD, 12);
      gcmAbsorbCiphertext(k, p + 8, <usize>(end - 8));
      if (!gcmCheckTag(k, 12, <usize>(end - 8), p + <usize>end)) return ERR_AUTH;
      gcmDecryptBy(c, C_RTCP_CIPHER, C_RTCP_BITSLICED, p + 8, <usize>(end - 8));
    } else {
      // E = 0: the whole packet and the word are AAD, nothing is encrypted (§9.2).
      gcmAad(k, p, <usize>end);
      gcmAad(k, wordAt, 4);
      if (!gcmCheckTag(k, <usize>end + 4, 0, p + <usize>end)) return ERR_AUTH;
    }
    out = end;
  } else {
    const end = len - tag; // authenticated portion, ending with the word
    hmacSha1(c + C_RTCP_AUTH, p, <usize>end, MAC);
    if (!constantTimeEqual(MAC, p + <usize>end, <usize>tag)) return ERR_AUTH;
    out = end - 4;
    if (encrypted) cmXor(c, C_RTCP_CIPHER, C_RTCP_BITSLICED, C_RTCP_SALT, ssrc, <u64>index, p + 8, <usize>(out - 8));
  }

  const st = s != 0 ? s : contextAddStream(c, ssrc);
  const highest = load<u64>(st + S_RTCP_RX_HIGHEST);
  store<u64>(st + S_RTCP_RX_HIGHEST, replayCommit(st + S_RTCP_BITMAP, highest, known, <u64>index));
  store<u32>(st + S_FLAGS, load<u32>(st + S_FLAGS) | F_RTCP_RX);
  return out;
}
