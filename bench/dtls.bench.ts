// DTLS: full handshakes per second (client + server in one process, in memory) and CPU
// milliseconds per handshake, side by side with werift's DTLS; then application-data record
// protect+unprotect throughput through the endpoint, with the WebAssembly AES-GCM (default)
// and with node:crypto plugged in as the record cipher.
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { DtlsCertificate } from '../src/dtls/certificate.js';
import { DtlsEndpoint, type DtlsEndpointOptions } from '../src/dtls/endpoint.js';
import { nodeAead } from '../test/unit/dtls-helpers.js';
import { type BenchSection, type Measurement, fmt, measure, table } from './harness.js';

const certs = { client: DtlsCertificate.generateSync(), server: DtlsCertificate.generateSync() };

function pair(extra: Partial<DtlsEndpointOptions> = {}): [DtlsEndpoint, DtlsEndpoint] {
  const c = new DtlsEndpoint({ role: 'client', certificate: certs.client, verifyPeer: [certs.server.fingerprint()], ...extra });
  const s = new DtlsEndpoint({ role: 'server', certificate: certs.server, verifyPeer: [certs.client.fingerprint()], ...extra });
  return [c, s];
}

/** One complete in-memory handshake; both endpoints drained until connected. */
function handshake(extra: Partial<DtlsEndpointOptions> = {}): [DtlsEndpoint, DtlsEndpoint] {
  const [c, s] = pair(extra);
  c.start(0);
  for (let round = 0; round < 10; round++) {
    let moved = false;
    for (let d = c.pollTransmit(); d; d = c.pollTransmit()) {
      s.handleInput(round, d);
      moved = true;
    }
    for (let d = s.pollTransmit(); d; d = s.pollTransmit()) {
      c.handleInput(round, d);
      moved = true;
    }
    if (!moved) break;
  }
  if (c.connectionState !== 'connected' || s.connectionState !== 'connected') throw new Error('bench handshake did not complete');
  while (c.pollEvent());
  while (s.pollEvent());
  return [c, s];
}

interface WeriftSocket {
  onConnect: { subscribe(f: () => void): void };
  onData: { subscribe(f: (b: Buffer) => void): void };
  send(b: Buffer): Promise<void>;
  close(): void;
}
interface WeriftDtls {
  DtlsServer: new (o: object) => WeriftSocket;
  DtlsClient: new (o: object) => WeriftSocket & { connect(): Promise<void> };
  CipherContext: { createSelfSignedCertificateWithKey(sh: { hash: number; signature: number }, curve?: number): Promise<{ certPem: string; keyPem: string }> };
}

/** werift's Transport, joined back to back in memory (delivery on the next macrotask, as UDP would). */
class MemoryTransport {
  readonly type = 'udp';
  closed = false;
  peer: MemoryTransport | undefined;
  onData: (data: Buffer, addr: [string, number]) => void = () => {};
  readonly address = { address: '127.0.0.1', family: 'IPv4', port: 1 };
  send = async (data: Buffer): Promise<void> => {
    const p = this.peer;
    if (p && !p.closed) setImmediate(() => p.onData(data, ['127.0.0.1', 1]));
  };
  close = async (): Promise<void> => {
    this.closed = true;
  };
}

type WeriftCerts = Awaited<ReturnType<typeof weriftCerts>>;

/** A client and a server certificate (ECDSA P-256, SHA-256), as werift makes them. */
async function weriftCerts(w: WeriftDtls) {
  const sh = { hash: 4, signature: 3 };
  const cc = await w.CipherContext.createSelfSignedCertificateWithKey(sh, 23);
  const sc = await w.CipherContext.createSelfSignedCertificateWithKey(sh, 23);
  return { sh, cc, sc };
}

/** One werift DTLS handshake over an in-memory transport; resolves once both ends are connected. */
async function weriftConnect(w: WeriftDtls, { sh, cc, sc }: WeriftCerts): Promise<{ client: WeriftSocket; server: WeriftSocket }> {
  const a = new MemoryTransport();
  const b = new MemoryTransport();
  a.peer = b;
  b.peer = a;
  const server = new w.DtlsServer({ transport: b, cert: sc.certPem, key: sc.keyPem, signatureHash: sh, certificateRequest: true, extendedMasterSecret: true, srtpProfiles: [1] });
  const client = new w.DtlsClient({ transport: a, cert: cc.certPem, key: cc.keyPem, signatureHash: sh, certificateRequest: true, extendedMasterSecret: true, srtpProfiles: [1] });
  const done = Promise.all([new Promise<void>((r) => server.onConnect.subscribe(() => r())), new Promise<void>((r) => client.onConnect.subscribe(() => r()))]);
  void client.connect();
  await done;
  return { client, server };
}

/** werift application data: client.send → in-memory transport → server onData, per record. */
async function weriftRecords(w: WeriftDtls, size: number, ms: number): Promise<Measurement> {
  const { client, server } = await weriftConnect(w, await weriftCerts(w));
  let received = 0;
  server.onData.subscribe(() => received++);
  const data = Buffer.alloc(size, 7);
  const batch = 100;
  const round = async (): Promise<void> => {
    const want = received + batch;
    for (let i = 0; i < batch; i++) void client.send(data);
    while (received < want) await new Promise<void>((r) => setImmediate(r));
  };
  for (let i = 0; i < 5; i++) await round();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await round();
    n += batch;
  }
  const opsPerSec = (n * 1000) / (performance.now() - t0);
  client.close();
  server.close();
  return { name: `werift app data, ${size} B (in-memory transport)`, opsPerSec, bytesPerSec: opsPerSec * size };
}

async function weriftHandshakes(w: WeriftDtls, ms: number): Promise<Measurement> {
  const certs = await weriftCerts(w);
  const one = async (): Promise<void> => {
    const { client, server } = await weriftConnect(w, certs);
    client.close();
    server.close();
  };
  for (let i = 0; i < 3; i++) await one();
  let n = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await one();
    n++;
  }
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { name: `werift DTLS handshake (CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms each)`, opsPerSec: (n * 1000) / elapsed };
}

function ourHandshakes(name: string, extra: Partial<DtlsEndpointOptions>, ms: number): Measurement {
  // Warm the JIT on this exact path first (noble's bigint code tiers up slowly).
  for (let i = 0; i < 30; i++) {
    const [c, s] = handshake(extra);
    c.dispose();
    s.dispose();
  }
  const cpu0 = process.cpuUsage();
  let total = 0;
  const m = measure(
    name,
    () => {
      const [c, s] = handshake(extra);
      c.dispose();
      s.dispose();
      total++;
      return 1;
    },
    { ms },
  );
  const cpu = process.cpuUsage(cpu0);
  return { ...m, name: `${name} (CPU ${((cpu.user + cpu.system) / 1000 / total).toFixed(2)} ms each)` };
}

function recordThroughput(name: string, extra: Partial<DtlsEndpointOptions>, size: number): Measurement {
  const [c, s] = handshake(extra);
  const data = new Uint8Array(size).fill(7);
  const batch = 100;
  const m = measure(
    name,
    () => {
      for (let i = 0; i < batch; i++) {
        c.send(data);
        s.handleInput(0, c.pollTransmit()!);
        if (s.pollEvent()?.type !== 'applicationData') throw new Error('record lost');
      }
      return batch;
    },
    { ms: 800, bytesPerOp: size },
  );
  c.dispose();
  s.dispose();
  return m;
}

export async function run(): Promise<BenchSection> {
  const lines: string[] = [];
  const hs: Measurement[] = [];
  let werift: WeriftDtls | undefined;
  try {
    werift = createRequire(import.meta.url)('werift') as WeriftDtls;
  } catch {
    lines.push('werift is not installed: its column is missing.', '');
  }
  if (werift) hs.push(await weriftHandshakes(werift, 2000));
  hs.push(ourHandshakes('omnirtc handshake, X25519, AES-128-GCM, cookie', {}, 2000));
  hs.push(ourHandshakes('omnirtc handshake, P-256, AES-128-GCM, cookie', { groups: ['P-256'] }, 1500));
  hs.push(ourHandshakes('omnirtc handshake, X25519, no cookie', { cookieExchange: false }, 1500));
  lines.push('Full mutual-auth handshakes, client and server in one process, in memory (ECDSA P-256 certificates, use_srtp, EMS).', '', ...table(hs), '');

  lines.push('Application data records: send (seal) + handleInput (replay check, open) + pollEvent, per record; ratios against werift.', '');
  for (const size of [160, 1200]) {
    const rec: Measurement[] = [];
    if (werift) rec.push(await weriftRecords(werift, size, 800));
    rec.push(recordThroughput(`omnirtc app data, node:crypto AES-GCM, ${size} B`, { aead: nodeAead }, size));
    rec.push(recordThroughput(`omnirtc app data, WASM AES-GCM, ${size} B`, {}, size));
    lines.push(...table(rec), '');
  }
  const best = hs.find((h) => h.name.startsWith('omnirtc'));
  if (best && werift) lines.push(`omnirtc vs werift handshakes/s: ${(best.opsPerSec / hs[0].opsPerSec).toFixed(2)}× (${fmt(best.opsPerSec)} vs ${fmt(hs[0].opsPerSec)})`);
  return { title: 'DTLS 1.2 handshakes and records', lines };
}
