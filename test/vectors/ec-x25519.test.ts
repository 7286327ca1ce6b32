// X25519 in the WebAssembly core (assembly/ec/x25519.ts) against RFC 7748's vectors (§5.2
// single and iterated, §6.1 Diffie-Hellman), @noble/curves and node:crypto.
import { createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import { x25519, x25519PublicKey } from '../../src/wasm/ec';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

describe('X25519 in WebAssembly (RFC 7748)', () => {
  it('§5.2 test vectors (the second u has its top bit set, which must be ignored)', () => {
    expect(hex(x25519(bytes('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'), bytes('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c')))).toBe(
      'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
    );
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
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(hex(x25519(a, pb))).toBe(shared);
    expect(hex(x25519(b, pa))).toBe(shared);
  });

  it('low-order u gives the all-zero output (RFC 7748 §6.1 check left to callers)', () => {
    const k = crypto.getRandomValues(new Uint8Array(32));
    expect(hex(x25519(k, new Uint8Array(32)))).toBe('00'.repeat(32));
    expect(hex(x25519(k, Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0))))).toBe('00'.repeat(32));
  });

  it('equals @noble/curves on random scalars and u-coordinates (non-canonical u included)', () => {
    for (let i = 0; i < 64; i++) {
      const k = crypto.getRandomValues(new Uint8Array(32));
      const u = crypto.getRandomValues(new Uint8Array(32));
      if (i % 8 === 0) {
        // 2^255 - 256 + u[0] with u[0] in [239, 255]: >= p, reduced mod p to 2..18 by both
        // (0 and 1 would be low-order points, for which noble throws).
        u.fill(0xff, 1);
        u[0] = 239 + (u[0] % 17);
      }
      expect(hex(x25519(k, u))).toBe(hex(nobleX25519.scalarMult(k, u)));
    }
  });

  it('agrees with node:crypto diffieHellman', () => {
    for (let i = 0; i < 16; i++) {
      const a = crypto.getRandomValues(new Uint8Array(32));
      const b = crypto.getRandomValues(new Uint8Array(32));
      const pa = x25519PublicKey(a);
      const pb = x25519PublicKey(b);
      const priv = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64url(a), x: b64url(pa) }, format: 'jwk' });
      const pub = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(pb) }, format: 'jwk' });
      expect(hex(diffieHellman({ privateKey: priv, publicKey: pub }))).toBe(hex(x25519(a, pb)));
    }
  });

  it('refuses wrong lengths with RangeError', () => {
    expect(() => x25519(new Uint8Array(31), new Uint8Array(32))).toThrow(RangeError);
    expect(() => x25519(new Uint8Array(32), new Uint8Array(33))).toThrow(RangeError);
  });
});
