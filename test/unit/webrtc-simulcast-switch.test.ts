import fc from 'fast-check';
import { ForwardSwitch } from '../../src/webrtc/forward-switch';

// An outgoing stream whose forwarded source changes (SFU layer switch): packets of the new
// source wait for its VP8 key frame, then RTP timestamps and VP8 PictureID / TL0PICIDX
// (RFC 7741 §4.2) continue from the previous source's.

/** RTP (12-byte header) + VP8 descriptor with X, I (15-bit PictureID) and L (TL0PICIDX) + 1 payload byte. */
function vp8Packet(o: { ts: number; pictureId: number; tl0: number; start: boolean; key: boolean }): Uint8Array {
  const p = new Uint8Array(12 + 5 + 1);
  p[0] = 0x80;
  p[1] = 96;
  new DataView(p.buffer).setUint32(4, o.ts);
  p[12] = 0x80 | (o.start ? 0x10 : 0);
  p[13] = 0x80 | 0x40;
  p[14] = 0x80 | (o.pictureId >> 8);
  p[15] = o.pictureId & 0xff;
  p[16] = o.tl0;
  p[17] = o.key ? 0x10 : 0x11; // VP8 payload header, P bit
  return p;
}
const ts = (p: Uint8Array): number => new DataView(p.buffer).getUint32(4);
const pid = (p: Uint8Array): number => ((p[14] & 0x7f) << 8) | p[15];

describe('ForwardSwitch (SFU layer switch continuity)', () => {
  it('passes a stream untouched until a switch, then gates on the key frame and continues timestamp, PictureID and TL0PICIDX', () => {
    const s = new ForwardSwitch();
    const a1 = vp8Packet({ ts: 1000, pictureId: 500, tl0: 7, start: true, key: true });
    expect(s.apply(a1, 'vp8', 12, 90000, 0)).toBe(true);
    expect([ts(a1), pid(a1), a1[16]]).toEqual([1000, 500, 7]);
    const a2 = vp8Packet({ ts: 4000, pictureId: 501, tl0: 8, start: true, key: false });
    expect(s.apply(a2, 'vp8', 12, 90000, 33)).toBe(true);
    expect(ts(a2)).toBe(4000);
    s.sourceChanged();
    // The new source's delta frame and the middle of a key frame are held back.
    expect(s.apply(vp8Packet({ ts: 777_000, pictureId: 20, tl0: 200, start: true, key: false }), 'vp8', 12, 90000, 40)).toBe(false);
    expect(s.apply(vp8Packet({ ts: 777_000, pictureId: 21, tl0: 201, start: false, key: true }), 'vp8', 12, 90000, 50)).toBe(false);
    expect(s.dropped).toBe(2);
    const b1 = vp8Packet({ ts: 780_000, pictureId: 32767, tl0: 255, start: true, key: true });
    expect(s.apply(b1, 'vp8', 12, 90000, 66)).toBe(true);
    // 33 ms after the last packet at 90 kHz: 2970 ticks on.
    expect([ts(b1), pid(b1), b1[16]]).toEqual([4000 + 2970, 502, 9]);
    const b2 = vp8Packet({ ts: 783_000, pictureId: 0, tl0: 0, start: true, key: false });
    expect(s.apply(b2, 'vp8', 12, 90000, 99)).toBe(true);
    // Offsets hold, wrapping as the fields do (15-bit PictureID, 8-bit TL0PICIDX).
    expect([ts(b2), pid(b2), b2[16]]).toEqual([4000 + 2970 + 3000, 503, 10]);
  });

  it('H.264: waits for an IDR or SPS (single NAL, STAP-A, FU-A start; RFC 6184), then continues the timestamp', () => {
    const s = new ForwardSwitch();
    const h264 = (ts: number, payload: number[]): Uint8Array => {
      const p = new Uint8Array(12 + payload.length);
      p[0] = 0x80;
      new DataView(p.buffer).setUint32(4, ts);
      p.set(payload, 12);
      return p;
    };
    expect(s.apply(h264(1000, [0x65, 1, 2]), 'h264', 12, 90000, 0)).toBe(true);
    s.sourceChanged();
    expect(s.apply(h264(50_000, [0x41, 1]), 'h264', 12, 90000, 10)).toBe(false); // non-IDR slice
    expect(s.apply(h264(50_000, [0x7c, 0x05, 1]), 'h264', 12, 90000, 10)).toBe(false); // FU-A middle of an IDR
    expect(s.apply(h264(50_000, [0x78, 0, 2, 0x09, 0xf0, 0, 2, 0x41, 1]), 'h264', 12, 90000, 10)).toBe(false); // STAP-A: AUD + slice
    expect(s.apply(h264(50_000, [0x78, 0, 2, 0x09, 0xf0, 0, 3, 0x67, 1, 2]), 'h264', 12, 90000, 20)).toBe(true); // STAP-A with SPS
    const next = h264(53_000, [0x7c, 0x85, 1]); // FU-A start of an IDR: passes, rebased
    expect(s.apply(next, 'h264', 12, 90000, 53)).toBe(true);
    expect(ts(next)).toBe(1000 + 1800 + 3000);
    expect(s.dropped).toBe(3);
  });

  it('other codecs switch at once with the timestamp continued; malformed VP8 descriptors are held back, never thrown', () => {
    const s = new ForwardSwitch();
    const p = new Uint8Array(13);
    p[0] = 0x80;
    new DataView(p.buffer).setUint32(4, 50);
    expect(s.apply(p, 'other', 12, 48000, 0)).toBe(true);
    s.sourceChanged();
    const q = new Uint8Array(13);
    new DataView(q.buffer).setUint32(4, 9_999_999);
    expect(s.apply(q, 'other', 12, 48000, 20)).toBe(true);
    expect(ts(q)).toBe(50 + 960);
    s.sourceChanged();
    const truncated = new Uint8Array(14);
    truncated[12] = 0x90; // X set, nothing after
    expect(s.apply(truncated, 'vp8', 12, 90000, 40)).toBe(false);
  });

  it('fuzz: arbitrary packets across switches never throw, keep their length, and only the gate drops', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ bytes: fc.uint8Array({ minLength: 12, maxLength: 40 }), codec: fc.constantFrom('vp8' as const, 'h264' as const, 'other' as const), at: fc.integer({ min: 0, max: 45 }), switchBefore: fc.boolean() }), { maxLength: 40 }),
        (packets) => {
          const s = new ForwardSwitch();
          let held = 0;
          for (const [i, p] of packets.entries()) {
            if (p.switchBefore) s.sourceChanged();
            const copy = p.bytes.slice();
            if (!s.apply(copy, p.codec, p.at, 90000, i * 10)) held++;
            if (copy.length !== p.bytes.length) return false;
          }
          return held === s.dropped;
        },
      ),
      { numRuns: 300 },
    );
  });
});
