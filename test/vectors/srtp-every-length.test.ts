// Every payload length 0..1400, every profile, SRTP and SRTCP, against the node:crypto
// oracle (srtp-node-oracle.ts). The core picks its AES-CTR keystream by payload length:
// T-tables below 97 bytes, the bitsliced eight-block form from there with the T-tables
// for a tail of up to five blocks (assembly/srtp/transform.ts). Walking every length
// crosses each boundary (80/81/96/97 B, every multiple of 128 B and the tails after it)
// for both key sizes, in both directions, through the allocating and the zero-copy forms.
// Keys, salts, SSRCs, header shapes and payloads are random from a seeded generator.
import { SRTP_PROFILES, SrtpContext, type SrtpProfile } from '../../src/srtp/index.js';
import { Oracle } from './srtp-node-oracle.js';

const PROFILES = Object.keys(SRTP_PROFILES) as SrtpProfile[];
const MAX_PAYLOAD = 1400;

// mulberry32: a small seeded generator, so a failure names a reproducible case.
function generator(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) >>> 0;
  };
}

function bytes(rand: (n: number) => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rand(256);
  return out;
}

// RTP (RFC 3550 §5.1) with a random CSRC count and, half the time, a one-byte-header
// extension (RFC 8285) of 0..3 words: SRTP authenticates these but encrypts only the payload.
function rtpPacket(rand: (n: number) => number, seq: number, ssrc: number, payload: number): Uint8Array {
  const cc = rand(4);
  const extWords = rand(2) === 1 ? rand(4) : -1;
  const h = 12 + 4 * cc + (extWords >= 0 ? 4 + 4 * extWords : 0);
  const pkt = bytes(rand, h + payload);
  const dv = new DataView(pkt.buffer);
  pkt[0] = 0x80 | (extWords >= 0 ? 0x10 : 0) | cc;
  pkt[1] = rand(128);
  dv.setUint16(2, seq);
  dv.setUint32(8, ssrc);
  if (extWords >= 0) {
    dv.setUint16(12 + 4 * cc, 0xbede);
    dv.setUint16(14 + 4 * cc, extWords);
  }
  return pkt;
}

// RTCP (RFC 3550 §6.4.1 shape): the 8 octets SRTCP leaves clear, then a random body.
function rtcpPacket(rand: (n: number) => number, ssrc: number, body: number): Uint8Array {
  const pkt = bytes(rand, 8 + body);
  const dv = new DataView(pkt.buffer);
  pkt[0] = 0x80 | rand(32);
  pkt[1] = 200 + rand(8);
  dv.setUint16(2, Math.ceil(pkt.length / 4) - 1);
  dv.setUint32(4, ssrc);
  return pkt;
}

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

describe.each(PROFILES.map((profile, i) => [profile, 0x5eed0000 + i] as const))('%s, every length 0..1400 (seed %i)', (profile, seed) => {
  const p = SRTP_PROFILES[profile];

  function contexts(rand: (n: number) => number): { oracle: Oracle; tx: SrtpContext; rx: SrtpContext } {
    const masterKey = bytes(rand, p.keyLength);
    const masterSalt = bytes(rand, p.saltLength);
    return {
      oracle: new Oracle(profile, masterKey, masterSalt),
      tx: new SrtpContext({ profile, masterKey, masterSalt }),
      rx: new SrtpContext({ profile, masterKey, masterSalt }),
    };
  }

  it('SRTP: protect equals the oracle, unprotect restores the packet (SEQ wraps midway)', () => {
    const rand = generator(seed);
    const { oracle, tx, rx } = contexts(rand);
    const ssrc = rand(0x100000000);
    const firstSeq = 65536 - 700; // the second half runs with ROC 1 in the IV
    const out = new Uint8Array(12 + 60 + 16 + MAX_PAYLOAD + p.rtpTagLength);
    try {
      for (let len = 0; len <= MAX_PAYLOAD; len++) {
        const pkt = rtpPacket(rand, (firstSeq + len) & 0xffff, ssrc, len);
        const want = oracle.protectRtp(pkt);
        // Alternate the two API forms so both reach every keystream boundary's neighbours.
        const got = len % 2 === 0 ? tx.protectRtp(pkt) : out.subarray(0, tx.protectRtpInto(pkt, out));
        if (hex(got) !== hex(want)) throw new Error(`SRTP payload ${len} B: protect differs from the oracle`);
        const back = len % 2 === 1 ? rx.unprotectRtp(want) : out.subarray(0, rx.unprotectRtpInto(want, out));
        if (hex(back) !== hex(pkt)) throw new Error(`SRTP payload ${len} B: unprotect does not restore the packet`);
      }
      expect(rx.getStats().rtpUnprotected).toBe(MAX_PAYLOAD + 1);
    } finally {
      tx.dispose();
      rx.dispose();
    }
  });

  it('SRTCP: protect equals the oracle, unprotect restores the packet', () => {
    const rand = generator(seed ^ 0x7c7c);
    const { oracle, tx, rx } = contexts(rand);
    const ssrc = rand(0x100000000);
    const out = new Uint8Array(8 + MAX_PAYLOAD + 4 + 16);
    try {
      for (let len = 0; len <= MAX_PAYLOAD; len++) {
        const pkt = rtcpPacket(rand, ssrc, len);
        const want = oracle.protectRtcp(pkt);
        const got = len % 2 === 0 ? tx.protectRtcp(pkt) : out.subarray(0, tx.protectRtcpInto(pkt, out));
        if (hex(got) !== hex(want)) throw new Error(`SRTCP body ${len} B: protect differs from the oracle`);
        const back = len % 2 === 1 ? rx.unprotectRtcp(want) : out.subarray(0, rx.unprotectRtcpInto(want, out));
        if (hex(back) !== hex(pkt)) throw new Error(`SRTCP body ${len} B: unprotect does not restore the packet`);
      }
      expect(rx.getStats().rtcpUnprotected).toBe(MAX_PAYLOAD + 1);
    } finally {
      tx.dispose();
      rx.dispose();
    }
  });

  it('a flipped payload byte is refused at every keystream boundary and leaves the buffer as it was', () => {
    const rand = generator(seed ^ 0x3131);
    const { oracle, rx } = contexts(rand);
    const ssrc = rand(0x100000000);
    const lengths = [80, 81, 96, 97, 128, 160, 208, 209, 1200, 1400];
    try {
      for (const len of lengths) {
        const wire = new Uint8Array(oracle.protectRtp(rtpPacket(rand, len, ssrc, len)));
        wire[wire.length - p.rtpTagLength - 1 - rand(Math.max(1, len))] ^= 1 << rand(8);
        const before = hex(wire);
        expect(rx.unprotectRtpInto(wire, wire)).toBe(-1);
        expect(hex(wire)).toBe(before);
      }
      expect(rx.getStats().dropped.auth).toBe(lengths.length);
    } finally {
      rx.dispose();
    }
  });
});
