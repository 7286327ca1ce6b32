// X25519 as the DTLS key exchange uses it (EcdheKeyPair over the WebAssembly core): key pairs
// agree and low-order peer keys are refused (RFC 7748 §6.1). The RFC 7748 §5.2/§6.1 vectors
// for the core itself are in ec-x25519.test.ts.
import { NAMED_GROUP } from '../../src/dtls/extensions';
import { EcdheKeyPair } from '../../src/dtls/key-exchange';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

describe('X25519 in the DTLS key exchange (RFC 7748)', () => {
  it('key pairs from the key exchange agree (their public keys are X25519(k, 9))', () => {
    for (let i = 0; i < 5; i++) {
      const a = EcdheKeyPair.generate(NAMED_GROUP.x25519);
      const b = EcdheKeyPair.generate(NAMED_GROUP.x25519);
      expect(hex(a.sharedSecret(b.publicKey))).toBe(hex(b.sharedSecret(a.publicKey)));
    }
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
