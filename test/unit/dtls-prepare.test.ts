// DtlsEndpoint.prepare(): the ephemeral ECDHE key made ahead of the handshake is used by
// that handshake only, is fresh per endpoint, and a group mismatch falls back to a new key.
import { DtlsCertificate } from '../../src/dtls/certificate';
import { DtlsEndpoint, type DtlsEndpointOptions } from '../../src/dtls/endpoint';
import { EcdheKeyPair } from '../../src/dtls/key-exchange';
import { connected, runLink } from './dtls-helpers';

const certs = { client: DtlsCertificate.generateSync(), server: DtlsCertificate.generateSync() };
const live: DtlsEndpoint[] = [];
afterEach(() => {
  for (const e of live.splice(0)) e.dispose();
  jest.restoreAllMocks();
});

function pair(client: Partial<DtlsEndpointOptions> = {}, server: Partial<DtlsEndpointOptions> = {}): [DtlsEndpoint, DtlsEndpoint] {
  const c = new DtlsEndpoint({ role: 'client', certificate: certs.client, verifyPeer: [certs.server.fingerprint()], ...client });
  const s = new DtlsEndpoint({ role: 'server', certificate: certs.server, verifyPeer: [certs.client.fingerprint()], ...server });
  live.push(c, s);
  return [c, s];
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('DtlsEndpoint.prepare', () => {
  it('the prepared keys are the handshake keys: no key generation during the handshake, keys agree', () => {
    const generate = jest.spyOn(EcdheKeyPair, 'generate');
    const [c, s] = pair();
    c.prepare();
    s.prepare();
    c.prepare(); // idempotent
    expect(generate).toHaveBeenCalledTimes(2);
    const prepared = generate.mock.results.map((r) => hex((r.value as EcdheKeyPair).publicKey));
    // Fresh per endpoint (RFC 8422 §5.10: ephemeral).
    expect(prepared[0]).not.toBe(prepared[1]);
    c.start(0);
    const r = runLink(c, s, { until: (a, b) => connected(a) && connected(b) });
    expect(connected(r.eventsA) && connected(r.eventsB)).toBe(true);
    expect(generate).toHaveBeenCalledTimes(2);
    expect(r.eventsA.find((e) => e.type === 'connected')).toMatchObject({ group: 'x25519' });
    const ck = c.srtpKeys();
    const sk = s.srtpKeys();
    expect(hex(ck.outbound.masterKey)).toBe(hex(sk.inbound.masterKey));
    expect(hex(ck.inbound.masterKey)).toBe(hex(sk.outbound.masterKey));
    // After the handshake there is nothing to prepare.
    c.prepare();
    s.prepare();
    expect(generate).toHaveBeenCalledTimes(2);
  });

  it('a prepared key for a group the peer does not choose is dropped and a fresh one made', () => {
    const generate = jest.spyOn(EcdheKeyPair, 'generate');
    // The client prepares X25519 (its first choice); the server only takes P-256.
    const [c, s] = pair({}, { groups: ['P-256'] });
    c.prepare();
    s.prepare();
    c.start(0);
    const r = runLink(c, s, { until: (a, b) => connected(a) && connected(b) });
    expect(connected(r.eventsA) && connected(r.eventsB)).toBe(true);
    expect(r.eventsB.find((e) => e.type === 'connected')).toMatchObject({ group: 'P-256' });
    // Two prepared (x25519 client, P-256 server), one more for the client's P-256 share.
    expect(generate.mock.calls.map((x) => x[0])).toEqual([29, 23, 23]);
  });

  it('unprepared endpoints still generate their keys in the handshake; a disposed one prepares nothing', () => {
    const generate = jest.spyOn(EcdheKeyPair, 'generate');
    const [c, s] = pair();
    c.start(0);
    const r = runLink(c, s, { until: (a, b) => connected(a) && connected(b) });
    expect(connected(r.eventsA) && connected(r.eventsB)).toBe(true);
    expect(generate).toHaveBeenCalledTimes(2);
    const [d] = pair();
    d.dispose();
    d.prepare();
    expect(generate).toHaveBeenCalledTimes(2);
  });
});
