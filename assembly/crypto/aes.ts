// AES-128 and AES-256 encryption (FIPS-197). Only the forward cipher is needed: SRTP
// (AES-CM, RFC 3711 §4.1.1) and GCM (NIST SP 800-38D) both use AES as a keystream
// generator. One implementation serves SRTP and DTLS records (DESIGN.md); DTLS records
// run their counter mode through the bitsliced eight-block form in aes-bitsliced.ts.
//
// Round function: four 1 KiB "T-tables" that fold SubBytes, ShiftRows and MixColumns
// into one lookup per byte. Fast in WebAssembly, but the table index depends on key and
// data, so a process sharing the CPU cache could in principle time it; see the constant-time
// note in src/srtp/index.ts. Tables are computed at instantiation (no data segment).

// Byte S-box, then Te0..Te3 (256 u32 each, big-endian column words).
export const SBOX: usize = memory.data(256, 16);
export const TE: usize = memory.data(4 * 1024, 64);
// Final-round table: S-box value in every byte position we need, as a u32 (avoids
// separate byte loads and shifts in the last round).
export const TE4: usize = memory.data(1024, 64);

// Round keys: at most 15 rounds * 16 bytes for AES-256.
export const AES_ROUND_KEYS_SIZE: i32 = 240;

function rotl8(x: u32, n: u32): u32 {
  return ((x << n) | (x >>> (8 - n))) & 0xff;
}

function xtime(x: u32): u32 {
  return ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff;
}

function buildTables(): void {
  // FIPS-197 §5.1.1: S(x) = affine(x^-1). Walk the multiplicative group with the
  // generator 3: p runs over 3^k and q over 3^-k, so q is the inverse of p.
  let p: u32 = 1;
  let q: u32 = 1;
  do {
    p = (p ^ (p << 1) ^ (p & 0x80 ? 0x1b : 0)) & 0xff;
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const s = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4);
    store<u8>(SBOX + p, <u8>(s ^ 0x63));
  } while (p != 1);
  store<u8>(SBOX, 0x63);
  for (let i: u32 = 0; i < 256; i++) {
    const s = <u32>load<u8>(SBOX + i);
    const s2 = xtime(s);
    const s3 = s2 ^ s;
    // MixColumns column (2s, s, s, 3s), most significant byte first.
    const t0 = (s2 << 24) | (s << 16) | (s << 8) | s3;
    store<u32>(TE + (i << 2), t0);
    store<u32>(TE + 1024 + (i << 2), rotr<u32>(t0, 8));
    store<u32>(TE + 2048 + (i << 2), rotr<u32>(t0, 16));
    store<u32>(TE + 3072 + (i << 2), rotr<u32>(t0, 24));
    store<u32>(TE4 + (i << 2), s * 0x01010101);
  }
}
buildTables();

// @ts-ignore: decorator
@inline
export function bswap32(x: u32): u32 {
  return (rotl<u32>(x, 8) & 0x00ff00ff) | (rotr<u32>(x, 8) & 0xff00ff00);
}

// @ts-ignore: decorator
@inline
export function loadBE32(p: usize): u32 {
  return bswap32(load<u32>(p));
}

// @ts-ignore: decorator
@inline
export function storeBE32(p: usize, v: u32): void {
  store<u32>(p, bswap32(v));
}

function subWord(w: u32): u32 {
  return (
    (<u32>load<u8>(SBOX + (w >>> 24)) << 24) |
    (<u32>load<u8>(SBOX + ((w >>> 16) & 0xff)) << 16) |
    (<u32>load<u8>(SBOX + ((w >>> 8) & 0xff)) << 8) |
    <u32>load<u8>(SBOX + (w & 0xff))
  );
}

// FIPS-197 §5.2 KeyExpansion. keyLen is 16 or 32 bytes; round keys are written as
// big-endian words to rk (AES_ROUND_KEYS_SIZE bytes). Returns the round count Nr
// (10 or 14), or 0 for an unsupported key length.
export function aesExpandKey(key: usize, keyLen: i32, rk: usize): i32 {
  if (keyLen != 16 && keyLen != 32) return 0;
  const nk = keyLen >> 2;
  const nr = nk + 6;
  const total = 4 * (nr + 1);
  for (let i = 0; i < nk; i++) store<u32>(rk + (<usize>i << 2), loadBE32(key + (<usize>i << 2)));
  let rcon: u32 = 1;
  for (let i = nk; i < total; i++) {
    let t = load<u32>(rk + (<usize>(i - 1) << 2));
    if (i % nk == 0) {
      t = subWord(rotl<u32>(t, 8)) ^ (rcon << 24);
      rcon = xtime(rcon);
    } else if (nk > 6 && i % nk == 4) {
      t = subWord(t);
    }
    store<u32>(rk + (<usize>i << 2), load<u32>(rk + (<usize>(i - nk) << 2)) ^ t);
  }
  return nr;
}

// Output of the last aesEncryptWords call (four big-endian words), kept in globals so
// the hot path needs no memory round trip.
export let aesOut0: u32 = 0;
export let aesOut1: u32 = 0;
export let aesOut2: u32 = 0;
export let aesOut3: u32 = 0;

// Table lookups: the byte at bit offset 24/16/8/0 of a word, scaled to a u32 index in
// one shift and one mask, with the table base folded into the load's offset.
// @ts-ignore: decorator
@inline
export function te0(w: u32): u32 {
  return load<u32>((w >>> 22) & 0x3fc, TE);
}
// @ts-ignore: decorator
@inline
export function te1(w: u32): u32 {
  return load<u32>((w >>> 14) & 0x3fc, TE + 1024);
}
// @ts-ignore: decorator
@inline
export function te2(w: u32): u32 {
  return load<u32>((w >>> 6) & 0x3fc, TE + 2048);
}
// @ts-ignore: decorator
@inline
export function te3(w: u32): u32 {
  return load<u32>((w << 2) & 0x3fc, TE + 3072);
}

// Runs the rounds from the round key at k to the last one (at rk + 16 * nr) on a state
// that has already been through the rounds before k; result in aesOut0..3.
// @ts-ignore: decorator
@inline
export function aesRoundsFrom(rk: usize, nr: i32, k0: usize, i0: u32, i1: u32, i2: u32, i3: u32): void {
  let s0 = i0;
  let s1 = i1;
  let s2 = i2;
  let s3 = i3;
  let k = k0;
  const last = rk + (<usize>nr << 4);
  while (k < last) {
    const t0 = te0(s0) ^ te1(s1) ^ te2(s2) ^ te3(s3) ^ load<u32>(k);
    const t1 = te0(s1) ^ te1(s2) ^ te2(s3) ^ te3(s0) ^ load<u32>(k, 4);
    const t2 = te0(s2) ^ te1(s3) ^ te2(s0) ^ te3(s1) ^ load<u32>(k, 8);
    const t3 = te0(s3) ^ te1(s0) ^ te2(s1) ^ te3(s2) ^ load<u32>(k, 12);
    s0 = t0;
    s1 = t1;
    s2 = t2;
    s3 = t3;
    k += 16;
  }
  // Last round: SubBytes and ShiftRows only (FIPS-197 §5.1).
  aesOut0 =
    ((load<u32>((s0 >>> 22) & 0x3fc, TE4) & 0xff000000) |
      (load<u32>((s1 >>> 14) & 0x3fc, TE4) & 0x00ff0000) |
      (load<u32>((s2 >>> 6) & 0x3fc, TE4) & 0x0000ff00) |
      (load<u32>((s3 << 2) & 0x3fc, TE4) & 0x000000ff)) ^
    load<u32>(last);
  aesOut1 =
    ((load<u32>((s1 >>> 22) & 0x3fc, TE4) & 0xff000000) |
      (load<u32>((s2 >>> 14) & 0x3fc, TE4) & 0x00ff0000) |
      (load<u32>((s3 >>> 6) & 0x3fc, TE4) & 0x0000ff00) |
      (load<u32>((s0 << 2) & 0x3fc, TE4) & 0x000000ff)) ^
    load<u32>(last, 4);
  aesOut2 =
    ((load<u32>((s2 >>> 22) & 0x3fc, TE4) & 0xff000000) |
      (load<u32>((s3 >>> 14) & 0x3fc, TE4) & 0x00ff0000) |
      (load<u32>((s0 >>> 6) & 0x3fc, TE4) & 0x0000ff00) |
      (load<u32>((s1 << 2) & 0x3fc, TE4) & 0x000000ff)) ^
    load<u32>(last, 8);
  aesOut3 =
    ((load<u32>((s3 >>> 22) & 0x3fc, TE4) & 0xff000000) |
      (load<u32>((s0 >>> 14) & 0x3fc, TE4) & 0x00ff0000) |
      (load<u32>((s1 >>> 6) & 0x3fc, TE4) & 0x0000ff00) |
      (load<u32>((s2 << 2) & 0x3fc, TE4) & 0x000000ff)) ^
    load<u32>(last, 12);
}

// Encrypts one block given as four big-endian words; result in aesOut0..3.
// @ts-ignore: decorator
@inline
export function aesEncryptWords(rk: usize, nr: i32, i0: u32, i1: u32, i2: u32, i3: u32): void {
  aesRoundsFrom(rk, nr, rk + 16, i0 ^ load<u32>(rk), i1 ^ load<u32>(rk, 4), i2 ^ load<u32>(rk, 8), i3 ^ load<u32>(rk, 12));
}
