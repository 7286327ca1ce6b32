import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { StunAttr, StunClass, StunMethod, decodeStunMessage, encodeStunMessage, encodeXorAddress, isStunMessage } from '../../src/stun/index';
import { nodeAdapter } from '../../src/runtime/node';
import { iceTurnServerOf, normalizeConfiguration, parseIceServerUrl, turnTransportOf } from '../../src/webrtc/configuration';
import { RTCPeerConnection } from '../../src/webrtc/index';
import { type Coturn, relayedChannel, startCoturn } from './turn-server';
import { type TlsTestPki, makeTlsTestPki } from './turn-tls-certs';

// TURN over TLS (turns:, RFC 7065; RFC 8656 §3.1) against a real coturn with a TLS listener
// on 127.0.0.1, its certificate from a throwaway CA made by openssl: two omnirtc peers
// relay-only through turns:localhost connect and carry data-channel messages; an untrusted
// certificate or a wrong name is an icecandidateerror 701 and no relay candidate.
// Needs Debian `coturn` and `openssl`.
let pki: TlsTestPki;
let coturn: Coturn;

beforeAll(async () => {
  pki = makeTlsTestPki();
  coturn = await startCoturn([], { tls: { certFile: pki.certFile, keyFile: pki.keyFile } });
}, 30_000);

afterAll(async () => {
  await coturn?.stop();
  pki?.remove();
});

interface IceError {
  url: string;
  errorCode: number;
  errorText: string;
}

/** Gathers alone and returns the candidate types and the errors reported. */
async function gatherAlone(pc: RTCPeerConnection): Promise<{ types: string[]; errors: IceError[] }> {
  const errors: IceError[] = [];
  pc.onicecandidateerror = (e) => errors.push(e as unknown as IceError);
  const types: string[] = [];
  pc.onicecandidate = (e) => {
    if (e.candidate?.type) types.push(e.candidate.type);
  };
  pc.createDataChannel('x');
  const complete = new Promise<void>((resolve) => {
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
  });
  await pc.setLocalDescription();
  await complete;
  return { types, errors };
}

describe('omnirtc through TURN over TLS (turns:)', () => {
  it.each([['localhost'], ['127.0.0.1']])('turns:%s with the private CA: relay over TLS, relayed pair, data channel both ways', async (host) => {
    const config = {
      iceAddresses: ['127.0.0.1'],
      iceServers: [{ urls: `turns:${host}:${coturn.tlsPort}`, username: 'u', credential: 'p' }],
      iceTransportPolicy: 'relay' as const,
      iceTlsCaCertificates: [pki.caPem],
    };
    const a = new RTCPeerConnection(config);
    const b = new RTCPeerConnection(config);
    const errors: IceError[] = [];
    a.onicecandidateerror = (e) => errors.push(e as unknown as IceError);
    try {
      const { dc, rc, candidates } = await relayedChannel(a, b, 'relay-tls');
      const types = (): string[] => candidates.map((c) => `${c.type}/${c.relayProtocol}`);
      const got = new Promise((resolve) => rc.addEventListener('message', (e) => resolve((e as MessageEvent).data), { once: true }));
      dc.send('through the TLS relay');
      expect(await got).toBe('through the TLS relay');
      const back = new Promise((resolve) => dc.addEventListener('message', (e) => resolve((e as MessageEvent).data), { once: true }));
      rc.send('and back');
      expect(await back).toBe('and back');
      expect(errors).toEqual([]);
      // W3C RTCIceCandidate.relayProtocol on the icecandidate events and the selected pair.
      expect(new Set(types())).toEqual(new Set(['relay/tls']));
      const pair = a.sctp?.transport.iceTransport.getSelectedCandidatePair();
      expect([pair?.local.type, pair?.local.relayProtocol, pair?.remote.relayProtocol]).toEqual(['relay', 'tls', null]);
      expect(a.getConfiguration().iceTlsCaCertificates).toEqual([pki.caPem]);
      const locals = [...(await a.getStats()).values()].filter((s) => s.type === 'local-candidate');
      expect(locals.length).toBeGreaterThan(0);
      for (const s of locals) {
        expect(s.candidateType).toBe('relay');
        // W3C RTCIceCandidateStats.relayProtocol; relay-over-TLS type preference 0 (libwebrtc).
        expect(s.relayProtocol).toBe('tls');
        expect((s.priority as number) >>> 24).toBe(0);
      }
    } finally {
      a.close();
      b.close();
    }
  }, 30_000);

  it('untrusted certificate (only an unrelated CA given): 701 saying why, no relay candidate, gathering completes', async () => {
    const pc = new RTCPeerConnection({
      iceAddresses: ['127.0.0.1'],
      iceServers: [{ urls: `turns:localhost:${coturn.tlsPort}`, username: 'u', credential: 'p' }],
      iceTransportPolicy: 'relay',
      iceTlsCaCertificates: [pki.otherCaPem],
    });
    try {
      const { types, errors } = await gatherAlone(pc);
      expect(types).toEqual([]);
      expect(errors).toHaveLength(1);
      expect(errors[0].url).toBe(`turns:localhost:${coturn.tlsPort}`);
      expect(errors[0].errorCode).toBe(701);
      expect(errors[0].errorText).toMatch(/^TURN over TLS to 127\.0\.0\.1:\d+ failed: .*(verify|certificate)/);
    } finally {
      pc.close();
    }
  }, 30_000);

  it('no private CA at all: the default roots do not trust the test CA (701)', async () => {
    const pc = new RTCPeerConnection({
      iceAddresses: ['127.0.0.1'],
      iceServers: [{ urls: `turns:127.0.0.1:${coturn.tlsPort}`, username: 'u', credential: 'p' }],
      iceTransportPolicy: 'relay',
    });
    try {
      const { types, errors } = await gatherAlone(pc);
      expect(types).toEqual([]);
      expect(errors.map((e) => [e.errorCode, e.url])).toEqual([[701, `turns:127.0.0.1:${coturn.tlsPort}`]]);
      expect(errors[0].errorText).toMatch(/TLS/);
    } finally {
      pc.close();
    }
  }, 30_000);

  it('turns: pointed at a server that does not speak TLS: the handshake fails as a 701, never a crash', async () => {
    // A TCP server on 127.0.0.1 that answers the ClientHello with plain text.
    const plain = createServer((sock) => {
      sock.on('error', () => undefined);
      sock.end('HTTP/1.0 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const port = (plain.address() as { port: number }).port;
    const pc = new RTCPeerConnection({
      iceAddresses: ['127.0.0.1'],
      iceServers: [{ urls: `turns:127.0.0.1:${port}`, username: 'u', credential: 'p' }],
      iceTransportPolicy: 'relay',
      iceTlsCaCertificates: [pki.caPem],
    });
    try {
      const { types, errors } = await gatherAlone(pc);
      expect(types).toEqual([]);
      expect(errors).toHaveLength(1);
      expect(errors[0].errorCode).toBe(701);
      expect(errors[0].errorText).toMatch(/^TURN over TLS to 127\.0\.0\.1:\d+ failed: /);
    } finally {
      pc.close();
      plain.close();
    }
  }, 30_000);

  it('one server address over UDP, TCP and TLS with wrong credentials: each 701 names its own URL', async () => {
    const urls = [`turn:127.0.0.1:${coturn.port}?transport=udp`, `turn:127.0.0.1:${coturn.port}?transport=tcp`, `turns:localhost:${coturn.tlsPort}`];
    const pc = new RTCPeerConnection({
      iceAddresses: ['127.0.0.1'],
      iceServers: [{ urls, username: 'u', credential: 'wrong' }],
      iceTransportPolicy: 'relay',
      iceTlsCaCertificates: [pki.caPem],
    });
    try {
      const { types, errors } = await gatherAlone(pc);
      expect(types).toEqual([]);
      expect(errors.map((e) => e.url).sort()).toEqual([...urls].sort());
      expect(errors.every((e) => e.errorCode === 701)).toBe(true);
    } finally {
      pc.close();
    }
  }, 30_000);

  it('turns: with ?transport=udp (TURN over DTLS) is reported as unsupported (701); stuns: is asked over UDP, as stun:', async () => {
    // A STUN server of our own on 127.0.0.1: it records the Binding requests that reach it over
    // UDP and answers each with the sender's address (RFC 8489 §7.3.1).
    const stun = createSocket('udp4');
    const requests: string[] = [];
    stun.on('message', (msg, rinfo) => {
      const b = new Uint8Array(msg);
      if (!isStunMessage(b)) return;
      const m = decodeStunMessage(b);
      if (m.method !== StunMethod.binding || m.cls !== StunClass.request) return;
      requests.push(`${rinfo.address}:${rinfo.port}`);
      const mapped = encodeXorAddress({ address: rinfo.address, port: rinfo.port, family: 4 }, m.transactionId);
      stun.send(encodeStunMessage(StunMethod.binding, StunClass.success, m.transactionId, [{ type: StunAttr.XOR_MAPPED_ADDRESS, value: mapped }], { fingerprint: true }), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => stun.bind(0, '127.0.0.1', resolve));
    const stunPort = stun.address().port;
    const pc = new RTCPeerConnection({
      iceAddresses: ['127.0.0.1'],
      iceServers: [
        { urls: `turns:127.0.0.1:${coturn.tlsPort}?transport=udp`, username: 'u', credential: 'p' },
        { urls: `stuns:127.0.0.1:${stunPort}` },
      ],
    });
    try {
      const { types, errors } = await gatherAlone(pc);
      expect(errors).toHaveLength(1);
      expect(errors[0].url).toBe(`turns:127.0.0.1:${coturn.tlsPort}?transport=udp`);
      expect(errors[0].errorCode).toBe(701);
      expect(errors[0].errorText).toMatch(/DTLS/);
      expect(types).toEqual(['host']);
      // libwebrtc's behaviour (pc/ice_server_parsing.cc): the stuns: server got a plain
      // Binding request over UDP from our host candidate's socket.
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    } finally {
      pc.close();
      stun.close();
    }
  }, 30_000);
});

describe('node adapter: TLS client connections to coturn', () => {
  const connect = (serverName: string, ca: string[] | undefined) =>
    nodeAdapter.connectTcp({ address: '127.0.0.1', port: coturn.tlsPort ?? 0, onData: () => undefined, tls: { serverName, caCertificates: ca } });

  it('verifies the certificate for the URL host name or IP, against the default roots plus the given CA', async () => {
    for (const name of ['localhost', '127.0.0.1']) {
      const conn = await connect(name, [pki.caPem]);
      expect(conn.remoteAddress).toEqual({ address: '127.0.0.1', port: coturn.tlsPort, family: 4 });
      await conn.close();
    }
    // The certificate names localhost and 127.0.0.1 only: the connection is to the same
    // address, but another name is refused.
    await expect(connect('turn.example.com', [pki.caPem])).rejects.toThrow(/altnames/);
    await expect(connect('::1', [pki.caPem])).rejects.toThrow(/altnames|IP/);
    await expect(connect('localhost', [pki.otherCaPem])).rejects.toThrow(/verify|certificate/);
    await expect(connect('localhost', undefined)).rejects.toThrow(/verify|certificate/);
  }, 30_000);
});

describe('turns:/stuns: configuration', () => {
  it('turns: is TLS over TCP on 5349 (RFC 7065 §3), verified for the URL host; stuns: is stun: on 3478 (libwebrtc)', () => {
    const t = parseIceServerUrl('turns:turn.example.org', 'u', 'p');
    expect([t.port, t.transport, turnTransportOf(t)]).toEqual([5349, 'tcp', 'tls']);
    expect(iceTurnServerOf(t, '192.0.2.1', 4)).toEqual({ server: { address: '192.0.2.1', port: 5349, family: 4 }, username: 'u', password: 'p', transport: 'tls', tlsServerName: 'turn.example.org' });
    expect(turnTransportOf(parseIceServerUrl('turns:[2001:db8::1]:443?transport=tcp', 'u', 'p'))).toBe('tls');
    // TURN over DTLS: parsed (browsers accept the URL), then reported as a 701 when gathering.
    expect(turnTransportOf(parseIceServerUrl('turns:turn.example.org?transport=udp', 'u', 'p'))).toBeUndefined();
    const s = parseIceServerUrl('stuns:stun.example.org');
    expect([s.port, s.transport, turnTransportOf(s)]).toEqual([3478, 'udp', undefined]);
    expect(() => parseIceServerUrl('turns:turn.example.org')).toThrow(/username and credential/);
  });

  it('iceTlsCaCertificates: PEM strings, copied; anything else is a TypeError', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n';
    const list = [pem];
    const c = normalizeConfiguration({ iceTlsCaCertificates: list });
    expect(c.iceTlsCaCertificates).toEqual([pem]);
    expect(c.iceTlsCaCertificates).not.toBe(list);
    expect(normalizeConfiguration({}).iceTlsCaCertificates).toBeUndefined();
    expect(() => normalizeConfiguration({ iceTlsCaCertificates: ['not a certificate'] })).toThrow(/PEM/);
    expect(() => normalizeConfiguration({ iceTlsCaCertificates: pem as unknown as string[] })).toThrow(/PEM/);
  });
});
