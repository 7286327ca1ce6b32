// Starts a real coturn (Debian `coturn`) on 127.0.0.1 with a random free port and the test
// user u:p in realm "omnirtc", waits until it answers a STUN Binding, and stops it after.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { StunClass, StunMethod, decodeStunMessage, encodeStunMessage, isStunMessage, newTransactionId } from '../../src/stun/index';
import type { RTCDataChannel, RTCIceCandidate, RTCPeerConnection } from '../../src/webrtc/index';

export interface Coturn {
  port: number;
  /** The TLS listener (turns:), when started with `tls`. */
  tlsPort?: number;
  proc: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

const TURNSERVER = '/usr/bin/turnserver';

async function freePort(): Promise<number> {
  // A port free for both TCP and UDP on 127.0.0.1 (coturn listens on both).
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port on 127.0.0.1');
}

async function answersBinding(port: number): Promise<boolean> {
  const sock = createSocket('udp4');
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 200);
      sock.on('message', (msg) => {
        const b = new Uint8Array(msg);
        if (isStunMessage(b) && decodeStunMessage(b).cls === StunClass.success) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      sock.bind(0, '127.0.0.1', () => {
        sock.send(encodeStunMessage(StunMethod.binding, StunClass.request, newTransactionId(), [], { fingerprint: true }), port, '127.0.0.1');
      });
    });
  } finally {
    sock.close();
  }
}

/** A TLS listener for turns: — the server's certificate chain and key, PEM files. */
export interface CoturnTls {
  certFile: string;
  keyFile: string;
}

async function acceptsTcp(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startCoturn(extra: string[] = [], opts: { tls?: CoturnTls } = {}): Promise<Coturn> {
  if (spawnSync('test', ['-x', TURNSERVER]).status !== 0) {
    throw new Error(`coturn is missing: ${TURNSERVER} not found (apt-get install coturn; it is listed in .ci/apt-packages.txt)`);
  }
  const port = await freePort();
  let tlsPort: number | undefined;
  while (opts.tls && (tlsPort === undefined || tlsPort === port)) tlsPort = await freePort();
  const tlsArgs = opts.tls ? [`--tls-listening-port=${tlsPort}`, `--cert=${opts.tls.certFile}`, `--pkey=${opts.tls.keyFile}`] : ['--no-tls'];
  let out = '';
  const proc = spawn(
    TURNSERVER,
    [
      '-n',
      `--listening-port=${port}`,
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      '--lt-cred-mech',
      '--user=u:p',
      '--realm=omnirtc',
      ...tlsArgs,
      '--no-dtls',
      '--allow-loopback-peers',
      '--no-cli',
      '--log-file=stdout',
      '--simple-log',
      `--pidfile=/tmp/omnirtc-turnserver-${port}.pid`,
      // Its own SQLite file: parallel test files each run a server.
      `--userdb=/tmp/omnirtc-turndb-${port}.sqlite`,
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stdout?.on('data', (d) => {
    out += d;
  });
  proc.stderr?.on('data', (d) => {
    out += d;
  });
  const cleanup = () => {
    for (const f of [`/tmp/omnirtc-turndb-${port}.sqlite`, `/tmp/omnirtc-turnserver-${port}.pid`]) rmSync(f, { force: true });
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        cleanup();
        return resolve();
      }
      proc.once('exit', () => {
        cleanup();
        resolve();
      });
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 2000).unref();
    });
  for (let i = 0; i < 50; i++) {
    if (proc.exitCode !== null) throw new Error(`turnserver exited with ${proc.exitCode}:\n${out}`);
    if ((await answersBinding(port)) && (tlsPort === undefined || (await acceptsTcp(tlsPort)))) return { port, tlsPort, proc, log: () => out, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`turnserver did not answer on 127.0.0.1:${port} within 15 s:\n${out}`);
}

/**
 * Starts coturn before the calling suite's tests and stops it after them (Jest hooks);
 * returns the running server.
 */
export function coturnForSuite(): () => Coturn {
  let coturn: Coturn | undefined;
  beforeAll(async () => {
    coturn = await startCoturn();
  }, 30_000);
  afterAll(async () => {
    await coturn?.stop();
  });
  return () => {
    if (!coturn) throw new Error('coturn did not start (see the beforeAll error)');
    return coturn;
  };
}

/**
 * Connects two peers (made with a relay-only configuration) through their ICE servers: candidates
 * trickle both ways and are collected in `candidates` (it keeps growing), a data channel `label`
 * from `a` is open at both ends when this resolves.
 */
export async function relayedChannel(a: RTCPeerConnection, b: RTCPeerConnection, label: string): Promise<{ dc: RTCDataChannel; rc: RTCDataChannel; candidates: RTCIceCandidate[] }> {
  const candidates: RTCIceCandidate[] = [];
  for (const [from, to] of [
    [a, b],
    [b, a],
  ]) {
    from.onicecandidate = (e) => {
      if (e.candidate?.type) candidates.push(e.candidate);
      void to.addIceCandidate(e.candidate).catch(() => undefined);
    };
  }
  const dc = a.createDataChannel(label);
  const remote = new Promise<RTCDataChannel>((resolve) => {
    b.ondatachannel = (e) => resolve(e.channel);
  });
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
  const rc = await remote;
  if (dc.readyState !== 'open') await new Promise((r) => dc.addEventListener('open', r, { once: true }));
  return { dc, rc, candidates };
}
