import { RTCPeerConnection } from '../../src/webrtc/index';
import { coturnForSuite, relayedChannel } from './turn-server';

// Two omnirtc peers forced through a real coturn on 127.0.0.1 (iceServers with turn: URLs,
// iceTransportPolicy "relay"): relay candidates only, the selected pair is relayed, and a
// data channel carries messages over it. Needs Debian `coturn`.
const coturn = coturnForSuite();

describe('omnirtc through TURN (relay only)', () => {
  it('wrong TURN credentials: icecandidateerror, no relay candidate, gathering completes', async () => {
    const pc = new RTCPeerConnection({
      iceAddresses: ['127.0.0.1'],
      iceServers: [
        { urls: `turn:127.0.0.1:${coturn().port}`, username: 'u', credential: 'wrong' },
        { urls: 'turns:127.0.0.1:5349', username: 'u', credential: 'p' },
      ],
      iceTransportPolicy: 'relay',
    });
    try {
      const errors: { url: string; errorCode: number; errorText: string }[] = [];
      pc.onicecandidateerror = (e) => errors.push(e as unknown as { url: string; errorCode: number; errorText: string });
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
      expect(types).toEqual([]);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.map((e) => e.url)).toContain(`turn:127.0.0.1:${coturn().port}`);
      expect(errors.every((e) => e.errorCode === 701)).toBe(true);
      // TLS servers are reported, not silently dropped.
      expect(errors.find((e) => e.url === 'turns:127.0.0.1:5349')?.errorText).toMatch(/TLS/);
    } finally {
      pc.close();
    }
  }, 30_000);

  // "localhost" is resolved by the runtime adapter (getaddrinfo reads /etc/hosts: no DNS query leaves the machine).
  it.each([
    ['udp', '127.0.0.1'],
    ['tcp', '127.0.0.1'],
    ['udp', 'localhost'],
    ['tcp', 'localhost'],
  ])('TURN over %s to %s: relay candidates, relayed pair, data channel', async (transport, host) => {
    const config = {
      iceAddresses: ['127.0.0.1'],
      iceServers: [{ urls: `turn:${host}:${coturn().port}?transport=${transport}`, username: 'u', credential: 'p' }],
      iceTransportPolicy: 'relay' as const,
    };
    const a = new RTCPeerConnection(config);
    const b = new RTCPeerConnection(config);
    try {
      const { dc, rc, candidates } = await relayedChannel(a, b, 'relay');
      const types = (): string[] => candidates.map((c) => c.type ?? '');
      const got = new Promise((resolve) => rc.addEventListener('message', (e) => resolve((e as MessageEvent).data), { once: true }));
      dc.send('through the relay');
      expect(await got).toBe('through the relay');
      expect(types().length).toBeGreaterThan(0);
      expect(new Set(types())).toEqual(new Set(['relay']));
      const pair = a.sctp?.transport.iceTransport.getSelectedCandidatePair();
      expect(pair?.local.type).toBe('relay');
      const stats = [...(await a.getStats()).values()];
      expect(stats.filter((s) => s.type === 'local-candidate').every((s) => s.candidateType === 'relay')).toBe(true);
    } finally {
      a.close();
      b.close();
    }
  }, 30_000);
});
