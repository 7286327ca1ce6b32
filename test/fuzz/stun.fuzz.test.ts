// Property and mutation tests of the STUN codec: any bytes either decode or throw a
// StunError (never another exception, never a hang); valid messages round-trip; a
// mutated authenticated message never passes both integrity and fingerprint by accident.
import fc from 'fast-check';
import {
  StunAttr,
  StunError,
  checkFingerprint,
  checkIntegrity,
  decodeStunMessage,
  decodeXorAddress,
  encodeStunMessage,
  encodeXorAddress,
  shortTermKey,
} from '../../src/stun/index';

// Deterministic in CI; explore with FUZZ_SEED=<n> (any integer) to try other inputs.
const seed = Number(process.env.FUZZ_SEED ?? 20261128);

const key = shortTermKey('fuzz-password-123456789');

const attr = fc.record({
  type: fc.integer({ min: 0, max: 0xffff }).filter((t) => t !== StunAttr.MESSAGE_INTEGRITY && t !== StunAttr.MESSAGE_INTEGRITY_SHA256 && t !== StunAttr.FINGERPRINT),
  value: fc.uint8Array({ maxLength: 64 }),
});
const message = fc.record({
  method: fc.integer({ min: 0, max: 0xfff }),
  cls: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>,
  tid: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  attrs: fc.array(attr, { maxLength: 12 }),
});

function decodeOrStunError(b: Uint8Array): void {
  try {
    const m = decodeStunMessage(b);
    checkFingerprint(m);
    checkIntegrity(m, key);
  } catch (e) {
    if (!(e instanceof StunError)) throw e;
  }
}

describe('STUN codec fuzz', () => {
  it('arbitrary bytes decode or throw StunError only', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => decodeOrStunError(b)), { numRuns: 3000, seed });
  });

  it('arbitrary bytes behind a valid header decode or throw StunError only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), (body, tid) => {
        const b = new Uint8Array(20 + (body.length & ~3));
        b.set([0, 1, (b.length - 20) >> 8, (b.length - 20) & 0xff, 0x21, 0x12, 0xa4, 0x42]);
        b.set(tid, 8);
        b.set(body.subarray(0, b.length - 20), 20);
        decodeOrStunError(b);
      }),
      { numRuns: 3000, seed },
    );
  });

  it('valid messages round-trip with integrity and fingerprint', () => {
    fc.assert(
      fc.property(message, ({ method, cls, tid, attrs }) => {
        const bytes = encodeStunMessage(method, cls, tid, attrs, { integrityKey: key, fingerprint: true });
        const m = decodeStunMessage(bytes);
        expect(m.method).toBe(method);
        expect(m.cls).toBe(cls);
        expect(m.attributes.filter((a) => a.type !== StunAttr.MESSAGE_INTEGRITY && a.type !== StunAttr.FINGERPRINT).map((a) => [a.type, Array.from(a.value)])).toEqual(
          attrs.map((a) => [a.type, Array.from(a.value)]),
        );
        expect(checkIntegrity(m, key)).toBe(true);
        expect(checkFingerprint(m)).toBe(true);
      }),
      { numRuns: 500, seed },
    );
  });

  it('a single flipped bit is caught by integrity or fingerprint (or breaks the framing)', () => {
    fc.assert(
      fc.property(message, fc.nat(), fc.integer({ min: 0, max: 7 }), ({ method, cls, tid, attrs }, pos, bit) => {
        const bytes = encodeStunMessage(method, cls, tid, attrs, { integrityKey: key, fingerprint: true });
        const i = pos % bytes.length;
        bytes[i] ^= 1 << bit;
        try {
          const m = decodeStunMessage(bytes);
          expect(checkIntegrity(m, key) && checkFingerprint(m)).toBe(false);
        } catch (e) {
          expect(e).toBeInstanceOf(StunError);
        }
      }),
      { numRuns: 1000, seed },
    );
  });

  it('XOR addresses round-trip for IPv4 and IPv6', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: 0, max: 65535 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), (ip, port, tid) => {
        const family = ip.includes(':') ? 6 : 4;
        const canon = decodeXorAddress(encodeXorAddress({ address: ip, port, family }, tid), tid);
        expect(decodeXorAddress(encodeXorAddress(canon, tid), tid)).toEqual(canon);
        expect(canon.port).toBe(port);
      }),
      { numRuns: 1000, seed },
    );
  });
});
