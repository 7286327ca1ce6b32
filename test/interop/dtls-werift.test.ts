// Real peer: werift's DTLS (node_modules/werift/lib/dtls), both roles, over loopback UDP
// with a transport we provide. Exported keying material must agree, data must flow.
import { type Socket, createSocket } from 'node:dgram';
import { X509Certificate } from 'node:crypto';
import { DtlsCertificate } from '../../src/dtls/certificate';
import { DtlsEndpoint, type DtlsEvent } from '../../src/dtls/endpoint';
import { certificateFingerprint } from '../../src/dtls/fingerprint';
import { UdpDriver } from './dtls-peer-driver';

interface WeriftSocket {
  onConnect: { subscribe(f: () => void): void };
  onData: { subscribe(f: (b: Buffer) => void): void };
  onError: { subscribe(f: (e: Error) => void): void };
  send(b: Buffer): Promise<void>;
  close(): void;
  exportKeyingMaterial(label: string, length: number): Buffer;
  srtp: { srtpProfile?: number };
}
interface WeriftDtls {
  DtlsServer: new (o: object) => WeriftSocket;
  DtlsClient: new (o: object) => WeriftSocket & { connect(): Promise<void> };
  CipherContext: { createSelfSignedCertificateWithKey(sh: { hash: number; signature: number }, curve?: number): Promise<{ certPem: string; keyPem: string }> };
}

function loadWerift(): WeriftDtls {
  try {
    // werift's package exports re-export its DTLS package (DtlsServer, DtlsClient, CipherContext).
    return require('werift') as WeriftDtls;
  } catch (e) {
    throw new Error(`werift's DTLS (npm werift, lib/dtls) is missing: run npm ci (${(e as Error).message})`);
  }
}
const werift = loadWerift();

/** werift's Transport interface over a dgram socket bound to 127.0.0.1 with a fixed remote. */
class LoopbackTransport {
  readonly type = 'udp';
  closed = false;
  onData: (data: Buffer, addr: [string, number]) => void = () => {};
  remote: { address: string; port: number } | undefined;
  private constructor(readonly socket: Socket) {
    socket.on('message', (m, r) => {
      this.remote ??= { address: r.address, port: r.port };
      this.onData(m, [r.address, r.port]);
    });
  }
  static async open(): Promise<LoopbackTransport> {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return new LoopbackTransport(s);
  }
  get address() {
    return this.socket.address();
  }
  send = async (data: Buffer): Promise<void> => {
    if (this.remote && !this.closed) this.socket.send(data, this.remote.port, this.remote.address);
  };
  close = async (): Promise<void> => {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  };
}

const connectedEvent = (ev: DtlsEvent[]) => ev.find((e) => e.type === 'connected');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

async function weriftCert(): Promise<{ certPem: string; keyPem: string; der: Uint8Array }> {
  const { certPem, keyPem } = await werift.CipherContext.createSelfSignedCertificateWithKey({ hash: 4, signature: 3 }, 23);
  return { certPem, keyPem, der: new Uint8Array(new X509Certificate(certPem).raw) };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error(`werift: ${what} within ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

describe('DTLS interop with werift', () => {
  it('omnirtc client ↔ werift DtlsServer: handshake, SRTP profile, exporter, data both ways', async () => {
    const wc = await weriftCert();
    const transport = await LoopbackTransport.open();
    const server = new werift.DtlsServer({ transport, cert: wc.certPem, key: wc.keyPem, signatureHash: { hash: 4, signature: 3 }, srtpProfiles: [7, 1], certificateRequest: true, extendedMasterSecret: true });
    const weriftConnected = new Promise<void>((r) => server.onConnect.subscribe(() => r()));
    const received: string[] = [];
    server.onData.subscribe((b) => received.push(b.toString()));
    const certificate = await DtlsCertificate.generate();
    const ep = new DtlsEndpoint({ role: 'client', certificate, verifyPeer: [certificateFingerprint(wc.der)] });
    const driver = await UdpDriver.open(ep, 0, { address: '127.0.0.1', port: transport.address.port });
    try {
      ep.start(performance.now());
      driver.pump();
      await driver.waitFor((ev) => !!connectedEvent(ev) || ev.some((e) => e.type === 'failed'), 5000, 'connected');
      await withTimeout(weriftConnected, 3000, 'server connects');
      expect(connectedEvent(driver.events)).toMatchObject({ cipherSuite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' });
      // werift answers use_srtp with its own preference among our offer (GCM first in ours).
      const ev = connectedEvent(driver.events);
      expect(['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80']).toContain(ev?.type === 'connected' ? ev.srtpProfile : undefined);
      expect(hex(ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 60))).toBe(hex(server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60)));
      ep.send(new TextEncoder().encode('hello werift'));
      driver.pump();
      await server.send(Buffer.from('hello omnirtc'));
      await driver.waitFor((ev) => ev.some((e) => e.type === 'applicationData' && new TextDecoder().decode(e.data) === 'hello omnirtc'), 3000, 'data from werift');
      const t0 = Date.now();
      while (received.length === 0 && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 10));
      expect(received).toEqual(['hello werift']);
    } finally {
      ep.dispose();
      driver.close();
      server.close();
      await transport.close();
    }
  });

  it('werift DtlsClient ↔ omnirtc server: handshake, exporter, data both ways', async () => {
    const wc = await weriftCert();
    const certificate = await DtlsCertificate.generate();
    const ep = new DtlsEndpoint({ role: 'server', certificate, verifyPeer: [certificateFingerprint(wc.der)] });
    const driver = await UdpDriver.open(ep, 0);
    const transport = await LoopbackTransport.open();
    transport.remote = { address: '127.0.0.1', port: driver.port };
    const client = new werift.DtlsClient({ transport, cert: wc.certPem, key: wc.keyPem, signatureHash: { hash: 4, signature: 3 }, srtpProfiles: [1, 7], certificateRequest: true, extendedMasterSecret: true });
    const weriftConnected = new Promise<void>((r) => client.onConnect.subscribe(() => r()));
    const received: string[] = [];
    client.onData.subscribe((b) => received.push(b.toString()));
    try {
      void client.connect();
      await driver.waitFor((ev) => !!connectedEvent(ev) || ev.some((e) => e.type === 'failed'), 5000, 'connected');
      await withTimeout(weriftConnected, 3000, 'client connects');
      expect(connectedEvent(driver.events)).toMatchObject({ cipherSuite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' });
      expect(hex(ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 60))).toBe(hex(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60)));
      await client.send(Buffer.from('hello omnirtc'));
      await driver.waitFor((ev) => ev.some((e) => e.type === 'applicationData' && new TextDecoder().decode(e.data) === 'hello omnirtc'), 3000, 'data from werift');
      ep.send(new TextEncoder().encode('hello werift'));
      driver.pump();
      const t0 = Date.now();
      while (received.length === 0 && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 10));
      expect(received).toEqual(['hello werift']);
    } finally {
      ep.dispose();
      driver.close();
      client.close();
      await transport.close();
    }
  });
});
