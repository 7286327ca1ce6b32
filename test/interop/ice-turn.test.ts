// ICE agents gathering through a real coturn on 127.0.0.1: server-reflexive gathering and
// relay-only connections between two agents, with the TURN server reached over UDP and
// over TCP. Every socket is on 127.0.0.1.
import { IceAgent, type IceAgentOptions, type IceEvent } from '../../src/ice/index';
import { IceRunner } from '../../src/runtime/ice-runner';
import { nodeAdapter } from '../../src/runtime/node';
import { coturnForSuite } from './turn-server';

const coturn = coturnForSuite();

const server = () => ({ address: '127.0.0.1', port: coturn().port, family: 4 as const });

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > end) throw new Error(`timeout: ${what}\n${coturn().log().slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function connectPair(aOpts: IceAgentOptions, bOpts: IceAgentOptions) {
  const agents = [new IceAgent({ controlling: true, ...aOpts }), new IceAgent({ controlling: false, ...bOpts })];
  const events: IceEvent[][] = [[], []];
  const runners: IceRunner[] = [];
  for (const i of [0, 1]) {
    runners.push(
      await IceRunner.start(agents[i], {
        adapter: nodeAdapter,
        addresses: ['127.0.0.1'],
        onEvent: (e) => {
          events[i].push(e);
          // Trickle: every candidate goes to the peer as it is found.
          if (e.type === 'candidate') runners[1 - i]?.update((ag) => ag.addRemoteCandidate(e.candidate));
        },
      }),
    );
  }
  for (const i of [0, 1]) {
    const other = agents[1 - i];
    runners[i].update((ag) => {
      ag.setRemoteCredentials(other.localUfrag, other.localPwd);
      for (const c of other.localCandidates) ag.addRemoteCandidate(c);
    });
  }
  return { agents, events, runners };
}

describe('ICE through a real coturn', () => {
  it('gathers from the STUN server without waiting for a timeout', async () => {
    const agent = new IceAgent({ stunServers: [server()] });
    const r = await IceRunner.start(agent, { adapter: nodeAdapter, addresses: ['127.0.0.1'] });
    try {
      const t0 = performance.now();
      await until(() => agent.gatheringState === 'complete', 3000, 'gathering');
      // The Binding transaction was answered (a timeout would take 5.5 s); on loopback the
      // mapped address equals the host one, so RFC 8445 §5.1.3 drops the redundant srflx.
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(agent.stats.stunReceived).toBeGreaterThanOrEqual(1);
      expect(agent.localCandidates.map((c) => c.type)).toEqual(['host']);
    } finally {
      await r.close();
    }
  });

  it('one server as both STUN and TURN server: gathering completes promptly with a relay candidate', async () => {
    const agent = new IceAgent({ stunServers: [server()], turnServers: [{ server: server(), username: 'u', password: 'p' }] });
    const r = await IceRunner.start(agent, { adapter: nodeAdapter, addresses: ['127.0.0.1'] });
    try {
      const t0 = performance.now();
      await until(() => agent.gatheringState === 'complete', 3000, 'gathering');
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(agent.localCandidates.map((c) => c.type).sort()).toEqual(['host', 'relay']);
      const relay = agent.localCandidates.find((c) => c.type === 'relay')!;
      // RFC 8656 §7.3: the relayed candidate's related address is the server-reflexive one.
      expect(relay.relatedAddress).toBe('127.0.0.1');
      expect(relay.relatedPort).toBe(r.localAddresses[0].port);
    } finally {
      await r.close();
    }
  });

  it.each([
    ['UDP', 'UDP', 'udp', 'udp'],
    ['TCP', 'UDP', 'tcp', 'udp'],
    ['TCP', 'TCP', 'tcp', 'tcp'],
  ] as const)('relay-only connection, A reaches TURN over %s, B over %s', async (_a, _b, ta, tb) => {
    const { agents, events, runners } = await connectPair(
      { transportPolicy: 'relay', turnServers: [{ server: server(), username: 'u', password: 'p', transport: ta }] },
      { transportPolicy: 'relay', turnServers: [{ server: server(), username: 'u', password: 'p', transport: tb }] },
    );
    try {
      await until(() => agents.every((a) => a.state === 'connected' || a.state === 'completed'), 10_000, 'relay connection');
      for (const a of agents) {
        expect(a.localCandidates.some((c) => c.type === 'relay')).toBe(true);
        expect(a.selectedPair?.local.type).toBe('relay');
        expect(a.selectedPair?.remote.type).toBe('relay');
      }
      // Application data both ways through the relays (ChannelData once the channel is bound).
      runners[0].send(new TextEncoder().encode('a→b'));
      runners[1].send(new TextEncoder().encode('b→a'));
      const data = (i: number) => events[i].filter((e) => e.type === 'data').map((e) => new TextDecoder().decode((e as { data: Uint8Array }).data));
      await until(() => data(0).includes('b→a') && data(1).includes('a→b'), 5000, 'relayed data');
      // And again after the channels are bound.
      await new Promise((r) => setTimeout(r, 100));
      runners[0].send(new TextEncoder().encode('again'));
      await until(() => data(1).includes('again'), 5000, 'relayed data over the channel');
      expect(agents[0].stats.integrityFailures + agents[1].stats.integrityFailures).toBe(0);
    } finally {
      for (const r of runners) await r.close();
    }
  });
});
