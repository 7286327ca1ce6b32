import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, requireBuiltPackage, runtimeBinary } from '../runtime/runtimes';
import { type Coturn, startCoturn } from './turn-server';
import { type TlsTestPki, makeTlsTestPki } from './turn-tls-certs';

// TURN over TLS under Deno and Bun: each runtime's built adapter (dist/) opens a verified
// TLS connection to a real coturn's TLS listener on 127.0.0.1 and completes an Allocate
// through an ICE agent (turn-tls-allocate-scenario.mjs). Needs coturn, openssl, and the
// deno and bun npm packages; `npm run build` first (npm test does).
let pki: TlsTestPki;
let coturn: Coturn;

beforeAll(async () => {
  requireBuiltPackage();
  pki = makeTlsTestPki();
  coturn = await startCoturn([], { tls: { certFile: pki.certFile, keyFile: pki.keyFile } });
}, 30_000);

afterAll(async () => {
  await coturn?.stop();
  pki?.remove();
});

function run(cmd: string, args: string[]): Promise<string> {
  const env = { ...process.env, TURNS_PORT: String(coturn.tlsPort), TURNS_CA_PEM: pki.caPem, TURNS_OTHER_CA_PEM: pki.otherCaPem };
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} failed: ${err.message}\n${stderr}\n${coturn.log().slice(-2000)}`));
      else resolve(stdout.trim());
    });
  });
}

const expected = (rt: string) => `ok runtime=${rt} ip=accepted untrusted=refused wrongname=refused relay=relay/tls typePreference=0 address=127.0.0.1`;

describe('TURN over TLS (turns:) under Deno and Bun', () => {
  it('Deno: Deno.connect + Deno.startTls, verified, then a TURN Allocate', async () => {
    const deno = runtimeBinary('deno');
    expect(await run(deno, ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', join('test', 'interop', 'turn-tls-allocate.deno.mjs')])).toBe(expected('deno'));
  }, 60_000);

  it('Bun: node:tls, verified, then a TURN Allocate', async () => {
    const bun = runtimeBinary('bun');
    expect(await run(bun, [join('test', 'interop', 'turn-tls-allocate.bun.mjs')])).toBe(expected('bun'));
  }, 60_000);
});
