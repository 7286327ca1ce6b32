// DtlsEndpoint behaviour in virtual time over a clean in-memory link: negotiation, keys,
// fingerprints, alerts, close, timers, records. Lossy links are in test/sim/dtls-lossy.test.ts.
import { DtlsCertificate } from '../../src/dtls/certificate';
import { SrtpContext } from '../../src/srtp/context';
import { DtlsEndpoint, type DtlsEndpointOptions, type DtlsEvent } from '../../src/dtls/endpoint';
import { EXTENSION } from '../../src/dtls/extensions';
import { HANDSHAKE_TYPE, encodeHandshakeFragment, parseHandshakeFragments } from '../../src/dtls/handshake';
import { encodeClientHello, parseHelloVerifyRequest, parseServerHello } from '../../src/dtls/messages';
import { CONTENT_TYPE, encodePlainRecord, parseRecords } from '../../src/dtls/record';
import type { RecordLayer } from '../../src/dtls/record-layer';
import { connected, ended, nodeAead, runLink } from './dtls-helpers';

const certs = { client: DtlsCertificate.generateSync(), server: DtlsCertificate.generateSync() };
const live: DtlsEndpoint[] = [];
afterEach(() => {
  // The WebAssembly AES-GCM key table is bounded: free every endpoint's keys.
  for (const e of live.splice(0)) e.dispose();
});

function pair(client: Partial<DtlsEndpointOptions> = {}, server: Partial<DtlsEndpointOptions> = {}): [DtlsEndpoint, DtlsEndpoint] {
  const c = new DtlsEndpoint({ role: 'client', certificate: certs.client, verifyPeer: [certs.server.fingerprint()], ...client });
  const s = new DtlsEndpoint({ role: 'server', certificate: certs.server, verifyPeer: [certs.client.fingerprint()], ...server });
  live.push(c, s);
  return [c, s];
}

const both = (a: DtlsEvent[], b: DtlsEvent[]): boolean => (connected(a) || ended(a)) && (connected(b) || ended(b));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('DtlsEndpoint handshake', () => {
  it('completes with cookie exchange, mutual auth and use_srtp; keys agree; data flows; close_notify closes both', () => {
    const [c, s] = pair();
    c.start(0);
    const r = runLink(c, s, { until: both });
    const ec = r.eventsA.find((e) => e.type === 'connected');
    const es = r.eventsB.find((e) => e.type === 'connected');
    expect(ec).toMatchObject({ cipherSuite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', srtpProfile: 'SRTP_AEAD_AES_128_GCM', group: 'x25519' });
    expect(es).toMatchObject({ cipherSuite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', srtpProfile: 'SRTP_AEAD_AES_128_GCM' });
    expect(ec?.type === 'connected' && toHex(ec.peerCertificate!)).toBe(toHex(certs.server.der));
    expect(es?.type === 'connected' && toHex(es.peerCertificate!)).toBe(toHex(certs.client.der));
    // Three round trips: ClientHello, HelloVerifyRequest, ClientHello+cookie, flight 4, 5, 6.
    expect(r.now).toBe(60);
    const kc = c.srtpKeys();
    const ks = s.srtpKeys();
    expect(toHex(kc.outbound.masterKey)).toBe(toHex(ks.inbound.masterKey));
    expect(toHex(kc.inbound.masterSalt)).toBe(toHex(ks.outbound.masterSalt));
    expect(toHex(kc.clientWriteKey)).toBe(toHex(ks.clientWriteKey));
    expect(toHex(kc.outbound.masterKey)).toBe(toHex(kc.clientWriteKey));
    expect(kc.outbound.masterKey.length).toBe(16);
    expect(kc.outbound.masterSalt.length).toBe(12);
    // The keys drive omnirtc/srtp directly: the client protects, the server unprotects.
    const tx = new SrtpContext(kc.outbound);
    const rx = new SrtpContext(ks.inbound);
    const rtp = Uint8Array.from([0x80, 96, 0, 1, 0, 0, 0, 160, 0x12, 0x34, 0x56, 0x78, 1, 2, 3, 4, 5]);
    expect(toHex(rx.unprotectRtp(tx.protectRtp(rtp)))).toBe(toHex(rtp));
    tx.dispose();
    rx.dispose();
    const ctx = new Uint8Array([1, 2, 3]);
    expect(toHex(c.exportKeyingMaterial('EXPORTER-x', ctx, 40))).toBe(toHex(s.exportKeyingMaterial('EXPORTER-x', ctx, 40)));
    expect(() => c.exportKeyingMaterial('master secret', undefined, 10)).toThrow(DOMException);

    c.send(new TextEncoder().encode('ping'));
    s.send(new TextEncoder().encode('pong'));
    const r2 = runLink(c, s, { until: (a, b) => a.length > 0 && b.length > 0 });
    expect(r2.eventsB).toEqual([{ type: 'applicationData', data: new TextEncoder().encode('ping') }]);
    expect(r2.eventsA).toEqual([{ type: 'applicationData', data: new TextEncoder().encode('pong') }]);

    c.close();
    expect(c.pollEvent()).toEqual({ type: 'closed' });
    const r3 = runLink(c, s, { until: (_a, b) => ended(b) });
    expect(r3.eventsB.map((e) => e.type)).toEqual(['alert', 'closed']);
    expect(c.connectionState).toBe('closed');
    expect(() => c.send(new Uint8Array(1))).toThrow(DOMException);
  });

  const combos: [DtlsEndpointOptions['cipherSuites'], DtlsEndpointOptions['groups'], string][] = [
    [['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'], ['P-256'], 'P-256'],
    [['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'], ['x25519'], 'x25519'],
    [['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'], ['P-256'], 'P-256'],
  ];
  for (const [suites, groups, group] of combos) {
    it(`negotiates ${suites?.[0]} over ${group}, with node:crypto AES-GCM on one side`, () => {
      const [c, s] = pair({ cipherSuites: suites, groups, aead: nodeAead });
      c.start(0);
      const r = runLink(c, s, { until: both });
      expect(r.eventsA[0]).toMatchObject({ type: 'connected', cipherSuite: suites?.[0], group });
      expect(r.eventsB[0]).toMatchObject({ type: 'connected', cipherSuite: suites?.[0], group });
      expect(toHex(c.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 60))).toBe(toHex(s.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 60)));
    });
  }

  it('picks the SRTP profile by server preference among the client offer, or none', () => {
    let [c, s] = pair({ srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_32', 'SRTP_AES128_CM_HMAC_SHA1_80'] }, { srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80', 'SRTP_AES128_CM_HMAC_SHA1_32'] });
    c.start(0);
    let r = runLink(c, s, { until: both });
    expect(r.eventsA[0]).toMatchObject({ type: 'connected', srtpProfile: 'SRTP_AES128_CM_HMAC_SHA1_80' });
    expect(c.srtpKeys().outbound.masterSalt.length).toBe(14);
    [c, s] = pair({ srtpProfiles: [] });
    c.start(0);
    r = runLink(c, s, { until: both });
    expect(r.eventsA[0]).toMatchObject({ type: 'connected', srtpProfile: undefined });
    expect(() => c.srtpKeys()).toThrow(DOMException);
  });

  it('runs without a cookie exchange when the server turns it off (one round trip less)', () => {
    const [c, s] = pair({}, { cookieExchange: false });
    c.start(0);
    const r = runLink(c, s, { until: both });
    expect(connected(r.eventsA) && connected(r.eventsB)).toBe(true);
    expect(r.now).toBe(40);
  });

  it('reassembles a fragmented ClientHello in the stateless cookie phase (MTU 120)', () => {
    const [c, s] = pair({ mtu: 120 }, { mtu: 120 });
    c.start(0);
    const first = c.pollTransmit()!;
    expect(first.length).toBeLessThanOrEqual(120);
    expect(c.pollTransmit()).toBeDefined(); // the ClientHello did not fit one datagram
    const r = runLink(c, s, { until: both });
    expect(connected(r.eventsA) && connected(r.eventsB)).toBe(true);
  });

  it('fragments every flight to fit a 300-byte MTU', () => {
    const [c, s] = pair({ mtu: 300 }, { mtu: 300 });
    c.start(0);
    let largest = 0;
    const r = runLink(c, s, {
      until: both,
      tamperAtoB: (d) => {
        largest = Math.max(largest, d.length);
        return d;
      },
    });
    expect(connected(r.eventsA) && connected(r.eventsB)).toBe(true);
    expect(largest).toBeLessThanOrEqual(300);
    expect(r.datagramsBtoA).toBeGreaterThan(3);
  });
});

describe('DtlsEndpoint peer verification', () => {
  it('client: a server certificate off the SDP fingerprint gets bad_certificate and no keys', () => {
    const other = DtlsCertificate.generateSync();
    const [c, s] = pair({ verifyPeer: [other.fingerprint()] });
    c.start(0);
    const r = runLink(c, s, { until: (a, b) => ended(a) && ended(b) });
    expect(r.eventsA).toEqual([{ type: 'failed', reason: expect.stringMatching(/fingerprint/), alert: 'bad_certificate' }]);
    expect(r.eventsB).toEqual([
      { type: 'alert', level: 'fatal', description: 'bad_certificate', code: 42 },
      { type: 'failed', reason: 'peer sent fatal alert bad_certificate', alert: 'bad_certificate' },
    ]);
    expect(() => c.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 60)).toThrow(DOMException);
  });

  it('server: a client certificate off the fingerprint fails before the server Finished', () => {
    const [c, s] = pair({}, { verifyPeer: (der) => der.length === 1 });
    c.start(0);
    const r = runLink(c, s, { until: (a, b) => ended(a) && ended(b) });
    expect(r.eventsB).toEqual([{ type: 'failed', reason: expect.any(String), alert: 'bad_certificate' }]);
    expect(connected(r.eventsA)).toBe(false);
    expect(r.eventsA.some((e) => e.type === 'alert' && e.description === 'bad_certificate')).toBe(true);
  });

  it('without a verifier the handshake waits: connected only after setPeerVerifier() matches', () => {
    const [c, s] = pair({ verifyPeer: undefined });
    c.start(0);
    const r = runLink(c, s, { maxMs: 5000 });
    expect(connected(r.eventsB)).toBe(true);
    expect(connected(r.eventsA)).toBe(false);
    expect(c.connectionState).toBe('connecting');
    expect(() => c.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 60)).toThrow(DOMException);
    c.setPeerVerifier([certs.server.fingerprint('sha-512')]);
    expect(c.pollEvent()).toMatchObject({ type: 'connected' });
    expect(c.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 60).length).toBe(60);
  });

  it('a late verifier that does not match fails the handshake with bad_certificate', () => {
    const [c, s] = pair({}, { verifyPeer: undefined });
    c.start(0);
    runLink(c, s, { until: (a) => connected(a), maxMs: 5000 });
    s.setPeerVerifier([certs.server.fingerprint()]);
    expect(s.pollEvent()).toMatchObject({ type: 'failed', alert: 'bad_certificate' });
    expect(s.pollTransmit()).toBeDefined(); // the alert
  });

  it('requireClientCertificate: false skips CertificateRequest (not WebRTC, allowed by the option)', () => {
    const [c, s] = pair({}, { requireClientCertificate: false, verifyPeer: undefined });
    c.start(0);
    const r = runLink(c, s, { until: both });
    expect(connected(r.eventsA)).toBe(true);
    expect(r.eventsB[0]).toMatchObject({ type: 'connected', peerCertificate: undefined });
  });
});

describe('DtlsEndpoint timers', () => {
  it('retransmits after 200 ms doubling to a 2 s ceiling, and fails after the handshake timeout', () => {
    const [c] = pair();
    c.start(0);
    const sends: number[] = [];
    let now = 0;
    while (c.pollTransmit()) sends.push(now);
    for (let i = 0; i < 100; i++) {
      const t = c.pollTimeout();
      if (t === undefined) break;
      now = t;
      c.handleTimeout(now);
      while (c.pollTransmit()) sends.push(now);
    }
    expect(sends.slice(0, 7)).toEqual([0, 200, 600, 1400, 3000, 5000, 7000]);
    expect(c.pollEvent()).toMatchObject({ type: 'failed', reason: expect.stringMatching(/20000 ms/), alert: undefined });
    expect(now).toBe(20000);
    expect(c.getStats().retransmissions).toBe(sends.length - 1);
  });

  it('after connected there is no timer', () => {
    const [c, s] = pair();
    c.start(0);
    runLink(c, s, { until: both });
    expect(c.pollTimeout()).toBeUndefined();
    expect(s.pollTimeout()).toBeUndefined();
  });
});

describe('DtlsEndpoint records', () => {
  it('drops replayed and forged application records and counts them', () => {
    const [c, s] = pair();
    c.start(0);
    runLink(c, s, { until: both });
    c.send(new Uint8Array([1, 2, 3]));
    const d = c.pollTransmit()!;
    s.handleInput(1000, d);
    s.handleInput(1001, d);
    c.send(new Uint8Array([4, 5, 6]));
    const forged = c.pollTransmit()!.slice();
    forged[forged.length - 1] ^= 0x55;
    s.handleInput(1002, forged);
    expect(s.pollEvent()).toMatchObject({ type: 'applicationData' });
    expect(s.pollEvent()).toBeUndefined();
    const st = s.getStats();
    expect(st.dropped.replay).toBe(1);
    expect(st.dropped.decryptFailed).toBe(1);
    expect(st.applicationRecordsReceived).toBe(1);
    expect(s.connectionState).toBe('connected');
  });

  it('refuses renegotiation with a no_renegotiation warning and stays connected', () => {
    const [c, s] = pair();
    c.start(0);
    runLink(c, s, { until: both });
    const hello = encodeHandshakeFragment(HANDSHAKE_TYPE.clientHello, 10, new Uint8Array(40), 0, 40);
    // Reach into the client's record layer to encrypt a handshake record in epoch 1.
    const { records } = (c as unknown as { association: { records: RecordLayer } }).association;
    s.handleInput(2000, records.seal(CONTENT_TYPE.handshake, 1, hello));
    const alert = s.pollTransmit()!;
    c.handleInput(2010, alert);
    expect(c.pollEvent()).toEqual({ type: 'alert', level: 'warning', description: 'no_renegotiation', code: 100 });
    expect(c.connectionState).toBe('connected');
    expect(s.connectionState).toBe('connected');
  });

  it('API misuse throws DOMExceptions with W3C names', () => {
    const [c, s] = pair();
    expect(() => s.start(0)).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    expect(() => c.send(new Uint8Array(1))).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    c.start(0);
    expect(() => c.start(0)).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    expect(() => new DtlsEndpoint({ role: 'client', certificate: certs.client, mtu: 50 })).toThrow(expect.objectContaining({ name: 'SyntaxError' }));
    expect(() => s.handleInput(Number.NaN, new Uint8Array(1))).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    expect(() => s.handleInput(0, null as unknown as Uint8Array)).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    expect(s.connectionState).toBe('new'); // misuse does not hurt the association
    runLink(c, s, { until: both });
    expect(() => c.send(new Uint8Array(20000))).toThrow(expect.objectContaining({ name: 'OperationError' }));
  });
});

describe('DtlsEndpoint server: DTLS 1.3 ClientHello falls back to 1.2', () => {
  it('answers a ClientHello offering DTLS 1.3 (supported_versions, key_share) with a DTLS 1.2 ServerHello', () => {
    const s = new DtlsEndpoint({ role: 'server', certificate: certs.server, verifyPeer: () => true });
    live.push(s);
    const random = crypto.getRandomValues(new Uint8Array(32));
    const hello = (cookie: Uint8Array, seq: number): Uint8Array => {
      const body = encodeClientHello({
        version: 0xfefd,
        random,
        sessionId: new Uint8Array(0),
        cookie,
        cipherSuites: [0x1301, 0x1302, 0xc02b],
        extensions: [
          [EXTENSION.supportedVersions, new Uint8Array([4, 0xfe, 0xfc, 0xfe, 0xfd])],
          [51 /* key_share */, new Uint8Array([0, 36, 0, 29, 0, 32, ...new Uint8Array(32).fill(9)])],
          [EXTENSION.supportedGroups, new Uint8Array([0, 4, 0, 29, 0, 23])],
          [EXTENSION.signatureAlgorithms, new Uint8Array([0, 4, 0x04, 0x03, 0x08, 0x04])],
          [EXTENSION.extendedMasterSecret, new Uint8Array(0)],
        ],
      });
      return encodePlainRecord(CONTENT_TYPE.handshake, 0xfeff, 0, seq, encodeHandshakeFragment(HANDSHAKE_TYPE.clientHello, seq, body, 0, body.length));
    };
    s.handleInput(0, hello(new Uint8Array(0), 0));
    const hvrRecord = parseRecords(s.pollTransmit()!).records[0];
    const hvrFrag = parseHandshakeFragments(hvrRecord.fragment)[0];
    expect(hvrFrag.msgType).toBe(HANDSHAKE_TYPE.helloVerifyRequest);
    s.handleInput(10, hello(parseHelloVerifyRequest(hvrFrag.body).cookie, 1));
    const flight = parseRecords(s.pollTransmit()!).records;
    const sh = parseHandshakeFragments(flight[0].fragment)[0];
    expect(sh.msgType).toBe(HANDSHAKE_TYPE.serverHello);
    expect(sh.messageSeq).toBe(1);
    const parsed = parseServerHello(sh.body);
    expect(parsed.version).toBe(0xfefd);
    expect(parsed.cipherSuite).toBe(0xc02b);
    expect(parsed.extensions.present).not.toContain(EXTENSION.supportedVersions);
  });
});

describe('DtlsEndpoint resource limits', () => {
  it('a record cipher that cannot be created (WASM key table full) fails the handshake cleanly', () => {
    const full = (): never => {
      throw new DOMException('no free AES-GCM key slot', 'QuotaExceededError');
    };
    const [c, s] = pair({}, { aead: full });
    c.start(0);
    const r = runLink(c, s, { until: (a, b) => ended(a) && ended(b) });
    expect(r.eventsB).toEqual([{ type: 'failed', reason: expect.stringMatching(/record cipher unavailable: no free AES-GCM key slot/), alert: 'internal_error' }]);
    expect(r.eventsA.map((e) => e.type)).toEqual(['alert', 'failed']);
  });
});

describe('DtlsEndpoint stateless phases', () => {
  it('a waiting server drops stray handshake messages instead of failing; an idle client drops input', () => {
    const [c, s] = pair();
    const finished = encodePlainRecord(CONTENT_TYPE.handshake, 0xfefd, 0, 0, encodeHandshakeFragment(HANDSHAKE_TYPE.finished, 0, new Uint8Array(12), 0, 12));
    s.handleInput(0, finished);
    c.handleInput(0, finished);
    expect(s.pollTransmit()).toBeUndefined();
    expect(s.pollEvent()).toBeUndefined();
    expect(s.getStats().dropped.unexpectedHandshake).toBe(1);
    expect(c.getStats().dropped.beforeStart).toBe(1);
    c.start(0);
    const r = runLink(c, s, { until: both });
    expect(connected(r.eventsA) && connected(r.eventsB)).toBe(true);
  });
});
