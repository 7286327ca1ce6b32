// Real peer over a lossy path: openssl s_server behind a userspace UDP relay on 127.0.0.1
// that drops a fixed pattern of datagrams in both directions (the kernel here has no netem,
// DESIGN.md "Real peers"). Both sides must recover through retransmission.
import { execFileSync, spawn } from 'node:child_process';
import { type Socket, createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DtlsCertificate } from '../../src/dtls/certificate';
import { DtlsEndpoint } from '../../src/dtls/endpoint';
import { certificateFingerprint } from '../../src/dtls/fingerprint';
import { UdpDriver, freeUdpPort } from './dtls-peer-driver';

function requireOpenssl(): void {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
  } catch {
    throw new Error('the openssl command line tool is missing: apt-get install openssl (listed in .ci/apt-packages.txt)');
  }
}
requireOpenssl();

/** Forwards between one client and `target`, dropping datagrams whose index matches `drop`. */
class LossyRelay {
  private client: { address: string; port: number } | undefined;
  private counts = { up: 0, down: 0 };
  dropped = 0;
  private constructor(
    readonly socket: Socket,
    target: number,
    drop: (index: number) => boolean,
  ) {
    socket.on('message', (m, r) => {
      const up = r.port !== target;
      if (up) this.client ??= { address: r.address, port: r.port };
      const i = up ? this.counts.up++ : this.counts.down++;
      if (drop(i)) {
        this.dropped++;
        return;
      }
      if (up) socket.send(m, target, '127.0.0.1');
      else if (this.client) socket.send(m, this.client.port, this.client.address);
    });
  }
  static async open(target: number, drop: (index: number) => boolean): Promise<LossyRelay> {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return new LossyRelay(s, target, drop);
  }
  get port(): number {
    return this.socket.address().port;
  }
  close(): void {
    this.socket.close();
  }
}

describe('DTLS interop with openssl over a lossy relay', () => {
  it('omnirtc client ↔ openssl s_server with every third datagram dropped each way (the first included)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnirtc-dtls-lossy-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=lossy'], { stdio: 'pipe' });
    const der = new Uint8Array(execFileSync('openssl', ['x509', '-in', cert, '-outform', 'DER']));
    const port = await freeUdpPort();
    const proc = spawn('openssl', ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-cert', cert, '-key', key, '-use_srtp', 'SRTP_AES128_CM_SHA1_80', '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '60', '-verify', '1', '-naccept', '1', '-ign_eof'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => proc.kill('SIGKILL'), 25_000);
    const relay = await LossyRelay.open(port, (i) => i % 3 === 0);
    let driver: UdpDriver | undefined;
    try {
      for (let t0 = Date.now(); !out.includes('ACCEPT'); ) {
        if (Date.now() - t0 > 5000) throw new Error(`openssl s_server did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const ep = new DtlsEndpoint({ role: 'client', certificate: await DtlsCertificate.generate(), verifyPeer: [certificateFingerprint(der)] });
      driver = await UdpDriver.open(ep, 0, { address: '127.0.0.1', port: relay.port });
      ep.start(performance.now());
      driver.pump();
      await driver.waitFor((ev) => ev.some((e) => e.type === 'connected' || e.type === 'failed'), 15_000, 'connected through the lossy relay');
      expect(driver.events[0]).toMatchObject({ type: 'connected' });
      for (let t0 = Date.now(); !/Keying material: [0-9A-F]+/.test(out); ) {
        if (Date.now() - t0 > 5000) throw new Error(`openssl printed no keying material:\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(Buffer.from(ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 60)).toString('hex').toUpperCase()).toBe(out.match(/Keying material: ([0-9A-F]+)/)?.[1]);
      expect(relay.dropped).toBeGreaterThanOrEqual(2);
      expect(ep.getStats().retransmissions).toBeGreaterThanOrEqual(1);
      ep.dispose();
    } finally {
      clearTimeout(killer);
      driver?.close();
      relay.close();
      proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('openssl s_client ↔ omnirtc server with every third datagram dropped each way (the first included)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnirtc-dtls-lossy-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=lossy'], { stdio: 'pipe' });
    const der = new Uint8Array(execFileSync('openssl', ['x509', '-in', cert, '-outform', 'DER']));
    const ep = new DtlsEndpoint({ role: 'server', certificate: await DtlsCertificate.generate(), verifyPeer: [certificateFingerprint(der)] });
    const driver = await UdpDriver.open(ep, 0);
    const relay = await LossyRelay.open(driver.port, (i) => i % 3 === 0);
    const proc = spawn('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${relay.port}`, '-cert', cert, '-key', key, '-use_srtp', 'SRTP_AES128_CM_SHA1_80', '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '60', '-ign_eof'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => proc.kill('SIGKILL'), 25_000);
    try {
      await driver.waitFor((ev) => ev.some((e) => e.type === 'connected' || e.type === 'failed'), 15_000, 'connected through the lossy relay');
      expect(driver.events[0]).toMatchObject({ type: 'connected' });
      for (let t0 = Date.now(); !/Keying material: [0-9A-F]+/.test(out); ) {
        if (Date.now() - t0 > 8000) throw new Error(`openssl printed no keying material:\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(Buffer.from(ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 60)).toString('hex').toUpperCase()).toBe(out.match(/Keying material: ([0-9A-F]+)/)?.[1]);
      expect(relay.dropped).toBeGreaterThanOrEqual(2);
      ep.dispose();
    } finally {
      clearTimeout(killer);
      driver.close();
      relay.close();
      proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
