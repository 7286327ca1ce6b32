import { execFile } from 'node:child_process';
import { type Server, createServer } from 'node:net';
import { join } from 'node:path';
import { IceAgent } from '../../src/ice/index';
import { detectRuntime, loadAdapter } from '../../src/runtime/detect';
import { EngineDriver } from '../../src/runtime/driver';
import { IceRunner } from '../../src/runtime/ice-runner';
import { nodeAdapter } from '../../src/runtime/node';
import { SharedUdpPort } from '../../src/runtime/shared-udp-port';
import { bindUdpInRange, defaultIceAddresses } from '../../src/runtime/udp';
import { ROOT, requireBuiltPackage, runtimeBinary } from './runtimes';

// The UDP adapters and the ICE runner on real loopback sockets (127.0.0.1 only), in this
// process and under every runtime.
// Asynchronous, so the TCP echo server in this process keeps answering while a runtime runs.
let echoServer: Server;
let echoPort = 0;
function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TCP_ECHO_PORT: String(echoPort) } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} failed: ${err.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}
const expected = (rt: string) => `ok runtime=${rt} udp=ping/pong tcp=tcp-ping ice=hello from 1|hello from 0`;

async function connect(a: IceRunner, b: IceRunner): Promise<void> {
  for (const [x, y] of [
    [a, b],
    [b, a],
  ]) {
    x.update((ag) => {
      ag.setRemoteCredentials(y.agent.localUfrag, y.agent.localPwd);
      for (const c of y.agent.localCandidates) ag.addRemoteCandidate(c);
      ag.addRemoteCandidate(null);
    });
  }
  const ok = (r: IceRunner) => r.agent.state === 'connected' || r.agent.state === 'completed';
  for (let i = 0; i < 300 && !(ok(a) && ok(b)); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok(a) && ok(b)).toBe(true);
}

describe('runtime adapters: UDP and ICE over loopback', () => {
  it('default addresses: non-internal interface addresses, or loopback when there is none', () => {
    const fake = (list: { address: string; family: 4 | 6; internal: boolean }[]) => ({ ...nodeAdapter, interfaceAddresses: () => list });
    expect(defaultIceAddresses(fake([{ address: '127.0.0.1', family: 4, internal: true }, { address: '::1', family: 6, internal: true }]))).toEqual(['127.0.0.1', '::1']);
    expect(
      defaultIceAddresses(
        fake([
          { address: '127.0.0.1', family: 4, internal: true },
          { address: '192.0.2.7', family: 4, internal: false },
          { address: 'fe80::1', family: 6, internal: false },
          { address: '2001:db8::7', family: 6, internal: false },
        ]),
      ),
    ).toEqual(['192.0.2.7', '2001:db8::7']);
    // The real list from this machine is well-formed (nothing is bound here).
    for (const a of nodeAdapter.interfaceAddresses()) expect([4, 6]).toContain(a.family);
  });

  it('detects the runtime and loads its adapter', async () => {
    expect(detectRuntime()).toBe('node');
    expect((await loadAdapter()).runtime).toBe('node');
    expect(await loadAdapter('node')).toBe(nodeAdapter);
  });

  it('binds inside a port range and refuses a bad range', async () => {
    const socks = [];
    for (let i = 0; i < 3; i++) socks.push(await bindUdpInRange(nodeAdapter, '127.0.0.1', { min: 47100, max: 47120 }, () => {}));
    for (const s of socks) expect(s.localAddress.port).toBeGreaterThanOrEqual(47100);
    for (const s of socks) expect(s.localAddress.port).toBeLessThanOrEqual(47120);
    expect(new Set(socks.map((s) => s.localAddress.port)).size).toBe(3);
    await Promise.all(socks.map((s) => s.close()));
    await expect(bindUdpInRange(nodeAdapter, '127.0.0.1', { min: 5, max: 2 }, () => {})).rejects.toMatchObject({ name: 'InvalidAccessError' });
  });

  it('the driver keeps one timer armed at the engine deadline', async () => {
    let deadline: number | undefined = performance.now() + 20;
    const fired: number[] = [];
    const engine = {
      pollTimeout: () => deadline,
      handleTimeout: (now: number) => {
        fired.push(now);
        deadline = fired.length < 3 ? now + 10 : undefined;
      },
    };
    const d = new EngineDriver(engine);
    d.kick();
    d.kick();
    for (let i = 0; i < 200 && fired.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    // Nothing more is due: no timer may fire again.
    await new Promise((r) => setTimeout(r, 50));
    d.stop();
    expect(fired).toHaveLength(3);
    expect(fired[1] - fired[0]).toBeGreaterThanOrEqual(9);
  });

  it('two agents connect over 127.0.0.1 in this process and carry data', async () => {
    const a = new IceAgent({ controlling: true });
    const b = new IceAgent({ controlling: false });
    const got: string[] = [];
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const ra = await IceRunner.start(a, { adapter: nodeAdapter, addresses: ['127.0.0.1'], portRange: { min: 47200, max: 47299 } });
    const rb = await IceRunner.start(b, {
      adapter: nodeAdapter,
      addresses: ['127.0.0.1'],
      onEvent: (e) => {
        if (e.type === 'data') {
          got.push(new TextDecoder().decode(e.data));
          resolve();
        }
      },
    });
    ra.update((ag) => {
      ag.setRemoteCredentials(b.localUfrag, b.localPwd);
      for (const c of b.localCandidates) ag.addRemoteCandidate(c);
    });
    rb.update((ag) => {
      ag.setRemoteCredentials(a.localUfrag, a.localPwd);
      for (const c of a.localCandidates) ag.addRemoteCandidate(c);
    });
    for (let i = 0; i < 100 && a.state !== 'connected'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(a.state).toBe('connected');
    expect(a.localCandidates[0].port).toBeGreaterThanOrEqual(47200);
    ra.send(new TextEncoder().encode('dtls-ish'));
    await done;
    expect(got).toEqual(['dtls-ish']);
    await ra.close();
    await rb.close();
  });
});

describe('servers: IPv6 loopback and one shared UDP port', () => {
  it('two agents connect over [::1]', async () => {
    const a = await IceRunner.start(new IceAgent({ controlling: true }), { adapter: nodeAdapter, addresses: ['::1'] });
    const b = await IceRunner.start(new IceAgent({ controlling: false }), { adapter: nodeAdapter, addresses: ['::1'] });
    try {
      expect(a.localAddresses[0]).toMatchObject({ address: '::1', family: 6 });
      await connect(a, b);
      expect(a.agent.selectedPair?.remote.address).toBe('::1');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('three agents share one UDP port, demultiplexed by ufrag, each reaching its own client', async () => {
    const port = await SharedUdpPort.bind(nodeAdapter, '127.0.0.1');
    const servers: IceRunner[] = [];
    const clients: IceRunner[] = [];
    const got: string[][] = [[], [], []];
    try {
      for (let i = 0; i < 3; i++) {
        servers.push(
          await IceRunner.start(new IceAgent({ controlling: false }), {
            adapter: nodeAdapter,
            sharedPort: port,
            onEvent: (e) => {
              if (e.type === 'data') got[i].push(new TextDecoder().decode(e.data));
            },
          }),
        );
        clients.push(await IceRunner.start(new IceAgent({ controlling: true }), { adapter: nodeAdapter, addresses: ['127.0.0.1'] }));
      }
      for (const s of servers) expect(s.agent.localCandidates[0].port).toBe(port.localAddress.port);
      for (let i = 0; i < 3; i++) await connect(clients[i], servers[i]);
      for (let i = 0; i < 3; i++) clients[i].send(new TextEncoder().encode(`client ${i}`));
      for (let i = 0; i < 100 && got.some((g) => g.length === 0); i++) await new Promise((r) => setTimeout(r, 10));
      expect(got).toEqual([['client 0'], ['client 1'], ['client 2']]);
      expect(port.stats.routed).toBeGreaterThan(3);
    } finally {
      for (const r of [...servers, ...clients]) await r.close();
      await port.close();
    }
  });
});

describe('runtime adapters: the same scenario under Node, Deno and Bun (built package)', () => {
  beforeAll(async () => {
    requireBuiltPackage();
    echoServer = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echoServer.listen(0, '127.0.0.1', () => r()));
    echoPort = (echoServer.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => echoServer.close(() => r()));
  });

  it('Node', async () => {
    expect(await run(process.execPath, [join('test', 'runtime', 'udp-ice.mjs')])).toBe(expected('node'));
  });
  it('Node CommonJS', async () => {
    expect(await run(process.execPath, [join('test', 'runtime', 'udp-ice.cjs')])).toBe(expected('node'));
  });
  it('Deno (--unstable-net)', async () => {
    const deno = runtimeBinary('deno');
    expect(await run(deno, ['run', '--unstable-net', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', join('test', 'runtime', 'udp-ice.deno.ts')])).toBe(
      expected('deno'),
    );
  });
  it('Bun', async () => {
    const bun = runtimeBinary('bun');
    expect(await run(bun, [join('test', 'runtime', 'udp-ice.mjs')])).toBe(expected('bun'));
  });
});
