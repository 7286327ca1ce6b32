// The sender's view of the peer's window (RFC 9260 §6.2.1 D iv: a_rwnd less every byte
// still outstanding) under loss, reordering and duplication, in virtual time: after every
// step the bytes in flight and the bytes awaiting retransmission — both charged to the
// peer's window — are exactly those of the outstanding chunks in each state, and both are
// back to zero once everything is acknowledged.
import { SctpAssociation } from '../../src/sctp/association';
import { SimNetwork, seededBytes } from './sctp-harness';

interface Internals {
  sent: ({ state: number; data: Uint8Array } | undefined)[];
  sentHead: number;
  flight: number;
  pendingRetransmits: number;
  pendingRetransmitBytes: number;
}

const IN_FLIGHT = 0;
const NACKED = 1;

describe('peer window accounting under loss', () => {
  it.each([
    [0.1, 31],
    [0.2, 32],
  ])('%p loss, seed %p: in-flight + awaiting-retransmission bytes always match the outstanding chunks', (loss, seed) => {
    const a = new SctpAssociation({ randomBytes: seededBytes(seed) });
    // A small receive window, so that it is what limits the sender.
    const b = new SctpAssociation({ randomBytes: seededBytes(seed + 1), receiveBufferSize: 96 * 1024, maxReceiveMessageSize: 64 * 1024 });
    let received = 0;
    let bad = '';
    const ai = a as unknown as Internals;
    const check = (): void => {
      let inFlight = 0;
      let nacked = 0;
      let nackedCount = 0;
      for (let i = ai.sentHead; i < ai.sent.length; i++) {
        const c = ai.sent[i];
        if (!c) continue;
        if (c.state === IN_FLIGHT) inFlight += c.data.length;
        else if (c.state === NACKED) {
          nacked += c.data.length;
          nackedCount++;
        }
      }
      if (!bad && (inFlight !== ai.flight || nacked !== ai.pendingRetransmitBytes || nackedCount !== ai.pendingRetransmits)) {
        bad = `flight ${ai.flight} vs ${inFlight}, awaiting ${ai.pendingRetransmitBytes} vs ${nacked} (${ai.pendingRetransmits} vs ${nackedCount})`;
      }
    };
    const net = new SimNetwork([a, b], { loss, delayMs: 10, jitterMs: 2, reorder: 0.05, duplicate: 0.02, seed }, () => {
      while (a.pollEvent());
      for (let e = b.pollEvent(); e; e = b.pollEvent()) if (e.type === 'message') received += e.data.length;
      check();
    });
    a.connect(0);
    b.connect(0);
    expect(net.run(() => a.state === 'established' && b.state === 'established', 10_000)).toBe(true);
    const total = 3 * 1024 * 1024;
    for (let i = 0; i < total / 16384; i++) a.send(0, new Uint8Array(16384).fill(i & 0xff), { ppid: 53 }, net.now);
    expect(net.run(() => received >= total && a.idle, net.now + 120_000)).toBe(true);
    expect(bad).toBe('');
    expect(ai.pendingRetransmits).toBe(0);
    expect(ai.pendingRetransmitBytes).toBe(0);
    expect(ai.flight).toBe(0);
    expect(a.counters.fastRetransmits + a.counters.timeoutRetransmits).toBeGreaterThan(0);
  });
});
