// ICE through a TURN relay in virtual time (test/sim/ice-turn-server.ts): relay-only
// agents connect under loss, survive 25 minutes of allocation, permission and channel
// refreshes with expiring nonces (438), and release their allocations on close.
import { IceAgent } from '../../src/ice/index';
import { type Node, SimNet, addr, signal } from './ice-harness';
import { SimTurnServer } from './ice-turn-server';

const connected = (n: Node) => n.agent.state === 'connected' || n.agent.state === 'completed';

function setup(seed: number, loss: number) {
  const net = new SimNet({ seed, loss, jitter: 10 });
  const server = new SimTurnServer(net, addr('127.0.0.100', 3478), '127.0.0.101', { nonceLifetime: 300_000 });
  net.deliverTo = server.deliver;
  const turn = { server: server.address, username: 'u', password: 'p' };
  const a = net.add('A', new IceAgent({ controlling: true, transportPolicy: 'relay', turnServers: [turn] }), [addr('127.0.0.1', 1000)]);
  const b = net.add('B', new IceAgent({ controlling: false, transportPolicy: 'relay', turnServers: [turn] }), [addr('127.0.0.2', 2000)]);
  a.agent.gather(0);
  b.agent.gather(0);
  return { net, server, a, b };
}

describe('ICE through a TURN relay (virtual time)', () => {
  it.each([1, 2, 3])('relay-only agents connect with 10 %% loss on every hop and keep the relay alive for 25 minutes (seed %i)', (seed) => {
    const { net, server, a, b } = setup(seed, 0.1);
    net.run(20_000, () => a.agent.gatheringState === 'complete' && b.agent.gatheringState === 'complete');
    expect(a.agent.localCandidates.map((c) => c.type)).toContain('relay');
    // Trickle after gathering: the relay candidates are all either side has to offer.
    signal(a, b);
    signal(b, a);
    net.run(net.now + 30_000, () => connected(a) && connected(b));
    expect(connected(a) && connected(b)).toBe(true);
    expect(a.agent.selectedPair?.local.type).toBe('relay');
    // 25 minutes: allocation refreshes (600 s), permissions (300 s), channels (600 s), nonces (300 s).
    const t0 = net.now;
    let sent = 0;
    while (net.now < t0 + 25 * 60_000) {
      a.agent.send(new Uint8Array([sent & 0xff]), net.now);
      sent++;
      net.run(net.now + 20_000);
    }
    expect(connected(a) && connected(b)).toBe(true);
    // Retransmitted consent checks ride out the loss: consent is never lost.
    expect(a.events.filter((e) => e.type === 'consent-lost')).toEqual([]);
    expect(b.events.filter((e) => e.type === 'consent-lost')).toEqual([]);
    expect(server.counts.refreshes).toBeGreaterThanOrEqual(4);
    expect(server.counts.channelBinds).toBeGreaterThanOrEqual(4);
    expect(server.counts.staleNonces).toBeGreaterThan(0);
    // With 10 % loss on each of the three hops most (not all) of the datagrams arrive; none are duplicated here.
    expect(b.data.length).toBeGreaterThan(sent * 0.4);
    // Closing releases both allocations (Refresh with LIFETIME 0).
    net.opts.loss = 0;
    a.agent.close(net.now);
    b.agent.close(net.now);
    net.run(net.now + 5000);
    expect(server.allocations.size).toBe(0);
  });
});
