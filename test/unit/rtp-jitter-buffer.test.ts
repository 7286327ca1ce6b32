// The jitter buffer in virtual time: order restored, holes waited for at most maxDelayMs,
// duplicates/late/malformed counted, bounded by capacity, sequence wrap.
import { createDepacketizer, createPacketizer, type EncodedFrame, JitterBuffer, serializeRtp } from '../../src/rtp/index.js';

const pkt = (seq: number): Uint8Array =>
  serializeRtp({ payloadType: 96, marker: false, sequenceNumber: seq & 0xffff, timestamp: 0, ssrc: 1, csrc: [], extensions: [], paddingLength: 0, payload: new Uint8Array([seq & 0xff]) });
const seqOf = (p: Uint8Array | undefined): number | undefined => (p ? (p[2] << 8) | p[3] : undefined);

function drain(jb: JitterBuffer, now: number): number[] {
  const out: number[] = [];
  for (let p = jb.pollPacket(now); p; p = jb.pollPacket(now)) out.push(seqOf(p)!);
  return out;
}

describe('JitterBuffer', () => {
  it('an earlier packet arriving during the first hold moves the start back', () => {
    const jb = new JitterBuffer({ maxDelayMs: 30 });
    jb.insert(0, pkt(501));
    jb.insert(10, pkt(500));
    expect(drain(jb, 30)).toEqual([500, 501]);
    jb.insert(31, pkt(499));
    expect(jb.stats.packetsLate).toBe(1);
  });

  it('restores order across the sequence wrap', () => {
    const jb = new JitterBuffer({ maxDelayMs: 50 });
    const order = [65534, 0, 65535, 2, 1, 3];
    for (const s of order) jb.insert(0, pkt(s));
    expect(drain(jb, 49)).toEqual([]); // the first packet is held maxDelayMs
    expect(drain(jb, 50)).toEqual([65534, 65535, 0, 1, 2, 3]);
    expect(jb.stats.packetsReleased).toBe(6);
  });

  it('waits for a hole at most maxDelayMs, then skips it and counts the loss', () => {
    const jb = new JitterBuffer({ maxDelayMs: 40 });
    jb.insert(0, pkt(10));
    jb.insert(5, pkt(12));
    jb.insert(7, pkt(13));
    expect(jb.pollTimeout()).toBe(40);
    expect(drain(jb, 40)).toEqual([10]);
    expect(jb.pollTimeout()).toBe(45);
    expect(drain(jb, 44)).toEqual([]);
    expect(drain(jb, 45)).toEqual([12, 13]);
    expect(jb.stats.packetsLost).toBe(1);
    jb.insert(46, pkt(11));
    expect(jb.stats.packetsLate).toBe(1);
    expect(jb.pollTimeout()).toBeUndefined();
  });

  it('counts duplicates and malformed packets', () => {
    const jb = new JitterBuffer();
    jb.insert(0, pkt(1));
    jb.insert(0, pkt(1));
    jb.insert(0, new Uint8Array(4));
    expect(jb.stats.packetsDuplicate).toBe(1);
    expect(jb.stats.packetsMalformed).toBe(1);
    expect(jb.size).toBe(1);
  });

  it('stays within its capacity: the oldest holes give way', () => {
    const jb = new JitterBuffer({ capacity: 8, maxDelayMs: 10 });
    jb.insert(0, pkt(100));
    expect(drain(jb, 10)).toEqual([100]);
    for (let s = 102; s < 120; s++) jb.insert(11, pkt(s));
    expect(jb.size).toBeLessThanOrEqual(8);
    expect(drain(jb, 11)).toEqual([112, 113, 114, 115, 116, 117, 118, 119]);
    expect(jb.stats.packetsLost).toBe(11); // the hole at 101 and the ten held packets 102-111
  });

  it('a far jump is skipped in one step and counted', () => {
    const jb = new JitterBuffer({ capacity: 16 });
    jb.insert(0, pkt(1));
    expect(drain(jb, 100)).toEqual([1]);
    jb.insert(101, pkt(30001));
    expect(jb.stats.packetsLost).toBe(30001 - 2 - 15);
    expect(jb.pollTimeout()).toBe(201);
    expect(drain(jb, 201)).toEqual([30001]);
    expect(jb.stats.packetsLost).toBe(30001 - 2);
  });

  it('feeds a depacketiser in virtual time: random network delays, every frame out in order', () => {
    // Frames every 33 ms, each packet delayed 0-40 ms (seeded), buffer waits up to 50 ms.
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const pk = createPacketizer('vp8', { payloadType: 96, ssrc: 1, mtu: 300, sequenceNumber: 65400 });
    const frames = Array.from({ length: 30 }, (_, i) => new Uint8Array(400 + i * 37).map((_, k) => (k ? (k * i) & 0xff : i % 10 ? 0x11 : 0x10)));
    const arrivals: { at: number; p: Uint8Array }[] = [];
    frames.forEach((f, i) => {
      for (const p of pk.packetize(f, i * 3000)) arrivals.push({ at: i * 33 + rand() * 40, p });
    });
    arrivals.sort((a, b) => a.at - b.at);
    const jb = new JitterBuffer({ maxDelayMs: 50 });
    const dp = createDepacketizer('vp8', { reorderWindow: 1 }); // the jitter buffer already orders
    const out: EncodedFrame[] = [];
    let now = 0;
    for (const a of arrivals) {
      now = a.at;
      jb.insert(now, a.p);
      for (let p = jb.pollPacket(now); p; p = jb.pollPacket(now)) out.push(...dp.push(p));
    }
    now += 100;
    for (let p = jb.pollPacket(now); p; p = jb.pollPacket(now)) out.push(...dp.push(p));
    expect(out.map((f) => f.data)).toEqual(frames);
    expect(jb.stats.packetsLost).toBe(0);
  });

  it('rejects bad options', () => {
    expect(() => new JitterBuffer({ capacity: 0 })).toThrow(DOMException);
    expect(() => new JitterBuffer({ maxDelayMs: -1 })).toThrow(DOMException);
  });
});
