// The association under seeded loss, reordering, duplication and delay, in virtual time.
import { SctpAssociation } from '../../src/sctp/association';
import { seededBytes, SimNetwork, type LinkConfig } from './sctp-harness';
import { type StreamSpec, WorkloadReceiver, WorkloadSender } from './sctp-workload';

function setup(seed: number) {
  const a = new SctpAssociation({ randomBytes: seededBytes(seed) });
  const b = new SctpAssociation({ randomBytes: seededBytes(seed ^ 0x5a5a) });
  return { a, b };
}

/**
 * `bytes` on one reliable stream from a to b over `link` (seeded by link.seed), run until all
 * is delivered or `maxMs` of virtual time pass; connectedAt is when a saw 'connected'.
 */
function bulkTransfer(link: LinkConfig & { seed: number }, bytes: number, maxMs: number) {
  const { a, b } = setup(link.seed);
  const tx = new WorkloadSender(a, [{ id: 0 }], bytes, link.seed, 64 * 1024);
  const rx = new WorkloadReceiver(new Set([0]));
  let connectedAt = -1;
  const net = new SimNetwork([a, b], link, () => {
    for (let e = a.pollEvent(); e; e = a.pollEvent()) if (e.type === 'connected') connectedAt = net.now;
    for (let e = b.pollEvent(); e; e = b.pollEvent()) rx.onEvent(e);
    tx.pump(net.now, 1024 * 1024);
  });
  a.connect(0);
  b.connect(0);
  const done = net.run(() => rx.bytes >= tx.totalBytes && tx.queuedBytes >= tx.totalBytes, maxMs);
  return { a, b, tx, rx, net, connectedAt, done };
}

const RELIABLE: StreamSpec[] = [{ id: 0 }, { id: 1 }, { id: 2 }, { id: 3, unordered: true }];
const UNRELIABLE: StreamSpec[] = [
  { id: 10, unordered: true, maxRetransmits: 0 },
  { id: 11, maxRetransmits: 0 },
  { id: 12, maxLifetimeMs: 150 },
];

describe('SCTP in virtual time over a lossy link', () => {
  it.each([
    [0.05, 1],
    [0.1, 2],
    [0.2, 3],
  ])('%p loss with reordering and duplication: a 16 MiB mixed stream arrives exactly once, in order where ordered', (loss, seed) => {
    const link: LinkConfig = { loss, duplicate: 0.02, reorder: 0.05, reorderDelayMs: 15, delayMs: 15, jitterMs: 3, seed };
    const { a, b } = setup(seed);
    const reliable = new WorkloadSender(a, RELIABLE, 16 * 1024 * 1024, seed);
    const ordered = new Set([0, 1, 2, 11, 12]);
    const rx = new WorkloadReceiver(ordered);
    let closed = false;
    const net = new SimNetwork([a, b], link, () => {
      for (let e = a.pollEvent(); e; e = a.pollEvent()) if (e.type === 'closed') closed = true;
      for (let e = b.pollEvent(); e; e = b.pollEvent()) rx.onEvent(e);
      reliable.pump(net.now);
    });
    a.connect(0);
    b.connect(0);
    const done = net.run(() => reliable.queuedBytes >= reliable.totalBytes && rx.bytes >= reliable.totalBytes, 120_000);
    expect(rx.errors).toEqual([]);
    expect(closed).toBe(false);
    expect(done).toBe(true);
    for (const s of RELIABLE) expect(rx.received.get(s.id)?.size ?? 0).toBe(reliable.sentPerStream.get(s.id) ?? 0);
    expect(b.counters.duplicateTsns).toBeGreaterThan(0);
    expect(a.counters.fastRetransmits).toBeGreaterThan(0);
  });

  it.each([
    [0.1, 4],
    [0.2, 5],
  ])('%p loss: unreliable streams drop as configured and never stall the reliable ones', (loss, seed) => {
    const link: LinkConfig = { loss, duplicate: 0.01, reorder: 0.05, delayMs: 20, jitterMs: 2, seed };
    const { a, b } = setup(seed);
    const reliable = new WorkloadSender(a, RELIABLE.slice(0, 2), 2 * 1024 * 1024, seed);
    const unreliable = new WorkloadSender(a, UNRELIABLE, 2 * 1024 * 1024, seed + 1, 8 * 1024);
    const rx = new WorkloadReceiver(new Set([0, 1, 11, 12]));
    const net = new SimNetwork([a, b], link, () => {
      while (a.pollEvent());
      for (let e = b.pollEvent(); e; e = b.pollEvent()) rx.onEvent(e);
      reliable.pump(net.now, 256 * 1024);
      unreliable.pump(net.now, 32 * 1024);
    });
    a.connect(0);
    b.connect(0);
    const done = net.run(
      () => unreliable.queuedBytes >= unreliable.totalBytes && reliable.queuedBytes >= reliable.totalBytes && rx.received.get(0)?.size === reliable.sentPerStream.get(0) && rx.received.get(1)?.size === reliable.sentPerStream.get(1),
      60_000,
    );
    expect(rx.errors).toEqual([]);
    expect(done).toBe(true);
    // Let the tail settle: everything is acknowledged or abandoned, nothing hangs.
    expect(net.run(() => a.idle, net.now + 10_000)).toBe(true);
    expect(a.counters.abandonedMessages).toBeGreaterThan(0);
    expect(a.counters.forwardTsnsSent).toBeGreaterThan(0);
    for (const s of UNRELIABLE) {
      const got = rx.received.get(s.id)?.size ?? 0;
      const sent = unreliable.sentPerStream.get(s.id) ?? 0;
      expect(got).toBeLessThanOrEqual(sent);
      if (s.maxRetransmits === 0) {
        // Sent once: a message of k packets arrives with probability (1 - loss)^k.
        expect(got).toBeGreaterThan(sent * 0.3);
        expect(got).toBeLessThan(sent);
      }
    }
    // Lifetime-limited messages that waited too long in the queue were never sent.
    expect(a.counters.abandonedMessages).toBeGreaterThan(0);
  });

  it.each([
    [10, 11],
    [20, 12],
    [25, 13],
  ])('20%% loss each way, one-way delay %p ms: 4 MiB at ≥ 1 MB/s', (delayMs, seed) => {
    const { tx, rx, net, connectedAt, done } = bulkTransfer({ loss: 0.2, delayMs, jitterMs: 1, seed }, 4 * 1024 * 1024, 30_000);
    expect(done).toBe(true);
    expect(rx.errors).toEqual([]);
    const seconds = (net.now - connectedAt) / 1000;
    const rate = tx.totalBytes / seconds / 1e6;
    expect(rate).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThan(4.2);
  });

  it('connects through 30 % loss and survives a 2 s outage', () => {
    const link: LinkConfig = { loss: 0.3, delayMs: 20, seed: 21 };
    const { a, b } = setup(21);
    const tx = new WorkloadSender(a, [{ id: 0 }], 512 * 1024, 21, 4096);
    const rx = new WorkloadReceiver(new Set([0]));
    const net = new SimNetwork([a, b], link, () => {
      while (a.pollEvent());
      for (let e = b.pollEvent(); e; e = b.pollEvent()) rx.onEvent(e);
      tx.pump(net.now, 64 * 1024);
    });
    a.connect(0);
    b.connect(0);
    expect(net.run(() => a.state === 'established' && b.state === 'established', 20_000)).toBe(true);
    net.run(() => rx.bytes > 100_000, 60_000);
    net.blocked = true;
    const cut = net.now;
    net.run(() => false, cut + 2000);
    net.blocked = false;
    expect(net.run(() => rx.bytes >= tx.totalBytes, net.now + 60_000)).toBe(true);
    expect(rx.errors).toEqual([]);
    expect(a.state).toBe('established');
    expect(a.counters.t3Expiries).toBeGreaterThan(0);
  });

  it.each([
    [1000, 16 * 1024],
    [5000, 128 * 1024],
  ])('a %p B/ms bottleneck with a %p-byte drop-tail queue: near capacity without keeping the queue overflowing', (rate, queueBytes) => {
    const { a, tx, net, connectedAt, done } = bulkTransfer({ delayMs: 20, rateBytesPerMs: rate, queueBytes, seed: 31 }, 6 * 1024 * 1024, 120_000);
    expect(done).toBe(true);
    const goodput = tx.totalBytes / (net.now - connectedAt); // bytes per ms
    expect(goodput).toBeGreaterThan(0.85 * rate);
    // Drops at the queue: Reno probing costs some, a window kept above the pipe would cost ~30 %.
    expect(net.stats.lost[0] / net.stats.sent[0]).toBeLessThan(0.05);
    expect(a.counters.t3Expiries).toBe(0);
  });

  it('abandoned messages on 400 ordered streams: FORWARD TSN is split to fit packets and no stream is left waiting', () => {
    const link: LinkConfig = { loss: 0.3, delayMs: 10, seed: 41 };
    const { a, b } = setup(41);
    const got = new Map<number, string[]>();
    const net = new SimNetwork([a, b], link, () => {
      while (a.pollEvent());
      for (let e = b.pollEvent(); e; e = b.pollEvent()) {
        if (e.type !== 'message') continue;
        const list = got.get(e.streamId) ?? [];
        list.push(new TextDecoder().decode(e.data));
        got.set(e.streamId, list);
      }
    });
    a.connect(0);
    b.connect(0);
    expect(net.run(() => a.state === 'established' && b.state === 'established', 20_000)).toBe(true);
    const enc = new TextEncoder();
    for (let round = 0; round < 3; round++) {
      for (let s = 0; s < 400; s++) a.send(s, enc.encode(`u${round}`), { ppid: 51, maxRetransmits: 0 }, net.now);
    }
    for (let s = 0; s < 400; s++) a.send(s, enc.encode('last'), { ppid: 51 }, net.now);
    expect(net.run(() => a.idle && [...Array(400).keys()].every((s) => got.get(s)?.at(-1) === 'last'), net.now + 60_000)).toBe(true);
    expect(a.counters.abandonedMessages).toBeGreaterThan(100);
    for (const list of got.values()) expect(list.filter((m) => m === 'last').length).toBe(1);
  });
});
