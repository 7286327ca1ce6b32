// Real peer: the openssl command line tool (DESIGN.md "OpenSSL DTLS"), both roles, every
// cipher suite and curve, ECDSA and RSA certificates. The exported SRTP keying material
// (RFC 5764 §4.2, label EXTRACTOR-dtls_srtp) must equal what OpenSSL prints.
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DtlsCertificate } from '../../src/dtls/certificate';
import { DtlsEndpoint, type DtlsEvent } from '../../src/dtls/endpoint';
import { certificateFingerprint } from '../../src/dtls/fingerprint';
import { UdpDriver, freeUdpPort } from './dtls-peer-driver';

function findOpenssl(): string {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return 'openssl';
  } catch {
    throw new Error('the openssl command line tool is missing: apt-get install openssl (listed in .ci/apt-packages.txt)');
  }
}

const OPENSSL = findOpenssl();
const dir = mkdtempSync(join(tmpdir(), 'omnirtc-dtls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeCert(kind: 'ec' | 'rsa'): { cert: string; key: string; der: Uint8Array } {
  const cert = join(dir, `${kind}-cert.pem`);
  const key = join(dir, `${kind}-key.pem`);
  const keyArgs = kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
  execFileSync(OPENSSL, ['req', '-x509', ...keyArgs, '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=openssl-${kind}`], { stdio: 'pipe' });
  const der = execFileSync(OPENSSL, ['x509', '-in', cert, '-outform', 'DER']);
  return { cert, key, der: new Uint8Array(der) };
}

const certs = { ec: makeCert('ec'), rsa: makeCert('rsa') };

interface Peer {
  proc: ChildProcessWithoutNullStreams;
  output: () => string;
  waitOutput: (re: RegExp, ms: number) => Promise<RegExpMatchArray>;
  kill: () => void;
}

function startOpenssl(args: string[]): Peer {
  const proc = spawn(OPENSSL, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  return {
    proc,
    output: () => out,
    waitOutput: (re, ms) =>
      new Promise((resolve, reject) => {
        const t0 = Date.now();
        const tick = (): void => {
          const m = out.match(re);
          if (m) resolve(m);
          else if (Date.now() - t0 > ms || proc.exitCode !== null) reject(new Error(`openssl did not print ${re} within ${ms} ms; output:\n${out}`));
          else setTimeout(tick, 20);
        };
        tick();
      }),
    kill: () => {
      clearTimeout(killer);
      proc.kill('SIGKILL');
    },
  };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const connectedEvent = (events: DtlsEvent[]) => events.find((e) => e.type === 'connected');

interface Case {
  name: string;
  cert: 'ec' | 'rsa';
  cipher: string;
  /** The group to end up with. OpenSSL refuses a peer's ECDSA P-256 certificate unless P-256
   * is in its own and in the peer's groups (tls12_check_peer_sigalg: wrong curve), so OpenSSL
   * gets both and the choice comes from our preference order (client order rules by default). */
  groups: 'X25519' | 'P-256';
  suite: string;
  sigalgs?: string;
  clientSigalgs?: string;
  /** OpenSSL's -use_srtp name; default SRTP_AES128_CM_SHA1_80. */
  srtp?: 'SRTP_AEAD_AES_128_GCM' | 'SRTP_AEAD_AES_256_GCM';
  /** Both sides' MTU; default 1200. */
  mtu?: number;
  /** Our side uses the OpenSSL-made ECDSA certificate and key (DtlsCertificate.fromPem). */
  ourCertFromOpenssl?: boolean;
}
const SRTP = {
  SRTP_AES128_CM_SHA1_80: { ours: 'SRTP_AES128_CM_HMAC_SHA1_80', length: 60 },
  SRTP_AEAD_AES_128_GCM: { ours: 'SRTP_AEAD_AES_128_GCM', length: 56 },
  SRTP_AEAD_AES_256_GCM: { ours: 'SRTP_AEAD_AES_256_GCM', length: 88 },
} as const;
const preferring = (g: Case['groups']): ('x25519' | 'P-256')[] => (g === 'X25519' ? ['x25519', 'P-256'] : ['P-256', 'x25519']);
const srtpName = (c: Case): keyof typeof SRTP => c.srtp ?? 'SRTP_AES128_CM_SHA1_80';
const ourGroup = (g: Case['groups']): 'x25519' | 'P-256' => (g === 'X25519' ? 'x25519' : 'P-256');

const serverCases: Case[] = [
  { name: 'ECDSA AES-128 X25519', cert: 'ec', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', groups: 'X25519', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' },
  { name: 'ECDSA AES-128 P-256', cert: 'ec', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', groups: 'P-256', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' },
  { name: 'ECDSA AES-256 X25519', cert: 'ec', cipher: 'ECDHE-ECDSA-AES256-GCM-SHA384', groups: 'X25519', suite: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384' },
  { name: 'ECDSA AES-256 P-256', cert: 'ec', cipher: 'ECDHE-ECDSA-AES256-GCM-SHA384', groups: 'P-256', suite: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384' },
  { name: 'ECDSA AES-128 X25519, SRTP AEAD AES-256-GCM', cert: 'ec', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', groups: 'X25519', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', srtp: 'SRTP_AEAD_AES_256_GCM' },
  { name: 'RSA (PSS) AES-128 X25519', cert: 'rsa', cipher: 'ECDHE-RSA-AES128-GCM-SHA256', groups: 'X25519', suite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', sigalgs: 'rsa_pss_rsae_sha256', clientSigalgs: 'ecdsa_secp256r1_sha256' },
  { name: 'RSA (PSS) AES-128 P-256, MTU 300: fragmented flights both ways', cert: 'rsa', cipher: 'ECDHE-RSA-AES128-GCM-SHA256', groups: 'P-256', suite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', mtu: 300 },
  { name: 'RSA (PKCS#1) AES-128 P-256', cert: 'rsa', cipher: 'ECDHE-RSA-AES128-GCM-SHA256', groups: 'P-256', suite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', sigalgs: 'RSA+SHA256', clientSigalgs: 'ECDSA+SHA256' },
];

describe('DTLS interop: omnirtc client ↔ openssl s_server', () => {
  for (const c of serverCases) {
    it(`${c.name}: handshake, exporter equal, data both ways`, async () => {
      const port = await freeUdpPort();
      const peerCert = certs[c.cert];
      const peer = startOpenssl([
        's_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-cert', peerCert.cert, '-key', peerCert.key,
        '-use_srtp', srtpName(c), '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', String(SRTP[srtpName(c)].length),
        '-verify', '1', '-mtu', String(c.mtu ?? 1200), '-cipher', c.cipher, '-groups', 'X25519:P-256', '-naccept', '1', '-ign_eof',
        ...(c.sigalgs ? ['-sigalgs', c.sigalgs] : []),
        ...(c.clientSigalgs ? ['-client_sigalgs', c.clientSigalgs] : []),
      ]);
      let driver: UdpDriver | undefined;
      try {
        await peer.waitOutput(/ACCEPT/, 5000);
        const certificate = await DtlsCertificate.generate();
        const ep = new DtlsEndpoint({ role: 'client', certificate, verifyPeer: [certificateFingerprint(peerCert.der)], groups: preferring(c.groups), mtu: c.mtu });
        driver = await UdpDriver.open(ep, 0, { address: '127.0.0.1', port });
        ep.start(performance.now());
        driver.pump();
        await driver.waitFor((ev) => !!connectedEvent(ev) || ev.some((e) => e.type === 'failed'), 5000, 'connected');
        const ev = connectedEvent(driver.events);
        expect(ev).toMatchObject({ type: 'connected', cipherSuite: c.suite, group: ourGroup(c.groups), srtpProfile: SRTP[srtpName(c)].ours });
        const material = ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, SRTP[srtpName(c)].length);
        const m = await peer.waitOutput(/Keying material: ([0-9A-F]+)/, 3000);
        expect(hex(material)).toBe(m[1]);
        const keys = ep.srtpKeys();
        expect(hex(keys.clientWriteKey) + hex(keys.serverWriteKey) + hex(keys.clientWriteSalt) + hex(keys.serverWriteSalt)).toBe(m[1]);
        ep.send(new TextEncoder().encode('hello from omnirtc\n'));
        driver.pump();
        await peer.waitOutput(/hello from omnirtc/, 3000);
        peer.proc.stdin.write('hello from openssl\n');
        await driver.waitFor((e) => e.some((x) => x.type === 'applicationData' && new TextDecoder().decode(x.data).includes('hello from openssl')), 3000, 'data from openssl');
        ep.close();
        driver.pump();
        if (c.mtu) expect(driver.sentSizes.every((n) => n <= c.mtu!)).toBe(true);
      } finally {
        driver?.close();
        peer.kill();
      }
    });
  }
});

describe('DTLS interop: fingerprint mismatch against openssl', () => {
  it('our client refuses an s_server certificate off the fingerprint with a fatal bad_certificate', async () => {
    const port = await freeUdpPort();
    const peer = startOpenssl(['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-cert', certs.ec.cert, '-key', certs.ec.key, '-use_srtp', 'SRTP_AES128_CM_SHA1_80', '-verify', '1', '-naccept', '1']);
    let driver: UdpDriver | undefined;
    try {
      await peer.waitOutput(/ACCEPT/, 5000);
      const ep = new DtlsEndpoint({ role: 'client', certificate: await DtlsCertificate.generate(), verifyPeer: [DtlsCertificate.generateSync().fingerprint()] });
      driver = await UdpDriver.open(ep, 0, { address: '127.0.0.1', port });
      ep.start(performance.now());
      driver.pump();
      await driver.waitFor((ev) => ev.some((e) => e.type === 'failed'), 5000, 'failed');
      expect(driver.events).toEqual([{ type: 'failed', reason: expect.stringMatching(/fingerprint/), alert: 'bad_certificate' }]);
      await peer.waitOutput(/bad certificate|alert number 42/i, 3000);
    } finally {
      driver?.close();
      peer.kill();
    }
  });
});

const clientCases: Case[] = [
  { name: 'ECDSA client cert, AES-128, X25519', cert: 'ec', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', groups: 'X25519', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' },
  { name: 'ECDSA client cert, AES-128, P-256', cert: 'ec', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', groups: 'P-256', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' },
  { name: 'ECDSA client cert, AES-256, X25519', cert: 'ec', cipher: 'ECDHE-ECDSA-AES256-GCM-SHA384', groups: 'X25519', suite: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384' },
  { name: 'our server on an OpenSSL-made certificate (fromPem), AES-128, X25519', cert: 'ec', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', groups: 'X25519', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', ourCertFromOpenssl: true },
  { name: 'ECDSA client cert, AES-128, P-256, SRTP AEAD AES-128-GCM', cert: 'ec', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', groups: 'P-256', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', srtp: 'SRTP_AEAD_AES_128_GCM' },
  { name: 'RSA client cert (PSS), AES-128, P-256', cert: 'rsa', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256', groups: 'P-256', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', sigalgs: 'rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256' },
  { name: 'RSA client cert (PKCS#1), AES-256, P-256', cert: 'rsa', cipher: 'ECDHE-ECDSA-AES256-GCM-SHA384', groups: 'P-256', suite: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', sigalgs: 'RSA+SHA256:ECDSA+SHA256' },
];

describe('DTLS interop: openssl s_client ↔ omnirtc server', () => {
  for (const c of clientCases) {
    it(`${c.name}: handshake, exporter equal, data both ways`, async () => {
      const peerCert = certs[c.cert];
      const certificate = c.ourCertFromOpenssl ? DtlsCertificate.fromPem(readFileSync(peerCert.cert, 'utf8'), readFileSync(peerCert.key, 'utf8')) : await DtlsCertificate.generate();
      const ep = new DtlsEndpoint({ role: 'server', certificate, verifyPeer: [certificateFingerprint(peerCert.der)], groups: [ourGroup(c.groups)] });
      const driver = await UdpDriver.open(ep, 0);
      const peer = startOpenssl([
        's_client', '-dtls1_2', '-connect', `127.0.0.1:${driver.port}`, '-cert', peerCert.cert, '-key', peerCert.key,
        '-use_srtp', srtpName(c), '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', String(SRTP[srtpName(c)].length),
        '-mtu', '1200', '-cipher', c.cipher, '-groups', 'X25519:P-256', '-ign_eof',
        ...(c.sigalgs ? ['-sigalgs', c.sigalgs] : []),
      ]);
      try {
        await driver.waitFor((ev) => !!connectedEvent(ev) || ev.some((e) => e.type === 'failed'), 5000, 'connected');
        expect(connectedEvent(driver.events)).toMatchObject({ type: 'connected', cipherSuite: c.suite, group: ourGroup(c.groups), srtpProfile: SRTP[srtpName(c)].ours });
        const m = await peer.waitOutput(/Keying material: ([0-9A-F]+)/, 3000);
        expect(hex(ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, SRTP[srtpName(c)].length))).toBe(m[1]);
        const k = ep.srtpKeys();
        expect(hex(k.clientWriteKey) + hex(k.serverWriteKey) + hex(k.clientWriteSalt) + hex(k.serverWriteSalt)).toBe(m[1]);
        peer.proc.stdin.write('hello from openssl\n');
        await driver.waitFor((e) => e.some((x) => x.type === 'applicationData' && new TextDecoder().decode(x.data).includes('hello from openssl')), 3000, 'data from openssl');
        ep.send(new TextEncoder().encode('hello from omnirtc\n'));
        driver.pump();
        await peer.waitOutput(/hello from omnirtc/, 3000);
      } finally {
        driver.close();
        peer.kill();
      }
    });
  }
});
