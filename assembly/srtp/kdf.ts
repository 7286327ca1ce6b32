// SRTP key derivation, RFC 3711 §4.3.1 and §4.3.3 (AES-CM PRF), key derivation rate 0
// (so "index DIV kdr" is 0 and keys are derived once per master key). RFC 6188 §7 uses
// the same PRF keyed with AES-256; RFC 7714 §11 feeds it the 96-bit GCM master salt.
import { loadBE32 } from '../crypto/aes';
import { ctrXor } from '../crypto/ctr';

// Labels, RFC 3711 §4.3.2.
export const LABEL_RTP_ENCRYPTION: i32 = 0;
export const LABEL_RTP_AUTH: i32 = 1;
export const LABEL_RTP_SALT: i32 = 2;
export const LABEL_RTCP_ENCRYPTION: i32 = 3;
export const LABEL_RTCP_AUTH: i32 = 4;
export const LABEL_RTCP_SALT: i32 = 5;

// Writes len bytes of PRF output for label. masterSalt is 14 bytes (a 12-byte GCM salt
// is zero-padded at the end by the caller). masterRk/nr: the expanded master key.
export function srtpKdf(masterRk: usize, nr: i32, masterSalt: usize, label: i32, out: usize, len: usize): void {
  // x = key_id XOR master_salt, key_id = label || 48 zero bits, right-aligned in the
  // 112-bit salt, so the label lands on salt octet 7; the PRF input block is x * 2^16.
  const c0 = loadBE32(masterSalt);
  const c1 = loadBE32(masterSalt + 4) ^ <u32>(label & 0xff);
  const c2 = loadBE32(masterSalt + 8);
  const c3 = (<u32>load<u8>(masterSalt + 12) << 24) | (<u32>load<u8>(masterSalt + 13) << 16);
  memory.fill(out, 0, len);
  ctrXor(masterRk, nr, c0, c1, c2, c3, out, len);
}
