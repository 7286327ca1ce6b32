import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, requireBuiltPackage, runtimeBinary } from './runtimes';

// Issue 4/6 "the same scenario under Node, Deno and Bun": the built package's full
// RTCPeerConnection — two peers on 127.0.0.1 in one process of each runtime, offer/answer,
// trickle ICE, DTLS, SCTP, one data channel with a message each way. Each script must also
// exit by itself after close(): a socket or timer left behind would hang it until the timeout.
function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 40_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed (${err.killed ? 'killed after 40 s: did not exit after close()' : err.message})\n${stdout}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

const expected = (rt: string) => `ok runtime=${rt} state=connected/connected label=chat a→b=ping from ${rt} b→a=pong to ping from ${rt} pair=nominated`;

describe('runtime: RTCPeerConnection with a data channel under every runtime', () => {
  beforeAll(() => requireBuiltPackage());

  it('Node ESM (import by package name)', async () => {
    expect(await run(process.execPath, [join('test', 'runtime', 'peer-connection.mjs')])).toBe(expected('node'));
  }, 45_000);

  it('Deno (built bundle; only UDP/TCP to 127.0.0.1 and file reads allowed)', async () => {
    const deno = runtimeBinary('deno');
    expect(await run(deno, ['run', '--unstable-net', '--allow-net=127.0.0.1', '--allow-read', join('test', 'runtime', 'peer-connection.deno.ts')])).toBe(expected('deno'));
  }, 45_000);

  it('Bun (import by package name)', async () => {
    const bun = runtimeBinary('bun');
    expect(await run(bun, [join('test', 'runtime', 'peer-connection.mjs')])).toBe(expected('bun'));
  }, 45_000);
});
