// X25519 as the DTLS key exchange uses it (@noble/curves) against RFC 7748's vectors (§5.2
// single and iterated, §6.1 Diffie-Hellman); low-order points are refused.
import { x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import { NAMED_GROUP } from '../../src/dtls/extensions';
import { EcdheKeyPair } from '../../src/dtls/key-exchange';

const x25519 = (k: Uint8Array, u: Uint8Array): Uint8Array => nobleX25519.scalarMult(k, u);

const BASE = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 9 : 0));
const x25519PublicKey = (k: Uint8Array): Uint8Array => x25519(k, BASE);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

describe('X25519 (RFC 7748)', () => {
  it('key pairs from the key exchange agree (their public keys are X25519(k, 9))', () => {
    // EcdheKeyPair makes public keys on the Edwards form; they must equal the ladder's.
    for (let i = 0; i < 5; i++) {
      const a = EcdheKeyPair.generate(NAMED_GROUP.x25519);
      const b = EcdheKeyPair.generate(NAMED_GROUP.x25519);
      expect(hex(a.sharedSecret(b.publicKey))).toBe(hex(b.sharedSecret(a.publicKey)));
    }
  });

  it('§5.2 test vectors', () => {
    expect(hex(x25519(bytes('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'), bytes('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c')))).toBe(
      'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
    );
    // The second vector's u has its top bit set: it must be ignored.
    expect(hex(x25519(bytes('4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d'), bytes('e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493')))).toBe(
      '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957',
    );
  });

  it('§5.2 iterated: 1 and 1000 iterations', () => {
    let k: Uint8Array = bytes(`09${'00'.repeat(31)}`);
    let u: Uint8Array = k.slice();
    for (let i = 1; i <= 1000; i++) {
      const r = x25519(k, u);
      u = k;
      k = r;
      if (i === 1) expect(hex(k)).toBe('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079');
    }
    expect(hex(k)).toBe('684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51');
  });

  it('§6.1 Diffie-Hellman', () => {
    const a = bytes('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const b = bytes('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    const pa = x25519PublicKey(a);
    const pb = x25519PublicKey(b);
    expect(hex(pa)).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(hex(pb)).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const k = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(hex(x25519(a, pb))).toBe(k);
    expect(hex(x25519(b, pa))).toBe(k);
  });

  it('the key exchange refuses low-order peer keys (all-zero secret, RFC 7748 §6.1) and wrong lengths', () => {
    const mine = EcdheKeyPair.generate(NAMED_GROUP.x25519);
    const lowOrder = [
      '00'.repeat(32),
      `01${'00'.repeat(31)}`,
      'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
      '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    ];
    for (const u of lowOrder) expect(() => mine.sharedSecret(bytes(u))).toThrow(expect.objectContaining({ code: 'crypto' }));
    expect(() => mine.sharedSecret(new Uint8Array(31))).toThrow(expect.objectContaining({ code: 'crypto' }));
    // Two fresh key pairs agree.
    const other = EcdheKeyPair.generate(NAMED_GROUP.x25519);
    expect(hex(mine.sharedSecret(other.publicKey))).toBe(hex(other.sharedSecret(mine.publicKey)));
    expect(hex(mine.publicKey)).not.toBe(hex(other.publicKey));
  });
});
