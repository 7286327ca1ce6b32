// AES-GCM through the WebAssembly core: the GCM specification's test cases (McGrew and
// Viega, "The Galois/Counter Mode of Operation", Appendix B, reproduced in NIST's GCM
// validation set) for AES-128 and AES-256, then node:crypto as an independent oracle.
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { AesGcmKey, GCM_KEY_SLOTS } from '../../src/wasm/aes-gcm.js';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

const P =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
  '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const P60 = P.slice(0, 120);
const A = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';
const IV = 'cafebabefacedbaddecaf888';
const K128 = 'feffe9928665731c6d6a8f9467308308';

interface GcmCase {
  name: string;
  key: string;
  iv: string;
  aad: string;
  pt: string;
  ct: string;
  tag: string;
}

const CASES: GcmCase[] = [
  { name: '1 (AES-128, empty)', key: '00'.repeat(16), iv: '00'.repeat(12), aad: '', pt: '', ct: '', tag: '58e2fccefa7e3061367f1d57a4e7455a' },
  {
    name: '2 (AES-128, one zero block)',
    key: '00'.repeat(16),
    iv: '00'.repeat(12),
    aad: '',
    pt: '00'.repeat(16),
    ct: '0388dace60b6a392f328c2b971b2fe78',
    tag: 'ab6e47d42cec13bdf53a67b21257bddf',
  },
  {
    name: '3 (AES-128, four blocks)',
    key: K128,
    iv: IV,
    aad: '',
    pt: P,
    ct:
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e' +
      '21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985',
    tag: '4d5c2af327cd64a62cf35abd2ba6fab4',
  },
  {
    name: '4 (AES-128, AAD and partial block)',
    key: K128,
    iv: IV,
    aad: A,
    pt: P60,
    ct:
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e' +
      '21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091',
    tag: '5bc94fbc3221a5db94fae95ae7121a47',
  },
  { name: '13 (AES-256, empty)', key: '00'.repeat(32), iv: '00'.repeat(12), aad: '', pt: '', ct: '', tag: '530f8afbc74536b9a963b4f1c4cb738b' },
  {
    name: '14 (AES-256, one zero block)',
    key: '00'.repeat(32),
    iv: '00'.repeat(12),
    aad: '',
    pt: '00'.repeat(16),
    ct: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  {
    name: '15 (AES-256, four blocks)',
    key: K128 + K128,
    iv: IV,
    aad: '',
    pt: P,
    ct:
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
      '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad',
    tag: 'b094dac5d93471bdec1a502270e3cc6c',
  },
  {
    name: '16 (AES-256, AAD and partial block)',
    key: K128 + K128,
    iv: IV,
    aad: A,
    pt: P60,
    ct:
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
      '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
];

describe('AES-GCM, GCM specification test cases', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('test case %s', (_name, c) => {
    const key = new AesGcmKey(bytes(c.key));
    try {
      const sealed = key.seal(bytes(c.iv), bytes(c.aad), bytes(c.pt));
      expect(hex(sealed)).toBe(c.ct + c.tag);
      const opened = key.open(bytes(c.iv), bytes(c.aad), sealed);
      expect(opened && hex(opened)).toBe(c.pt);
    } finally {
      key.dispose();
    }
  });
});

describe('AES-GCM against node:crypto', () => {
  function reference(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, pt: Uint8Array): string {
    const c = createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv);
    c.setAAD(aad);
    return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]).toString('hex');
  }
  it('random keys, nonces, AAD and plaintexts seal identically and open back', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 })),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 1500 }),
        (k, iv, aad, pt) => {
          const key = new AesGcmKey(k);
          try {
            const sealed = key.seal(iv, aad, pt);
            expect(hex(sealed)).toBe(reference(k, iv, aad, pt));
            expect(hex(key.open(iv, aad, sealed) ?? new Uint8Array([1]))).toBe(hex(pt));
          } finally {
            key.dispose();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('AES-GCM authentication and key table', () => {
  const key = bytes(K128);
  const iv = bytes(IV);
  const aad = bytes(A);
  const pt = bytes(P60);

  it('rejects any single flipped bit in ciphertext, tag, AAD or nonce', () => {
    const k = new AesGcmKey(key);
    const sealed = k.seal(iv, aad, pt);
    for (let i = 0; i < sealed.length * 8; i += 7) {
      const bad = sealed.slice();
      bad[i >> 3] ^= 1 << (i & 7);
      expect(k.open(iv, aad, bad)).toBeNull();
    }
    const badAad = aad.slice();
    badAad[3] ^= 0x80;
    expect(k.open(iv, badAad, sealed)).toBeNull();
    const badIv = iv.slice();
    badIv[11] ^= 1;
    expect(k.open(badIv, aad, sealed)).toBeNull();
    expect(k.open(iv, aad, sealed.subarray(0, 15))).toBeNull();
    expect(k.open(iv, aad, sealed)).not.toBeNull();
    k.dispose();
  });

  it('a disposed key refuses work with InvalidStateError; bad arguments get InvalidAccessError', () => {
    const k = new AesGcmKey(key);
    k.dispose();
    k.dispose();
    expect(() => k.seal(iv, aad, pt)).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    expect(() => new AesGcmKey(new Uint8Array(24))).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    const k2 = new AesGcmKey(key);
    expect(() => k2.seal(new Uint8Array(8), aad, pt)).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    expect(() => k2.seal(iv, aad, new Uint8Array(70_000))).toThrow(expect.objectContaining({ name: 'OperationError' }));
    k2.dispose();
  });

  it('the table is bounded and dispose frees slots for reuse', () => {
    const keys: AesGcmKey[] = [];
    try {
      for (let i = 0; i < GCM_KEY_SLOTS; i++) keys.push(new AesGcmKey(key));
      expect(() => new AesGcmKey(key)).toThrow(expect.objectContaining({ name: 'QuotaExceededError' }));
      keys.pop()?.dispose();
      const again = new AesGcmKey(key);
      expect(hex(again.seal(iv, aad, pt))).toBe(hex(keys[0].seal(iv, aad, pt)));
      keys.push(again);
    } finally {
      for (const k of keys) k.dispose();
    }
  });
});
