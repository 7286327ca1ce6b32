import type { NetworkAdapter, UdpBindOptions, UdpSocket } from '../../src/runtime/udp';
import type { TransportAddress } from '../../src/stun/address';
import { MediaStream, MediaStreamTrack, RTCPeerConnection, type RTCDataChannel, type RTCTrackEvent } from '../../src/webrtc/index';
import { Connection } from '../../src/webrtc/connection';
import { setPeerTransportFactory } from '../../src/webrtc/rtc-peer-connection';
import { seededRandom } from './seeded-random';

// Two omnirtc peers over an in-memory network with seeded loss, duplication and
// reordering (no sockets): ICE, DTLS, SCTP and RTP repair all run through it.
interface LinkStats {
  sent: number;
  dropped: number;
  duplicated: number;
}

function lossyNetwork(seed: number, loss: number, dup: number, maxDelayMs: number): { adapter: NetworkAdapter; stats: LinkStats; close(): void } {
  const random = seededRandom(seed);
  const sockets = new Map<string, (bytes: Uint8Array, from: TransportAddress) => void>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const stats: LinkStats = { sent: 0, dropped: 0, duplicated: 0 };
  let nextPort = 40000;
  const adapter: NetworkAdapter = {
    runtime: 'node',
    async bindUdp(opts: UdpBindOptions): Promise<UdpSocket> {
      const local: TransportAddress = { address: opts.address, port: opts.port || nextPort++, family: 4 };
      const key = `${local.address}:${local.port}`;
      sockets.set(key, opts.onMessage);
      const counters = { sent: 0, received: 0, sendErrors: 0 };
      return {
        localAddress: local,
        stats: counters,
        send(bytes, to) {
          stats.sent++;
          counters.sent++;
          if (random() < loss) {
            stats.dropped++;
            return;
          }
          const copies = random() < dup ? 2 : 1;
          if (copies === 2) stats.duplicated++;
          for (let i = 0; i < copies; i++) {
            const copy = bytes.slice();
            // Independent random delays reorder packets.
            const t = setTimeout(() => {
              timers.delete(t);
              sockets.get(`${to.address}:${to.port}`)?.(copy, local);
            }, random() * maxDelayMs);
            timers.add(t);
          }
        },
        async close() {
          sockets.delete(key);
        },
      };
    },
    async connectTcp() {
      throw new Error('no TCP in the simulated network');
    },
    interfaceAddresses: () => [{ address: '10.77.0.1', family: 4, internal: false }],
  };
  return {
    adapter,
    stats,
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

let network: ReturnType<typeof lossyNetwork>;
beforeEach(() => {
  network = lossyNetwork(42, 0.1, 0.05, 15);
  setPeerTransportFactory((config, certificate, listener, init) => new Connection(config, certificate, listener, { ...init, adapter: network.adapter }));
});
afterEach(() => network.close());

async function pair(): Promise<[RTCPeerConnection, RTCPeerConnection]> {
  const a = new RTCPeerConnection({ iceAddresses: ['10.77.0.1'] });
  const b = new RTCPeerConnection({ iceAddresses: ['10.77.0.2'] });
  a.onicecandidate = (e) => void b.addIceCandidate(e.candidate).catch(() => undefined);
  b.onicecandidate = (e) => void a.addIceCandidate(e.candidate).catch(() => undefined);
  return [a, b];
}

async function negotiate(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
}

describe('omnirtc over a lossy in-memory network (10 % loss, 5 % duplication, reordering)', () => {
  it('a data channel delivers 200 ordered messages intact', async () => {
    const [a, b] = await pair();
    try {
      const dc = a.createDataChannel('lossy');
      const remote = new Promise<RTCDataChannel>((r) => {
        b.ondatachannel = (e) => r(e.channel);
      });
      await negotiate(a, b);
      if (dc.readyState !== 'open') await new Promise((r) => dc.addEventListener('open', r, { once: true }));
      const rc = await remote;
      const got: string[] = [];
      const all = new Promise<void>((resolve) => {
        rc.onmessage = (e) => {
          got.push(e.data as string);
          if (got.length === 200) resolve();
        };
      });
      for (let i = 0; i < 200; i++) dc.send(`m${i}:${'x'.repeat(i * 10)}`);
      await all;
      expect(got).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}:${'x'.repeat(i * 10)}`));
      expect(network.stats.dropped).toBeGreaterThan(0);
      expect(network.stats.duplicated).toBeGreaterThan(0);
    } finally {
      a.close();
      b.close();
    }
  }, 30_000);

  it('RTP: NACK/RTX repair most losses; duplicates are not delivered twice', async () => {
    const [a, b] = await pair();
    try {
      const video = new MediaStreamTrack({ kind: 'video' });
      a.addTrack(video, new MediaStream());
      const track = new Promise<RTCTrackEvent>((r) => {
        b.ontrack = r;
      });
      const up = (pc: RTCPeerConnection): Promise<void> =>
        new Promise<void>((resolve) => {
          pc.addEventListener('connectionstatechange', () => pc.connectionState === 'connected' && resolve());
        });
      const both = Promise.all([up(a), up(b)]);
      await negotiate(a, b);
      await both;
      const remote = (await track).track;
      const seen = new Set<number>();
      let deliveries = 0;
      remote.addEventListener('rtp', (e) => {
        deliveries++;
        seen.add((e as unknown as { packet: { bytes: Uint8Array } }).packet.bytes.at(-1) as number);
      });
      for (let i = 0; i < 200; i++) {
        const p = new Uint8Array(13);
        p[0] = 0x80;
        p[1] = 96;
        p[12] = i & 0xff;
        video.writeRtp(p);
        await new Promise((r) => setTimeout(r, 2));
      }
      await new Promise((r) => setTimeout(r, 500));
      const stats = [...(await b.getStats()).values()].find((s) => s.type === 'inbound-rtp') as Record<string, number>;
      // 10 % loss each way: NACK (repeated up to 3 times) and RTX repair nearly every gap.
      expect(seen.size).toBeGreaterThanOrEqual(195);
      expect(stats.retransmittedPacketsReceived).toBeGreaterThan(5);
      // Network duplicates and RTX copies of late originals are dropped: each packet once.
      expect(stats.packetsDuplicated).toBeGreaterThan(0);
      expect(deliveries).toBe(seen.size);
      expect(stats.packetsLost).toBeLessThanOrEqual(200 - seen.size);
    } finally {
      a.close();
      b.close();
    }
  }, 30_000);
});
