// The ICE agent under hostile input: random datagrams, mutated real checks and responses,
// random candidate strings and API calls in random order. Nothing escapes as an exception
// (API misuse is a DOMException), tables stay bounded, and after the storm a clean
// exchange still connects.
import fc from 'fast-check';
import { IceAgent } from '../../src/ice/index';
import { SimNet, addr, signal } from '../sim/ice-harness';

// Deterministic in CI; explore with FUZZ_SEED=<n> (any integer) to try other inputs.
const seed = Number(process.env.FUZZ_SEED ?? 20261128);

function connectedPair(netSeed: number) {
  const net = new SimNet({ seed: netSeed });
  const a = net.add('A', new IceAgent({ controlling: true, maxRemoteCandidates: 30, maxPairs: 60 }), [addr('127.0.0.1', 1000)]);
  const b = net.add('B', new IceAgent({ controlling: false }), [addr('127.0.0.2', 2000)]);
  a.agent.gather(0);
  b.agent.gather(0);
  return { net, a, b };
}

describe('ICE agent fuzz', () => {
  it('random datagrams and mutated STUN never throw and never break a connected agent', () => {
    // Record real traffic first, to mutate it.
    const { net, a, b } = connectedPair(1);
    const seen: Uint8Array[] = [];
    net.deliverTo = (p) => {
      seen.push(p.bytes.slice());
      return true;
    };
    signal(a, b);
    signal(b, a);
    net.run(5000, () => a.agent.state === 'completed' && b.agent.state === 'completed');
    expect(a.agent.state).toBe('completed');
    const from = addr('127.0.0.2', 2000);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 120 }),
          fc.tuple(fc.constantFrom(...seen), fc.nat(), fc.integer({ min: 1, max: 255 })).map(([m, i, x]) => {
            const c = m.slice();
            c[i % c.length] ^= x;
            return c;
          }),
          fc.tuple(fc.constantFrom(...seen), fc.nat()).map(([m, n]) => m.slice(0, n % m.length)),
        ),
        fc.boolean(),
        (bytes, known) => {
          a.agent.handleInput(net.now, bytes, known ? from : addr('127.0.0.3', 7), 1);
          while (a.agent.pollTransmit());
        },
      ),
      { numRuns: 2000, seed },
    );
    expect(a.agent.state === 'completed' || a.agent.state === 'connected').toBe(true);
    const s = a.agent.stats;
    expect(s.malformedDropped + s.fingerprintFailures + s.integrityFailures + s.unknownTransactions + s.unknownSourceDropped).toBeGreaterThan(100);
    net.deliverTo = undefined;
    expect(a.agent.send(new Uint8Array([23, 1]))).toBe(true);
    net.run(net.now + 200, () => b.data.length > 0);
    expect(Array.from(b.data[0])).toEqual([23, 1]);
  });

  it('random API calls in random order: only DOMExceptions, bounded tables, still connects', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('cand' as const), s: fc.string({ maxLength: 80 }) }),
            fc.record({
              op: fc.constant('goodcand' as const),
              ip: fc.ipV4(),
              port: fc.integer({ min: 1, max: 65535 }),
              prio: fc.integer({ min: 1, max: 0x7fffffff }),
            }),
            fc.record({ op: fc.constant('creds' as const), u: fc.string({ maxLength: 8 }), p: fc.string({ maxLength: 30 }) }),
            fc.record({ op: fc.constant('eoc' as const) }),
            fc.record({ op: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 5000 }) }),
            fc.record({ op: fc.constant('send' as const) }),
          ),
          { maxLength: 60 },
        ),
        (ops) => {
          const { net, a, b } = connectedPair(2);
          for (const o of ops) {
            try {
              if (o.op === 'cand') a.agent.addRemoteCandidate(o.s);
              else if (o.op === 'goodcand') a.agent.addRemoteCandidate(`candidate:9 1 udp ${o.prio} ${o.ip} ${o.port} typ host`);
              else if (o.op === 'creds') a.agent.setRemoteCredentials(o.u, o.p);
              else if (o.op === 'eoc') a.agent.addRemoteCandidate(null);
              else if (o.op === 'send') a.agent.send(new Uint8Array([1]));
              else net.run(net.now + o.dt);
            } catch (e) {
              expect(e).toBeInstanceOf(DOMException);
            }
          }
          expect(a.agent.remoteCandidates.length).toBeLessThanOrEqual(30);
          expect(a.agent.candidatePairs.length).toBeLessThanOrEqual(60);
          // The real peer's description still wins.
          signal(b, a);
          signal(a, b);
          net.run(net.now + 60_000, () => (a.agent.state === 'connected' || a.agent.state === 'completed') && (b.agent.state === 'connected' || b.agent.state === 'completed'));
          expect(['connected', 'completed']).toContain(a.agent.state);
          expect(['connected', 'completed']).toContain(b.agent.state);
        },
      ),
      { numRuns: 60, seed },
    );
  });
});
