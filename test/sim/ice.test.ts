// Two ICE agents in virtual time over an in-memory network (test/sim/ice-harness.ts).
import { IceAgent, IceUdpMux, formatCandidate } from '../../src/ice/index';
import { isStunMessage } from '../../src/stun/index';
import { type Node, SimNet, addr, signal, states } from './ice-harness';
import { seededRandom } from './seeded-random';

function pair(net: SimNet, aOpts: ConstructorParameters<typeof IceAgent>[0] = {}, bOpts: ConstructorParameters<typeof IceAgent>[0] = {}) {
  const rnd = seededRandom(net.opts.seed ?? 1);
  const a = net.add('A', new IceAgent({ controlling: true, random: rnd, ...aOpts }), [addr('127.0.0.1', 10001), addr('::1', 10001)]);
  const b = net.add('B', new IceAgent({ controlling: false, random: rnd, ...bOpts }), [addr('127.0.0.2', 20002), addr('::1', 20002)]);
  a.agent.gather(0);
  b.agent.gather(0);
  return { a, b };
}

const connected = (n: Node) => n.agent.state === 'connected' || n.agent.state === 'completed';
const bothConnected = (a: Node, b: Node) => () => connected(a) && connected(b);

function exchangeData(net: SimNet, a: Node, b: Node): void {
  const before = [a.data.length, b.data.length];
  expect(a.agent.send(new Uint8Array([23, 1, 2, 3]))).toBe(true);
  expect(b.agent.send(new Uint8Array([23, 4, 5, 6]))).toBe(true);
  net.run(net.now + 1000, () => a.data.length > before[0] && b.data.length > before[1]);
  expect(Array.from(b.data.at(-1)!)).toEqual([23, 1, 2, 3]);
  expect(Array.from(a.data.at(-1)!)).toEqual([23, 4, 5, 6]);
}

describe('ICE agents in virtual time', () => {
  it('connect and complete on a clean link, agree on the selected pair, carry data', () => {
    const net = new SimNet({ seed: 7 });
    const { a, b } = pair(net);
    signal(a, b);
    signal(b, a);
    net.run(5000, () => a.agent.state === 'completed' && b.agent.state === 'completed');
    expect(states(a)).toEqual(['checking', 'connected', 'completed']);
    expect(states(b)).toEqual(['checking', 'connected', 'completed']);
    const sa = a.agent.selectedPair!;
    const sb = b.agent.selectedPair!;
    expect([sa.local.address, sa.local.port]).toEqual([sb.remote.address, sb.remote.port]);
    expect([sb.local.address, sb.local.port]).toEqual([sa.remote.address, sa.remote.port]);
    // IPv6 host candidates are preferred (higher local preference).
    expect(sa.local.address).toBe('::1');
    expect(net.now).toBeLessThan(200);
    exchangeData(net, a, b);
    // Only the controlling agent nominates (RFC 8445 §8.1.1).
    expect(a.agent.candidatePairs.filter((p) => p.nominated)).toHaveLength(1);
    // Pair counters for getStats(): the link's 5 ms each way is the round trip of 10 ms.
    const info = a.agent.selectedPairInfo!;
    expect(info.currentRoundTripTime).toBeCloseTo(10, 5);
    expect(info.requestsSent).toBeGreaterThanOrEqual(1);
    expect(info.responsesReceived).toBeGreaterThanOrEqual(1);
    expect(info.requestsReceived).toBeGreaterThanOrEqual(1);
    expect(info.packetsSent).toBe(1);
    expect(info.bytesSent).toBe(4);
    expect(b.agent.selectedPairInfo!.packetsReceived).toBe(1);
  });

  it.each([true, false])('nominates when the offerer is controlling=%s (regular nomination, both roles)', (aControlling) => {
    const net = new SimNet({ seed: 11 });
    const { a, b } = pair(net, { controlling: aControlling }, { controlling: !aControlling });
    signal(b, a);
    signal(a, b);
    net.run(5000, bothConnected(a, b));
    expect(a.agent.role).toBe(aControlling ? 'controlling' : 'controlled');
    expect(b.agent.role).toBe(aControlling ? 'controlled' : 'controlling');
    expect(connected(a) && connected(b)).toBe(true);
    exchangeData(net, a, b);
  });

  it.each([1, 2, 3, 4, 5])('connects with 30 %% of STUN checks lost (seed %i)', (seed) => {
    const net = new SimNet({ seed, jitter: 20 });
    const rng = seededRandom(seed * 101);
    // The first two checks are always lost (so every seed exercises retransmission), then 30 %.
    let stunSeen = 0;
    net.opts.drop = (p) => isStunMessage(p.bytes) && (++stunSeen <= 2 || rng() < 0.3);
    const { a, b } = pair(net);
    signal(a, b);
    signal(b, a);
    net.run(30_000, bothConnected(a, b));
    expect(connected(a) && connected(b)).toBe(true);
    expect(net.dropped).toBeGreaterThan(1);
    expect(a.agent.stats.checkRetransmissions + b.agent.stats.checkRetransmissions).toBeGreaterThan(0);
    exchangeData(net, a, b);
  });

  it.each([41, 42, 43])('connects through duplication, reordering and 10 %% loss of everything (seed %i)', (seed) => {
    const net = new SimNet({ seed, jitter: 60, duplicate: 0.25, loss: 0.1 });
    const { a, b } = pair(net);
    signal(a, b);
    signal(b, a);
    net.run(30_000, bothConnected(a, b));
    expect(connected(a) && connected(b)).toBe(true);
    const sa = a.agent.selectedPair!;
    const sb = b.agent.selectedPair!;
    expect([sa.local.port, sa.remote.port]).toEqual([sb.remote.port, sb.local.port]);
  });

  it.each([
    ['both controlling', true, true],
    ['both controlled', false, false],
  ])('resolves a role conflict (%s) with 487 (RFC 8445 §7.3.1.1)', (_n, ac, bc) => {
    const net = new SimNet({ seed: 3 });
    const { a, b } = pair(net, { controlling: ac, tieBreaker: 5n }, { controlling: bc, tieBreaker: 9n });
    signal(a, b);
    signal(b, a);
    net.run(10_000, bothConnected(a, b));
    expect(connected(a) && connected(b)).toBe(true);
    // B has the larger tie-breaker: it ends controlling.
    expect(b.agent.role).toBe('controlling');
    expect(a.agent.role).toBe('controlled');
    expect(a.agent.stats.roleConflicts + b.agent.stats.roleConflicts).toBeGreaterThan(0);
    exchangeData(net, a, b);
  });

  it('consent freshness: disconnected after silence, recovers, fails after 30 s (RFC 7675)', () => {
    const net = new SimNet({ seed: 5 });
    let blackout: [number, number] = [-1, -1];
    net.opts.drop = (_p, now) => now >= blackout[0] && now < blackout[1];
    const { a, b } = pair(net);
    signal(a, b);
    signal(b, a);
    net.run(5000, bothConnected(a, b));
    const t0 = net.now;
    blackout = [t0, t0 + 15_000];
    net.run(t0 + 14_000);
    expect(a.agent.state).toBe('disconnected');
    expect(b.agent.state).toBe('disconnected');
    net.run(t0 + 30_000, bothConnected(a, b));
    expect(connected(a) && connected(b)).toBe(true);
    expect(a.agent.send(new Uint8Array([99]))).toBe(true);
    // Now a blackout longer than the consent timeout.
    const t1 = net.now;
    blackout = [t1, t1 + 120_000];
    net.run(t1 + 40_000);
    expect(a.agent.state).toBe('failed');
    expect(b.agent.state).toBe('failed');
    expect(a.events.some((e) => e.type === 'consent-lost')).toBe(true);
    // RFC 7675 §5.2: no more application data once consent is lost.
    expect(a.agent.send(new Uint8Array([1]))).toBe(false);
    expect(a.agent.stats.sendDropped).toBeGreaterThan(0);
    // The link returns, but without an ICE restart consent stays lost (RFC 7675 §5.2).
    blackout = [-1, -1];
    net.run(net.now + 10_000);
    expect(a.agent.state).toBe('failed');
    expect(a.agent.send(new Uint8Array([1]))).toBe(false);
    // An ICE restart brings it back.
    a.agent.restart(net.now);
    b.agent.restart(net.now);
    signal(a, b);
    signal(b, a);
    net.run(net.now + 10_000, bothConnected(a, b));
    expect(connected(a) && connected(b)).toBe(true);
    exchangeData(net, a, b);
  });

  it('ICE restart: new credentials, new checks, data keeps flowing on the old pair meanwhile', () => {
    const net = new SimNet({ seed: 9 });
    const { a, b } = pair(net);
    signal(a, b);
    signal(b, a);
    net.run(5000, bothConnected(a, b));
    const oldUfrag = a.agent.localUfrag;
    const oldRemoteUfrag = b.agent.localUfrag;
    const selectedBefore = a.events.filter((e) => e.type === 'selected-pair').length;
    a.agent.restart(net.now);
    expect(a.agent.localUfrag).not.toBe(oldUfrag);
    // Before the new offer/answer completes, the old pair still carries data.
    expect(a.agent.send(new Uint8Array([7]))).toBe(true);
    // The answerer restarts too (JSEP: new ufrag/pwd in the answer).
    b.agent.restart(net.now);
    expect(b.agent.send(new Uint8Array([8]))).toBe(true);
    // A late candidate of the old generation is ignored (RFC 8838 §11.4).
    const dropped = a.agent.stats.remoteCandidatesDropped;
    signal(a, b);
    signal(b, a);
    a.agent.addRemoteCandidate(`candidate:7 1 udp 2122260223 127.0.0.9 9999 typ host ufrag ${oldRemoteUfrag}`);
    expect(a.agent.stats.remoteCandidatesDropped).toBe(dropped + 1);
    const t = net.now;
    net.run(t + 5000, () => a.events.filter((e) => e.type === 'selected-pair').length > selectedBefore && connected(b));
    expect(a.events.filter((e) => e.type === 'selected-pair').length).toBeGreaterThan(selectedBefore);
    expect(connected(a) && connected(b)).toBe(true);
    exchangeData(net, a, b);
  });

  it.each([11, 12, 13, 14, 15, 16])('trickle in any order relative to the descriptions (seed %i)', (seed) => {
    const net = new SimNet({ seed, jitter: 10 });
    const { a, b } = pair(net);
    const rng = seededRandom(seed);
    // Each step is one signalling message; they are delivered in a random order with random gaps.
    type Step = () => void;
    const steps: Step[] = [];
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      steps.push(() => to.agent.setRemoteCredentials(from.agent.localUfrag, from.agent.localPwd));
      for (const c of from.agent.localCandidates) steps.push(() => to.agent.addRemoteCandidate(formatCandidate(c)));
    }
    for (let i = steps.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [steps[i], steps[j]] = [steps[j], steps[i]];
    }
    for (const s of steps) {
      s();
      net.run(net.now + rng() * 300);
    }
    a.agent.addRemoteCandidate(null);
    b.agent.addRemoteCandidate(null);
    net.run(net.now + 10_000, () => a.agent.state === 'completed' && b.agent.state === 'completed');
    expect(a.agent.state).toBe('completed');
    expect(b.agent.state).toBe('completed');
    exchangeData(net, a, b);
  });

  it('ice-lite peer: the full agent becomes controlling and connects; consent keeps it alive', () => {
    const net = new SimNet({ seed: 21 });
    // A is the offerer but controlled by default here; facing a lite agent it must control.
    const { a, b } = pair(net, { controlling: false }, { lite: true });
    signal(b, a, { lite: true });
    signal(a, b);
    net.run(5000, bothConnected(a, b));
    expect(a.agent.role).toBe('controlling');
    expect(b.agent.role).toBe('controlled');
    expect(b.agent.stats.checksSent).toBe(0);
    exchangeData(net, a, b);
    // 60 s later both still connected thanks to consent checks from the full agent.
    net.run(net.now + 60_000);
    expect(connected(a) && connected(b)).toBe(true);
    expect(a.agent.stats.consentChecksSent).toBeGreaterThan(8);
  });

  it('sends Binding indications as keepalives when nothing else goes out (RFC 8445 §11)', () => {
    const net = new SimNet({ seed: 22 });
    const slow = { consentInterval: 40_000, disconnectedTimeout: 100_000, consentTimeout: 120_000 };
    const { a, b } = pair(net, slow, slow);
    signal(a, b);
    signal(b, a);
    net.run(5000, bothConnected(a, b));
    net.run(net.now + 60_000);
    expect(a.agent.stats.keepalivesSent).toBeGreaterThanOrEqual(2);
    expect(b.agent.stats.keepalivesSent).toBeGreaterThanOrEqual(2);
    expect(connected(a) && connected(b)).toBe(true);
  });

  it('ignores remote mDNS candidates and completes through peer-reflexive ones', () => {
    const net = new SimNet({ seed: 4 });
    const { a, b } = pair(net);
    // B only learns A's hidden candidate; A learns B's real ones.
    b.agent.setRemoteCredentials(a.agent.localUfrag, a.agent.localPwd);
    b.agent.addRemoteCandidate('candidate:1 1 udp 2122260223 0b3a3f3e-1111-2222-3333-444444444444.local 10001 typ host');
    b.agent.addRemoteCandidate(null);
    signal(b, a);
    net.run(5000, bothConnected(a, b));
    expect(connected(a) && connected(b)).toBe(true);
    expect(b.agent.stats.mdnsCandidatesIgnored).toBe(1);
    expect(b.agent.selectedPair!.remote.type).toBe('prflx');
    exchangeData(net, a, b);
  });

  it('fails after end-of-candidates when nothing answers', () => {
    const net = new SimNet({ seed: 2, drop: () => true });
    const { a, b } = pair(net);
    signal(a, b);
    signal(b, a);
    net.run(60_000, () => a.agent.state === 'failed' && b.agent.state === 'failed');
    expect(a.agent.state).toBe('failed');
    expect(b.agent.state).toBe('failed');
  });

  it('drops and counts hostile input without changing state', () => {
    const net = new SimNet({ seed: 8 });
    const { a, b } = pair(net);
    signal(a, b);
    signal(b, a);
    net.run(5000, bothConnected(a, b));
    const from = addr('127.0.0.2', 20002);
    const agent = a.agent;
    const before = { ...agent.stats };
    agent.handleInput(net.now, new Uint8Array([0, 1, 0, 4, 0x21, 0x12, 0xa4, 0x42]), from, 1);
    // A well-formed response to a transaction we never sent.
    const stray = new Uint8Array(20);
    stray.set([0x01, 0x01, 0, 0, 0x21, 0x12, 0xa4, 0x42]);
    agent.handleInput(net.now, stray, from, 1);
    // Data from an address nobody signalled.
    agent.handleInput(net.now, new Uint8Array([23, 0, 0]), addr('127.0.0.9', 9), 1);
    // A check signed with the wrong password.
    const forged = new IceAgent({ controlling: false, ufrag: 'evil', pwd: 'x'.repeat(22) });
    forged.addSocket({ id: 1, address: from });
    forged.gather(0);
    forged.setRemoteCredentials(agent.localUfrag, 'not-the-right-password-at-all');
    forged.addRemoteCandidate(agent.localCandidates.find((c) => c.address === '127.0.0.1')!);
    forged.handleTimeout(0);
    const t = forged.pollTransmit()!;
    agent.handleInput(net.now, t.bytes, from, 1);
    expect(agent.stats.malformedDropped).toBeGreaterThan(before.malformedDropped);
    expect(agent.stats.unknownTransactions).toBe(before.unknownTransactions + 1);
    expect(agent.stats.unknownSourceDropped).toBe(before.unknownSourceDropped + 1);
    expect(agent.stats.integrityFailures).toBe(before.integrityFailures + 1);
    expect(connected(a)).toBe(true);
    exchangeData(net, a, b);
  });

  it('bounds remote candidates (a flood is dropped and counted)', () => {
    const agent = new IceAgent({ maxRemoteCandidates: 20 });
    agent.addSocket({ id: 1, address: addr('127.0.0.1', 5000) });
    agent.gather(0);
    agent.setRemoteCredentials('abcd', 'p'.repeat(22));
    for (let i = 0; i < 500; i++) agent.addRemoteCandidate(`candidate:${i} 1 udp ${1000 + i} 127.0.1.${i % 250} ${1000 + i} typ host`);
    expect(agent.remoteCandidates).toHaveLength(20);
    expect(agent.stats.remoteCandidatesDropped).toBe(480);
  });

  it('one shared UDP port serves several agents, demultiplexed by ufrag', () => {
    const net = new SimNet({ seed: 31 });
    const shared = addr('127.0.0.5', 3478);
    const mux = new IceUdpMux<Node>();
    const servers: Node[] = [];
    const clients: Node[] = [];
    for (let i = 0; i < 3; i++) {
      const srv = net.add(`S${i}`, new IceAgent({ controlling: false, lite: true }), [shared]);
      srv.agent.gather(0);
      mux.register(srv.agent.localUfrag, srv);
      servers.push(srv);
      const cl = net.add(`C${i}`, new IceAgent({ controlling: true }), [addr('127.0.0.6', 4000 + i)]);
      cl.agent.gather(0);
      clients.push(cl);
    }
    // Route datagrams for the shared address through the mux instead of a fixed node.
    net.deliverTo = (p) => {
      if (p.to.address !== shared.address || p.to.port !== shared.port) return true;
      const target = mux.route(p.bytes, p.from);
      if (target) target.agent.handleInput(net.now, p.bytes, p.from, 1);
      return false;
    };
    for (let i = 0; i < 3; i++) {
      signal(servers[i], clients[i], { lite: true });
      signal(clients[i], servers[i]);
    }
    net.run(5000, () => [...servers, ...clients].every(connected));
    for (const n of [...servers, ...clients]) expect(connected(n)).toBe(true);
    for (let i = 0; i < 3; i++) {
      clients[i].agent.send(new Uint8Array([200, i]));
    }
    net.run(net.now + 100, () => servers.every((s) => s.data.length > 0));
    servers.forEach((s, i) => {
      expect(Array.from(s.data[0])).toEqual([200, i]);
    });
  });
});
