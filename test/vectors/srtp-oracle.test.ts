// SRTP and SRTCP against an independent oracle on node:crypto (srtp-node-oracle.ts,
// straight from RFC 3711 §3-4, RFC 7714 §8-9 and RFC 6188): random packets of every
// size 0..1400, every profile, both directions, byte-identical.
import fc from 'fast-check';
import { SRTP_PROFILES, SrtpContext, type SrtpProfile } from '../../src/srtp/index.js';
import { Oracle } from './srtp-node-oracle.js';

const PROFILES = Object.keys(SRTP_PROFILES) as SrtpProfile[];

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
