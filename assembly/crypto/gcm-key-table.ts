// The bounded table of AES-GCM keys the host addresses by handle (DTLS record
// protection, RFC 5288). Bound: GCM_KEY_SLOTS keys alive at once (two per DTLS
// connection), 6.2 KiB each in linear memory (4.3 KiB of round keys and GHASH table,
// 1.9 KiB of bitsliced round keys). A handle carries a generation so a
// disposed handle never reaches a slot's next owner.
import { ERR_INVALID_ARGUMENT, ERR_NO_CAPACITY } from '../abi';
import { AES_BITSLICED_KEYS_SIZE, aesBitslicedKeys } from './aes-bitsliced';
import { GCM_KEY_SIZE, gcmPrepareKey } from './gcm';

export const GCM_KEY_SLOTS: i32 = 2048;
const SLOT_BITS: i32 = 11; // 2^11 = GCM_KEY_SLOTS

const KEYS: usize = memory.data(GCM_KEY_SLOTS * GCM_KEY_SIZE, 64);
// Per slot: the round keys as bitsliced planes (aes-bitsliced.ts), 1.9 KiB.
const BITSLICED: usize = memory.data(GCM_KEY_SLOTS * AES_BITSLICED_KEYS_SIZE, 16);
// Per slot: generation (u32), 0 in bit 31 when free.
const GEN: usize = memory.data(GCM_KEY_SLOTS * 4, 16);
let hint: i32 = 0;

const LIVE: u32 = 0x80000000;

// Creates a key from keyLen bytes at key. Returns a handle (>= 0) or an error code.
export function gcmKeyCreate(key: usize, keyLen: i32): i32 {
  if (keyLen != 16 && keyLen != 32) return ERR_INVALID_ARGUMENT;
  for (let n = 0; n < GCM_KEY_SLOTS; n++) {
    const slot = (hint + n) & (GCM_KEY_SLOTS - 1);
    const g = load<u32>(GEN + (<usize>slot << 2));
    if (g & LIVE) continue;
    const gen = (g + 1) & 0xfffff;
    const k = KEYS + <usize>slot * <usize>GCM_KEY_SIZE;
    gcmPrepareKey(key, keyLen, k);
    aesBitslicedKeys(k + 16, load<i32>(k), BITSLICED + <usize>slot * <usize>AES_BITSLICED_KEYS_SIZE);
    store<u32>(GEN + (<usize>slot << 2), gen | LIVE);
    hint = slot + 1;
    return <i32>((gen << SLOT_BITS) | <u32>slot);
  }
  return ERR_NO_CAPACITY;
}

// The prepared key for a live handle, or 0.
export function gcmKeyPointer(handle: i32): usize {
  if (handle < 0) return 0;
  const slot = handle & (GCM_KEY_SLOTS - 1);
  const gen = <u32>handle >>> SLOT_BITS;
  if (load<u32>(GEN + (<usize>slot << 2)) != (gen | LIVE)) return 0;
  return KEYS + <usize>slot * <usize>GCM_KEY_SIZE;
}

// The bitsliced round keys of a live handle (gcmKeyPointer must have returned non-zero).
export function gcmKeyBitsliced(handle: i32): usize {
  return BITSLICED + <usize>(handle & (GCM_KEY_SLOTS - 1)) * <usize>AES_BITSLICED_KEYS_SIZE;
}

// Frees the slot and wipes the key material. Unknown handles are ignored.
export function gcmKeyDestroy(handle: i32): i32 {
  const k = gcmKeyPointer(handle);
  if (k == 0) return ERR_INVALID_ARGUMENT;
  const slot = handle & (GCM_KEY_SLOTS - 1);
  memory.fill(k, 0, GCM_KEY_SIZE);
  memory.fill(gcmKeyBitsliced(handle), 0, AES_BITSLICED_KEYS_SIZE);
  store<u32>(GEN + (<usize>slot << 2), load<u32>(GEN + (<usize>slot << 2)) & ~LIVE);
  return 0;
}
