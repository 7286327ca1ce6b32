// A receiver whose application stops reading (a busy tab, a paused consumer) closes its
// window and keeps it closed for as long as it likes. RFC 9260 §6.1 A: the sender probes
// with one chunk when nothing is in flight, and — as long as SACKs keep coming — those
// unanswered probes SHOULD NOT count as errors; otherwise Association.Max.Retrans T3
// expiries (≈ 20–30 s with RTO.Max 3 s) would end a healthy association.
import { SctpAssociation } from '../../src/sctp/association';
import { SimNetwork, seededBytes } from '../sim/sctp-harness';

describe('zero window (RFC 9260 §6.1)', () => {
  it('a window closed for 90 s does not end the association; reading again drains everything in order', () => {
    const a = new SctpAssociation({ randomBytes: seededBytes(21) });
    const b = new SctpAssociation({ randomBytes: seededBytes(22), receiveBufferSize: 64 * 1024, maxReceiveMessageSize: 32 * 1024 });
    let reading = false;
    const got: number[] = [];
    let closed = false;
    const net = new SimNetwork([a, b], { delayMs: 5 }, () => {
      for (let e = a.pollEvent(); e; e = a.pollEvent()) if (e.type === 'closed') closed = true;
      if (reading) for (let e = b.pollEvent(); e; e = b.pollEvent()) if (e.type === 'message') got.push(e.data[0]);
    });
    a.connect(0);
    b.connect(0);
    expect(net.run(() => a.state === 'established' && b.state === 'established', 5000)).toBe(true);
    while (b.pollEvent());
    const count = 100;
    for (let i = 0; i < count; i++) a.send(0, new Uint8Array(4096).fill(i), { ppid: 53 }, net.now);
    net.run(() => closed, net.now + 90_000);
    expect(closed).toBe(false);
    expect(a.state).toBe('established');
    // The window was closed throughout: the sender saw it and kept probing.
    expect(a.transportInfo.peerRwnd).toBeLessThan(4096);
    expect(a.counters.t3Expiries).toBeGreaterThan(10);
    reading = true;
    expect(net.run(() => got.length === count, net.now + 30_000)).toBe(true);
    expect(got).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(a.state).toBe('established');
  });
});
