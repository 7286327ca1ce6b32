// Payload formats byte for byte, worked out by hand from the RFC layouts: VP8 (RFC 7741
// §4.2), VP9 (RFC 9628 §4.2, §4.2.1), H.264 STAP-A / FU-A (RFC 6184 §5.7.1, §5.8), H.265 AP
// (RFC 7798 §4.4.2), AV1 aggregation header and OBU elements (AV1 RTP spec §4.4, §4.5).
import { createDepacketizer, createPacketizer, type EncodedFrame, writeAnnexB } from '../../src/rtp/index.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const HEADER = (marker: boolean, seq: string): string => `80${marker ? 'e0' : '60'}${seq}0000000200000003`; // PT 96, ts 2, SSRC 3

function packetize(codec: Parameters<typeof createPacketizer>[0], frame: Uint8Array, mtu = 1200, extra: object = {}): string[] {
  const p = createPacketizer(codec, { payloadType: 96, ssrc: 3, sequenceNumber: 1, pictureId: 0x1234, mtu, ...extra });
  return p.packetize(frame, 2).map(toHex);
}

function depacketize(codec: Parameters<typeof createDepacketizer>[0], packets: string[], outOfBandParameterSets = false): EncodedFrame[] {
  const d = createDepacketizer(codec, { outOfBandParameterSets });
  return packets.flatMap((p) => d.push(hex(p)));
}

describe('VP8 (RFC 7741)', () => {
  it('X=1 S=1 PID=0, I=1 with a 15-bit picture ID', () => {
    expect(packetize('vp8', hex('10010203'))).toEqual([`${HEADER(true, '0001')}90809234 10010203`.replace(/\s/g, '')]);
  });
  it('reads the optional L, T/K bytes and a 7-bit picture ID', () => {
    // X=1 S=1; I L T K all set; PID 7 bits (M=0); TL0PICIDX; TID/Y/KEYIDX
    const out = depacketize('vp8', [`${HEADER(true, '0001')}90f0 05 aa 40 10aabb`]);
    expect(out.map((f) => [toHex(f.data), f.keyframe])).toEqual([['10aabb', true]]);
  });
});

describe('VP9 (RFC 9628)', () => {
  // A 320x240 profile-0 key frame header: marker, sync code, colour config, size.
  const key = hex('82 498342 0013f00ef0');
  it('non-flexible key frame: I L B E V, picture ID, layer byte, TL0PICIDX, SS with size and one-picture group', () => {
    expect(packetize('vp9', key, 1200, { pictureId: 5 })).toEqual([
      `${HEADER(true, '0001')}ae 8005 00 05 18 0140 00f0 01 04 01`.replace(/\s/g, '') + toHex(key),
    ]);
  });
  it('flexible mode: F=1, and an inter frame carries P_DIFF=1', () => {
    const inter = hex('86 00');
    expect(packetize('vp9', inter, 1200, { pictureId: 5, vp9Flexible: true })).toEqual([`${HEADER(true, '0001')}dc 8005 02 8600`.replace(/\s/g, '')]);
  });
});

describe('H.264 (RFC 6184, packetization-mode 1)', () => {
  const sps = hex('6742001f');
  const pps = hex('68ce3c80');
  const idr = hex('65888400ff');
  it('STAP-A: F OR, NRI max, type 24, then 16-bit sizes', () => {
    expect(packetize('h264', writeAnnexB([sps, pps, idr]))).toEqual([
      `${HEADER(true, '0001')}78 0004 6742001f 0004 68ce3c80 0005 65888400ff`.replace(/\s/g, ''),
    ]);
  });
  it('FU-A: indicator NRI|28, header S/E|type, the NAL header byte not repeated', () => {
    const big = new Uint8Array(2000).fill(0x11);
    big[0] = 0x65;
    big[1] = 0x88; // first_mb_in_slice = 0: the frame provably starts here
    const ps = packetize('h264', writeAnnexB([big]), 1000);
    expect(ps.map((p) => p.slice(24, 28))).toEqual(['7c85', '7c05', '7c45']);
    expect(ps.map((p) => p.length / 2 - 12 - 2)).toEqual([986, 986, 27]);
    const out = depacketize('h264', ps, true); // a lone IDR: its parameter sets travel out of band
    expect(toHex(out[0].data)).toBe(`00000001${toHex(big)}`);
  });
});

describe('H.265 (RFC 7798)', () => {
  it('AP: type 48 header with the lowest TID, then 16-bit sizes', () => {
    const units = ['40010c', '420101', '4401c0', '2601af'].map(hex);
    expect(packetize('h265', writeAnnexB(units))).toEqual([
      `${HEADER(true, '0001')}6001 0003 40010c 0003 420101 0003 4401c0 0003 2601af`.replace(/\s/g, ''),
    ]);
  });
});

describe('AV1 (RTP payload format for AV1)', () => {
  const tu = hex('1200 0a03aabbcc 320410111213'); // delimiter, sequence header, key frame
  it('drops the delimiter and the size fields; W=2 so the last element has no length; N=1', () => {
    expect(packetize('av1', tu)).toEqual([`${HEADER(true, '0001')}28 04 08aabbcc 3010111213`.replace(/\s/g, '')]);
  });
  it('joins an OBU fragmented over two packets (Y then Z) and restores size fields and the delimiter', () => {
    const out = depacketize('av1', [`${HEADER(false, '0001')}68 04 08aabbcc 301011`, `${HEADER(true, '0002')}90 1213`]);
    expect(out.map((f) => [toHex(f.data), f.keyframe])).toEqual([[toHex(tu), true]]);
  });
  it('W=0: every element carries its length', () => {
    const out = depacketize('av1', [`${HEADER(true, '0001')}08 04 08aabbcc 05 3010111213`]);
    expect(toHex(out[0].data)).toBe(toHex(tu));
  });
});

describe('Opus (RFC 7587)', () => {
  it('one Opus packet per RTP packet, no payload header, no marker', () => {
    expect(packetize('opus', hex('fc0102'))).toEqual([`${HEADER(false, '0001')}fc0102`]);
  });
});
