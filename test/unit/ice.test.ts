// Candidates (RFC 8839 grammar, RFC 8445 priorities) and the shared-port mux.
import { IceAgent, IceUdpMux, candidatePriority, formatCandidate, pairPriority, parseCandidate } from '../../src/ice/index';

describe('ICE candidates', () => {
  it('computes RFC 8445 §5.1.2.1 priorities', () => {
    expect(candidatePriority('host', 65535)).toBe(2130706431);
    expect(candidatePriority('srflx', 65535)).toBe(1694498815);
    expect(candidatePriority('relay', 65535)).toBe(16777215);
    expect(candidatePriority('prflx', 0)).toBe(110 * 2 ** 24 + 255);
  });

  it('orders pairs by RFC 8445 §6.1.2.3', () => {
    const g = 2130706431;
    const d = 1694498815;
    expect(pairPriority(g, d)).toBe((BigInt(d) << 32n) + 2n * BigInt(g) + 1n);
    expect(pairPriority(d, g)).toBe((BigInt(d) << 32n) + 2n * BigInt(g));
  });

  it('parses and formats candidate attributes (RFC 8839 §5.1)', () => {
    const line = 'candidate:842163049 1 udp 1677729535 192.0.2.3 45664 typ srflx raddr 10.0.1.1 rport 53011 generation 0 ufrag EsAw';
    const c = parseCandidate(`a=${line}`);
    expect(c).toMatchObject({ foundation: '842163049', component: 1, transport: 'udp', priority: 1677729535, address: '192.0.2.3', port: 45664, type: 'srflx', relatedAddress: '10.0.1.1', relatedPort: 53011, ufrag: 'EsAw' });
    expect(formatCandidate(c)).toBe(line);
    expect(parseCandidate('candidate:1 1 UDP 2122260223 abc-def.local 5000 typ host').address).toBe('abc-def.local');
    for (const bad of ['', 'candidate:1 1 udp', 'candidate:1 1 sctp 1 1.2.3.4 5 typ host', 'candidate:1 1 udp 1 1.2.3.4 5 typ bogus', 'candidate:1 1 udp 1 example.com 5 typ host', 'candidate:1 1 udp 1 1.2.3.4 70000 typ host']) {
      expect(() => parseCandidate(bad)).toThrow(expect.objectContaining({ code: 'ICE_BAD_CANDIDATE' }));
    }
  });

  it('rejects misuse with W3C DOMException names', () => {
    expect(() => new IceAgent({ ufrag: 'ab', pwd: 'x'.repeat(22) })).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    const a = new IceAgent();
    a.addSocket({ id: 1, address: { address: '127.0.0.1', port: 9, family: 4 } });
    expect(() => a.addSocket({ id: 1, address: { address: '127.0.0.1', port: 10, family: 4 } })).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    a.gather(0);
    expect(() => a.addRemoteCandidate('candidate:garbage')).toThrow(expect.objectContaining({ name: 'OperationError' }));
    expect(() => a.setRemoteCredentials('', '')).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    a.close(0);
    expect(a.state).toBe('closed');
    expect(() => a.gather(0)).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    expect(a.send(new Uint8Array(1))).toBe(false);
  });

  it('ice-lite agents gather host candidates only and are controlled', () => {
    const a = new IceAgent({ lite: true, controlling: true, stunServers: [{ address: '127.0.0.1', port: 3478, family: 4 }] });
    a.addSocket({ id: 1, address: { address: '127.0.0.1', port: 9, family: 4 } });
    a.gather(0);
    expect(a.role).toBe('controlled');
    expect(a.gatheringState).toBe('complete');
    expect(a.localCandidates.map((c) => c.type)).toEqual(['host']);
    expect(a.pollTransmit()).toBeUndefined();
  });
});

describe('shared UDP port mux', () => {
  it('routes unknown sources to nobody and forgets unregistered targets', () => {
    const mux = new IceUdpMux<string>(2);
    mux.register('abcd', 'agent-1');
    expect(mux.route(new Uint8Array([23, 0]), { address: '127.0.0.1', port: 1, family: 4 })).toBeUndefined();
    expect(mux.stats.unroutable).toBe(1);
    mux.unregister('agent-1');
    expect(mux.route(new Uint8Array([23, 0]), { address: '127.0.0.1', port: 1, family: 4 })).toBeUndefined();
  });
});
