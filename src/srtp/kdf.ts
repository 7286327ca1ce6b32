// The SRTP key derivation PRF (RFC 3711 §4.3.3), exposed for vectors and diagnostics;
// contexts derive their own keys inside the core.
import { CORE_PROFILE, srtpCore } from '../wasm/srtp.js';
import { SRTP_PROFILES, type SrtpProfile } from './profiles.js';

/** RFC 3711 §4.3.2 labels. */
export const SRTP_KDF_LABEL = {
  rtpEncryption: 0,
  rtpAuthentication: 1,
  rtpSalt: 2,
  rtcpEncryption: 3,
  rtcpAuthentication: 4,
  rtcpSalt: 5,
} as const;

/** length (0..256) bytes of PRF output for label under a profile's master key and salt. */
export function srtpDeriveKey(
  profile: SrtpProfile,
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  label: number,
  length: number,
): Uint8Array {
  const p = SRTP_PROFILES[profile];
  if (!p || masterKey.length !== p.keyLength || masterSalt.length !== p.saltLength) {
    throw new DOMException(`master key/salt lengths do not match ${String(profile)}`, 'InvalidAccessError');
  }
  const { fns, io } = srtpCore();
  io.set(masterKey, 0);
  io.set(masterSalt, masterKey.length);
  const n = fns.srtpKdfOutput(CORE_PROFILE[profile], label, length);
  if (n < 0) throw new DOMException('label must be 0..255 and length 0..256', 'InvalidAccessError');
  const out = io.slice(0, n);
  io.fill(0, 0, Math.max(n, masterKey.length + masterSalt.length));
  return out;
}
