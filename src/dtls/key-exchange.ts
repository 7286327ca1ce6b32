// Ephemeral ECDH for ECDHE suites (RFC 8422 §5.10; X25519 per RFC 8422 §5.11).
// The curve arithmetic runs in the WebAssembly core (src/wasm/ec.ts).
import { p256PublicKey, p256RandomSecretKey, p256SharedSecret, x25519, x25519PublicKey } from '../wasm/ec.js';
import { DtlsError } from './errors.js';
import { NAMED_GROUP } from './extensions.js';

export class EcdheKeyPair {
  private constructor(
    readonly group: number,
    private readonly secret: Uint8Array,
    /** X25519: 32 bytes; P-256: uncompressed point (RFC 8422 §5.1.2: the only format). */
    readonly publicKey: Uint8Array,
  ) {}

  static generate(group: number): EcdheKeyPair {
    if (group === NAMED_GROUP.x25519) {
      const secret = crypto.getRandomValues(new Uint8Array(32));
      return new EcdheKeyPair(group, secret, x25519PublicKey(secret));
    }
    if (group === NAMED_GROUP.secp256r1) {
      const secret = p256RandomSecretKey();
      return new EcdheKeyPair(group, secret, p256PublicKey(secret));
    }
    throw new DtlsError('unsupported', `named group ${group}`);
  }

  /** The premaster secret: X25519 output, or the P-256 shared point's x-coordinate (RFC 8422 §5.10). */
  sharedSecret(peerPublic: Uint8Array): Uint8Array {
    try {
      if (this.group === NAMED_GROUP.x25519) {
        if (peerPublic.length !== 32) throw new Error('length');
        const shared = x25519(this.secret, peerPublic);
        // RFC 7748 §6.1: a low-order point gives the all-zero secret; refuse it.
        let any = 0;
        for (const b of shared) any |= b;
        if (any === 0) throw new Error('low-order point');
        return shared;
      }
      if (peerPublic.length !== 65 || peerPublic[0] !== 4) throw new Error('not an uncompressed point');
      const shared = p256SharedSecret(this.secret, peerPublic);
      if (!shared) throw new Error('not a point on P-256');
      return shared;
    } catch (e) {
      throw new DtlsError('crypto', `peer ECDH public key rejected: ${(e as Error).message}`);
    }
  }
}
