// DataChannelManager (RFC 8831 / RFC 8832) directly: ids by DTLS role, late role,
// stream limits, DCEP misuse from the peer.
import { SctpAssociation } from '../../src/sctp/association';
import { type ChannelEvent, DataChannelManager } from '../../src/sctp/dcep/channel-manager';
import { encodeOpen, PPID_DCEP } from '../../src/sctp/dcep/message';
import { SimNetwork, seededBytes } from '../sim/sctp-harness';

function setup(streamsB = 65535, roleA?: 'client' | 'server') {
  const a = new DataChannelManager(new SctpAssociation({ randomBytes: seededBytes(1) }), roleA);
  const b = new DataChannelManager(new SctpAssociation({ randomBytes: seededBytes(2), streams: streamsB }), 'server');
  const ev: [ChannelEvent[], ChannelEvent[]] = [[], []];
  const net = new SimNetwork([a, b], { delayMs: 5 }, () => {
    for (let e = a.pollEvent(); e; e = a.pollEvent()) ev[0].push(e);
    for (let e = b.pollEvent(); e; e = b.pollEvent()) ev[1].push(e);
  });
  return { a, b, ev, net };
}

describe('DataChannelManager', () => {
  it('assigns ids once the DTLS role is known (even for the client), then opens', () => {
    const { a, b, ev, net } = setup();
    const c1 = a.createChannel({ label: 'x', protocol: '', ordered: true, negotiated: false });
    expect(c1.id).toBeNull();
    a.setDtlsRole('client');
    expect(c1.id).toBe(0);
    const c2 = a.createChannel({ label: 'y', protocol: '', ordered: true, negotiated: false });
    expect(c2.id).toBe(2);
    a.connect(0);
    b.connect(0);
    expect(net.run(() => ev[1].filter((e) => e.type === 'remote-channel').length === 2, 5000)).toBe(true);
    expect(ev[0].filter((e) => e.type === 'id-assigned').length).toBe(1);
    expect(ev[0].filter((e) => e.type === 'open').length).toBe(2);
  });

  it('a channel id beyond the streams the peer allows fails with an error event', () => {
    const { a, b, ev, net } = setup(8, 'client');
    a.connect(0);
    b.connect(0);
    expect(net.run(() => a.association.state === 'established' && b.association.state === 'established', 5000)).toBe(true);
    const ch = a.createChannel({ label: 'far', protocol: '', ordered: true, negotiated: true, id: 20 });
    net.run(() => ch.state === 'closed', net.now + 1000);
    expect(ch.state).toBe('closed');
    expect(ev[0].filter((e) => e.type === 'error' || e.type === 'closed').map((e) => e.type)).toEqual(['error', 'closed']);
  });

  it('ignores a peer OPEN with our parity, a duplicate OPEN and an ACK for nothing', () => {
    const { a, b, ev, net } = setup(65535, 'client');
    a.connect(0);
    b.connect(0);
    expect(net.run(() => a.association.state === 'established' && b.association.state === 'established', 5000)).toBe(true);
    const open = encodeOpen({ ordered: true, priority: 256, label: 'evil', protocol: '' });
    // b is the DTLS server: its channels are odd; an even id from b clashes with a's space.
    b.association.send(4, open, { ppid: PPID_DCEP }, net.now);
    b.association.send(5, open, { ppid: PPID_DCEP }, net.now);
    b.association.send(5, open, { ppid: PPID_DCEP }, net.now);
    b.association.send(7, Uint8Array.of(0x02), { ppid: PPID_DCEP }, net.now);
    net.run(() => b.association.idle, net.now + 2000);
    expect(ev[0].filter((e) => e.type === 'remote-channel').length).toBe(1);
    expect(a.counters.malformedDcep).toBe(3);
  });

  it('messages on a stream with no channel are dropped and counted', () => {
    const { a, b, net } = setup(65535, 'client');
    a.connect(0);
    b.connect(0);
    expect(net.run(() => a.association.state === 'established' && b.association.state === 'established', 5000)).toBe(true);
    b.association.send(9, Uint8Array.of(1), { ppid: 53 }, net.now);
    net.run(() => b.association.idle, net.now + 2000);
    expect(a.counters.unknownStreamMessages).toBe(1);
  });
});
