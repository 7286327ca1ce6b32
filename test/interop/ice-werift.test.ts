// Our ICE agent against werift's ICE agent (werift's Connection class) over real UDP on
// 127.0.0.1, in both roles, and with our side relay-only through a real coturn().
// werift is configured loopback-only: its interface scan is switched off (useIpv4/useIpv6
// false — with them on, a loopback-only interfaceAddresses filter matches nothing and it
// falls back to every interface), 127.0.0.1 is its one additional host address and the
// address its socket binds; no STUN server.
import { Candidate, Connection } from 'werift';
import { IceAgent, type IceAgentOptions, formatCandidate } from '../../src/ice/index';
import { IceRunner } from '../../src/runtime/ice-runner';
import { nodeAdapter } from '../../src/runtime/node';
import { coturnForSuite } from './turn-server';

const coturn = coturnForSuite();

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > end) throw new Error(`timeout: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms);
    }),
  ]);
}

async function run(weriftControlling: boolean, ours: IceAgentOptions, weriftLite = false): Promise<void> {
  const w = new Connection(weriftControlling, {
    iceLite: weriftLite,
    useIpv4: false,
    useIpv6: false,
    additionalHostAddresses: ['127.0.0.1'],
    interfaceAddresses: { udp4: '127.0.0.1' } as never,
  });
  const fromWerift: string[] = [];
  const fromOurs: string[] = [];
  w.onData.subscribe((d: Buffer) => fromOurs.push(d.toString()));
  let runner: IceRunner | undefined;
  try {
    await w.gatherCandidates();
    expect(w.localCandidates.map((c) => c.host)).toEqual(['127.0.0.1']);
    const agent = new IceAgent({ controlling: !weriftControlling, ...ours });
    runner = await IceRunner.start(agent, {
      adapter: nodeAdapter,
      addresses: ['127.0.0.1'],
      onEvent: (e) => {
        if (e.type === 'data') fromWerift.push(new TextDecoder().decode(e.data));
      },
    });
    await until(() => agent.gatheringState === 'complete', 5000, 'our gathering');
    runner.update((ag) => {
      ag.setRemoteCredentials(w.localUsername, w.localPassword, { lite: weriftLite });
      for (const c of w.localCandidates) ag.addRemoteCandidate(`candidate:${c.toSdp()}`);
      ag.addRemoteCandidate(null);
    });
    w.setRemoteParams({ iceLite: ours.lite ?? false, usernameFragment: agent.localUfrag, password: agent.localPwd });
    for (const c of agent.localCandidates) await w.addRemoteCandidate(Candidate.fromSdp(formatCandidate(c).slice('candidate:'.length)));
    await w.addRemoteCandidate(undefined);
    await withTimeout(w.connect(), 10_000, 'werift connect');
    if (weriftLite) expect(agent.stats.checksSent).toBeGreaterThan(0);
    if (ours.lite) expect(agent.stats.checksSent).toBe(0);
    await until(() => agent.state === 'connected' || agent.state === 'completed', 5000, 'our agent connected');
    expect(agent.role).toBe(weriftControlling ? 'controlled' : 'controlling');
    if (ours.transportPolicy === 'relay') expect(agent.selectedPair?.local.type).toBe('relay');

    runner.send(new TextEncoder().encode('hello werift'));
    await w.send(Buffer.from('hello omnirtc'));
    await until(() => fromOurs.includes('hello werift') && fromWerift.includes('hello omnirtc'), 5000, 'data both ways');
    expect(agent.stats.integrityFailures).toBe(0);
    expect(agent.stats.fingerprintFailures).toBe(0);
  } finally {
    await runner?.close();
    await w.close();
  }
}

describe('ICE interop with werift over loopback UDP', () => {
  it('werift controlling, omnirtc controlled', async () => {
    await run(true, {});
  });
  it('omnirtc controlling, werift controlled', async () => {
    await run(false, {});
  });
  it('werift ice-lite, omnirtc full agent controlling', async () => {
    await run(false, {}, true);
  });
  it('omnirtc ice-lite, werift full agent controlling', async () => {
    await run(true, { lite: true });
  });
  it('omnirtc relay-only through coturn, werift on a host candidate', async () => {
    await run(true, {
      transportPolicy: 'relay',
      turnServers: [{ server: { address: '127.0.0.1', port: coturn().port, family: 4 }, username: 'u', password: 'p' }],
    });
  });
  it('omnirtc relay-only through coturn over TCP, omnirtc controlling', async () => {
    await run(false, {
      transportPolicy: 'relay',
      turnServers: [{ server: { address: '127.0.0.1', port: coturn().port, family: 4 }, username: 'u', password: 'p', transport: 'tcp' }],
    });
  });
});
