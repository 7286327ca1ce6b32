// The TLS 1.2 pseudo-random function and everything derived from it: master secret
// (RFC 5246 §8.1, extended per RFC 7627 §4), key block (RFC 5246 §6.3), Finished
// (RFC 5246 §7.4.9) and the keying material exporter (RFC 5705 §4).
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { concatBytes as concat } from './byte-writer.js';

export type PrfHash = 'sha256' | 'sha384';

const HASHES = { sha256, sha384 } as const;

export function hashOf(alg: PrfHash, data: Uint8Array): Uint8Array {
  return HASHES[alg](data);
}

export function hmacOf(alg: PrfHash, key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(HASHES[alg], key, data);
}

/** RFC 5246 §5: P_hash(secret, seed) expanded to `length` bytes. */
export function pHash(alg: PrfHash, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const h = HASHES[alg];
  const keyed = hmac.create(h, secret);
  let a = seed; // A(0)
  let filled = 0;
  while (filled < length) {
    a = keyed.clone().update(a).digest(); // A(i) = HMAC(secret, A(i-1))
    const block = keyed.clone().update(a).update(seed).digest();
    out.set(block.subarray(0, Math.min(block.length, length - filled)), filled);
    filled += block.length;
  }
  return out;
}

/** RFC 5246 §5: PRF(secret, label, seed) = P_<hash>(secret, label + seed). */
export function prf(alg: PrfHash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  return pHash(alg, secret, concat(new TextEncoder().encode(label), seed), length);
}

/** RFC 5246 §8.1 master secret from client_random + server_random. */
export function masterSecret(alg: PrfHash, preMaster: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Uint8Array {
  return prf(alg, preMaster, 'master secret', concat(clientRandom, serverRandom), 48);
}

/** RFC 7627 §4: the extended master secret binds the session hash (through ClientKeyExchange). */
export function extendedMasterSecret(alg: PrfHash, preMaster: Uint8Array, sessionHash: Uint8Array): Uint8Array {
  return prf(alg, preMaster, 'extended master secret', sessionHash, 48);
}

export interface KeyBlock {
  clientWriteKey: Uint8Array;
  serverWriteKey: Uint8Array;
  clientWriteIv: Uint8Array;
  serverWriteIv: Uint8Array;
}

/** RFC 5246 §6.3 with AEAD suites (no MAC keys); seed order is server_random + client_random. */
export function keyBlock(alg: PrfHash, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, keyLen: number, ivLen: number): KeyBlock {
  const kb = prf(alg, master, 'key expansion', concat(serverRandom, clientRandom), 2 * keyLen + 2 * ivLen);
  let o = 0;
  const take = (n: number): Uint8Array => {
    const part = kb.slice(o, o + n);
    o += n;
    return part;
  };
  return { clientWriteKey: take(keyLen), serverWriteKey: take(keyLen), clientWriteIv: take(ivLen), serverWriteIv: take(ivLen) };
}

/** RFC 5246 §7.4.9: verify_data over the hash of every handshake message so far. */
export function finishedVerifyData(alg: PrfHash, master: Uint8Array, fromClient: boolean, transcriptHash: Uint8Array): Uint8Array {
  return prf(alg, master, fromClient ? 'client finished' : 'server finished', transcriptHash, 12);
}

/** RFC 5705 §4: exporter with an optional context (absent ≠ empty: the length prefix is only there with one). */
export function exportKeyingMaterial(alg: PrfHash, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, label: string, context: Uint8Array | undefined, length: number): Uint8Array {
  const seed =
    context === undefined ? concat(clientRandom, serverRandom) : concat(clientRandom, serverRandom, new Uint8Array([context.length >>> 8, context.length & 0xff]), context);
  return prf(alg, master, label, seed, length);
}

