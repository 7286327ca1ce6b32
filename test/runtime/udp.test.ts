import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { IceAgent } from '../../src/ice/index';
import { EngineDriver } from '../../src/runtime/driver';
import { IceRunner } from '../../src/runtime/ice-runner';
import { nodeAdapter } from '../../src/runtime/node';
import { bindUdpInRange, defaultIceAddresses } from '../../src/runtime/udp';
import { ROOT, requireBuiltPackage, runtimeBinary } from './runtimes';

// The UDP adapters and the ICE runner on real loopback sockets (127.0.0.1 only), in this
// process and under every runtime.
function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 }).trim();
}
const expected = (rt: string) => `ok runtime=${rt} udp=ping/pong ice=hello from 1|hello from 0`;

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
    await new Promise((r) => setTimeout(r, 150));
    d.stop();
    expect(fired).toHaveLength(3);
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

describe('runtime adapters: the same scenario under Node, Deno and Bun (built package)', () => {
  beforeAll(() => requireBuiltPackage());

  it('Node', () => {
    expect(run(process.execPath, [join('test', 'runtime', 'udp-ice.mjs')])).toBe(expected('node'));
  });
  it('Deno (--unstable-net)', () => {
    const deno = runtimeBinary('deno');
    expect(run(deno, ['run', '--unstable-net', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', join('test', 'runtime', 'udp-ice.deno.ts')])).toBe(
      expected('deno'),
    );
  });
  it('Bun', () => {
    const bun = runtimeBinary('bun');
    expect(run(bun, [join('test', 'runtime', 'udp-ice.mjs')])).toBe(expected('bun'));
  });
});
