// X25519 (RFC 7748 §5): the Montgomery ladder on curve25519's u-coordinate. Each of the
// 255 steps does the same field operations whatever the scalar bit, and the bit only
// enters through fe25519CondSwap's mask: no branch or memory index depends on the scalar.
import {
  fe25519Add,
  fe25519CondSwap,
  fe25519Copy,
  fe25519FromBytes,
  fe25519Invert,
  fe25519Mul,
  fe25519MulA24,
  fe25519SetSmall,
  fe25519Sq,
  fe25519Sub,
  fe25519ToBytes,
} from './fe25519';

const X1: usize = memory.data(80, 16);
const X2: usize = memory.data(80, 16);
const Z2: usize = memory.data(80, 16);
const X3: usize = memory.data(80, 16);
const Z3: usize = memory.data(80, 16);
const A: usize = memory.data(80, 16);
const AA: usize = memory.data(80, 16);
const B: usize = memory.data(80, 16);
const BB: usize = memory.data(80, 16);
const E: usize = memory.data(80, 16);
const C: usize = memory.data(80, 16);
const D: usize = memory.data(80, 16);
const DA: usize = memory.data(80, 16);
const CB: usize = memory.data(80, 16);
const T: usize = memory.data(80, 16);
const K: usize = memory.data(32, 16);

// out (32 bytes) = X25519(scalar, u), all little-endian byte strings. out may alias the
// inputs. The all-zero output for a low-order u is returned as is; callers that must
// refuse it (RFC 7748 §6.1) check it.
export function x25519(out: usize, scalar: usize, u: usize): void {
  // decodeScalar25519 (RFC 7748 §5): clear the 3 low bits, clear bit 255, set bit 254.
  memory.copy(K, scalar, 32);
  store<u8>(K, load<u8>(K) & 248);
  store<u8>(K, (load<u8>(K, 31) & 127) | 64, 31);
  fe25519FromBytes(X1, u);
  fe25519SetSmall(X2, 1);
  fe25519SetSmall(Z2, 0);
  fe25519Copy(X3, X1);
  fe25519SetSmall(Z3, 1);
  let swap: i64 = 0;
  for (let t = 254; t >= 0; t--) {
    const bit = <i64>((load<u8>(K + (<usize>t >> 3)) >> (<u8>t & 7)) & 1);
    swap ^= bit;
    fe25519CondSwap(X2, X3, swap);
    fe25519CondSwap(Z2, Z3, swap);
    swap = bit;
    fe25519Add(A, X2, Z2);
    fe25519Sq(AA, A);
    fe25519Sub(B, X2, Z2);
    fe25519Sq(BB, B);
    fe25519Sub(E, AA, BB);
    fe25519Add(C, X3, Z3);
    fe25519Sub(D, X3, Z3);
    fe25519Mul(DA, D, A);
    fe25519Mul(CB, C, B);
    fe25519Add(T, DA, CB);
    fe25519Sq(X3, T);
    fe25519Sub(T, DA, CB);
    fe25519Sq(T, T);
    fe25519Mul(Z3, X1, T);
    fe25519Mul(X2, AA, BB);
    fe25519MulA24(T, E);
    fe25519Add(T, AA, T);
    fe25519Mul(Z2, E, T);
  }
  fe25519CondSwap(X2, X3, swap);
  fe25519CondSwap(Z2, Z3, swap);
  fe25519Invert(T, Z2);
  fe25519Mul(X2, X2, T);
  fe25519ToBytes(out, X2);
  memory.fill(K, 0, 32);
}
