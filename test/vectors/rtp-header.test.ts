// RTP header vectors (RFC 3550 §5.1, RFC 8285 §4.2/§4.3 layouts built by hand), and both
// directions against werift's RtpPacket.
import * as werift from 'werift';
import { getExtension, parseRtp, type RtpPacket, RtpError, serializeRtp, setExtension } from '../../src/rtp/index.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('RTP header vectors', () => {
  it('parses a minimal header with marker', () => {
    const p = parseRtp(hex('80e0 1234 deadbeef cafebabe 0102'));
    expect(p).toMatchObject({ payloadType: 96, marker: true, sequenceNumber: 0x1234, timestamp: 0xdeadbeef, ssrc: 0xcafebabe, csrc: [], extensions: [], paddingLength: 0 });
    expect(toHex(p.payload)).toBe('0102');
  });

  it('parses CSRCs, RFC 8285 one-byte extensions with padding bytes, and RTP padding', () => {
    // X=1 P=1 CC=2; profile 0xBEDE, 3 words: id1 len1 [aa], pad 0, id2 len4 [b1 b2 b3 b4], id15 stop
    const bytes = hex(`b2 6f 0001 00000010 00000020
      00000001 00000002
      bede 0003 10aa 00 23 b1b2b3b4 f0 000000
      c0ffee 000003`);
    const p = parseRtp(bytes);
    expect(p.csrc).toEqual([1, 2]);
    expect(p.extensionProfile).toBe('one-byte');
    expect(p.extensions.map((e) => [e.id, toHex(e.data)])).toEqual([[1, 'aa'], [2, 'b1b2b3b4']]);
    expect(p.paddingLength).toBe(3);
    expect(toHex(p.payload)).toBe('c0ffee');
  });

  it('parses RFC 8285 two-byte extensions, including a zero-length element', () => {
    const p = parseRtp(hex('9060 0002 00000000 00000001 1000 0002 0100 1003 aabbcc 00 ff'));
    expect(p.extensionProfile).toBe('two-byte');
    expect(p.extensions.map((e) => [e.id, toHex(e.data)])).toEqual([[1, ''], [16, 'aabbcc']]);
    expect(toHex(p.payload)).toBe('ff');
  });

  it('keeps a non-RFC 8285 extension block opaque', () => {
    const p = parseRtp(hex('9060 0002 00000000 00000001 abcd 0001 01020304 ff'));
    expect(p.extensionProfile).toBe(0xabcd);
    expect(toHex(p.extensionData!)).toBe('01020304');
    expect(p.extensions).toEqual([]);
    expect(toHex(serializeRtp(p))).toBe('906000020000000000000001abcd000101020304ff');
  });

  it.each([
    ['truncated fixed header', '8060 0001 0000'],
    ['version 1', '4060 0001 00000000 00000000'],
    ['CSRC count past the end', '8f60 0001 00000000 00000000 00000001'],
    ['extension header past the end', '9060 0001 00000000 00000000 bede'],
    ['extension length past the end', '9060 0001 00000000 00000000 bede 0004 10aa0000'],
    ['one-byte element past the block', '9060 0001 00000000 00000000 bede 0001 13aabbcc dd'],
    ['two-byte element past the block', '9060 0001 00000000 00000000 1000 0001 0105aabb'],
    ['padding count zero', 'a060 0001 00000000 00000000 aa00'],
    ['padding past the payload', 'a060 0001 00000000 00000000 aa09'],
  ])('rejects %s', (_name, h) => {
    expect(() => parseRtp(hex(h))).toThrow(RtpError);
  });

  it('serialises one-byte, two-byte and automatic extension forms', () => {
    const base: RtpPacket = { payloadType: 111, marker: false, sequenceNumber: 65535, timestamp: 0xffffffff, ssrc: 1, csrc: [7], extensions: [], paddingLength: 0, payload: hex('0102') };
    setExtension(base, 3, hex('0a0b'));
    const one = serializeRtp({ ...base, extensionProfile: 'one-byte' });
    expect(toHex(one)).toBe('916fffffffffffff00000001' + '00000007' + 'bede0001' + '310a0b00' + '0102');
    const two = serializeRtp({ ...base, extensionProfile: 'two-byte' });
    expect(toHex(two)).toBe('916fffffffffffff00000001' + '00000007' + '10000001' + '03020a0b' + '0102');
    const auto = parseRtp(serializeRtp({ ...base, extensions: [{ id: 20, data: hex('01') }] }));
    expect(auto.extensionProfile).toBe('two-byte');
    expect(getExtension(auto, 20)).toEqual(hex('01'));
    expect(() => serializeRtp({ ...base, extensionProfile: 'one-byte', extensions: [{ id: 15, data: hex('01') }] })).toThrow(DOMException);
  });

  it('round-trips padding', () => {
    const p: RtpPacket = { payloadType: 96, marker: true, sequenceNumber: 1, timestamp: 2, ssrc: 3, csrc: [], extensions: [], paddingLength: 4, payload: hex('aa') };
    const bytes = serializeRtp(p);
    expect(toHex(bytes)).toBe('a0e00001000000020000000' + '3' + 'aa00000004');
    expect(parseRtp(bytes)).toMatchObject({ paddingLength: 4, payload: hex('aa') });
  });
});

describe('RTP against werift', () => {
  it('parses werift serialisations with extensions', () => {
    const header = new werift.RtpHeader({
      payloadType: 100, marker: true, sequenceNumber: 4242, timestamp: 123456789, ssrc: 0x11223344,
      csrc: [5, 6], extension: true, extensionProfile: 0xbede,
      extensions: [{ id: 1, payload: Buffer.from([1, 2, 3]) }, { id: 4, payload: Buffer.from([9]) }],
    });
    const w = new werift.RtpPacket(header, Buffer.from([0xde, 0xad]));
    const p = parseRtp(new Uint8Array(w.serialize()));
    expect(p).toMatchObject({ payloadType: 100, marker: true, sequenceNumber: 4242, timestamp: 123456789, ssrc: 0x11223344, csrc: [5, 6] });
    expect(p.extensions.map((e) => [e.id, toHex(e.data)])).toEqual([[1, '010203'], [4, '09']]);
    expect(toHex(p.payload)).toBe('dead');
  });

  it('werift parses ours', () => {
    const bytes = serializeRtp({
      payloadType: 96, marker: false, sequenceNumber: 7, timestamp: 8, ssrc: 9, csrc: [10],
      extensions: [{ id: 2, data: hex('0102') }, { id: 3, data: hex('030405') }], paddingLength: 0, payload: hex('cafe'),
    });
    const w = werift.RtpPacket.deSerialize(Buffer.from(bytes));
    expect(w.header.sequenceNumber).toBe(7);
    expect(w.header.csrc).toEqual([10]);
    expect(w.header.extensions.map((e) => [e.id, e.payload.toString('hex')])).toEqual([[2, '0102'], [3, '030405']]);
    expect(w.payload.toString('hex')).toBe('cafe');
  });
});
