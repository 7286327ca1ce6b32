// When the receiver acknowledges (RFC 9260 §6.2), also when its owner feeds several
// packets before draining pollTransmit() — as RTCPeerConnection does with a burst of
// datagrams. Chromium's dcsctp grows its window per SACK and has no tail-loss probe: a
// receiver that answered a burst of four packets with one SACK left it a single SACK per
// window, whose loss (15 % on the lossy link) meant a T3 timeout and a stall of seconds.
import { SctpAssociation } from '../../src/sctp/association';
import { ChunkType } from '../../src/sctp/chunk-type';
import { readCommonHeader, sealPacket, splitChunks } from '../../src/sctp/packet';
import { SimNetwork, seededBytes } from '../sim/sctp-harness';

function pair() {
  const a = new SctpAssociation({ randomBytes: seededBytes(11) });
  const b = new SctpAssociation({ randomBytes: seededBytes(12) });
  const net = new SimNetwork([a, b], { delayMs: 5 });
  a.connect(0);
  b.connect(0);
  expect(net.run(() => a.state === 'established' && b.state === 'established', 10_000)).toBe(true);
  // Drain whatever the handshake left (COOKIE ACK, events).
  while (a.pollTransmit());
  while (b.pollTransmit());
  return { a, b, now: net.now };
}

/** `n` single-chunk DATA packets from a, none carrying the I bit (a keeps more queued). */
function dataPackets(a: SctpAssociation, n: number, now: number): Uint8Array[] {
  for (let i = 0; i < n + 4; i++) a.send(0, new Uint8Array(1000).fill(i), { ppid: 53 }, now);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const p = a.pollTransmit();
    expect(p).toBeDefined();
    const c = splitChunks(p!)!;
    expect(c.map((x) => x.type)).toEqual([ChunkType.DATA]);
    expect(c[0].flags & 0x08).toBe(0);
    out.push(p!);
  }
  return out;
}

interface Sack {
  cum: number;
  gaps: number;
}

function sacksOf(b: SctpAssociation): Sack[] {
  const out: Sack[] = [];
  for (let p = b.pollTransmit(); p; p = b.pollTransmit()) {
    for (const c of splitChunks(p)!) {
      if (c.type !== ChunkType.SACK) continue;
      const dv = new DataView(c.value.buffer, c.value.byteOffset, c.value.byteLength);
      out.push({ cum: dv.getUint32(0), gaps: dv.getUint16(8) });
    }
  }
  return out;
}

const tsnOf = (p: Uint8Array): number => new DataView(p.buffer, p.byteOffset).getUint32(12 + 4);

describe('SACK timing with an owner that feeds packets in bursts (RFC 9260 §6.2)', () => {
  it('a burst of in-order packets fed without polling gets a SACK for every second packet', () => {
    const { a, b, now } = pair();
    const burst = dataPackets(a, 8, now);
    for (const p of burst) b.handleInput(now, p);
    const sacks = sacksOf(b);
    // One SACK per two packets, each acknowledging up to its second packet — not one
    // SACK for the whole burst.
    expect(sacks.map((s) => s.cum)).toEqual([1, 3, 5, 7].map((i) => tsnOf(burst[i])));
  });

  it('a packet that fills a hole is acknowledged at once, not after the delayed-ack time', () => {
    const { a, b, now } = pair();
    const [p0, p1, p2] = dataPackets(a, 3, now);
    b.handleInput(now, p0);
    b.handleInput(now, p2); // p1 lost: a gap, SACKed at once
    const before = sacksOf(b);
    expect(before[before.length - 1]).toEqual({ cum: tsnOf(p0), gaps: 1 });
    // The retransmission of p1 fills the hole: with nothing else pending, a delayed SACK
    // would wait up to 200 ms while the sender (its window small after the loss) idles.
    b.handleInput(now + 1, p1);
    expect(sacksOf(b)).toEqual([{ cum: tsnOf(p2), gaps: 0 }]);
  });

  it('a lone in-order packet still waits for the delayed-ack timer', () => {
    const { a, b, now } = pair();
    const [p0] = dataPackets(a, 1, now);
    b.handleInput(now, p0);
    expect(sacksOf(b)).toEqual([]);
    const due = b.pollTimeout();
    expect(due).toBeDefined();
    expect(due! - now).toBeLessThanOrEqual(200);
    b.handleTimeout(due!);
    expect(sacksOf(b)).toEqual([{ cum: tsnOf(p0), gaps: 0 }]);
  });

  it('while it reports gaps and the peer falls silent, the receiver repeats its latest SACK, twice at most', () => {
    const { a, b, now } = pair();
    const [p0, p1, p2] = dataPackets(a, 3, now);
    b.handleInput(now, p0);
    b.handleInput(now, p2); // p1 missing
    expect(sacksOf(b)).toContainEqual({ cum: tsnOf(p0), gaps: 1 });
    // That SACK may have been lost; a sender without a tail-loss probe would sit in T3.
    const repeats: number[] = [];
    for (let i = 0; i < 10; i++) {
      const due = b.pollTimeout();
      if (due === undefined || due > now + 5000) break;
      b.handleTimeout(due);
      const s = sacksOf(b);
      if (s.length > 0) {
        expect(s).toEqual([{ cum: tsnOf(p0), gaps: 1 }]);
        repeats.push(due - now);
      }
    }
    expect(repeats.length).toBe(2);
    expect(repeats[0]).toBeLessThanOrEqual(100);
    expect(b.counters.sackRefreshes).toBe(2);
    // The hole filled, nothing to repeat: the next silence stays silent.
    b.handleInput(now + 1000, p1);
    expect(sacksOf(b)).toEqual([{ cum: tsnOf(p2), gaps: 0 }]);
    const due = b.pollTimeout();
    if (due !== undefined) b.handleTimeout(due);
    expect(sacksOf(b)).toEqual([]);
    expect(b.counters.sackRefreshes).toBe(2);
  });

  it('the SACKs queued for a burst are bounded (a flood fed without polling)', () => {
    const { a, b, now } = pair();
    // 200 packets: copies of one DATA packet with the TSN rewritten (cwnd would not let
    // the sender emit that many at once).
    const [first] = dataPackets(a, 1, now);
    const burst = Array.from({ length: 200 }, (_, i) => {
      const p = first.slice();
      new DataView(p.buffer).setUint32(16, (tsnOf(first) + i) >>> 0);
      sealPacket(p, 5000, 5000, readCommonHeader(p).verificationTag);
      return p;
    });
    // Every packet out of order (each leaves a gap): a SACK is due after each one.
    for (let i = burst.length - 1; i >= 1; i--) b.handleInput(now, burst[i]);
    const sacks = sacksOf(b);
    expect(sacks.length).toBeGreaterThan(0);
    expect(sacks.length).toBeLessThanOrEqual(17);
    // Whatever was queued, the last SACK reflects everything received.
    expect(sacks[sacks.length - 1].cum).toBe((tsnOf(burst[0]) - 1) >>> 0);
  });
});
