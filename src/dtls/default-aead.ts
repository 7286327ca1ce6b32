// The production record cipher: AES-GCM in the WebAssembly core (DESIGN.md "One AES
// implementation serves SRTP and DTLS records").
import { AesGcmKey } from '../wasm/aes-gcm.js';
import type { RecordAead } from './aead.js';

export function defaultRecordAead(key: Uint8Array): RecordAead {
  return new AesGcmKey(key);
}
