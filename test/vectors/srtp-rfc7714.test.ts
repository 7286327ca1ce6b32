// AES-GCM SRTP and SRTCP, RFC 7714 §16 (RTP) and §17 (RTCP) test vectors. The RFC gives
// session keys directly (key 000102..., salt "Quid pro quo"), so contexts are built with
// SrtpContext.fromSessionKeys.
import { SrtpContext, type SrtpProfile } from '../../src/srtp/index.js';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

const KEY_128 = bytes('000102030405060708090a0b0c0d0e0f');
const KEY_256 = bytes('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const SALT = bytes('517569642070726f2071756f');

function rfcContext(profile: SrtpProfile): SrtpContext {
  const key = profile === 'SRTP_AEAD_AES_128_GCM' ? KEY_128 : KEY_256;
  return SrtpContext.fromSessionKeys({ profile, rtp: { key, salt: SALT }, rtcp: { key, salt: SALT } });
}

const RTP = bytes(`8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976
  69736120 696e2070 61727465 73207472 6573`);
const RTCP = bytes(`81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
  deadbeef deadbeef deadbeef deadbeef deadbeef`);

const SRTP_128 = bytes(`8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5
  0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce`);
const SRTP_256 = bytes(`8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa b1801238
  9a58e2f3 b50b2a02 76ffae0f 1ba63799 b87b7aa3 db36dfff d6b0f9bb 7878d7a7 6c13`);
const SRTCP_128 = bytes(`81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d
  c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4`);
const SRTCP_256 = bytes(`81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d bffe0a50
  a2eaa5c1 110555be 8415f658 c61de047 6f1b6fad 1d1eb30c 4446839f 57ff6f6c b26ac3be 800005d4`);
// E = 0: authenticated only, the whole packet is AAD.
const SRTCP_128_CLEAR = bytes(`81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
  deadbeef deadbeef deadbeef deadbeef deadbeef 841dd968 3dd78ec9 2ae58790 125f62b3 000005d4`);
const SRTCP_256_CLEAR = bytes(`81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
  deadbeef deadbeef deadbeef deadbeef deadbeef 91db4afb feee5a97 8fab4393 ed2615fe 000005d4`);

describe('RFC 7714 §16: SRTP with AEAD_AES_128_GCM and AEAD_AES_256_GCM', () => {
  it.each([
    ['SRTP_AEAD_AES_128_GCM', SRTP_128],
    ['SRTP_AEAD_AES_256_GCM', SRTP_256],
  ] as const)('%s encrypts and decrypts the §16 packet', (profile, wire) => {
    const tx = rfcContext(profile);
    const rx = rfcContext(profile);
    expect(hex(tx.protectRtp(RTP))).toBe(hex(wire));
    expect(hex(rx.unprotectRtp(wire))).toBe(hex(RTP));
    tx.dispose();
    rx.dispose();
  });
});

describe('RFC 7714 §17: SRTCP with AES-GCM', () => {
  it.each([
    ['SRTP_AEAD_AES_128_GCM', SRTCP_128],
    ['SRTP_AEAD_AES_256_GCM', SRTCP_256],
  ] as const)('%s encrypts with SRTCP index 0x5d4 and decrypts', (profile, wire) => {
    const tx = rfcContext(profile);
    // The sender's index counts from 0; the vector's packet is the 0x5d5th.
    for (let i = 0; i < 0x5d4; i++) tx.protectRtcp(RTCP);
    expect(hex(tx.protectRtcp(RTCP))).toBe(hex(wire));
    const rx = rfcContext(profile);
    expect(hex(rx.unprotectRtcp(wire))).toBe(hex(RTCP));
    tx.dispose();
    rx.dispose();
  });

  it.each([
    ['SRTP_AEAD_AES_128_GCM', SRTCP_128_CLEAR],
    ['SRTP_AEAD_AES_256_GCM', SRTCP_256_CLEAR],
  ] as const)('%s verifies an authenticated-only (E = 0) packet', (profile, wire) => {
    const rx = rfcContext(profile);
    expect(hex(rx.unprotectRtcp(wire))).toBe(hex(RTCP));
    const bad = wire.slice();
    bad[20] ^= 1;
    expect(() => rfcContext(profile).unprotectRtcp(bad)).toThrow(expect.objectContaining({ code: 'auth' }));
    rx.dispose();
  });
});

describe('AES-GCM key derivation from a 96-bit master salt (RFC 7714 §11)', () => {
  it('libsrtp srtp_validate_gcm packet protects and unprotects', () => {
    const init = {
      profile: 'SRTP_AEAD_AES_128_GCM' as const,
      masterKey: bytes('000102030405060708090a0b0c0d0e0f'),
      masterSalt: bytes('a0a1a2a3a4a5a6a7a8a9aaab'),
    };
    const plain = bytes('800f1234decafbadcafebabe' + 'ab'.repeat(16));
    const wire = bytes('800f1234decafbadcafebabe c5002ede04cfdd2eb91159e0880aa06e d2976826f796b201df3131a127e8a392');
    const tx = new SrtpContext(init);
    const rx = new SrtpContext(init);
    expect(hex(tx.protectRtp(plain))).toBe(hex(wire));
    expect(hex(rx.unprotectRtp(wire))).toBe(hex(plain));
    tx.dispose();
    rx.dispose();
  });
});
