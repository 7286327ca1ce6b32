// A message on a data channel that has been quiet for a while: the SCTP association must
// stamp it with the current time, not the time of its last input. With a stale clock the
// message's tail-loss-probe and T3 deadlines (RFC 8985 §7.2, RFC 9260 §6.3.2) were already
// past when armed, and every such message was retransmitted a millisecond after it was sent.
// Two RTCPeerConnections on 127.0.0.1 in this process.
import { RTCPeerConnection } from '../../src/index';
import { SctpAssociation } from '../../src/sctp/association';

const associations: SctpAssociation[] = [];
const connect = SctpAssociation.prototype.connect;

beforeAll(() => {
  SctpAssociation.prototype.connect = function (this: SctpAssociation, now: number): void {
    if (!associations.includes(this)) associations.push(this);
    connect.call(this, now);
  };
});
afterAll(() => {
  SctpAssociation.prototype.connect = connect;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function probesAndTimeouts(): number {
  return associations.reduce((n, a) => n + a.counters.tailLossProbes + a.counters.t3Expiries, 0);
}

describe('data channel: a message after a quiet spell', () => {
  it('is sent once: no tail-loss probe, no T3 expiry', async () => {
    const a = new RTCPeerConnection({ iceAddresses: ['127.0.0.1'] });
    const b = new RTCPeerConnection({ iceAddresses: ['127.0.0.1'] });
    try {
      a.onicecandidate = (e) => void b.addIceCandidate(e.candidate).catch(() => undefined);
      b.onicecandidate = (e) => void a.addIceCandidate(e.candidate).catch(() => undefined);
      const dc = a.createDataChannel('quiet');
      const got: string[] = [];
      const remoteOpen = new Promise<void>((resolve) => {
        b.ondatachannel = (e) => {
          e.channel.onmessage = (m) => got.push(m.data as string);
          if (e.channel.readyState === 'open') resolve();
          else e.channel.addEventListener('open', () => resolve(), { once: true });
        };
      });
      const open = new Promise<void>((resolve) => dc.addEventListener('open', () => resolve(), { once: true }));
      await a.setLocalDescription();
      await b.setRemoteDescription(a.localDescription!);
      await b.setLocalDescription();
      await a.setRemoteDescription(b.localDescription!);
      await Promise.all([open, remoteOpen]);
      expect(associations.length).toBe(2);

      // Quiet: ICE consent checks only (SCTP heartbeats are 30 s apart), so the associations
      // hear nothing for longer than any probe timeout.
      await sleep(1200);
      const before = probesAndTimeouts();
      for (let i = 0; i < 3; i++) {
        dc.send(`after quiet ${i}`);
        await sleep(400);
      }
      expect(got).toEqual(['after quiet 0', 'after quiet 1', 'after quiet 2']);
      expect(probesAndTimeouts() - before).toBe(0);
    } finally {
      a.close();
      b.close();
    }
  }, 20_000);
});
