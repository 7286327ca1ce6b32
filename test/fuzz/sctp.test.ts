// Property and mutation tests: no input makes a parser or an engine throw, hang or lose
// its state; an established association keeps working after a storm of garbage.
import fc from 'fast-check';
import { SctpAssociation } from '../../src/sctp/association';
import { encodeCookieEcho } from '../../src/sctp/chunks/control';
import { parseData } from '../../src/sctp/chunks/data';
import { parseErrorCauses } from '../../src/sctp/chunks/error-cause';
import { parseForwardTsn } from '../../src/sctp/chunks/forward-tsn';
import { parseHeartbeatInfo } from '../../src/sctp/chunks/heartbeat';
import { parseInit } from '../../src/sctp/chunks/init';
import { parseReconfig } from '../../src/sctp/chunks/reconfig';
import { parseSack } from '../../src/sctp/chunks/sack';
import { DataChannelManager } from '../../src/sctp/dcep/channel-manager';
import { parseDcep, PPID_DCEP } from '../../src/sctp/dcep/message';
import type { SctpEvent } from '../../src/sctp/events';
import { readCommonHeader, sealPacket, splitChunks } from '../../src/sctp/packet';
import { seededBytes, SimNetwork } from '../sim/sctp-harness';

const RUNS = 300;

function pair(seed: number, zeroChecksum = true) {
  const a = new SctpAssociation({ randomBytes: seededBytes(seed), zeroChecksum });
  const b = new SctpAssociation({ randomBytes: seededBytes(seed + 1), zeroChecksum });
  const events: SctpEvent[] = [];
  const net = new SimNetwork([a, b], { delayMs: 5 }, () => {
    while (a.pollEvent());
    for (let e = b.pollEvent(); e; e = b.pollEvent()) events.push(e);
  });
  a.connect(0);
  b.connect(0);
  net.run(() => a.state === 'established' && b.state === 'established', 5000);
  return { a, b, net, events };
}

/** Real packets of both sides: DATA (ordered, unordered, fragmented), SACK, RE-CONFIG. */
function capture(a: SctpAssociation, b: SctpAssociation, net: SimNetwork): Uint8Array[] {
  const captured: Uint8Array[] = [];
  for (let i = 0; i < 20; i++) a.send(i % 3, new Uint8Array(1 + i * 300).fill(i), { ppid: 53, unordered: i % 2 === 0 }, net.now);
  a.resetStreams([2]);
  for (let p = a.pollTransmit(); p; p = a.pollTransmit()) {
    captured.push(p.slice());
    b.handleInput(net.now, p);
  }
  for (let p = b.pollTransmit(); p; p = b.pollTransmit()) {
    captured.push(p.slice());
    a.handleInput(net.now, p);
  }
  return captured;
}

/** The association still carries a message after the abuse. */
function stillWorks(a: SctpAssociation, net: SimNetwork, events: SctpEvent[], tag: string): boolean {
  if (a.state !== 'established') return true; // an ABORT-looking input may close it; never a throw
  a.send(1, new TextEncoder().encode(tag), { ppid: 51 }, net.now);
  return net.run(
    () => events.some((e) => e.type === 'message' && new TextDecoder().decode(e.data) === tag),
    net.now + 30_000,
  );
}

describe('SCTP parsers never throw', () => {
  it('chunk and DCEP parsers take any bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 300 }), (type, flags, value) => {
        const raw = { type, flags, value };
        parseData(raw);
        parseInit(raw);
        parseSack(raw);
        parseForwardTsn(raw);
        parseReconfig(raw);
        parseHeartbeatInfo(raw);
        parseErrorCauses(raw);
        parseDcep(value);
        splitChunks(value);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('SctpAssociation under hostile input', () => {
  it('random packets with a valid header and tag: no throw, and the association keeps working', () => {
    const { a, b, net, events } = pair(7);
    // The tag b expects: the one on a's packets.
    a.send(1, Uint8Array.of(1), { ppid: 53 }, net.now);
    const vtag = readCommonHeader(a.pollTransmit()!).verificationTag;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 120 })), { minLength: 1, maxLength: 4 }), (chunks) => {
        let size = 12;
        for (const [, , v] of chunks) size += (4 + v.length + 3) & ~3;
        const p = new Uint8Array(size);
        let o = 12;
        for (const [type, flags, v] of chunks) {
          // Avoid ABORT / SHUTDOWN* here: they legitimately end the association.
          const t = type === 6 || type === 7 || type === 8 || type === 14 ? 0x3f : type;
          p[o] = t;
          p[o + 1] = flags;
          p[o + 2] = (4 + v.length) >> 8;
          p[o + 3] = (4 + v.length) & 0xff;
          p.set(v, o + 4);
          o += (4 + v.length + 3) & ~3;
        }
        sealPacket(p, 5000, 5000, vtag);
        expect(() => b.handleInput(net.now, p)).not.toThrow();
        expect(() => {
          for (let q = b.pollTransmit(); q; q = b.pollTransmit());
        }).not.toThrow();
      }),
      { numRuns: RUNS },
    );
    expect(b.state).toBe('established');
    expect(stillWorks(a, net, events, 'after random chunks')).toBe(true);
  });

  it('bit-flipped and truncated real packets are dropped by CRC-32c and the association keeps working', () => {
    // Checksums on (no RFC 9653): a mutation that survives the CRC is a 2^-32 event.
    const { a, b, net, events } = pair(11, false);
    const captured = capture(a, b, net);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: captured.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, flips, cut) => {
          let p = captured[which].slice();
          for (const [pos, x] of flips) p[pos % p.length] ^= x;
          if (cut !== undefined) p = p.subarray(0, cut % (p.length + 1));
          expect(() => b.handleInput(net.now, p)).not.toThrow();
          expect(() => a.handleInput(net.now, p)).not.toThrow();
          for (let q = b.pollTransmit(); q; q = b.pollTransmit());
          for (let q = a.pollTransmit(); q; q = a.pollTransmit());
          while (a.pollEvent());
          for (let e = b.pollEvent(); e; e = b.pollEvent()) events.push(e);
        },
      ),
      { numRuns: RUNS },
    );
    expect(a.state).toBe('established');
    expect(b.state).toBe('established');
    // Packets dropped above are retransmitted by the sender in time.
    expect(stillWorks(a, net, events, 'after mutations')).toBe(true);
  });

  it('mutated packets that pass the checksum (as a forged but authenticated peer) never throw', () => {
    // A forged SACK or FORWARD TSN from an authenticated peer can make data skip: over
    // DTLS no one but the peer can send them, so only "no throw, sane state" is asked.
    const { a, b, net, events } = pair(13);
    const captured = capture(a, b, net);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: captured.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }),
        (which, flips) => {
          const p = captured[which].slice();
          for (const [pos, x] of flips) p[12 + (pos % (p.length - 12))] ^= x;
          sealPacket(p, 5000, 5000, readCommonHeader(p).verificationTag, true);
          expect(() => b.handleInput(net.now, p)).not.toThrow();
          expect(() => a.handleInput(net.now, p)).not.toThrow();
          expect(() => {
            for (let q = b.pollTransmit(); q; q = b.pollTransmit());
            for (let q = a.pollTransmit(); q; q = a.pollTransmit());
            while (a.pollEvent());
            for (let e = b.pollEvent(); e; e = b.pollEvent()) events.push(e);
          }).not.toThrow();
          for (const x of [a, b]) {
            const t = x.pollTimeout();
            expect(t === undefined || Number.isFinite(t)).toBe(true);
            expect(Number.isFinite(x.transportInfo.flight) && x.transportInfo.flight >= 0).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(() => net.run(() => false, net.now + 5000)).not.toThrow();
  });

  it('garbage cookies and handshake chunks before establishment never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 0xffffffff }), (cookie, vtag) => {
        const x = new SctpAssociation();
        const echo = encodeCookieEcho(cookie);
        const p = new Uint8Array(12 + ((echo.length + 3) & ~3));
        p.set(echo, 12);
        sealPacket(p, 5000, 5000, vtag);
        expect(() => x.handleInput(0, p)).not.toThrow();
        expect(x.state).toBe('closed');
      }),
      { numRuns: RUNS },
    );
  });

  it('DCEP messages with any payload never throw out of the channel manager', () => {
    const ma = new DataChannelManager(new SctpAssociation({ randomBytes: seededBytes(3) }), 'client');
    const mb = new DataChannelManager(new SctpAssociation({ randomBytes: seededBytes(4) }), 'server');
    const net = new SimNetwork([ma, mb], { delayMs: 2 }, () => {
      while (ma.pollEvent());
      while (mb.pollEvent());
    });
    ma.connect(0);
    mb.connect(0);
    expect(net.run(() => ma.association.state === 'established' && mb.association.state === 'established', 5000)).toBe(true);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.constantFrom(PPID_DCEP, 51, 53, 56, 57, 99), (stream, payload, ppid) => {
        ma.association.send(stream, payload, { ppid }, net.now);
        expect(() => net.run(() => ma.association.idle, net.now + 2000)).not.toThrow();
      }),
      { numRuns: 150 },
    );
    expect(mb.counters.malformedDcep + mb.counters.unknownStreamMessages + mb.counters.unknownPpid).toBeGreaterThan(0);
  });
});
