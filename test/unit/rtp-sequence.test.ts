// Extended sequence numbers and timestamps across wraparound (RFC 3550 §A.1).
import { SequenceUnwrapper, TimestampUnwrapper } from '../../src/rtp/index.js';

describe('SequenceUnwrapper', () => {
  it('extends across several wraps, forwards and with reordering', () => {
    const u = new SequenceUnwrapper();
    expect(u.unwrap(65534)).toBe(65534);
    expect(u.unwrap(65535)).toBe(65535);
    expect(u.unwrap(1)).toBe(65537);
    expect(u.unwrap(0)).toBe(65536); // late, across the wrap
    expect(u.unwrap(65533)).toBe(65533); // older than the first
    expect(u.highest).toBe(65537);
    let last = 0;
    for (let i = 0; i < 200000; i += 1000) last = u.unwrap((65537 + i) & 0xffff);
    expect(last).toBe(65537 + 199000);
  });
});

describe('TimestampUnwrapper', () => {
  it('extends 32-bit timestamps across the wrap', () => {
    const u = new TimestampUnwrapper();
    expect(u.unwrap(0xffffff00)).toBe(0xffffff00);
    expect(u.unwrap(0x100)).toBe(0x100000100);
    expect(u.unwrap(0xfffffff0)).toBe(0xfffffff0); // reordered, before the wrap
    expect(u.unwrap(0x200)).toBe(0x100000200);
    expect(u.highest).toBe(0x100000200);
  });
});
