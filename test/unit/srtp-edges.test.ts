// Edge cases of SrtpContext: SRTCP sent authenticated-only (E = 0) under AES-CM, packets
// given as views into larger buffers, padding, and an empty payload.
import { createHmac } from 'node:crypto';
import { SRTP_KDF_LABEL, SrtpContext, srtpDeriveKey } from '../../src/srtp/index.js';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');
const masterKey = Uint8Array.from({ length: 16 }, (_, i) => i * 5 + 2);
const masterSalt = Uint8Array.from({ length: 14 }, (_, i) => i * 9 + 1);
const profile = 'SRTP_AES128_CM_HMAC_SHA1_80';

describe('SRTCP with the E bit clear (RFC 3711 §3.4: authenticated, not encrypted)', () => {
  it('AES-CM: accepts a correctly tagged clear packet and rejects a tampered one', () => {
    const rtcp = Buffer.from('81c90007deadbeef' + '00112233'.repeat(6), 'hex');
    const word = Buffer.from('00000007', 'hex'); // E = 0, index 7
    const auth = srtpDeriveKey(profile, masterKey, masterSalt, SRTP_KDF_LABEL.rtcpAuthentication, 20);
    const tag = createHmac('sha1', auth).update(rtcp).update(word).digest().subarray(0, 10);
    const wire = Buffer.concat([rtcp, word, tag]);
    const rx = new SrtpContext({ profile, masterKey, masterSalt });
    expect(hex(rx.unprotectRtcp(wire))).toBe(hex(rtcp));
    expect(() => rx.unprotectRtcp(wire)).toThrow(expect.objectContaining({ code: 'replay' }));
    const bad = Buffer.from(wire);
    bad[12] ^= 1;
    bad[wire.length - 11] = 8; // a fresh index, so only the tag can reject it
    expect(() => rx.unprotectRtcp(bad)).toThrow(expect.objectContaining({ code: 'auth' }));
    rx.dispose();
  });
});

describe('inputs', () => {
  it('packets may be views at any offset of a larger buffer', () => {
    const tx = new SrtpContext({ profile, masterKey, masterSalt });
    const rx = new SrtpContext({ profile, masterKey, masterSalt });
    const backing = new Uint8Array(500).map((_, i) => i & 0xff);
    const view = backing.subarray(7, 7 + 112);
    view[0] = 0xa0; // V=2, P=1
    view[view.length - 1] = 4; // padding count
    const wire = tx.protectRtp(view);
    const shifted = new Uint8Array(wire.length + 3);
    shifted.set(wire, 3);
    expect(hex(rx.unprotectRtp(shifted.subarray(3)))).toBe(hex(view));
    expect(hex(backing.subarray(0, 7))).toBe('00010203040506'); // untouched around the view
    tx.dispose();
    rx.dispose();
  });

  it('an RTP packet with an empty payload is authenticated only', () => {
    const tx = new SrtpContext({ profile: 'SRTP_AEAD_AES_256_GCM', masterKey: new Uint8Array(32), masterSalt: new Uint8Array(12) });
    const rx = new SrtpContext({ profile: 'SRTP_AEAD_AES_256_GCM', masterKey: new Uint8Array(32), masterSalt: new Uint8Array(12) });
    const header = Uint8Array.from([0x80, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
    const wire = tx.protectRtp(header);
    expect(wire.length).toBe(12 + 16);
    expect(hex(rx.unprotectRtp(wire))).toBe(hex(header));
    tx.dispose();
    rx.dispose();
  });
});
