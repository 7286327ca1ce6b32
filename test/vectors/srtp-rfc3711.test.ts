// SRTP with AES-CM and HMAC-SHA1: RFC 3711 Appendix B.2 (AES-CM keystream) and B.3 (key
// derivation), RFC 6188 §7.2 (AES-256 key derivation), and libsrtp's srtp_validate
// packets for AES-128 and AES-256 (which use the B.3 / RFC 6188 master keys).
import { SRTP_KDF_LABEL, SrtpContext, srtpDeriveKey } from '../../src/srtp/index.js';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** libsrtp's srtp_validate packet (16 bytes of 0xab after the header) protects to `wire` and back. */
function expectLibsrtpPacket(profile: 'SRTP_AES128_CM_HMAC_SHA1_80' | 'SRTP_AES256_CM_HMAC_SHA1_80', masterKey: Uint8Array, masterSalt: Uint8Array, wire: string): void {
  const plain = bytes('800f1234decafbadcafebabe' + 'ab'.repeat(16));
  const tx = new SrtpContext({ profile, masterKey, masterSalt });
  const rx = new SrtpContext({ profile, masterKey, masterSalt });
  expect(hex(tx.protectRtp(plain))).toBe(hex(bytes(wire)));
  expect(hex(rx.unprotectRtp(bytes(wire)))).toBe(hex(plain));
  tx.dispose();
  rx.dispose();
}

describe('RFC 3711 Appendix B.2: AES-CM keystream', () => {
  // Session key and salt given directly; SSRC 0 and index 0 make the IV the salt * 2^16,
  // and encrypting zeroes yields the keystream itself.
  it('first three keystream blocks', () => {
    const ctx = SrtpContext.fromSessionKeys({
      profile: 'SRTP_AES128_CM_HMAC_SHA1_80',
      rtp: { key: bytes('2B7E151628AED2A6ABF7158809CF4F3C'), salt: bytes('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'), authKey: new Uint8Array(20) },
      rtcp: { key: bytes('2B7E151628AED2A6ABF7158809CF4F3C'), salt: bytes('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'), authKey: new Uint8Array(20) },
    });
    const rtp = new Uint8Array(12 + 48);
    rtp[0] = 0x80; // V=2, SEQ=0, SSRC=0
    const out = ctx.protectRtp(rtp);
    expect(hex(out.subarray(12, 60))).toBe(
      'e03ead0935c95e80e166b16dd92b4eb4' + 'd23513162b02d0f72a43a2fe4a5f97ab' + '41e95b3bb0a2e8dd477901e4fca894c0',
    );
    ctx.dispose();
  });
});

describe('RFC 3711 Appendix B.3: key derivation', () => {
  const masterKey = bytes('E1F97A0D3E018BE0D64FA32C06DE4139');
  const masterSalt = bytes('0EC675AD498AFEEBB6960B3AABE6');
  const p = 'SRTP_AES128_CM_HMAC_SHA1_80';
  it('cipher key, salt and authentication key', () => {
    expect(hex(srtpDeriveKey(p, masterKey, masterSalt, SRTP_KDF_LABEL.rtpEncryption, 16))).toBe('c61e7a93744f39ee10734afe3ff7a087');
    expect(hex(srtpDeriveKey(p, masterKey, masterSalt, SRTP_KDF_LABEL.rtpSalt, 14))).toBe('30cbbc08863d8c85d49db34a9ae1');
    expect(hex(srtpDeriveKey(p, masterKey, masterSalt, SRTP_KDF_LABEL.rtpAuthentication, 94))).toBe(
      'cebe321f6ff7716b6fd4ab49af256a156d38baa48f0a0acf3c34e2359e6cdbce' +
        'e049646c43d9327ad175578ef72270986371c10c9a369ac2f94a8c5fbcdddc25' +
        '6d6e919a48b610ef17c2041e474035766b68642c59bbfc2f34db60dbdfb2',
    );
  });
  it('libsrtp srtp_validate packet (AES-128-CM, HMAC-SHA1-80) protects and unprotects', () => {
    expectLibsrtpPacket(p, masterKey, masterSalt, '800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb');
  });
});

describe('RFC 6188: AES-256-CM', () => {
  const masterKey = bytes('f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6');
  const masterSalt = bytes('3b04803de51ee7c96423ab5b78d2');
  const p = 'SRTP_AES256_CM_HMAC_SHA1_80';
  it('§7.2 key derivation', () => {
    expect(hex(srtpDeriveKey(p, masterKey, masterSalt, SRTP_KDF_LABEL.rtpEncryption, 32))).toBe(
      '5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4',
    );
    expect(hex(srtpDeriveKey(p, masterKey, masterSalt, SRTP_KDF_LABEL.rtpSalt, 14))).toBe('fa31791685ca444a9e07c6c64e93');
    expect(hex(srtpDeriveKey(p, masterKey, masterSalt, SRTP_KDF_LABEL.rtpAuthentication, 20))).toBe(
      'fd9c32d39ed5fbb5a9dc96b30818454d1313dc05',
    );
  });
  it('libsrtp srtp_validate_aes_256 packet protects and unprotects', () => {
    expectLibsrtpPacket(p, masterKey, masterSalt, '800f1234decafbadcafebabe f1d9de17ff251ff1aa007774b0b4b40d a08d9d9a5b3a55d8873b');
  });
});
