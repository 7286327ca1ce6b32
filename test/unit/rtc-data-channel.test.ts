// RTCDataChannel (W3C) over two in-memory SCTP associations (the virtual-time sim link):
// DCEP open/ack, negotiated channels, message types, limits, stream reset on close.
import { SctpAssociation } from '../../src/sctp/association';
import { DataChannelManager } from '../../src/sctp/dcep/channel-manager';
import { DataChannelHub, type RTCDataChannel, type RTCErrorEvent } from '../../src/webrtc/rtc-data-channel';
import { type LinkConfig, SimNetwork, seededBytes } from '../sim/sctp-harness';

interface Side {
  assoc: SctpAssociation;
  manager: DataChannelManager;
  hub: DataChannelHub;
  announced: RTCDataChannel[];
  tasks: (() => void)[];
}

function side(seed: number, role: 'client' | 'server'): Side {
  const assoc = new SctpAssociation({ randomBytes: seededBytes(seed) });
  const manager = new DataChannelManager(assoc, role);
  manager.remoteMaxMessageSize = 256 * 1024;
  const s: Side = { assoc, manager, hub: undefined as unknown as DataChannelHub, announced: [], tasks: [] };
  s.hub = new DataChannelHub({
    queueTask: (t) => s.tasks.push(t),
    requestTransmit: () => {},
    announceDataChannel: (ch) => s.announced.push(ch),
  });
  return s;
}

function pair(link: LinkConfig = { delayMs: 10 }, attachNow = true) {
  const a = side(1, 'client');
  const b = side(2, 'server');
  const runTasks = (s: Side) => {
    s.hub.dispatchEvents();
    while (s.tasks.length > 0) s.tasks.shift()!();
  };
  const net = new SimNetwork([a.manager, b.manager], link, () => {
    runTasks(a);
    runTasks(b);
  });
  if (attachNow) {
    a.hub.attach(a.manager);
    b.hub.attach(b.manager);
  }
  const start = () => {
    a.manager.connect(net.now);
    b.manager.connect(net.now);
  };
  return { a, b, net, start };
}

function collect(ch: RTCDataChannel): (string | ArrayBuffer | Blob)[] {
  const got: (string | ArrayBuffer | Blob)[] = [];
  ch.addEventListener('message', (e) => got.push((e as MessageEvent).data));
  return got;
}

describe('RTCDataChannel over in-memory SCTP', () => {
  it('opens with DCEP OPEN/ACK: the answerer gets datachannel with the same label, protocol, id', () => {
    const { a, b, net, start } = pair({ delayMs: 10 }, false);
    const ch = a.hub.createDataChannel('chat', { protocol: 'proto-1', priority: 'high' });
    expect(ch.readyState).toBe('connecting');
    expect(ch.id).toBeNull();
    a.hub.attach(a.manager);
    b.hub.attach(b.manager);
    expect(ch.id).toBe(0); // DTLS client: even ids (RFC 8832 §6)
    const events: string[] = [];
    ch.onopen = () => events.push('open');
    start();
    expect(net.run(() => b.announced.length === 1 && ch.readyState === 'open', 5000)).toBe(true);
    const remote = b.announced[0];
    expect(remote.label).toBe('chat');
    expect(remote.protocol).toBe('proto-1');
    expect(remote.id).toBe(0);
    expect(remote.ordered).toBe(true);
    expect(remote.negotiated).toBe(false);
    expect(remote.priority).toBe('high');
    expect(events).toEqual(['open']);
    expect(net.run(() => ch.readyState === 'open' && remote.readyState === 'open' && ch.managed!.ackReceived, 5000)).toBe(true);
    // The server side opens odd ids.
    const back = b.hub.createDataChannel('back');
    expect(back.id).toBe(1);
    expect(net.run(() => a.announced.length === 1 && a.announced[0].readyState === 'open', 5000)).toBe(true);
  });

  it('carries strings, binary, views, empty messages and Blobs in order; binaryType blob', async () => {
    const { a, b, net, start } = pair();
    const ch = a.hub.createDataChannel('data');
    start();
    expect(net.run(() => ch.readyState === 'open' && b.announced.length === 1, 5000)).toBe(true);
    const remote = b.announced[0];
    const got = collect(remote);
    ch.send('héllo');
    ch.send(new Uint8Array([1, 2, 3]).buffer);
    ch.send(new Uint16Array([0x0102, 0x0304]).subarray(1));
    ch.send('');
    ch.send(new ArrayBuffer(0));
    ch.send(new Blob([new Uint8Array([9, 8, 7])]));
    ch.send('after blob');
    await new Promise((r) => setTimeout(r, 10));
    expect(net.run(() => got.length === 7, 5000)).toBe(true);
    expect(got[0]).toBe('héllo');
    expect([...new Uint8Array(got[1] as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect(new Uint16Array(got[2] as ArrayBuffer)[0]).toBe(0x0304);
    expect(got[3]).toBe('');
    expect((got[4] as ArrayBuffer).byteLength).toBe(0);
    expect([...new Uint8Array(got[5] as ArrayBuffer)]).toEqual([9, 8, 7]);
    expect(got[6]).toBe('after blob');
    remote.binaryType = 'blob';
    remote.binaryType = 'bogus' as 'blob';
    expect(remote.binaryType).toBe('blob');
    ch.send(new Uint8Array([5, 6]));
    expect(net.run(() => got.length === 8, 5000)).toBe(true);
    expect(got[7]).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await (got[7] as Blob).arrayBuffer())]).toEqual([5, 6]);
  });

  it('negotiated channels use the agreed id on both sides and never announce datachannel', () => {
    const { a, b, net, start } = pair();
    const ca = a.hub.createDataChannel('neg', { negotiated: true, id: 7, ordered: false, maxRetransmits: 0 });
    const cb = b.hub.createDataChannel('neg', { negotiated: true, id: 7, ordered: false, maxRetransmits: 0 });
    expect(ca.id).toBe(7);
    expect(ca.maxRetransmits).toBe(0);
    expect(ca.maxPacketLifeTime).toBeNull();
    start();
    expect(net.run(() => ca.readyState === 'open' && cb.readyState === 'open', 5000)).toBe(true);
    const got = collect(cb);
    for (let i = 0; i < 50; i++) ca.send(`m${i}`);
    expect(net.run(() => got.length === 50, 5000)).toBe(true);
    expect(b.announced).toEqual([]);
    expect(a.announced).toEqual([]);
    expect(() => a.hub.createDataChannel('dup', { negotiated: true, id: 7 })).toThrow(expect.objectContaining({ name: 'OperationError' }));
  });

  it('a negotiated channel created on an idle, connected association opens without waiting for a packet', () => {
    const { a, b, net, start } = pair();
    const first = a.hub.createDataChannel('first');
    start();
    expect(net.run(() => first.readyState === 'open' && b.announced.length === 1, 5000)).toBe(true);
    // No packet is in flight now: only the queued tasks run, nothing calls dispatchEvents().
    const late = a.hub.createDataChannel('late', { negotiated: true, id: 9 });
    const opened: string[] = [];
    late.onopen = () => opened.push('open');
    expect(late.readyState).toBe('connecting');
    while (a.tasks.length > 0) a.tasks.shift()!();
    expect(late.readyState).toBe('open');
    expect(opened).toEqual(['open']);
  });

  it('close() resets the stream both ways: closing and close fire, queued data arrives first, the id is reusable', () => {
    const { a, b, net, start } = pair();
    const ch = a.hub.createDataChannel('c');
    start();
    expect(net.run(() => ch.readyState === 'open' && b.announced.length === 1, 5000)).toBe(true);
    const remote = b.announced[0];
    const got = collect(remote);
    const order: string[] = [];
    remote.onclosing = () => order.push('remote closing');
    remote.addEventListener('close', () => order.push('remote close'));
    ch.onclose = () => order.push('local close');
    ch.addEventListener('closing', () => order.push('local closing (must not fire)'));
    for (let i = 0; i < 20; i++) ch.send(new Uint8Array(10_000));
    ch.close();
    expect(ch.readyState).toBe('closing');
    expect(() => ch.send('x')).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    expect(net.run(() => ch.readyState === 'closed' && remote.readyState === 'closed', 5000)).toBe(true);
    expect(got.length).toBe(20);
    expect(order).toContain('remote closing');
    expect(order).toContain('remote close');
    expect(order).toContain('local close');
    expect(order).not.toContain('local closing (must not fire)');
    expect(order.indexOf('remote closing')).toBeLessThan(order.indexOf('remote close'));
    // The stream's SSNs restarted: a new channel on the same id works from SSN 0.
    const again = a.hub.createDataChannel('again', { negotiated: true, id: 0 });
    const againB = b.hub.createDataChannel('again', { negotiated: true, id: 0 });
    const got2 = collect(againB);
    expect(net.run(() => again.readyState === 'open' && againB.readyState === 'open', 5000)).toBe(true);
    again.send('after reset');
    expect(net.run(() => got2.length === 1, 5000)).toBe(true);
    expect(got2[0]).toBe('after reset');
  });

  it('send() and createDataChannel() throw the W3C errors', () => {
    const { a, net, start } = pair();
    const ch = a.hub.createDataChannel('x');
    expect(() => ch.send('too early')).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    expect(() => a.hub.createDataChannel('x', { maxRetransmits: 1, maxPacketLifeTime: 1 })).toThrow(TypeError);
    expect(() => a.hub.createDataChannel('x', { negotiated: true })).toThrow(TypeError);
    expect(() => a.hub.createDataChannel('x', { negotiated: true, id: 65535 })).toThrow(TypeError);
    expect(() => a.hub.createDataChannel('x', { maxRetransmits: 70000 })).toThrow(TypeError);
    expect(() => a.hub.createDataChannel('x'.repeat(65536))).toThrow(TypeError);
    start();
    expect(net.run(() => ch.readyState === 'open', 5000)).toBe(true);
    expect(() => ch.send(new Uint8Array(256 * 1024 + 1))).toThrow(TypeError);
    expect(() => ch.send(new Uint8Array(256 * 1024))).not.toThrow();
    expect(() => ch.send(42 as unknown as string)).toThrow(TypeError);
  });

  it('bufferedAmount counts queued bytes and bufferedamountlow fires at the threshold', () => {
    const { a, b, net, start } = pair({ delayMs: 20 });
    const ch = a.hub.createDataChannel('bulk');
    start();
    expect(net.run(() => ch.readyState === 'open' && b.announced.length === 1, 5000)).toBe(true);
    ch.bufferedAmountLowThreshold = 64 * 1024;
    let lows = 0;
    ch.onbufferedamountlow = () => lows++;
    let viaListener = 0;
    ch.addEventListener('bufferedamountlow', () => viaListener++);
    for (let i = 0; i < 32; i++) ch.send(new Uint8Array(32 * 1024));
    expect(ch.bufferedAmount).toBe(32 * 32 * 1024);
    expect(net.run(() => lows > 0, 10_000)).toBe(true);
    expect(viaListener).toBe(lows);
    expect(ch.bufferedAmount).toBeLessThanOrEqual(64 * 1024);
    expect(net.run(() => ch.bufferedAmount === 0, 10_000)).toBe(true);
  });

  it('opens 100 channels at once, each delivers its own messages', () => {
    const { a, b, net, start } = pair();
    const chans = Array.from({ length: 100 }, (_, i) => a.hub.createDataChannel(`ch${i}`, { ordered: i % 2 === 0 }));
    start();
    expect(net.run(() => b.announced.length === 100 && chans.every((c) => c.readyState === 'open'), 10_000)).toBe(true);
    const got = new Map<string, string[]>();
    for (const r of b.announced) {
      const list: string[] = [];
      got.set(r.label, list);
      r.onmessage = (e) => list.push(e.data as string);
    }
    for (const c of chans) for (let k = 0; k < 3; k++) c.send(`${c.label}:${k}`);
    expect(net.run(() => [...got.values()].every((l) => l.length === 3), 10_000)).toBe(true);
    for (const [label, list] of got) expect(list.every((m) => m.startsWith(`${label}:`))).toBe(true);
    expect(new Set(b.announced.map((c) => c.id)).size).toBe(100);
  });

  it('an unreliable channel (maxRetransmits 0) drops under loss without stalling a reliable one', () => {
    const { a, b, net, start } = pair({ delayMs: 15, loss: 0.15, seed: 9 });
    const lossy = a.hub.createDataChannel('lossy', { ordered: false, maxRetransmits: 0 });
    const sure = a.hub.createDataChannel('sure');
    start();
    expect(net.run(() => b.announced.length === 2 && lossy.readyState === 'open' && sure.readyState === 'open', 20_000)).toBe(true);
    const [rl, rs] = b.announced[0].label === 'lossy' ? b.announced : [b.announced[1], b.announced[0]];
    const gotL = collect(rl);
    const gotS = collect(rs);
    for (let i = 0; i < 300; i++) {
      lossy.send(new Uint8Array(2000).fill(i & 0xff));
      sure.send(`s${i}`);
    }
    expect(net.run(() => gotS.length === 300, 30_000)).toBe(true);
    expect(gotS).toEqual(Array.from({ length: 300 }, (_, i) => `s${i}`));
    expect(gotL.length).toBeLessThan(300);
    expect(gotL.length).toBeGreaterThan(150);
    expect(a.assoc.counters.abandonedMessages).toBeGreaterThan(0);
  });

  it('an association abort fires error (sctp-failure) then close on open channels', () => {
    const { a, b, net, start } = pair();
    const ch = a.hub.createDataChannel('x');
    start();
    expect(net.run(() => ch.readyState === 'open' && b.announced.length === 1, 5000)).toBe(true);
    const remote = b.announced[0];
    const seen: string[] = [];
    remote.onerror = (e) => seen.push(`error:${(e as RTCErrorEvent).error.errorDetail}`);
    remote.onclose = () => seen.push('close');
    a.assoc.abort(net.now, 'test');
    expect(net.run(() => remote.readyState === 'closed', 5000)).toBe(true);
    expect(seen).toEqual(['error:sctp-failure', 'close']);
  });

  it('4 MiB through an RTCDataChannel under 20 % loss each way arrives intact, in order, at over 1 MB/s', () => {
    const { a, b, net, start } = pair({ delayMs: 20, loss: 0.2, seed: 77 });
    const ch = a.hub.createDataChannel('bulk');
    start();
    expect(net.run(() => ch.readyState === 'open' && b.announced.length === 1, 30_000)).toBe(true);
    const remote = b.announced[0];
    let bytes = 0;
    let next = 0;
    let bad = 0;
    remote.onmessage = (e) => {
      const v = new Uint8Array(e.data as ArrayBuffer);
      if (v.length !== 16 * 1024 || v[0] !== (next & 0xff) || v[v.length - 1] !== (next & 0xff)) bad++;
      next++;
      bytes += v.length;
    };
    let queued = 0;
    const total = 4 * 1024 * 1024;
    ch.bufferedAmountLowThreshold = 256 * 1024;
    const fill = () => {
      while (queued < total && ch.bufferedAmount < 512 * 1024) {
        ch.send(new Uint8Array(16 * 1024).fill((queued / (16 * 1024)) & 0xff));
        queued += 16 * 1024;
      }
    };
    ch.onbufferedamountlow = fill;
    const t0 = net.now;
    fill();
    expect(net.run(() => bytes === total, net.now + 30_000)).toBe(true);
    expect(bad).toBe(0);
    expect(total / (net.now - t0) / 1000).toBeGreaterThan(1);
  });

  it('closeAll (RTCPeerConnection.close) closes every channel at once, without events', () => {
    const { a, b, net, start } = pair();
    const early = a.hub.createDataChannel('early');
    start();
    expect(net.run(() => early.readyState === 'open' && b.announced.length === 1, 5000)).toBe(true);
    const events: string[] = [];
    for (const t of ['close', 'closing', 'error']) early.addEventListener(t, () => events.push(t));
    a.hub.closeAll();
    expect(early.readyState).toBe('closed');
    net.run(() => false, net.now + 500);
    expect(events).toEqual([]);
    expect(() => a.hub.createDataChannel('late')).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
  });
});
