// SHA-1 and HMAC-SHA1 through the WebAssembly core (assembly/crypto/sha1.ts, hmac.ts).
// STUN MESSAGE-INTEGRITY (RFC 8489 §14.5) is the host-side user; SRTP authenticates
// inside the core without crossing this boundary.
import { wasmCore } from './instance.js';

interface HashExports {
  sha1Begin(): number;
  sha1Feed(len: number): number;
  sha1End(): number;
  hmacSha1Begin(keyLen: number): number;
  hmacSha1Feed(len: number): number;
  hmacSha1End(): number;
}

let cached: { fns: HashExports; io: Uint8Array } | undefined;

function exportsOf(): { fns: HashExports; io: Uint8Array } {
  if (!cached) {
    const core = wasmCore();
    cached = { fns: core.fns as unknown as HashExports, io: core.io };
  }
  return cached;
}

// Inputs larger than the I/O region go through it in pieces.
function feed(io: Uint8Array, data: Uint8Array, fn: (len: number) => number): void {
  for (let off = 0; off < data.length; off += io.length) {
    const n = Math.min(io.length, data.length - off);
    io.set(data.subarray(off, off + n));
    fn(n);
  }
}

/** SHA-1 digest (20 bytes) of data. */
export function sha1(data: Uint8Array): Uint8Array {
  const { fns, io } = exportsOf();
  fns.sha1Begin();
  feed(io, data, (n) => fns.sha1Feed(n));
  fns.sha1End();
  return io.slice(0, 20);
}

/** HMAC-SHA1 (RFC 2104) of data under key (any length); 20 bytes. */
export function hmacSha1(key: Uint8Array, data: Uint8Array): Uint8Array {
  const { fns, io } = exportsOf();
  // Keys longer than the region would be hashed first anyway (RFC 2104 §2).
  const k = key.length > io.length ? sha1(key) : key;
  io.set(k);
  fns.hmacSha1Begin(k.length);
  feed(io, data, (n) => fns.hmacSha1Feed(n));
  fns.hmacSha1End();
  return io.slice(0, 20);
}
