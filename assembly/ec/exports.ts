// Elliptic-curve exports of the core, for the host wrapper src/wasm/ec.ts. Inputs and
// outputs travel through the I/O region (assembly/io.ts) at the fixed offsets given per
// function; every function returns a length or a negative code from abi.ts, never traps.
import { ERR_MALFORMED } from '../abi';
import { IO_REGION } from '../io';
import { p256Ecdh, p256PublicKey, p256SignDeterministic, p256Verify } from './p256-ecdsa';
import { x25519 } from './x25519';

// X25519 (RFC 7748 §5). In: scalar at 0..32, u-coordinate at 32..64. Out: 32 bytes at 0.
export function ecX25519(): i32 {
  x25519(IO_REGION, IO_REGION, IO_REGION + 32);
  return 32;
}

// P-256 public key. In: private key d (32 bytes) at 0. Out: 04|x|y (65 bytes) at 32.
export function ecP256PublicKey(): i32 {
  return p256PublicKey(IO_REGION + 32, IO_REGION);
}

// P-256 ECDH. In: d at 0..32, the peer's SEC 1 point (65 or 33 bytes) at 32. Out: the
// shared x-coordinate (32 bytes) at 0.
export function ecP256Ecdh(pointLen: i32): i32 {
  if (pointLen != 65 && pointLen != 33) return ERR_MALFORMED;
  return p256Ecdh(IO_REGION, IO_REGION, IO_REGION + 32, pointLen);
}

// ECDSA P-256 sign with RFC 6979 deterministic k and low S. In: d at 0, the 32-byte hash at
// 32. Out: r|s (64 bytes) at 96.
export function ecP256Sign(): i32 {
  return p256SignDeterministic(IO_REGION + 96, IO_REGION, IO_REGION + 32);
}

// ECDSA P-256 verify. In: hash at 0, r at 32, s at 64, the SEC 1 public key at 96.
// Returns 1 valid, 0 invalid, ERR_MALFORMED for a public key that is not a curve point.
export function ecP256Verify(pointLen: i32): i32 {
  if (pointLen != 65 && pointLen != 33) return ERR_MALFORMED;
  return p256Verify(IO_REGION, IO_REGION + 32, IO_REGION + 64, IO_REGION + 96, pointLen);
}
