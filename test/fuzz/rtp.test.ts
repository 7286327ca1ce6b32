// Hostile input for RTP, RTCP and every depacketiser: truncated headers, lying lengths,
// extension blocks past the end, zero-length NAL units, malformed aggregation headers.
// Parsers either succeed or throw RtpError; depacketisers never throw and count drops;
// the WebAssembly core never traps. Packetise/depacketise round-trips random frames.
import fc from 'fast-check';
import {
  createDepacketizer, createPacketizer, type EncodedFrame, IvfWriter, OggOpusWriter, parseRtcp, parseRtp, RTP_CODECS,
  readAnnexBAccessUnits, readIvf, readOggOpus, type RtcpPacket, type RtpCodecName, RtpError, serializeRtcp, serializeRtp, splitAnnexB,
  writeAnnexB,
} from '../../src/rtp/index.js';
import { rtpCore } from '../../src/wasm/rtp.js';

const RUNS = 300;
const bytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });

function rtpWith(payload: Uint8Array, seq: number, marker: boolean, ts = 1000): Uint8Array {
  return serializeRtp({ payloadType: 96, marker, sequenceNumber: seq, timestamp: ts, ssrc: 7, csrc: [], extensions: [], paddingLength: 0, payload });
}

function onlyRtpError(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof RtpError)) throw e;
  }
}

describe('RTP/RTCP parsers under hostile input', () => {
  it('parseRtp: random bytes parse or throw RtpError', () => {
    fc.assert(fc.property(bytes(80), (b) => onlyRtpError(() => parseRtp(b))), { numRuns: RUNS * 3 });
  });

  it('parseRtp: headers that claim CSRCs, extensions and padding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), bytes(60), (b0, extLenWord, rest) => {
        const b = new Uint8Array(16 + rest.length);
        b[0] = 0x80 | (b0 & 0x3f);
        b[12] = 0xbe;
        b[13] = 0xde;
        b[15] = extLenWord;
        b.set(rest, 16);
        onlyRtpError(() => {
          const p = parseRtp(b);
          // Whatever parses must describe bytes inside the packet.
          for (const e of p.extensions) expect(e.data.byteOffset + e.data.length).toBeLessThanOrEqual(b.byteOffset + b.length);
          expect(p.payload.byteOffset + p.payload.length + p.paddingLength).toBeLessThanOrEqual(b.byteOffset + b.length);
        });
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('serialise then parse is the identity for valid packets', () => {
    const ext = fc.record({ id: fc.integer({ min: 1, max: 14 }), data: fc.uint8Array({ minLength: 1, maxLength: 16 }) });
    fc.assert(
      fc.property(
        fc.record({
          payloadType: fc.integer({ min: 0, max: 127 }), marker: fc.boolean(), sequenceNumber: fc.integer({ min: 0, max: 65535 }),
          timestamp: fc.integer({ min: 0, max: 0xffffffff }), ssrc: fc.integer({ min: 0, max: 0xffffffff }),
          csrc: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
          extensions: fc.array(ext, { maxLength: 5 }), paddingLength: fc.integer({ min: 0, max: 255 }), payload: bytes(100),
        }),
        (p) => {
          const q = parseRtp(serializeRtp(p));
          expect(q).toMatchObject({ ...p, extensions: p.extensions.map((e) => ({ id: e.id, data: e.data })) });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('parseRtcp: random bytes and mutated compounds parse or throw RtpError', () => {
    const valid = serializeRtcp([
      { type: 'sr', ssrc: 1, ntpSeconds: 2, ntpFraction: 3, rtpTimestamp: 4, packetCount: 5, octetCount: 6, reports: [] },
      { type: 'app', subtype: 1, ssrc: 1, name: 'TEST', data: new Uint8Array(4) },
      { type: 'pli', senderSsrc: 1, mediaSsrc: 2 },
      { type: 'rr', ssrc: 1, reports: [] },
      { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 1, text: 'c' }] }] },
      { type: 'nack', senderSsrc: 1, mediaSsrc: 2, lost: [1, 2, 3] },
      { type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: 1, referenceTime: 1, feedbackPacketCount: 1, packets: [{ sequenceNumber: 1, received: true, deltaMicros: 250 }] },
      { type: 'remb', senderSsrc: 1, bitrate: 100000, ssrcs: [3] },
      { type: 'fir', senderSsrc: 1, entries: [{ ssrc: 2, sequenceNumber: 1 }] },
      { type: 'bye', ssrcs: [1], reason: 'x' },
    ]);
    fc.assert(fc.property(bytes(120), (b) => onlyRtpError(() => parseRtcp(b))), { numRuns: RUNS * 3 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: valid.length }), (at, v, cut) => {
        const m = valid.slice(0, cut);
        if (at < m.length) m[at] = v;
        onlyRtpError(() => parseRtcp(m));
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

// Payloads shaped like each codec's descriptors/aggregation headers, with lies in them.
const hostilePayload: Record<RtpCodecName, fc.Arbitrary<Uint8Array>> = {
  opus: bytes(40),
  vp8: fc.tuple(fc.constantFrom(0x90, 0x80, 0x10, 0x97), bytes(8)).map(([a, r]) => new Uint8Array([a, ...r])),
  vp9: fc.tuple(fc.integer({ min: 0, max: 255 }), bytes(20)).map(([a, r]) => new Uint8Array([a | 0x08, ...r])),
  // STAP-A with lying or zero sizes, FU-A with S+E, reserved types.
  h264: fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 40 }), bytes(30)).map(([n, r]) => new Uint8Array([0x18, 0, n, ...r])),
    fc.tuple(fc.integer({ min: 0, max: 255 }), bytes(20)).map(([h, r]) => new Uint8Array([0x7c, h, ...r])),
    bytes(20),
  ),
  h265: fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 40 }), bytes(30)).map(([n, r]) => new Uint8Array([0x60, 0x01, 0, n, ...r])),
    fc.tuple(fc.integer({ min: 0, max: 255 }), bytes(20)).map(([h, r]) => new Uint8Array([0x62, 0x01, h, ...r])),
    bytes(20),
  ),
  // Aggregation header with any Z/Y/W/N and leb128 lengths that lie.
  av1: fc.tuple(fc.integer({ min: 0, max: 255 }), bytes(30)).map(([a, r]) => new Uint8Array([a, ...r])),
};

describe('RTCP round trips of random packets of every type', () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const block = fc.record({
    ssrc: u32, fractionLost: fc.integer({ min: 0, max: 255 }), packetsLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
    highestSequence: u32, jitter: u32, lastSenderReport: u32, delaySinceLastSenderReport: u32,
  });
  const text = fc.string({ maxLength: 40 }).filter((t) => new TextEncoder().encode(t).length <= 255);
  const packet: fc.Arbitrary<RtcpPacket> = fc.oneof(
    fc.record({ type: fc.constant('sr' as const), ssrc: u32, ntpSeconds: u32, ntpFraction: u32, rtpTimestamp: u32, packetCount: u32, octetCount: u32, reports: fc.array(block, { maxLength: 31 }) }),
    fc.record({ type: fc.constant('rr' as const), ssrc: u32, reports: fc.array(block, { maxLength: 31 }) }),
    fc.record({ type: fc.constant('sdes' as const), chunks: fc.array(fc.record({ ssrc: u32, items: fc.array(fc.record({ type: fc.integer({ min: 1, max: 8 }), text }), { maxLength: 4 }) }), { maxLength: 5 }) }),
    fc.record({ type: fc.constant('bye' as const), ssrcs: fc.array(u32, { maxLength: 31 }), reason: text }),
    fc.record({ type: fc.constant('app' as const), subtype: fc.integer({ min: 0, max: 31 }), ssrc: u32, name: fc.constantFrom('ABCD', 'omni', 'x y!'), data: fc.integer({ min: 0, max: 8 }).chain((n) => fc.uint8Array({ minLength: n * 4, maxLength: n * 4 })) }),
    fc.record({ type: fc.constant('nack' as const), senderSsrc: u32, mediaSsrc: u32, lost: fc.uniqueArray(fc.integer({ min: 0, max: 65535 }), { maxLength: 40 }).map((l) => l.sort((a, b) => a - b)) }),
    fc.record({ type: fc.constant('pli' as const), senderSsrc: u32, mediaSsrc: u32 }),
    fc.record({ type: fc.constant('fir' as const), senderSsrc: u32, entries: fc.array(fc.record({ ssrc: u32, sequenceNumber: fc.integer({ min: 0, max: 255 }) }), { maxLength: 5 }) }),
    fc.record({ type: fc.constant('remb' as const), senderSsrc: u32, bitrate: fc.integer({ min: 0, max: 0x3ffff }).chain((m) => fc.integer({ min: 0, max: 20 }).map((e) => m * 2 ** e)), ssrcs: fc.array(u32, { maxLength: 4 }) }),
    fc.record({
      type: fc.constant('twcc' as const), senderSsrc: u32, mediaSsrc: u32, baseSequenceNumber: fc.integer({ min: 0, max: 65535 }),
      referenceTime: fc.integer({ min: 0, max: 0xffffff }), feedbackPacketCount: fc.integer({ min: 0, max: 255 }),
      packets: fc.array(fc.option(fc.integer({ min: -32768, max: 32767 }), { nil: undefined }), { minLength: 1, maxLength: 120 }),
    }).map((t) => ({
      ...t,
      packets: t.packets.map((d, i) => ({ sequenceNumber: (t.baseSequenceNumber + i) & 0xffff, received: d !== undefined, ...(d !== undefined ? { deltaMicros: d * 250 } : {}) })),
    })),
  );

  it('serialise then parse gives the same packets', () => {
    fc.assert(
      fc.property(fc.array(packet, { minLength: 1, maxLength: 5 }), (packets) => {
        const bytes = serializeRtcp(packets);
        expect(bytes.length % 4).toBe(0);
        // A NACK lists each lost packet once, in PID/BLP order: compare as sorted sets.
        const norm = (ps: RtcpPacket[]): RtcpPacket[] => ps.map((p) => (p.type === 'nack' ? { ...p, lost: [...p.lost].sort((a, b) => a - b) } : p));
        expect(norm(parseRtcp(bytes))).toEqual(norm(packets));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('depacketisers under hostile payloads', () => {
  for (const codec of RTP_CODECS) {
    it(`${codec}: never throws, never traps, counts what it drops`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(hostilePayload[codec], fc.boolean(), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 12 }), (items) => {
          const dp = createDepacketizer(codec, { reorderWindow: 4 });
          let frames = 0;
          items.forEach(([payload, marker, tsStep], i) => {
            frames += dp.push(rtpWith(payload, (65530 + i) & 0xffff, marker, 1000 + tsStep * 3000)).length;
          });
          frames += dp.flush().length;
          const s = dp.stats;
          expect(s.framesEmitted).toBe(frames);
          expect(s.packetsReceived).toBe(items.length);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('mutated and truncated packets of valid frames: never throws, never traps', () => {
    const frames: Record<RtpCodecName, Uint8Array> = {
      opus: new Uint8Array([0xfc, 1, 2, 3, 4, 5]),
      vp8: new Uint8Array(3000).map((_, i) => (i ? i & 0xff : 0x10)),
      vp9: new Uint8Array([0x82, 0x49, 0x83, 0x42, 0x00, 0x09, 0xf0, 0x08, 0x70, ...new Uint8Array(3000).fill(7)]),
      h264: writeAnnexB([new Uint8Array([0x67, 0x42]), new Uint8Array([0x68, 0xce]), new Uint8Array(3000).map((_, i) => (i ? (i % 250) + 1 : 0x65))]),
      h265: writeAnnexB([new Uint8Array([0x40, 1]), new Uint8Array([0x42, 1]), new Uint8Array([0x44, 1]), new Uint8Array(3000).map((_, i) => (i > 1 ? (i % 250) + 1 : i ? 1 : 0x26))]),
      av1: new Uint8Array([0x12, 0x00, 0x0a, 0x02, 0x00, 0x00, 0x32, 0x96, 0x17, ...new Uint8Array(2966).fill(9)]),
    };
    for (const codec of RTP_CODECS) {
      const pk = createPacketizer(codec, { payloadType: 96, ssrc: 1, mtu: 500, sequenceNumber: 0 });
      const packets = [0, 1, 2].flatMap((i) => pk.packetize(frames[codec], i * 3000));
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(packets.length - 1), fc.nat(600), fc.integer({ min: 0, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 6 }),
          (mutations) => {
            const mutated = packets.map((p) => p.slice());
            for (const [which, at, value, truncate] of mutations) {
              const p = mutated[which];
              if (truncate) mutated[which] = p.subarray(0, at % (p.length + 1));
              else if (at < p.length && at >= 4) p[at] = value; // keep sequence numbers: mutate the rest
            }
            const dp = createDepacketizer(codec, { reorderWindow: 4 });
            for (const p of mutated) dp.push(p);
            dp.flush();
            expect(dp.stats.packetsReceived).toBe(packets.length);
          },
        ),
        { numRuns: 80 },
      );
    }
  });

  it('the core rejects a lying packet table without reading outside its regions', () => {
    const core = rtpCore();
    core.table[0] = 0;
    core.table[1] = 0xffffffff;
    expect(core.fns.rtpDepacketize(2, 1)).toBeLessThan(0);
    core.table[0] = 5;
    expect(core.fns.rtpDepacketize(2, 1)).toBeLessThan(0);
    expect(core.fns.rtpDepacketize(2, 0)).toBeLessThan(0);
    expect(core.fns.rtpDepacketize(99, 1)).toBeLessThan(0);
    expect(core.fns.rtpParse(-1)).toBeLessThan(0);
    expect(core.fns.rtpPacketize(2, 0, 1200, 96, 1, 0, 0, 0, 0, 0, 0)).toBeLessThan(0);
    expect(core.fns.rtpPacketize(2, 10, 1200, 96, 1, 0, 0, 0, 0, 0, 3)).toBeLessThan(0); // unaligned extension block
    expect(core.fns.rtpPacketize(2, 10, 100, 96, 1, 0, 0, 0, 0, 0, 1024)).toBeLessThan(0); // no room left
    expect(core.fns.rtpPacketize(4, 10, 1200, 96, 1, 0, 0, 0, 0, 1 << 30, 0)).toBeLessThan(0);
  });
});

function roundTrip(codec: RtpCodecName, frame: Uint8Array, mtu: number): Uint8Array | undefined {
  const pk = createPacketizer(codec, { payloadType: 96, ssrc: 3, mtu });
  const dp = createDepacketizer(codec);
  const out: EncodedFrame[] = [];
  for (const p of pk.packetize(frame, 90)) {
    expect(p.length).toBeLessThanOrEqual(mtu);
    out.push(...dp.push(p));
  }
  return out[0]?.data;
}

describe('packetise/depacketise round trips of random frames', () => {
  it('VP8 and VP9 (key frames) at any MTU', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 5000 }), fc.integer({ min: 64, max: 1500 }), (f, mtu) => {
        const vp8 = f.slice();
        vp8[0] &= 0xfe; // key frame
        expect(roundTrip('vp8', vp8, mtu)).toEqual(vp8);
        // A VP9 key frame header: frame_marker 2, profile 0, key, sync code, then anything.
        const vp9 = new Uint8Array([0x82, 0x49, 0x83, 0x42, 0x00, 0x09, 0xf0, 0x08, 0x70, ...f]);
        expect(roundTrip('vp9', vp9, mtu)).toEqual(vp9);
      }),
      { numRuns: 100 },
    );
  });

  it('H.264 and H.265 access units of random NAL units (zero-length ones vanish)', () => {
    const nal = (h265: boolean) =>
      fc.uint8Array({ minLength: 0, maxLength: 3000 }).map((body) => {
        // No start code emulation inside (Annex-B guarantees it), no trailing zero.
        const b = body.map((x) => (x === 0 ? 5 : x));
        return h265 ? new Uint8Array([0x26, 0x01, ...b]) : new Uint8Array([0x65, ...b]);
      });
    for (const h265 of [false, true]) {
      fc.assert(
        fc.property(fc.array(nal(h265), { minLength: 1, maxLength: 8 }), fc.integer({ min: 64, max: 1500 }), (units, mtu) => {
          const params = h265
            ? [new Uint8Array([0x40, 0x01, 0x0c]), new Uint8Array([0x42, 0x01, 0x01]), new Uint8Array([0x44, 0x01, 0xc0])]
            : [new Uint8Array([0x67, 0x42]), new Uint8Array([0x68, 0xce])];
          const withEmpty = writeAnnexB([...params, ...units, new Uint8Array(0)]);
          const out = roundTrip(h265 ? 'h265' : 'h264', withEmpty, mtu);
          expect(splitAnnexB(out!)).toEqual([...params, ...units]);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('AV1 temporal units of random OBUs', () => {
    const leb = (n: number): number[] => {
      const out: number[] = [];
      do {
        let b = n & 0x7f;
        n >>>= 7;
        if (n) b |= 0x80;
        out.push(b);
      } while (n);
      return out;
    };
    const obu = fc
      .tuple(fc.constantFrom(1, 3, 4, 5, 6), fc.boolean(), fc.uint8Array({ minLength: 0, maxLength: 2500 }))
      .map(([type, ext, payload]) => new Uint8Array([(type << 3) | (ext ? 4 : 0) | 2, ...(ext ? [0x08] : []), ...leb(payload.length), ...payload]));
    fc.assert(
      fc.property(fc.array(obu, { minLength: 1, maxLength: 6 }), fc.integer({ min: 64, max: 1500 }), (obus, mtu) => {
        // A key temporal unit: delimiter, sequence header, key frame (show_existing_frame=0, KEY_FRAME), then the rest.
        const head = [0x12, 0x00, 0x0a, 0x02, 0x00, 0x00, 0x32, 0x03, 0x10, 0x20, 0x30];
        const tu = new Uint8Array([...head, ...obus.flatMap((o) => [...o])]);
        expect(roundTrip('av1', tu, mtu)).toEqual(tu);
      }),
      { numRuns: 100 },
    );
  });
});

describe('depacketiser under seeded loss, duplication and reordering', () => {
  // A stream of frames (keyframe every 5th) for each codec, several packets per frame.
  function stream(codec: RtpCodecName): Uint8Array[] {
    return Array.from({ length: 20 }, (_, i) => {
      const key = i % 5 === 0;
      const body = new Uint8Array(1500 + ((i * 397) % 1500)).map((_, k) => ((k * 13 + i * 7) % 250) + 1);
      if (codec === 'vp8') {
        body[0] = key ? 0x10 : 0x11;
        return body;
      }
      if (codec === 'h264') {
        body[0] = key ? 0x65 : 0x41;
        body[1] = 0x88;
        return key ? writeAnnexB([new Uint8Array([0x67, 0x42]), new Uint8Array([0x68, 0xce]), body]) : writeAnnexB([body]);
      }
      // AV1: key units carry a sequence header and a KEY_FRAME; others an inter frame.
      const payload = [key ? 0x10 : 0x30, ...body];
      const leb: number[] = [];
      let n = payload.length;
      do {
        leb.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
        n >>>= 7;
      } while (n);
      return new Uint8Array([0x12, 0x00, ...(key ? [0x0a, 0x01, 0x00] : []), 0x32, ...leb, ...payload]);
    });
  }

  for (const codec of ['vp8', 'h264', 'av1'] as RtpCodecName[]) {
    it(`${codec}: emits only whole, correct frames, in order, each once`, () => {
      const frames = stream(codec);
      const pk = createPacketizer(codec, { payloadType: 96, ssrc: 2, mtu: 400, sequenceNumber: 65500 });
      const packets = frames.flatMap((f, i) => pk.packetize(f, i * 3000));
      const byTs = new Map(frames.map((f, i) => [i * 3000, Buffer.from(f).toString('hex')]));
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom('keep', 'keep', 'keep', 'keep', 'drop', 'dup', 'late'), { minLength: packets.length, maxLength: packets.length }),
          fc.integer({ min: 1, max: 32 }),
          (fate, window) => {
            const arrivals: Uint8Array[] = [];
            const held: Uint8Array[] = [];
            packets.forEach((p, i) => {
              if (fate[i] === 'drop') return;
              if (fate[i] === 'late') held.push(p);
              else arrivals.push(p);
              if (fate[i] === 'dup') arrivals.push(p);
              if (held.length > 0 && i % 3 === 0) arrivals.push(held.shift()!);
            });
            arrivals.push(...held);
            const dp = createDepacketizer(codec, { reorderWindow: window });
            const out = arrivals.flatMap((p) => dp.push(p)).concat(dp.flush());
            let lastTs = -1;
            for (const f of out) {
              expect(Buffer.from(f.data).toString('hex')).toBe(byTs.get(f.timestamp));
              expect(f.timestamp).toBeGreaterThan(lastTs);
              lastTs = f.timestamp;
            }
            if (!fate.includes('drop')) expect(out.length).toBeGreaterThanOrEqual(1);
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});

describe('container readers under hostile files', () => {
  it('IVF, Ogg Opus and Annex-B readers return frames or throw RtpError, for random and mutated files', () => {
    const ivf = new IvfWriter({ fourcc: 'VP80', width: 16, height: 16, timebaseDenominator: 30, timebaseNumerator: 1 });
    ivf.addFrame(new Uint8Array([1, 2, 3]), 0);
    ivf.addFrame(new Uint8Array([4, 5]), 1);
    const ogg = new OggOpusWriter({ channels: 1 });
    ogg.addPacket(new Uint8Array([0xfc, 1, 2]));
    ogg.addPacket(new Uint8Array(300).fill(0xfc));
    const files = [ivf.finish(), ogg.finish()];
    fc.assert(
      fc.property(fc.nat(1), fc.nat(400), fc.integer({ min: 0, max: 255 }), fc.nat(400), bytes(100), (which, at, v, cut, junk) => {
        const f = files[which].slice(0, Math.max(1, cut));
        if (at < f.length) f[at] = v;
        onlyRtpError(() => (which === 0 ? readIvf(f) : readOggOpus(f)));
        onlyRtpError(() => readIvf(junk));
        onlyRtpError(() => readOggOpus(junk));
        readAnnexBAccessUnits(junk, 'h264');
        readAnnexBAccessUnits(junk, 'h265');
      }),
      { numRuns: RUNS },
    );
    expect(readIvf(files[0]).frames.map((x) => Array.from(x.data))).toEqual([[1, 2, 3], [4, 5]]);
    expect(readOggOpus(files[1]).packets.map((x) => x.length)).toEqual([3, 300]);
  });
});
