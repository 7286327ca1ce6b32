// The record cipher behind a small interface, so the record layer does not care whether
// AES-GCM runs in the WebAssembly core (production) or elsewhere (tests may plug node:crypto).

/** AES-GCM under one key. `seal` returns ciphertext || 16-byte tag; `open` returns null on a bad tag. */
export interface RecordAead {
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null;
  dispose(): void;
}

/** Makes a RecordAead for a 16- or 32-byte key. */
export type RecordAeadFactory = (key: Uint8Array) => RecordAead;
