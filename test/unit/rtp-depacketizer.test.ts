// Depacketiser state: reordering inside the window, loss past it, duplicates, late and
// padding-only packets, SSRC changes, malformed payloads and keyframe recovery; packetiser
// options and misuse. Synthetic frames (the real media is in test/interop/rtp-media).
import {
  createDepacketizer, createPacketizer, type EncodedFrame, parseRtp, RtpError, serializeRtp, splitAnnexB, writeAnnexB,
} from '../../src/rtp/index.js';

// VP8 frame tag bit 0 is the inverse keyframe flag (RFC 6386 §9.1).
function vp8Frame(key: boolean, size: number, seed: number): Uint8Array {
  const f = new Uint8Array(size).map((_, i) => (i * 31 + seed) & 0xff);
  f[0] = key ? 0x10 : 0x11;
  return f;
}

function run(packets: Uint8Array[], dp = createDepacketizer('vp8')): EncodedFrame[] {
  const out: EncodedFrame[] = [];
  for (const p of packets) out.push(...dp.push(p));
  return out;
}

describe('depacketiser', () => {
  const pk = createPacketizer('vp8', { mtu: 200, payloadType: 96, ssrc: 1, sequenceNumber: 65000, pictureId: 32760 });
  const frames = [vp8Frame(true, 1000, 1), vp8Frame(false, 300, 2), vp8Frame(false, 50, 3), vp8Frame(true, 700, 4), vp8Frame(false, 400, 5)];
  const packetsByFrame = frames.map((f, i) => pk.packetize(f, i * 3000));
  const all = packetsByFrame.flat();

  it('puts sequence numbers in a run, the marker on the last packet, wraps the picture ID', () => {
    const seqs = all.map((p) => parseRtp(p).sequenceNumber);
    expect(seqs).toEqual(seqs.map((_, i) => (65000 + i) & 0xffff));
    for (const ps of packetsByFrame) {
      expect(ps.map((p) => parseRtp(p).marker)).toEqual(ps.map((_, i) => i === ps.length - 1));
      for (const p of ps) expect(p.length).toBeLessThanOrEqual(200);
    }
    const pid = (p: Uint8Array): number => ((p[14] & 0x7f) << 8) | p[15];
    expect(pid(packetsByFrame[0][0])).toBe(32760);
    expect(pid(packetsByFrame[4][0])).toBe(32764 & 0x7fff);
  });

  it('emits every frame in order despite reversal inside the window', () => {
    const dp = createDepacketizer('vp8', { reorderWindow: 64 });
    const shuffled = [all[0], ...all.slice(1).reverse()];
    const out = run(shuffled, dp);
    expect(out.map((f) => f.data)).toEqual(frames);
    expect(out.map((f) => f.keyframe)).toEqual([true, false, false, true, false]);
    expect(dp.stats.framesEmitted).toBe(5);
  });

  it('stays byte-exact while its packet slabs turn over (megabytes, reordered)', () => {
    const big = Array.from({ length: 40 }, (_, i) => vp8Frame(i % 10 === 0, 20000 + i * 1000, i));
    const p = createPacketizer('vp8', { payloadType: 96, ssrc: 9, mtu: 1200 });
    const packets = big.flatMap((f, i) => p.packetize(f, i * 3000));
    // Swap neighbours pairwise: every packet but the first arrives one place off.
    for (let i = 1; i + 1 < packets.length; i += 2) [packets[i], packets[i + 1]] = [packets[i + 1], packets[i]];
    const out = run(packets, createDepacketizer('vp8', { reorderWindow: 8 }));
    expect(out.length).toBe(big.length);
    expect(out.map((f, i) => Buffer.from(f.data).equals(Buffer.from(big[i])))).toEqual(big.map(() => true));
  });

  it('a jump of thousands of sequence numbers is one loss step, counted in full', () => {
    const dp = createDepacketizer('vp8', { reorderWindow: 16 });
    run(packetsByFrame[0], dp);
    const far = packetsByFrame[1].map((p) => {
      const q = parseRtp(p);
      return serializeRtp({ ...q, sequenceNumber: (q.sequenceNumber + 30000) & 0xffff });
    });
    run(far, dp);
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) dp.push(far[0]);
    expect(performance.now() - t0).toBeLessThan(1000);
    // The window (16) still waits for the holes just below the newest packets.
    expect(dp.stats.packetsLost).toBe(30000 - 14);
    expect(dp.stats.packetsDuplicate).toBe(200);
    dp.flush();
    expect(dp.stats.packetsLost).toBe(30000);
    expect(dp.stats.framesDroppedAwaitingKeyframe).toBe(1);
  });

  it('counts duplicates and late packets', () => {
    const dp = createDepacketizer('vp8', { reorderWindow: 4 });
    const out = run([...all.slice(0, 10), all[3], ...all.slice(10), all[0]], dp);
    expect(out.length).toBe(5);
    expect(dp.stats.packetsDuplicate + dp.stats.packetsLate).toBe(2);
  });

  it('gives up a hole older than the window: drops that frame and waits for the keyframe', () => {
    const dp = createDepacketizer('vp8', { reorderWindow: 3 });
    const lost = packetsByFrame[0].length + 1; // second packet of frame 1
    const out = run(all.filter((_, i) => i !== lost), dp);
    expect(out.map((f) => f.timestamp)).toEqual([0, 9000, 12000]);
    expect(dp.stats.packetsLost).toBe(1);
    expect(dp.stats.framesDroppedIncomplete).toBe(1);
    expect(dp.stats.framesDroppedAwaitingKeyframe).toBe(1);
    expect(dp.waitingForKeyframe).toBe(false);
  });

  it('drops a frame whose marker packet was lost when the timestamp moves on', () => {
    const dp = createDepacketizer('vp8', { reorderWindow: 2 });
    const markerOfFirst = packetsByFrame[0].length - 1;
    const out = run(all.filter((_, i) => i !== markerOfFirst), dp);
    expect(out.map((f) => f.timestamp)).toEqual([9000, 12000]);
    expect(dp.stats.framesDroppedIncomplete).toBe(1);
  });

  it('flush gives up the holes at the end of a stream', () => {
    const dp = createDepacketizer('vp8', { reorderWindow: 64 });
    const out = run(all.slice(0, -2).concat(all.slice(-1)), dp);
    expect(out.length).toBe(4);
    expect(dp.flush()).toEqual([]);
    expect(dp.stats.packetsLost).toBe(1);
    expect(dp.stats.framesDroppedIncomplete).toBe(1);
  });

  it('skips padding-only packets and resets on a new SSRC', () => {
    const dp = createDepacketizer('vp8');
    const pad = serializeRtp({ payloadType: 96, marker: false, sequenceNumber: (65000 + packetsByFrame[0].length) & 0xffff, timestamp: 0, ssrc: 1, csrc: [], extensions: [], paddingLength: 200, payload: new Uint8Array(0) });
    const other = createPacketizer('vp8', { payloadType: 96, ssrc: 2, sequenceNumber: 5 });
    const shifted = packetsByFrame.slice(1).flat().map((p) => {
      const q = parseRtp(p);
      return serializeRtp({ ...q, sequenceNumber: (q.sequenceNumber + 1) & 0xffff });
    });
    const out = run([...packetsByFrame[0], pad, ...shifted, ...other.packetize(frames[0], 77)], dp);
    expect(out.length).toBe(6);
    expect(out[5]).toMatchObject({ ssrc: 2, timestamp: 77, keyframe: true });
    expect(dp.stats.packetsPadding).toBe(1);
    expect(dp.stats.streamResets).toBe(1);
  });

  it('counts malformed packets and frames, and recovers at the next keyframe', () => {
    const dp = createDepacketizer('vp8', { reorderWindow: 4 });
    const broken = all.map((p) => p.slice());
    broken[packetsByFrame[0].length][12] = 0x80; // frame 1: X=1 and nothing after it... still parses
    broken[packetsByFrame[0].length] = broken[packetsByFrame[0].length].subarray(0, 13); // descriptor cut short
    const out = run([new Uint8Array(5), new Uint8Array([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), ...broken], dp);
    expect(dp.stats.packetsMalformed).toBe(2);
    expect(dp.stats.framesDroppedMalformed).toBe(1);
    expect(out.map((f) => f.timestamp)).toEqual([0, 9000, 12000]);
  });

  it('H.264: a STAP-A that nests a FU-A, a zero-size unit or a lying size is a malformed frame', () => {
    const dp = createDepacketizer('h264');
    const pkt = (seq: number, payload: number[]): Uint8Array =>
      serializeRtp({ payloadType: 102, marker: true, sequenceNumber: seq, timestamp: seq * 3000, ssrc: 4, csrc: [], extensions: [], paddingLength: 0, payload: new Uint8Array(payload) });
    dp.push(pkt(1, [0x18, 0x00, 0x02, 0x7c, 0x85]));
    dp.push(pkt(2, [0x18, 0x00, 0x00, 0x00, 0x01, 0x65]));
    dp.push(pkt(3, [0x18, 0x00, 0x09, 0x65, 0x88]));
    dp.push(pkt(4, [0x7c, 0xc5, 0x01])); // FU-A with both S and E
    expect(dp.stats.framesDroppedMalformed).toBe(4);
    const ok = dp.push(pkt(5, [0x18, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce, 0x00, 0x03, 0x65, 0x88, 0x84]));
    expect(ok.map((f) => f.keyframe)).toEqual([true]);
    expect(splitAnnexB(ok[0].data).length).toBe(3);
  });

  describe('H.264 keyframes without in-band parameter sets', () => {
    const idr = new Uint8Array(2500).map((_, i) => (i % 250) + 1);
    idr[0] = 0x65;
    idr[1] = 0x88; // first_mb_in_slice = 0
    const p = new Uint8Array(2500).map((_, i) => (i % 240) + 1);
    p[0] = 0x41;
    p[1] = 0x9a;
    // Parameter sets in band only at the start; the later IDR relies on them (a packetiser
    // per frame, so none re-sends them).
    let seq = 10;
    const units = [[new Uint8Array([0x67, 0x42]), new Uint8Array([0x68, 0xce]), idr], [p], [p], [idr], [p]];
    const frames = units.map((u, i) => {
      const ps = createPacketizer('h264', { payloadType: 102, ssrc: 8, sequenceNumber: seq }).packetize(writeAnnexB(u), i * 3000);
      seq += ps.length;
      return ps;
    });
    const play = (lose: [number, number], outOfBandParameterSets: boolean): EncodedFrame[] => {
      const dp = createDepacketizer('h264', { reorderWindow: 2, outOfBandParameterSets });
      const out: EncodedFrame[] = [];
      frames.forEach((ps, i) => {
        ps.forEach((pkt, j) => {
          if (i === lose[0] && j === lose[1]) return;
          out.push(...dp.push(pkt));
        });
      });
      return out.concat(dp.flush());
    };

    it('recover at an IDR that follows a whole frame (its start is known)', () => {
      expect(play([1, 1], false).map((f) => [f.timestamp, f.keyframe])).toEqual([[0, true], [9000, true], [12000, false]]);
    });

    it('an IDR right after the lost packet: dropped, since its parameter sets may have been lost too', () => {
      const last = frames[2].length - 1;
      expect(play([2, last], false).map((f) => f.timestamp)).toEqual([0, 3000]);
    });

    it('...unless the parameter sets travel out of band: then its first slice proves the start', () => {
      const last = frames[2].length - 1;
      expect(play([2, last], true).map((f) => f.timestamp)).toEqual([0, 3000, 9000, 12000]);
    });
  });

  it('rejects bad options with DOMException', () => {
    expect(() => createDepacketizer('vp8', { reorderWindow: 0 })).toThrow(DOMException);
    expect(() => createDepacketizer('theora' as 'vp8')).toThrow(DOMException);
    expect(() => createPacketizer('vp8', { payloadType: 200, ssrc: 1 })).toThrow(DOMException);
    expect(() => createPacketizer('vp8', { payloadType: 96, ssrc: 1, mtu: 10 })).toThrow(DOMException);
    expect(() => pk.packetize(new Uint8Array(0), 0)).toThrow(DOMException);
  });
});

describe('packetiser', () => {
  it('puts the stream\'s header extensions in every packet and says where to patch per-packet values', () => {
    const mid = new TextEncoder().encode('0');
    const p = createPacketizer('vp8', { payloadType: 96, ssrc: 1, mtu: 300, headerExtensions: [{ id: 1, data: mid }, { id: 3, data: new Uint8Array(2) }] });
    const frame = vp8Frame(true, 1000, 9);
    const ps = p.packetize(frame, 0);
    const at = p.extensionOffset(3)!;
    expect(at).toBe(12 + 4 + 2 + 1);
    ps.forEach((pkt, i) => {
      expect(pkt.length).toBeLessThanOrEqual(300);
      pkt[at] = i >> 8; // transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2)
      pkt[at + 1] = i & 0xff;
      const q = parseRtp(pkt);
      expect(q.extensionProfile).toBe('one-byte');
      expect(q.extensions.map((e) => [e.id, Array.from(e.data)])).toEqual([[1, [0x30]], [3, [i >> 8, i & 0xff]]]);
    });
    const out = run(ps);
    expect(out[0].data).toEqual(frame);
    p.setHeaderExtensions([]);
    expect(parseRtp(p.packetize(frame, 3000)[0]).extensions).toEqual([]);
    expect(() => p.setHeaderExtensions([{ id: 5, data: new Uint8Array(255) }, { id: 6, data: new Uint8Array(255) }])).toThrow(DOMException);
  });

  it('refuses an Opus packet larger than the MTU (never fragmented, RFC 7587 §4.2)', () => {
    const op = createPacketizer('opus', { payloadType: 111, ssrc: 1, mtu: 100 });
    expect(() => op.packetize(new Uint8Array(200), 0)).toThrow(RtpError);
    expect(op.packetize(new Uint8Array(88).fill(0xfc), 0).length).toBe(1);
    expect(parseRtp(op.packetize(new Uint8Array(10).fill(0xfc), 960)[0]).marker).toBe(false);
    expect(parseRtp(op.packetize(new Uint8Array(10).fill(0xfc), 1920, { marker: true })[0]).marker).toBe(true);
  });

  it('refuses an H.264 frame that is not Annex-B', () => {
    const h = createPacketizer('h264', { payloadType: 102, ssrc: 1 });
    expect(() => h.packetize(new Uint8Array([0x65, 1, 2, 3]), 0)).toThrow(RtpError);
  });

  it('H.264: aggregates small NAL units (STAP-A), fragments large ones (FU-A), re-sends parameter sets with a keyframe', () => {
    const sps = new Uint8Array([0x67, 0x42, 0xc0, 0x1e, 0x8c]);
    const pps = new Uint8Array([0x68, 0xce, 0x3c, 0x80]);
    const idr = new Uint8Array(3000).map((_, i) => (i % 251) + 1);
    idr[0] = 0x65;
    const slice = new Uint8Array([0x41, 0x9a, 0x10, 0x20]);
    const h = createPacketizer('h264', { payloadType: 102, ssrc: 1, mtu: 1200 });
    const first = h.packetize(writeAnnexB([sps, pps, idr]), 0);
    expect(first[0][12] & 0x1f).toBe(24); // STAP-A: SPS + PPS
    expect(first[1][12] & 0x1f).toBe(28); // FU-A
    expect(h.lastKeyframe).toBe(true);
    h.packetize(writeAnnexB([slice]), 3000);
    const again = h.packetize(writeAnnexB([idr]), 6000); // a keyframe without SPS/PPS
    expect(again[0][12] & 0x1f).toBe(24);
    const dp = createDepacketizer('h264');
    const out: EncodedFrame[] = [];
    for (const p of again) out.push(...dp.push(p));
    expect(splitAnnexB(out[0].data)).toEqual([sps, pps, idr]);
    expect(out[0].keyframe).toBe(true);
  });

  it('H.265: AP and FU carry the two-byte NAL header', () => {
    const vps = new Uint8Array([0x40, 0x01, 0x0c]);
    const sps = new Uint8Array([0x42, 0x01, 0x01]);
    const pps = new Uint8Array([0x44, 0x01, 0xc0]);
    const idr = new Uint8Array(2500).map((_, i) => (i % 200) + 1);
    idr[0] = 0x26; // IDR_W_RADL (19)
    idr[1] = 0x01;
    const h = createPacketizer('h265', { payloadType: 103, ssrc: 1 });
    const ps = h.packetize(writeAnnexB([vps, sps, pps, idr]), 0);
    expect((ps[0][12] >> 1) & 0x3f).toBe(48);
    expect((ps[1][12] >> 1) & 0x3f).toBe(49);
    const dp = createDepacketizer('h265');
    const out: EncodedFrame[] = [];
    for (const p of ps) out.push(...dp.push(p));
    expect(splitAnnexB(out[0].data)).toEqual([vps, sps, pps, idr]);
    expect(out[0].keyframe).toBe(true);
  });
});

describe('depacketiser start-up', () => {
  it.each(['vp8', 'h264', 'av1'] as const)('%s: a keyframe whose last packets arrive first still starts the stream', (codec) => {
    const key = {
      vp8: new Uint8Array(3000).map((_, i) => (i ? (i % 250) + 1 : 0x10)),
      h264: writeAnnexB([new Uint8Array([0x67, 0x42]), new Uint8Array([0x68, 0xce]), new Uint8Array(3000).map((_, i) => (i ? (i % 250) + 1 : 0x65))]),
      av1: new Uint8Array([0x12, 0x00, 0x0a, 0x01, 0x00, 0x32, 0x96, 0x17, 0x10, ...new Uint8Array(2965).fill(3)]),
    }[codec];
    const p = createPacketizer(codec, { payloadType: 96, ssrc: 5, mtu: 600 });
    const packets = p.packetize(key, 0);
    expect(packets.length).toBeGreaterThan(3);
    const dp = createDepacketizer(codec);
    const out = [...packets].reverse().flatMap((pkt) => dp.push(pkt));
    expect(out.map((f) => [f.keyframe, Buffer.from(f.data).equals(Buffer.from(key))])).toEqual([[true, true]]);
    expect(dp.stats.packetsLate).toBe(0);
  });
});
