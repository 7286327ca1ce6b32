// AES-GCM (NIST SP 800-38D, 96-bit nonce, 128-bit tag) through the WebAssembly core,
// for DTLS 1.2 record protection (RFC 5288, TLS_ECDHE_*_WITH_AES_128/256_GCM_*).
//
// Keys live in a bounded table in the core's linear memory (assembly/crypto/
// gcm-key-table.ts): at most GCM_KEY_SLOTS = 2048 keys alive per process, 6.2 KiB each
// (round keys, bitsliced round keys and a GHASH table). A key holds its slot until
// dispose(); creating one more than the bound throws a QuotaExceededError. Counter mode
// runs bitsliced, eight blocks per step (assembly/crypto/aes-bitsliced.ts).
import { wasmCore } from './instance.js';

interface GcmExports {
  gcmKeyNew(keyLen: number): number;
  gcmKeyFree(handle: number): number;
  gcmSeal(handle: number, aadLen: number, len: number): number;
  gcmOpen(handle: number, aadLen: number, sealedLen: number): number;
}

/** Keys alive at once in one process (the core's table bound). */
export const GCM_KEY_SLOTS = 2048;
// Frees a key's slot if its owner forgets dispose() (the table is bounded).
const finalizer = new FinalizationRegistry<number>((handle) => {
  (wasmCore().fns as unknown as GcmExports).gcmKeyFree(handle);
});

const DATA_OFFSET = 16; // nonce (12) | spare (4) | AAD | data — assembly/crypto/exports.ts
const TAG_LENGTH = 16;
const NONCE_LENGTH = 12;

export class AesGcmKey {
  #handle: number;
  readonly #fns: GcmExports;
  readonly #io: Uint8Array;

  /** key: 16 bytes (AES-128) or 32 bytes (AES-256). */
  constructor(key: Uint8Array) {
    if (!(key instanceof Uint8Array) || (key.length !== 16 && key.length !== 32)) {
      throw new DOMException('AES-GCM key must be a Uint8Array of 16 or 32 bytes', 'InvalidAccessError');
    }
    const core = wasmCore();
    this.#fns = core.fns as unknown as GcmExports;
    this.#io = core.io;
    this.#io.set(key);
    const handle = this.#fns.gcmKeyNew(key.length);
    this.#io.fill(0, 0, key.length);
    if (handle < 0) {
      throw new DOMException(
        `no free AES-GCM key slot (${GCM_KEY_SLOTS} keys alive): dispose() keys that are no longer used`,
        'QuotaExceededError',
      );
    }
    this.#handle = handle;
    finalizer.register(this, handle, this);
  }

  /** Encrypts plaintext; returns ciphertext || 16-byte tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    this.#check(nonce, aad, plaintext.length + TAG_LENGTH);
    const n = this.#sealInIo(nonce, aad, plaintext);
    const at = DATA_OFFSET + aad.length;
    return this.#io.slice(at, at + n);
  }

  /**
   * Like seal, but writes ciphertext || tag into `out` at `offset` instead of allocating:
   * a DTLS record is built in one buffer (header, explicit nonce, sealed fragment).
   * Returns the bytes written (plaintext length + 16).
   */
  sealInto(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): number {
    this.#check(nonce, aad, plaintext.length + TAG_LENGTH);
    if (!(offset >= 0 && offset + plaintext.length + TAG_LENGTH <= out.length)) {
      throw new DOMException('AES-GCM output buffer too small for ciphertext and tag', 'OperationError');
    }
    const n = this.#sealInIo(nonce, aad, plaintext);
    const at = DATA_OFFSET + aad.length;
    out.set(this.#io.subarray(at, at + n), offset);
    return n;
  }

  /** Verifies and decrypts ciphertext || tag; null when authentication fails. */
  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
    this.#check(nonce, aad, sealed.length);
    if (sealed.length < TAG_LENGTH) return null;
    const n = this.#openInIo(nonce, aad, sealed);
    if (n < 0) return null;
    const at = DATA_OFFSET + aad.length;
    return this.#io.slice(at, at + n);
  }

  /**
   * Like open, but writes the plaintext into `out` at `offset` (room for sealed.length - 16
   * bytes needed). Returns the plaintext length, or -1 when authentication fails (then
   * nothing is written).
   */
  openInto(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, out: Uint8Array, offset: number): number {
    this.#check(nonce, aad, sealed.length);
    if (sealed.length < TAG_LENGTH) return -1;
    if (!(offset >= 0 && offset + sealed.length - TAG_LENGTH <= out.length)) {
      throw new DOMException('AES-GCM output buffer too small for the plaintext', 'OperationError');
    }
    const n = this.#openInIo(nonce, aad, sealed);
    if (n < 0) return -1;
    const at = DATA_OFFSET + aad.length;
    out.set(this.#io.subarray(at, at + n), offset);
    return n;
  }

  /**
   * Nonce at 0, AAD at DATA_OFFSET, plaintext right after it; the core seals in place, so
   * ciphertext || tag stands at DATA_OFFSET + aad.length. Returns its length.
   */
  #sealInIo(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): number {
    const io = this.#io;
    io.set(nonce, 0);
    io.set(aad, DATA_OFFSET);
    io.set(plaintext, DATA_OFFSET + aad.length);
    const n = this.#fns.gcmSeal(this.#handle, aad.length, plaintext.length);
    if (n < 0) throw new DOMException('AES-GCM seal failed', 'OperationError');
    return n;
  }

  /** As #sealInIo for opening: the plaintext length at DATA_OFFSET + aad.length, or < 0 when authentication fails. */
  #openInIo(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): number {
    const io = this.#io;
    io.set(nonce, 0);
    io.set(aad, DATA_OFFSET);
    io.set(sealed, DATA_OFFSET + aad.length);
    return this.#fns.gcmOpen(this.#handle, aad.length, sealed.length);
  }

  /** Wipes the key and frees its slot; the object is unusable afterwards. */
  dispose(): void {
    if (this.#handle < 0) return;
    this.#fns.gcmKeyFree(this.#handle);
    finalizer.unregister(this);
    this.#handle = -1;
  }

  #check(nonce: Uint8Array, aad: Uint8Array, bodyLength: number): void {
    if (this.#handle < 0) throw new DOMException('AES-GCM key was disposed', 'InvalidStateError');
    if (nonce.length !== NONCE_LENGTH) {
      throw new DOMException('AES-GCM nonce must be 12 bytes', 'InvalidAccessError');
    }
    if (DATA_OFFSET + aad.length + bodyLength > this.#io.length) {
      throw new DOMException(
        `AES-GCM message too large: AAD + data + tag must fit ${this.#io.length - DATA_OFFSET} bytes`,
        'OperationError',
      );
    }
  }
}
