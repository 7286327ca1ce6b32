// SctpAssociation state machine and input hygiene (RFC 9260), driven directly.
import { SctpAssociation } from '../../src/sctp/association';
import { ChunkType } from '../../src/sctp/chunk-type';
import { encodeInit } from '../../src/sctp/chunks/init';
import type { SctpEvent } from '../../src/sctp/events';
import { readCommonHeader, sealPacket, splitChunks, verifyPacket } from '../../src/sctp/packet';
import { SimNetwork, seededBytes } from '../sim/sctp-harness';

function make(seed: number, opts: ConstructorParameters<typeof SctpAssociation>[0] = {}) {
  return new SctpAssociation({ randomBytes: seededBytes(seed), ...opts });
}

function drainEvents(a: SctpAssociation): SctpEvent[] {
  const out: SctpEvent[] = [];
  for (let e = a.pollEvent(); e; e = a.pollEvent()) out.push(e);
  return out;
}

function established(link = { delayMs: 5 }, oa = {}, ob = {}) {
  const a = make(1, oa);
  const b = make(2, ob);
  const ev: [SctpEvent[], SctpEvent[]] = [[], []];
  const net = new SimNetwork([a, b], link, () => {
    ev[0].push(...drainEvents(a));
    ev[1].push(...drainEvents(b));
  });
  a.connect(0);
  b.connect(0);
  expect(net.run(() => a.state === 'established' && b.state === 'established', 10_000)).toBe(true);
  return { a, b, ev, net };
}

const enc = new TextEncoder();

/** Lets `a` build one DATA packet to b, for tampering. */
function oneDataPacket(a: SctpAssociation, b: SctpAssociation, now: number): Uint8Array {
  a.send(0, enc.encode('x'), { ppid: 51 }, now);
  const p = a.pollTransmit();
  expect(p).toBeDefined();
  void b;
  return p!;
}

describe('SctpAssociation handshake', () => {
  it('a listener that never calls connect() answers INIT statelessly and establishes on COOKIE ECHO', () => {
    const a = make(1);
    const b = make(2);
    const net = new SimNetwork([a, b], { delayMs: 5 });
    a.connect(0);
    expect(net.run(() => a.state === 'established' && b.state === 'established', 5000)).toBe(true);
    expect(drainEvents(b).map((e) => e.type)).toEqual(['connected']);
  });

  it('simultaneous INITs under heavy loss still meet (RFC 9260 §5.2.1, §5.2.4 case D)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const a = make(seed);
      const b = make(seed + 100);
      const net = new SimNetwork([a, b], { delayMs: 20, loss: 0.4, seed });
      a.connect(0);
      b.connect(0);
      expect(net.run(() => a.state === 'established' && b.state === 'established', 60_000)).toBe(true);
    }
  });

  it('gives up after Max.Init.Retransmits with a timeout', () => {
    const a = make(1, { maxInitRetransmits: 3 });
    a.connect(0);
    let t = 0;
    while (a.state !== 'closed' && t < 60_000) {
      while (a.pollTransmit());
      t = a.pollTimeout() ?? t + 1000;
      a.handleTimeout(t);
    }
    const ev = drainEvents(a);
    expect(ev).toEqual([{ type: 'closed', reason: 'timeout', detail: 'no answer to INIT / COOKIE ECHO' }]);
  });

  it('negotiates stream counts, PR-SCTP, RE-CONFIG and zero checksum', () => {
    const { a, b } = established({ delayMs: 5 }, { streams: 100 }, { streams: 300 });
    expect(a.maxOutboundStreams).toBe(100);
    expect(b.maxOutboundStreams).toBe(100);
    expect(a.partialReliability).toBe(true);
    // Zero checksum (RFC 9653) both ways: DATA packets carry 0 in the checksum field.
    const p = oneDataPacket(a, b, 100);
    expect(p.subarray(8, 12)).toEqual(new Uint8Array(4));
    expect(verifyPacket(p, true)).toBe(true);
    expect(verifyPacket(p, false)).toBe(false);
  });

  it('keeps CRC-32c when the peer does not accept zero checksums', () => {
    const { a, b } = established({ delayMs: 5 }, {}, { zeroChecksum: false });
    const p = oneDataPacket(a, b, 100);
    expect(verifyPacket(p, false)).toBe(true);
    expect(p.subarray(8, 12)).not.toEqual(new Uint8Array(4));
  });
});

describe('SctpAssociation input hygiene', () => {
  it('drops and counts bad checksums, wrong verification tags, broken framing', () => {
    const { a, b, net } = established({ delayMs: 5 }, {}, { zeroChecksum: false });
    const good = oneDataPacket(a, b, net.now);
    const before = { ...b.counters };
    const badCrc = good.slice();
    badCrc[good.length - 1] ^= 1;
    b.handleInput(net.now, badCrc);
    const badTag = good.slice();
    badTag[4] ^= 0xff;
    sealPacket(badTag, 5000, 5000, readCommonHeader(badTag).verificationTag);
    b.handleInput(net.now, badTag);
    const badLen = good.slice();
    badLen[14] = 0xff; // chunk length past the end
    sealPacket(badLen, 5000, 5000, readCommonHeader(badLen).verificationTag);
    b.handleInput(net.now, badLen);
    b.handleInput(net.now, new Uint8Array(3));
    expect(b.counters.badChecksum).toBe(before.badChecksum + 2);
    expect(b.counters.badVerificationTag).toBe(before.badVerificationTag + 1);
    expect(b.counters.malformed).toBe(before.malformed + 1);
    expect(b.counters.dataChunksReceived).toBe(before.dataChunksReceived);
    // Still working: the original packet is accepted.
    b.handleInput(net.now, good);
    expect(drainEvents(b).some((e) => e.type === 'message')).toBe(true);
  });

  it('counts duplicate and out-of-window TSNs and reports duplicates in the SACK', () => {
    const { a, b, net } = established();
    const p = oneDataPacket(a, b, net.now);
    b.handleInput(net.now, p);
    b.handleInput(net.now, p);
    expect(b.counters.duplicateTsns).toBe(1);
    // A TSN far beyond the window: rewrite the TSN of a DATA chunk.
    const far = p.slice();
    const tsn = new DataView(far.buffer).getUint32(16);
    new DataView(far.buffer).setUint32(16, (tsn + 100_000) >>> 0);
    sealPacket(far, 5000, 5000, readCommonHeader(far).verificationTag);
    b.handleInput(net.now, far);
    expect(b.counters.outOfWindowTsns).toBe(1);
    // Each packet asked for an immediate SACK (its I bit), and each such SACK went out
    // before the next packet was processed: one SACK per packet, in order.
    const dupCounts: number[] = [];
    for (let q = b.pollTransmit(); q; q = b.pollTransmit()) {
      const chunks = splitChunks(q)!;
      expect(chunks[0].type).toBe(ChunkType.SACK);
      dupCounts.push(new DataView(chunks[0].value.buffer, chunks[0].value.byteOffset).getUint16(10));
    }
    // The duplicate is reported once, in the SACK answering it (RFC 9260 §3.3.4, §6.2).
    expect(dupCounts).toEqual([0, 1, 0]);
  });

  it('skips unknown chunk types with the high bit set and stops at those without', () => {
    const { a, b, net } = established({ delayMs: 5 }, {}, { zeroChecksum: false });
    const data = oneDataPacket(a, b, net.now);
    const vtag = readCommonHeader(data).verificationTag;
    const dataChunk = data.subarray(12);
    const withUnknown = (type: number) => {
      const p = new Uint8Array(12 + 4 + dataChunk.length);
      p.set([type, 0, 0, 4], 12);
      p.set(dataChunk, 16);
      sealPacket(p, 5000, 5000, vtag);
      return p;
    };
    b.handleInput(net.now, withUnknown(0x3f)); // 00: stop, discard
    expect(b.counters.dataChunksReceived).toBe(0);
    b.handleInput(net.now, withUnknown(0xbf)); // 10: skip
    expect(b.counters.dataChunksReceived).toBe(1);
    expect(b.counters.unknownChunk).toBe(2);
  });

  it('rejects forged and stale cookies', () => {
    const a = make(1);
    const b = make(2);
    // a's INIT reaches b; b answers with INIT ACK (stateless) carrying a cookie.
    a.connect(0);
    b.handleInput(0, a.pollTransmit()!);
    const initAck = b.pollTransmit()!;
    a.handleInput(1, initAck);
    const echo = a.pollTransmit()!;
    const forged = echo.slice();
    forged[12 + 4 + 10] ^= 1; // inside the cookie
    sealPacket(forged, 5000, 5000, readCommonHeader(forged).verificationTag);
    b.handleInput(2, forged);
    expect(b.state).toBe('closed');
    expect(b.counters.malformed).toBe(1);
    b.handleInput(120_000, echo); // older than Valid.Cookie.Life
    expect(b.counters.staleCookies).toBe(1);
    expect(b.state).toBe('closed');
    b.handleInput(3, echo);
    expect(b.state).toBe('established');
  });

  it('an INIT from another peer incarnation after establishment is dropped and counted', () => {
    const { b, net } = established();
    const init = encodeInit(ChunkType.INIT, {
      initiateTag: 0x12345678,
      aRwnd: 65536,
      outboundStreams: 10,
      inboundStreams: 10,
      initialTsn: 1,
      forwardTsn: true,
      reconfig: true,
    });
    const p = new Uint8Array(12 + init.length);
    p.set(init, 12);
    sealPacket(p, 5000, 5000, 0);
    const before = b.counters.unexpectedChunk;
    b.handleInput(net.now, p);
    expect(b.counters.unexpectedChunk).toBe(before + 1);
    expect(b.state).toBe('established');
  });
});

describe('SctpAssociation API and teardown', () => {
  it('send() throws SctpError codes on misuse', () => {
    const a = make(1);
    expect(() => a.send(0, enc.encode('x'), { ppid: 51 })).toThrow(expect.objectContaining({ code: 'SCTP_CLOSED' }));
    const { a: e } = established();
    expect(() => e.send(70000, enc.encode('x'), { ppid: 51 })).toThrow(expect.objectContaining({ code: 'SCTP_BAD_STREAM' }));
    expect(() => e.send(0, new Uint8Array(0), { ppid: 51 })).toThrow(expect.objectContaining({ code: 'SCTP_BAD_OPTION' }));
    const small = make(3, { sendBufferSize: 1000 });
    small.connect(0);
    small.send(0, new Uint8Array(900), { ppid: 53 });
    expect(() => small.send(0, new Uint8Array(200), { ppid: 53 })).toThrow(expect.objectContaining({ code: 'SCTP_SEND_BUFFER_FULL' }));
    expect(() => new SctpAssociation({ maxPacketSize: 100 })).toThrow(RangeError);
  });

  it('SHUTDOWN delivers queued data first and closes both sides gracefully', () => {
    const { a, b, ev, net } = established({ delayMs: 10 });
    for (let i = 0; i < 50; i++) a.send(1, new Uint8Array(3000).fill(i), { ppid: 53 }, net.now);
    a.shutdown(net.now);
    expect(() => a.send(1, enc.encode('late'), { ppid: 51 })).toThrow(expect.objectContaining({ code: 'SCTP_NOT_ESTABLISHED' }));
    expect(net.run(() => a.state === 'closed' && b.state === 'closed', 10_000)).toBe(true);
    expect(ev[1].filter((e) => e.type === 'message').length).toBe(50);
    expect(ev[0].at(-1)).toEqual({ type: 'closed', reason: 'shutdown', detail: undefined });
    expect(ev[1].at(-1)).toEqual({ type: 'closed', reason: 'shutdown', detail: undefined });
  });

  it('ABORT closes the peer at once', () => {
    const { a, b, ev, net } = established();
    a.abort(net.now, 'bye');
    expect(net.run(() => b.state === 'closed', 5000)).toBe(true);
    expect(ev[0].at(-1)).toMatchObject({ type: 'closed', reason: 'abort' });
    expect(ev[1].at(-1)).toMatchObject({ type: 'closed', reason: 'peer-abort' });
  });

  it('answers HEARTBEAT and measures RTT from its own', () => {
    const { a, b, net } = established({ delayMs: 40 }, { heartbeatIntervalMs: 1000 });
    const sent = a.counters.packetsSent;
    net.run(() => false, net.now + 3500);
    // HB.interval plus RTO between heartbeats (RFC 9260 §8.3): two in 3.5 s.
    expect(a.counters.packetsSent).toBeGreaterThanOrEqual(sent + 2);
    expect(b.counters.packetsSent).toBeGreaterThanOrEqual(2);
    expect(a.transportInfo.srtt).toBeGreaterThan(70);
    expect(a.transportInfo.srtt).toBeLessThan(100);
    expect(a.state).toBe('established');
  });

  it('a dead peer ends the association after Association.Max.Retrans', () => {
    const { a, net, ev } = established({ delayMs: 5 }, { maxRetransmissions: 3 });
    net.blocked = true;
    a.send(0, enc.encode('lost'), { ppid: 51 }, net.now);
    net.run(() => a.state === 'closed', net.now + 60_000);
    expect(ev[0].at(-1)).toMatchObject({ type: 'closed', reason: 'timeout' });
  });

  it('resets outgoing streams after their queued data (RFC 6525) and the peer sees an incoming reset', () => {
    const { a, ev, net } = established();
    for (let i = 0; i < 5; i++) a.send(4, new Uint8Array(5000), { ppid: 53 }, net.now);
    a.resetStreams([4]);
    expect(() => a.send(4, enc.encode('x'), { ppid: 51 })).toThrow(expect.objectContaining({ code: 'SCTP_STREAM_RESETTING' }));
    expect(net.run(() => ev[0].some((e) => e.type === 'outgoing-stream-reset'), 5000)).toBe(true);
    expect(ev[0].find((e) => e.type === 'outgoing-stream-reset')).toEqual({ type: 'outgoing-stream-reset', streamIds: [4], accepted: true });
    expect(ev[1].filter((e) => e.type === 'message').length).toBe(5);
    expect(ev[1].find((e) => e.type === 'incoming-stream-reset')).toEqual({ type: 'incoming-stream-reset', streamIds: [4] });
    // The stream is usable again, from SSN 0.
    a.send(4, enc.encode('again'), { ppid: 51 }, net.now);
    expect(net.run(() => ev[1].filter((e) => e.type === 'message').length === 6, 5000)).toBe(true);
  });

  it('a message over our maxReceiveMessageSize is dropped and counted, later ones flow', () => {
    const { a, b, ev, net } = established({ delayMs: 5 }, {}, { maxReceiveMessageSize: 10_000 });
    a.send(2, new Uint8Array(20_000), { ppid: 53 }, net.now);
    a.send(2, enc.encode('small'), { ppid: 51 }, net.now);
    expect(net.run(() => ev[1].some((e) => e.type === 'message'), 5000)).toBe(true);
    expect(b.counters.oversizedMessages).toBe(1);
    const msgs = ev[1].filter((e) => e.type === 'message');
    expect(msgs.length).toBe(1);
  });

  it('flow control: an application that does not poll closes the window, polling reopens it', () => {
    const a = make(1);
    const b = make(2, { receiveBufferSize: 64 * 1024, maxReceiveMessageSize: 32 * 1024 });
    let polling = false;
    let received = 0;
    const net = new SimNetwork([a, b], { delayMs: 5 }, () => {
      while (a.pollEvent());
      if (polling) for (let e = b.pollEvent(); e; e = b.pollEvent()) if (e.type === 'message') received += e.data.length;
    });
    a.connect(0);
    b.connect(0);
    expect(net.run(() => a.state === 'established' && b.state === 'established', 5000)).toBe(true);
    // b's 'connected' event sits unpolled in its queue: drain it once.
    while (b.pollEvent());
    for (let i = 0; i < 64; i++) a.send(0, new Uint8Array(4096), { ppid: 53 }, net.now);
    net.run(() => false, net.now + 2000);
    expect(a.transportInfo.peerRwnd).toBeLessThan(4096);
    expect(a.bufferedAmount(0)).toBeGreaterThan(100_000);
    polling = true;
    expect(net.run(() => received === 64 * 4096, net.now + 10_000)).toBe(true);
  });
});
