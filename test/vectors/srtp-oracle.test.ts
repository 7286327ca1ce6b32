// SRTP and SRTCP against an independent oracle written here on node:crypto (AES-CTR,
// AES-GCM, HMAC-SHA1) straight from RFC 3711 §3-4, RFC 7714 §8-9 and RFC 6188: random
// packets of every size 0..1400, every profile, both directions, byte-identical.
import { createCipheriv, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { SRTP_PROFILES, SrtpContext, type SrtpProfile } from '../../src/srtp/index.js';

const PROFILES = Object.keys(SRTP_PROFILES) as SrtpProfile[];

function ctr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const c = createCipheriv(key.length === 16 ? 'aes-128-ctr' : 'aes-256-ctr', key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

// RFC 3711 §4.3.1: x = label at salt octet 7, IV = x || 0x0000, keystream of zeroes.
function kdf(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  Buffer.from(masterSalt).copy(iv);
  iv[7] ^= label;
  return ctr(masterKey, iv, new Uint8Array(length));
}

class Oracle {
  readonly p: (typeof SRTP_PROFILES)[SrtpProfile];
  readonly rtp: { key: Buffer; salt: Buffer; auth: Buffer };
  readonly rtcp: { key: Buffer; salt: Buffer; auth: Buffer };
  readonly txIndex = new Map<number, number>(); // SSRC -> highest RTP index sent
  readonly rtcpNext = new Map<number, number>();

  constructor(profile: SrtpProfile, masterKey: Uint8Array, masterSalt: Uint8Array) {
    this.p = SRTP_PROFILES[profile];
    const k = this.p.keyLength;
    const s = this.p.saltLength;
    this.rtp = { key: kdf(masterKey, masterSalt, 0, k), auth: kdf(masterKey, masterSalt, 1, 20), salt: kdf(masterKey, masterSalt, 2, s) };
    this.rtcp = { key: kdf(masterKey, masterSalt, 3, k), auth: kdf(masterKey, masterSalt, 4, 20), salt: kdf(masterKey, masterSalt, 5, s) };
  }

  static headerLength(pkt: Uint8Array): number {
    let h = 12 + 4 * (pkt[0] & 0x0f);
    if (pkt[0] & 0x10) h += 4 + 4 * ((pkt[h + 2] << 8) | pkt[h + 3]);
    return h;
  }

  // A sender that counts ROC by observing SEQ wrap (RFC 3711 §3.3.1), sending in order.
  protectRtp(pkt: Uint8Array): Buffer {
    const dv = new DataView(pkt.buffer, pkt.byteOffset, pkt.byteLength);
    const seq = dv.getUint16(2);
    const ssrc = dv.getUint32(8);
    const last = this.txIndex.get(ssrc);
    let roc = last === undefined ? 0 : Math.floor(last / 65536);
    if (last !== undefined && seq < last % 65536) roc++;
    const index = roc * 65536 + seq;
    this.txIndex.set(ssrc, index);
    const h = Oracle.headerLength(pkt);
    const header = Buffer.from(pkt.subarray(0, h));
    const payload = pkt.subarray(h);
    if (this.p.aead) {
      const iv = Buffer.alloc(12);
      iv.writeUInt32BE(ssrc, 2);
      iv.writeUInt32BE(roc, 6);
      iv.writeUInt16BE(seq, 10);
      for (let i = 0; i < 12; i++) iv[i] ^= this.rtp.salt[i];
      const c = createCipheriv(this.p.keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', this.rtp.key, iv);
      c.setAAD(header);
      return Buffer.concat([header, c.update(payload), c.final(), c.getAuthTag()]);
    }
    const iv = Buffer.alloc(16);
    this.rtp.salt.copy(iv);
    iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ Math.floor(index / 65536)) >>> 0, 8);
    iv.writeUInt16BE(iv.readUInt16BE(12) ^ (index & 0xffff), 12);
    const body = Buffer.concat([header, ctr(this.rtp.key, iv, payload)]);
    const rocBytes = Buffer.alloc(4);
    rocBytes.writeUInt32BE(roc);
    const tag = createHmac('sha1', this.rtp.auth).update(body).update(rocBytes).digest();
    return Buffer.concat([body, tag.subarray(0, this.p.rtpTagLength)]);
  }

  protectRtcp(pkt: Uint8Array): Buffer {
    const ssrc = new DataView(pkt.buffer, pkt.byteOffset).getUint32(4);
    const index = this.rtcpNext.get(ssrc) ?? 0;
    this.rtcpNext.set(ssrc, index + 1);
    const word = Buffer.alloc(4);
    word.writeUInt32BE((0x80000000 | index) >>> 0);
    const header = Buffer.from(pkt.subarray(0, 8));
    const payload = pkt.subarray(8);
    if (this.p.aead) {
      const iv = Buffer.alloc(12);
      iv.writeUInt32BE(ssrc, 2);
      iv.writeUInt32BE(index, 8);
      for (let i = 0; i < 12; i++) iv[i] ^= this.rtcp.salt[i];
      const c = createCipheriv(this.p.keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', this.rtcp.key, iv);
      c.setAAD(Buffer.concat([header, word]));
      return Buffer.concat([header, c.update(payload), c.final(), c.getAuthTag(), word]);
    }
    const iv = Buffer.alloc(16);
    this.rtcp.salt.copy(iv);
    iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
    iv.writeUInt32BE((iv.readUInt32BE(10) ^ index) >>> 0, 10);
    const body = Buffer.concat([header, ctr(this.rtcp.key, iv, payload), word]);
    const tag = createHmac('sha1', this.rtcp.auth).update(body).digest();
    return Buffer.concat([body, tag.subarray(0, this.p.rtcpTagLength)]);
  }
}

// An RTP packet: random CSRC count, optional extension, padding bit, payload 0..1400.
const rtpPacket = fc
  .record({
    cc: fc.integer({ min: 0, max: 15 }),
    ext: fc.option(fc.uint8Array({ maxLength: 16 }).map((b) => b.subarray(0, b.length & ~3))),
    marker: fc.boolean(),
    pt: fc.integer({ min: 0, max: 127 }),
    ts: fc.integer({ min: 0, max: 0xffffffff }),
    payload: fc.uint8Array({ maxLength: 1400 }),
    padding: fc.boolean(),
  })
  .map(({ cc, ext, marker, pt, ts, payload, padding }) => (seq: number, ssrc: number): Uint8Array => {
    const h = 12 + 4 * cc + (ext ? 4 + ext.length : 0);
    const pkt = new Uint8Array(h + payload.length);
    const dv = new DataView(pkt.buffer);
    pkt[0] = 0x80 | (padding ? 0x20 : 0) | (ext ? 0x10 : 0) | cc;
    pkt[1] = (marker ? 0x80 : 0) | pt;
    dv.setUint16(2, seq);
    dv.setUint32(4, ts);
    dv.setUint32(8, ssrc);
    for (let i = 0; i < cc; i++) dv.setUint32(12 + 4 * i, ssrc ^ (i + 1));
    if (ext) {
      dv.setUint16(12 + 4 * cc, 0xbede);
      dv.setUint16(14 + 4 * cc, ext.length / 4);
      pkt.set(ext, 16 + 4 * cc);
    }
    pkt.set(payload, h);
    return pkt;
  });

const rtcpPacket = fc.uint8Array({ maxLength: 1400 }).map((body) => (ssrc: number): Uint8Array => {
  const pkt = new Uint8Array(8 + body.length);
  pkt[0] = 0x81;
  pkt[1] = 200;
  new DataView(pkt.buffer).setUint16(2, Math.ceil(pkt.length / 4) - 1);
  new DataView(pkt.buffer).setUint32(4, ssrc);
  pkt.set(body, 8);
  return pkt;
});

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

describe.each(PROFILES)('%s against the node:crypto oracle', (profile) => {
  const p = SRTP_PROFILES[profile];
  const masterArb = fc.record({
    key: fc.uint8Array({ minLength: p.keyLength, maxLength: p.keyLength }),
    salt: fc.uint8Array({ minLength: p.saltLength, maxLength: p.saltLength }),
  });

  it('RTP: protect is byte-identical and unprotect restores the packet, across a SEQ wrap', () => {
    fc.assert(
      fc.property(
        masterArb,
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 65530, max: 65535 }),
        fc.array(rtpPacket, { minLength: 1, maxLength: 8 }),
        (master, ssrc, firstSeq, makers) => {
          const oracle = new Oracle(profile, master.key, master.salt);
          const tx = new SrtpContext({ profile, masterKey: master.key, masterSalt: master.salt });
          const rx = new SrtpContext({ profile, masterKey: master.key, masterSalt: master.salt });
          try {
            makers.forEach((make, i) => {
              const pkt = make((firstSeq + i) & 0xffff, ssrc);
              const want = oracle.protectRtp(pkt);
              const got = tx.protectRtp(pkt);
              expect(hex(got)).toBe(hex(want));
              expect(hex(rx.unprotectRtp(want))).toBe(hex(pkt));
            });
          } finally {
            tx.dispose();
            rx.dispose();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('RTCP: protect is byte-identical and unprotect restores the packet', () => {
    fc.assert(
      fc.property(masterArb, fc.integer({ min: 0, max: 0xffffffff }), fc.array(rtcpPacket, { minLength: 1, maxLength: 5 }), (master, ssrc, makers) => {
        const oracle = new Oracle(profile, master.key, master.salt);
        const tx = new SrtpContext({ profile, masterKey: master.key, masterSalt: master.salt });
        const rx = new SrtpContext({ profile, masterKey: master.key, masterSalt: master.salt });
        try {
          for (const make of makers) {
            const pkt = make(ssrc);
            const want = oracle.protectRtcp(pkt);
            expect(hex(tx.protectRtcp(pkt))).toBe(hex(want));
            expect(hex(rx.unprotectRtcp(want))).toBe(hex(pkt));
          }
        } finally {
          tx.dispose();
          rx.dispose();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('every payload size 0..1400 in one stream', () => {
    const master = { key: new Uint8Array(p.keyLength).fill(7), salt: new Uint8Array(p.saltLength).fill(9) };
    const oracle = new Oracle(profile, master.key, master.salt);
    const tx = new SrtpContext({ profile, masterKey: master.key, masterSalt: master.salt });
    const rx = new SrtpContext({ profile, masterKey: master.key, masterSalt: master.salt });
    for (let size = 0; size <= 1400; size++) {
      const pkt = new Uint8Array(12 + size).map((_, i) => (i * 31 + size) & 0xff);
      pkt[0] = 0x80;
      pkt[2] = size >> 8;
      pkt[3] = size & 0xff;
      pkt.set([0x12, 0x34, 0x56, 0x78], 8); // one SSRC
      const want = oracle.protectRtp(pkt);
      const got = tx.protectRtp(pkt);
      if (hex(got) !== hex(want)) throw new Error(`RTP size ${size} differs from the oracle`);
      if (hex(rx.unprotectRtp(got)) !== hex(pkt)) throw new Error(`RTP size ${size} does not round-trip`);
    }
    tx.dispose();
    rx.dispose();
  });
});
