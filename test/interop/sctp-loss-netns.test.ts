// The loss test through the whole stack (ICE → DTLS → SCTP → RTCDataChannel) on
// real UDP: two omnirtc peers in a fresh network namespace whose iptables drops 20 % of
// the UDP packets at the receiver, each way. 4 MiB must arrive intact at ≥ 1 MB/s.
// (Loopback has next to no delay; the delay-and-loss cases run in virtual time in
// test/sim/sctp-loss.test.ts.)
import { spawnSync } from 'node:child_process';
import { runInNamespace } from './chromium-harness';

interface Result {
  error?: string;
  openMs: number;
  seconds: number;
  bytes: number;
  sha256Match: boolean;
}

jest.setTimeout(120_000);

function runInLossyNamespace(loss: number): Promise<Result> {
  if (spawnSync('iptables', ['--version']).status !== 0) return Promise.reject(new Error('iptables not found: apt-get install -y iptables'));
  // The rule lives in the namespace unshare creates and vanishes with it.
  const setup = `ip link set lo up && iptables -A INPUT -i lo -p udp -m statistic --mode random --probability ${loss} -j DROP`;
  return runInNamespace('sctp-loss-netns.run.ts', [], 100_000, setup) as Promise<Result>;
}

describe('data channel through ICE + DTLS + SCTP with 20 % random loss each way (network namespace)', () => {
  it('4 MiB arrives intact at ≥ 1 MB/s', async () => {
    const r = await runInLossyNamespace(0.2);
    expect(r.error).toBeUndefined();
    expect(r.sha256Match).toBe(true);
    expect(r.bytes).toBe(4 * 1024 * 1024);
    expect(r.bytes / r.seconds / 1e6).toBeGreaterThanOrEqual(1);
  });
});
