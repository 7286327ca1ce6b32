// The handshake transcript (RFC 5246 §7.4.9, RFC 6347 §4.2.6): every handshake message
// from the ClientHello that got through (not the cookie-less one, not HelloVerifyRequest),
// each as if it had been sent unfragmented.
import { concatBytes } from './byte-writer.js';
import { transcriptBytes } from './handshake.js';
import { type PrfHash, hashOf } from './prf.js';

export class Transcript {
  private parts: Uint8Array[] = [];

  add(msgType: number, messageSeq: number, body: Uint8Array): void {
    this.parts.push(transcriptBytes(msgType, messageSeq, body));
  }

  clear(): void {
    this.parts = [];
  }

  /** All messages so far, concatenated (CertificateVerify signs this). */
  bytes(): Uint8Array {
    return concatBytes(...this.parts);
  }

  hash(alg: PrfHash): Uint8Array {
    return hashOf(alg, this.bytes());
  }
}
