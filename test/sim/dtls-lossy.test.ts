// Handshakes in virtual time over in-memory links with seeded loss, reordering and
// duplication (DESIGN.md "Tests"), both roles on each side of the lossy direction,
// with fragmentation at MTU 300. Deterministic: every seed replays exactly.
import { DtlsCertificate } from '../../src/dtls/certificate';
import { DtlsEndpoint } from '../../src/dtls/endpoint';
import { connected, ended, runLink } from '../unit/dtls-helpers';

const certs = { client: DtlsCertificate.generateSync(), server: DtlsCertificate.generateSync() };
const live: DtlsEndpoint[] = [];
afterEach(() => {
  for (const e of live.splice(0)) e.dispose();
});

function make(mtu: number): { client: DtlsEndpoint; server: DtlsEndpoint } {
  const client = new DtlsEndpoint({ role: 'client', certificate: certs.client, verifyPeer: [certs.server.fingerprint()], mtu });
  const server = new DtlsEndpoint({ role: 'server', certificate: certs.server, verifyPeer: [certs.client.fingerprint()], mtu });
  live.push(client, server);
  return { client, server };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('DTLS handshake on a lossy link (virtual time)', () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
  for (const mtu of [1200, 300]) {
    for (const clientFirst of [true, false]) {
      it(`30 % loss, reordering and duplication, MTU ${mtu}, client is endpoint ${clientFirst ? 'A' : 'B'}: ${seeds.length} seeds all connect with equal keys`, () => {
        const times: number[] = [];
        let retransmissions = 0;
        for (const seed of seeds) {
          const { client, server } = make(mtu);
          const [a, b] = clientFirst ? [client, server] : [server, client];
          client.start(0);
          const r = runLink(a, b, {
            seed: clientFirst ? seed : seed + 100,
            loss: 0.3,
            reorder: 0.3,
            duplicate: 0.2,
            delayMs: 25,
            maxMs: 30_000,
            until: (x, y) => (connected(x) || ended(x)) && (connected(y) || ended(y)),
          });
          const failure = [...r.eventsA, ...r.eventsB].find((e) => e.type === 'failed');
          expect({ seed, failure }).toEqual({ seed, failure: undefined });
          expect(connected(r.eventsA) && connected(r.eventsB)).toBe(true);
          expect(hex(client.srtpKeys().outbound.masterKey)).toBe(hex(server.srtpKeys().inbound.masterKey));
          times.push(r.now);
          retransmissions += client.getStats().retransmissions + server.getStats().retransmissions;
          // Nothing the link did may count as an attack.
          for (const ep of [client, server]) {
            const d = ep.getStats().dropped;
            expect(d.decryptFailed + d.malformedRecord + d.malformedHandshake + d.badVersion).toBe(0);
          }
        }
        // With 30 % loss the 20 s handshake timeout must be far away.
        expect(Math.max(...times)).toBeLessThan(15_000);
        expect(retransmissions).toBeGreaterThan(seeds.length); // the link really lost flights
      });
    }
  }

  it('data after the handshake survives duplication and reordering without replays reaching the app', () => {
    const { client, server } = make(1200);
    client.start(0);
    runLink(client, server, { until: (x, y) => connected(x) && connected(y) });
    for (let i = 0; i < 50; i++) client.send(new Uint8Array([i]));
    const r = runLink(client, server, { seed: 9, duplicate: 0.5, reorder: 0.5, delayMs: 5, maxMs: 2000 });
    const got = r.eventsB.filter((e) => e.type === 'applicationData').map((e) => (e.type === 'applicationData' ? e.data[0] : -1));
    expect(got.length).toBe(50);
    expect(new Set(got).size).toBe(50);
    expect(server.getStats().dropped.replay).toBeGreaterThan(0);
  });

  it('the server keeps its last flight: a lost server Finished is recovered by the client retransmitting', () => {
    const { client, server } = make(1200);
    client.start(0);
    let dropped = 0;
    // Drop the first server flight 6 (the datagram with a ChangeCipherSpec from the server).
    const r = runLink(server, client, {
      tamperAtoB: (d) => {
        if (dropped === 0 && d.includes(20) && d[0] === 20) {
          dropped++;
          return undefined;
        }
        return d;
      },
      until: (x, y) => connected(x) && connected(y),
    });
    expect(dropped).toBe(1);
    expect(connected(r.eventsA) && connected(r.eventsB)).toBe(true);
    expect(server.getStats().retransmissions).toBeGreaterThanOrEqual(1);
  });
});
