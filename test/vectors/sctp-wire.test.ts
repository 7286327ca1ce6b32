// Wire formats, byte by byte, as RFC 9260 §3, RFC 3758 §3.2, RFC 6525 §4, RFC 9653 §4 and
// RFC 8832 §5 lay them out; the checksum against a bitwise CRC-32c written from the
// RFC 9260 Appendix B description; and the chunk codecs against werift's SCTP codec.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ChunkType } from '../../src/sctp/chunk-type';
import { encodeCookieEcho, encodeShutdown } from '../../src/sctp/chunks/control';
import { parseData, writeData } from '../../src/sctp/chunks/data';
import { encodeCauseChunk, parseErrorCauses } from '../../src/sctp/chunks/error-cause';
import { encodeForwardTsn, parseForwardTsn } from '../../src/sctp/chunks/forward-tsn';
import { encodeHeartbeat, parseHeartbeatInfo } from '../../src/sctp/chunks/heartbeat';
import { encodeInit, parseInit } from '../../src/sctp/chunks/init';
import { encodeReconfig, parseReconfig } from '../../src/sctp/chunks/reconfig';
import { encodeSack, parseSack } from '../../src/sctp/chunks/sack';
import { encodeAck, encodeOpen, parseDcep } from '../../src/sctp/dcep/message';
import { packetChecksum, sealPacket, splitChunks, verifyPacket } from '../../src/sctp/packet';

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => Number.parseInt(b, 16)));
const raw = (chunk: Uint8Array) => ({ type: chunk[0], flags: chunk[1], value: chunk.subarray(4, (chunk[2] << 8) | chunk[3]) });

/** CRC-32c one bit at a time (reflected 0x82F63B78, init and final ~0), RFC 9260 Appendix B. */
function bitwiseCrc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('SCTP common header and checksum (RFC 9260 §3.1, §6.8, Appendix B)', () => {
  it('seals ports, tag and a CRC-32c stored least significant byte first', () => {
    const p = new Uint8Array(12 + 8);
    p.set(encodeShutdown(0x01020304), 12);
    sealPacket(p, 5000, 5001, 0xdeadbeef);
    expect([...p.subarray(0, 8)]).toEqual([0x13, 0x88, 0x13, 0x89, 0xde, 0xad, 0xbe, 0xef]);
    const zeroed = p.slice();
    zeroed.fill(0, 8, 12);
    const crc = bitwiseCrc32c(zeroed);
    expect([...p.subarray(8, 12)]).toEqual([crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24]);
    expect(packetChecksum(p)).toBe(crc);
    expect(verifyPacket(p)).toBe(true);
  });

  it('RFC 9653 zero checksum: accepted only when advertised, never for INIT', () => {
    const p = new Uint8Array(12 + 8);
    p.set(encodeShutdown(1), 12);
    sealPacket(p, 5000, 5000, 7, true);
    expect([...p.subarray(8, 12)]).toEqual([0, 0, 0, 0]);
    expect(verifyPacket(p, true)).toBe(true);
    expect(verifyPacket(p, false)).toBe(false);
    const init = new Uint8Array(12 + 20);
    init[12] = ChunkType.INIT;
    sealPacket(init, 5000, 5000, 0, true);
    expect(verifyPacket(init, true)).toBe(false);
  });

  it('splits padded chunks and rejects broken framing', () => {
    const p = hex('13881388 00000001 00000000  0b000004  07000008 00000005  ff000004');
    expect(splitChunks(p)!.map((c) => [c.type, c.value.length])).toEqual([
      [11, 0],
      [7, 4],
      [0xff, 0],
    ]);
    expect(splitChunks(hex('13881388 00000001 00000000 07000009 00000005'))).toBeUndefined();
    expect(splitChunks(hex('13881388 00000001 00000000 07000002'))).toBeUndefined();
  });
});

describe('chunk layouts', () => {
  it('DATA (§3.3.1): flags U B E I, TSN, stream, SSN, PPID, user data', () => {
    const b = new Uint8Array(20);
    const end = writeData(b, 0, 0x0f, 0x11223344, 0x0102, 0x0304, 51, hex('cafe'));
    expect(end).toBe(18);
    expect([...b.subarray(0, 18)]).toEqual([...hex('000f0012 11223344 0102 0304 00000033 cafe')]);
    const d = parseData(raw(b))!;
    expect(d).toMatchObject({ flags: 0x0f, tsn: 0x11223344, streamId: 0x0102, ssn: 0x0304, ppid: 51 });
    expect([...d.userData]).toEqual([0xca, 0xfe]);
  });

  it('INIT (§3.3.2) with Forward-TSN-Supported, Supported Extensions and Zero Checksum Acceptable', () => {
    const c = encodeInit(ChunkType.INIT, {
      initiateTag: 0xa1b2c3d4,
      aRwnd: 0x00100000,
      outboundStreams: 65535,
      inboundStreams: 1024,
      initialTsn: 0x10,
      forwardTsn: true,
      reconfig: true,
      zeroChecksum: true,
    });
    expect([...c]).toEqual([
      ...hex('0100 0028 a1b2c3d4 00100000 ffff 0400 00000010'),
      ...hex('c000 0004'), // RFC 3758 §3.1
      ...hex('8008 0006 c0 82 0000'), // RFC 5061 §4.2.7: FORWARD TSN, RE-CONFIG, padding
      ...hex('8001 0008 00000001'), // RFC 9653 §4: method 1, SCTP over DTLS
    ]);
    expect(parseInit(raw(c))).toMatchObject({ initiateTag: 0xa1b2c3d4, outboundStreams: 65535, inboundStreams: 1024, forwardTsn: true, reconfig: true, zeroChecksum: true });
    // A zero Initiate Tag is invalid (§3.3.2).
    const bad = c.slice();
    bad.fill(0, 4, 8);
    expect(parseInit(raw(bad))).toBeUndefined();
  });

  it('SACK (§3.3.4): gap blocks as offsets and duplicate TSNs', () => {
    const c = encodeSack({ cumulativeTsnAck: 100, aRwnd: 4096, gapStarts: [2, 10], gapEnds: [5, 10], duplicateTsns: [99] });
    expect([...c]).toEqual([...hex('0300 001c 00000064 00001000 0002 0001 0002 0005 000a 000a 00000063')]);
    expect(parseSack(raw(c))).toEqual({ cumulativeTsnAck: 100, aRwnd: 4096, gapStarts: [2, 10], gapEnds: [5, 10], duplicateTsns: [99] });
    expect(parseSack(raw(hex('0300 0014 00000064 00001000 0001 0000 0005 0002')))).toBeUndefined(); // end < start
  });

  it('FORWARD TSN (RFC 3758 §3.2)', () => {
    const c = encodeForwardTsn({ newCumulativeTsn: 0xfffffffe, streams: [{ streamId: 3, ssn: 9 }] });
    expect([...c]).toEqual([...hex('c000 000c fffffffe 0003 0009')]);
    expect(parseForwardTsn(raw(c))).toEqual({ newCumulativeTsn: 0xfffffffe, streams: [{ streamId: 3, ssn: 9 }] });
  });

  it('RE-CONFIG (RFC 6525 §4.1, §4.4)', () => {
    const c = encodeReconfig([
      { kind: 'outgoing-reset', requestSeq: 5, responseSeq: 4, senderLastTsn: 77, streams: [1, 3] },
      { kind: 'response', responseSeq: 9, result: 1 },
    ]);
    expect([...c]).toEqual([...hex('8200 0024 000d 0014 00000005 00000004 0000004d 0001 0003 0010 000c 00000009 00000001')]);
    expect(parseReconfig(raw(c))).toEqual([
      { kind: 'outgoing-reset', requestSeq: 5, responseSeq: 4, senderLastTsn: 77, streams: [1, 3] },
      { kind: 'response', responseSeq: 9, result: 1 },
    ]);
  });

  it('HEARTBEAT (§3.3.5), ABORT with a cause (§3.3.7), COOKIE ECHO (§3.3.11)', () => {
    const hb = encodeHeartbeat(ChunkType.HEARTBEAT, hex('0102'));
    expect([...hb]).toEqual([...hex('0400 000a 0001 0006 0102')]);
    expect([...parseHeartbeatInfo(raw(hb))!]).toEqual([1, 2]);
    const abort = encodeCauseChunk(ChunkType.ABORT, 1, [{ code: 12, info: hex('41') }]);
    expect([...abort]).toEqual([...hex('0601 000c 000c 0005 41 000000')]);
    expect(parseErrorCauses(raw(abort))).toEqual([{ code: 12, info: hex('41') }]);
    expect([...encodeCookieEcho(hex('aabb'))]).toEqual([...hex('0a00 0006 aabb')]);
  });
});

describe('DCEP (RFC 8832 §5)', () => {
  it('DATA_CHANNEL_OPEN: type, channel type, priority, reliability, label, protocol', () => {
    const open = encodeOpen({ ordered: false, maxRetransmits: 3, priority: 256, label: 'chat', protocol: 'p1' });
    expect([...open]).toEqual([...hex('03 81 0100 00000003 0004 0002'), ...new TextEncoder().encode('chatp1')]);
    expect(parseDcep(open)).toEqual({ type: 'open', open: { ordered: false, maxRetransmits: 3, maxPacketLifeTime: undefined, priority: 256, label: 'chat', protocol: 'p1' } });
    const timed = encodeOpen({ ordered: true, maxPacketLifeTime: 500, priority: 512, label: '', protocol: '' });
    expect([...timed]).toEqual([...hex('03 02 0200 000001f4 0000 0000')]);
    expect([...encodeAck()]).toEqual([0x02]);
    expect(parseDcep(hex('02'))).toEqual({ type: 'ack' });
    expect(parseDcep(hex('03 00 0100 00000000 0005 0000 6162'))).toBeUndefined(); // label longer than the message
    expect(parseDcep(hex('03 00 0100 00000000 0002 0000 c328'))).toBeUndefined(); // invalid UTF-8
    expect(parseDcep(hex('03 03 0100 00000000 0000 0000'))).toBeUndefined(); // unknown channel type
  });
});

describe('against werift SCTP chunk codec', () => {
  interface WChunk {
    type: number;
    flags: number;
    bytes: Buffer;
  }
  const load = () => {
    const require = createRequire(__filename);
    let main: string;
    try {
      main = require.resolve('werift');
    } catch {
      throw new Error('werift (npm devDependency) is missing: run npm ci');
    }
    return require(join(dirname(main), '..', '..', 'sctp', 'src', 'chunk.js')) as {
      parsePacket(data: Buffer): [number, number, number, WChunk[]];
      serializePacket(src: number, dst: number, tag: number, chunk: WChunk): Buffer;
      SackChunk: new () => WChunk & { cumulativeTsn: number; advertisedRwnd: number; gaps: [number, number][]; duplicates: number[] };
    };
  };

  it('werift parses our packet and checksum; we parse and verify werift\'s', () => {
    const w = load();
    const chunk = encodeSack({ cumulativeTsnAck: 1000, aRwnd: 65536, gapStarts: [2], gapEnds: [4], duplicateTsns: [] });
    const ours = new Uint8Array(12 + chunk.length);
    ours.set(chunk, 12);
    sealPacket(ours, 5000, 5000, 0x01020304);
    const [src, dst, tag, chunks] = w.parsePacket(Buffer.from(ours));
    expect([src, dst, tag]).toEqual([5000, 5000, 0x01020304]);
    expect(chunks[0].type).toBe(ChunkType.SACK);

    const sack = new w.SackChunk();
    sack.cumulativeTsn = 0x7fffffff;
    sack.advertisedRwnd = 1234;
    sack.gaps = [[3, 7]];
    sack.duplicates = [5];
    const theirs = new Uint8Array(w.serializePacket(5000, 5000, 0x0a0b0c0d, sack));
    expect(verifyPacket(theirs)).toBe(true);
    const c = splitChunks(theirs)![0];
    expect(parseSack(c)).toEqual({ cumulativeTsnAck: 0x7fffffff, aRwnd: 1234, gapStarts: [3], gapEnds: [7], duplicateTsns: [5] });
  });
});
