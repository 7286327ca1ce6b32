// TLS 1.2 PRF (RFC 5246 §5) and what is built on it: the published P_SHA256 / P_SHA384
// vectors (IETF TLS list, msg03416, also used by PKCS#11 and others), and exporter /
// extended master secret / key block values cross-computed with Python's hmac module.
import { exportKeyingMaterial, extendedMasterSecret, finishedVerifyData, keyBlock, prf } from '../../src/dtls/prf';
import { splitSrtpKeyMaterial, srtpProfileByName } from '../../src/dtls/srtp-profile';
import { sha256 } from '@noble/hashes/sha2.js';

const hex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const range = (from: number, n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => from + i);

describe('TLS 1.2 PRF vectors', () => {
  it('P_SHA256, 100 bytes', () => {
    const out = prf('sha256', hex('9bbe436ba940f017b17652849a71db35'), 'test label', hex('a0ba9f936cda311827a6f796ffd5198c'), 100);
    expect(toHex(out)).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });

  it('P_SHA384, 148 bytes', () => {
    const out = prf('sha384', hex('b80b733d6ceefcdc71566ea48e5567df'), 'test label', hex('cd665cf6a8447dd6ff8b27555edb7465'), 148);
    expect(toHex(out)).toBe(
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f',
    );
  });

  it('every prefix of the output is the shorter output (block boundaries)', () => {
    const full = prf('sha256', range(1, 16), 'x', range(2, 16), 97);
    for (const n of [1, 31, 32, 33, 64, 96]) expect(toHex(prf('sha256', range(1, 16), 'x', range(2, 16), n))).toBe(toHex(full.subarray(0, n)));
  });
});

describe('RFC 5705 exporter and RFC 5764 key split', () => {
  const master = range(0, 48);
  const clientRandom = range(100, 32);
  const serverRandom = range(200, 32);

  it('EXTRACTOR-dtls_srtp, no context, 60 bytes, split per RFC 5764 §4.2', () => {
    const out = exportKeyingMaterial('sha256', master, clientRandom, serverRandom, 'EXTRACTOR-dtls_srtp', undefined, 60);
    const expected = '105dc06ac8aadfff02e28eb5dfbf7f7f0e72f907a6828d441cf25749c90b9d5525d0237f0e7d8b3353287a1b1676bf21cda33c6c103305ffeca472a1';
    expect(toHex(out)).toBe(expected);
    const keys = splitSrtpKeyMaterial(srtpProfileByName('SRTP_AES128_CM_HMAC_SHA1_80')!, out);
    expect(toHex(keys.clientWriteKey)).toBe(expected.slice(0, 32));
    expect(toHex(keys.serverWriteKey)).toBe(expected.slice(32, 64));
    expect(toHex(keys.clientWriteSalt)).toBe(expected.slice(64, 92));
    expect(toHex(keys.serverWriteSalt)).toBe(expected.slice(92, 120));
  });

  it('SHA-384 suites export with P_SHA384 (SRTP_AEAD_AES_256_GCM: 88 bytes)', () => {
    const out = exportKeyingMaterial('sha384', master, clientRandom, serverRandom, 'EXTRACTOR-dtls_srtp', undefined, 88);
    expect(toHex(out)).toBe(
      '2955c924e7444c62308511f69c6f27301d0ab6a8ce7da17414876da53b083f8a22eb67fcace19d8e7d5451a9cc52fe66ad1625e0d3c991806f9de092d25b766b395651596474bd6cc770943b6475fff6083ad3c2c4eb9e04',
    );
    const k = splitSrtpKeyMaterial(srtpProfileByName('SRTP_AEAD_AES_256_GCM')!, out);
    expect([k.clientWriteKey.length, k.serverWriteKey.length, k.clientWriteSalt.length, k.serverWriteSalt.length]).toEqual([32, 32, 12, 12]);
  });

  it('a context is length-prefixed, and an empty context differs from none (RFC 5705 §4)', () => {
    expect(toHex(exportKeyingMaterial('sha256', master, clientRandom, serverRandom, 'EXPORTER-test', new TextEncoder().encode('abc'), 32))).toBe(
      '55aa6eab959e10cfa0fb1711954c39bb22074956a4e6b5b6afa4728dc415dd2f',
    );
    expect(toHex(exportKeyingMaterial('sha256', master, clientRandom, serverRandom, 'EXPORTER-test', new Uint8Array(0), 32))).toBe(
      '5893e05f8fdb65a23097da378afc479bebdbca70d8088a31c4e1a3fa8d73e78b',
    );
  });

  it('extended master secret (RFC 7627 §4) and key block (RFC 5246 §6.3: server_random first)', () => {
    const ems = extendedMasterSecret('sha256', new Uint8Array(32).fill(7), sha256(new TextEncoder().encode('transcript')));
    expect(toHex(ems)).toBe('bab92e8ee7e1763ee8c99d1fc48cbbee3e6a4380e1b7e7a1c3dd55ecaecfa9d5640a19bccf76c694182c27fe7518c663');
    const kb = keyBlock('sha256', master, clientRandom, serverRandom, 16, 4);
    expect(toHex(kb.clientWriteKey) + toHex(kb.serverWriteKey) + toHex(kb.clientWriteIv) + toHex(kb.serverWriteIv)).toBe(
      'de62d3ee5dc8b42d2f657afce5c1a5bd07033d2a02facf4db7c22ce88bf3cca35f352e46b91ee32d',
    );
  });

  it('Finished verify_data is 12 bytes and differs by side', () => {
    const h = sha256(new Uint8Array(0));
    const c = finishedVerifyData('sha256', master, true, h);
    const s = finishedVerifyData('sha256', master, false, h);
    expect(c.length).toBe(12);
    expect(toHex(c)).not.toBe(toHex(s));
    expect(toHex(c)).toBe(toHex(prf('sha256', master, 'client finished', h, 12)));
  });
});
