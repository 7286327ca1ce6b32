// The loss test through the whole stack (ICE → DTLS → SCTP → RTCDataChannel) on
// real UDP: two omnirtc peers in a fresh network namespace whose iptables drops 20 % of
// the UDP packets at the receiver, each way. 4 MiB must arrive intact at ≥ 1 MB/s.
// (Loopback has next to no delay; the delay-and-loss cases run in virtual time in
// test/sim/sctp-loss.test.ts.)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

interface Result {
  error?: string;
  openMs: number;
  seconds: number;
  bytes: number;
  sha256Match: boolean;
}

jest.setTimeout(120_000);

function runInLossyNamespace(loss: number): Promise<Result> {
  const root = join(__dirname, '..', '..');
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  if (!existsSync(tsx)) return Promise.reject(new Error('tsx not found in node_modules/.bin (npm ci)'));
  if (spawnSync('iptables', ['--version']).status !== 0) return Promise.reject(new Error('iptables not found: apt-get install -y iptables'));
  const script = join(__dirname, 'sctp-loss-netns.run.ts');
  // The rule lives in the namespace unshare creates and vanishes with it.
  const cmd = `ip link set lo up && iptables -A INPUT -i lo -p udp -m statistic --mode random --probability ${loss} -j DROP && exec '${tsx}' '${script}'`;
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-n', 'sh', '-c', cmd], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run unshare (util-linux, needs root): ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        const r = JSON.parse(last) as Result;
        if (code === 0) resolve(r);
        else reject(new Error(`exited ${code}: ${last}\n${err.slice(-3000)}`));
      } catch {
        reject(new Error(`exited ${code} without a JSON result.\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-3000)}`));
      }
    });
  });
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
