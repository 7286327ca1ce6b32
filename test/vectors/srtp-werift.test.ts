// Cross-check with an independent, browser-interoperable stack: werift's SrtpSession
// (AES-CM-80 and AES-128-GCM; it derives keys from the same master key and salt).
// omnirtc protects, werift unprotects, and the reverse, across a SEQ wrap, for SRTP and SRTCP.
import { RtpHeader, SrtcpSession, SrtpSession } from 'werift';
import { SRTP_PROFILES, SrtpContext } from '../../src/srtp/index.js';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

describe.each([
  ['SRTP_AES128_CM_HMAC_SHA1_80', 1],
  ['SRTP_AEAD_AES_128_GCM', 7],
] as const)('%s with werift', (profile, wp) => {
  const p = SRTP_PROFILES[profile];
  const masterKey = Uint8Array.from({ length: p.keyLength }, (_, i) => 0x30 + i);
  const masterSalt = Uint8Array.from({ length: p.saltLength }, (_, i) => 0x90 + i);
  const keys = {
    localMasterKey: Buffer.from(masterKey),
    localMasterSalt: Buffer.from(masterSalt),
    remoteMasterKey: Buffer.from(masterKey),
    remoteMasterSalt: Buffer.from(masterSalt),
  };

  function rtp(seq: number, size: number): Buffer {
    const b = Buffer.alloc(12 + size);
    b[0] = 0x80;
    b[1] = 111;
    b.writeUInt16BE(seq & 0xffff, 2);
    b.writeUInt32BE(seq * 960, 4);
    b.writeUInt32BE(0xfeedf00d, 8);
    for (let i = 12; i < b.length; i++) b[i] = (i * 3 + seq) & 0xff;
    return b;
  }

  it('SRTP both ways, across a SEQ wrap', () => {
    const ours = new SrtpContext({ profile, masterKey, masterSalt });
    const theirsTx = new SrtpSession({ keys, profile: wp });
    const theirsRx = new SrtpSession({ keys, profile: wp });
    const oursRx = new SrtpContext({ profile, masterKey, masterSalt });
    for (let i = 0; i < 40; i++) {
      const seq = 65520 + i;
      const pkt = rtp(seq, (i * 37) % 1300);
      const mine = ours.protectRtp(pkt);
      expect(hex(theirsRx.decrypt(Buffer.from(mine)))).toBe(hex(pkt));
      const theirs = theirsTx.encrypt(pkt.subarray(12), RtpHeader.deSerialize(pkt));
      expect(hex(theirs)).toBe(hex(mine));
      expect(hex(oursRx.unprotectRtp(theirs))).toBe(hex(pkt));
    }
    ours.dispose();
    oursRx.dispose();
  });

  it('SRTCP both ways', () => {
    const ours = new SrtpContext({ profile, masterKey, masterSalt });
    const oursRx = new SrtpContext({ profile, masterKey, masterSalt });
    const theirsTx = new SrtcpSession({ keys, profile: wp });
    const theirsRx = new SrtcpSession({ keys, profile: wp });
    for (let i = 0; i < 10; i++) {
      const pkt = Buffer.alloc(28 + 4 * i);
      pkt[0] = 0x81;
      pkt[1] = 200;
      pkt.writeUInt16BE(pkt.length / 4 - 1, 2);
      pkt.writeUInt32BE(0xfeedf00d, 4);
      for (let j = 8; j < pkt.length; j++) pkt[j] = (j + i) & 0xff;
      const mine = ours.protectRtcp(pkt);
      expect(hex(theirsRx.decrypt(Buffer.from(mine)))).toBe(hex(pkt));
      const theirs = theirsTx.encrypt(pkt);
      expect(hex(oursRx.unprotectRtcp(theirs))).toBe(hex(pkt));
    }
    ours.dispose();
    oursRx.dispose();
  });
});
