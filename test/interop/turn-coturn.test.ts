// The TURN client against a real coturn on 127.0.0.1, over UDP and over TCP: allocate
// (401 challenge, long-term credentials), permission, Send/Data indications, channel
// bind + ChannelData both ways, refresh, deallocation; wrong credentials fail cleanly.
import { createSocket, type Socket } from 'node:dgram';
import { type TransportAddress, TurnClient, type TurnEvent } from '../../src/ice/index';
import { EngineDriver } from '../../src/runtime/driver';
import { nodeAdapter } from '../../src/runtime/node';
import type { TcpConnection, UdpSocket } from '../../src/runtime/udp';
import { coturnForSuite } from './turn-server';

const coturn = coturnForSuite();

/** Drives a TurnClient over a real socket; time can be pushed forward to force refreshes. */
class Harness {
  events: TurnEvent[] = [];
  offset = 0;
  client: TurnClient;
  private udp?: UdpSocket;
  private tcp?: TcpConnection;
  private driver: EngineDriver;
  private waiters: { pred: (e: TurnEvent) => boolean; resolve: (e: TurnEvent) => void }[] = [];

  constructor(
    readonly transport: 'udp' | 'tcp',
    password = 'p',
  ) {
    const server: TransportAddress = { address: '127.0.0.1', port: coturn().port, family: 4 };
    this.client = new TurnClient({ server, username: 'u', password, transport, software: 'omnirtc-test' });
    this.driver = new EngineDriver(this.client, { now: () => this.now, after: () => this.pump() });
  }

  get now(): number {
    return performance.now() + this.offset;
  }

  async start(): Promise<void> {
    if (this.transport === 'udp') {
      this.udp = await nodeAdapter.bindUdp({ address: '127.0.0.1', onMessage: (b) => this.input(b) });
    } else {
      this.tcp = await nodeAdapter.connectTcp({ address: '127.0.0.1', port: coturn().port, onData: (b) => this.input(b) });
    }
    this.client.start(this.now);
    this.pump();
  }

  input(b: Uint8Array): void {
    this.client.handleInput(this.now, b);
    this.pump();
  }

  pump(): void {
    for (let b = this.client.pollTransmit(); b; b = this.client.pollTransmit()) {
      if (this.udp) this.udp.send(b, { address: '127.0.0.1', port: coturn().port, family: 4 });
      else this.tcp?.write(b);
    }
    for (let e = this.client.pollEvent(); e; e = this.client.pollEvent()) {
      this.events.push(e);
      for (const w of [...this.waiters]) {
        if (w.pred(e)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    }
    this.driver.kick();
  }

  waitFor<T extends TurnEvent['type']>(type: T, pred: (e: Extract<TurnEvent, { type: T }>) => boolean = () => true): Promise<Extract<TurnEvent, { type: T }>> {
    const found = this.events.find((e) => e.type === type && pred(e as Extract<TurnEvent, { type: T }>));
    if (found) return Promise.resolve(found as Extract<TurnEvent, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout waiting for ${type}; events: ${JSON.stringify(this.events.map((e) => e.type))}\n${coturn().log().slice(-2000)}`)), 5000);
      this.waiters.push({
        pred: (e) => e.type === type && pred(e as Extract<TurnEvent, { type: T }>),
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as Extract<TurnEvent, { type: T }>);
        },
      });
    });
  }

  async close(): Promise<void> {
    this.driver.stop();
    await this.udp?.close();
    await this.tcp?.close();
  }
}

async function peerSocket(onMessage: (b: Uint8Array, from: TransportAddress) => void): Promise<{ sock: Socket; address: TransportAddress }> {
  const sock = createSocket('udp4');
  sock.on('message', (m, r) => onMessage(new Uint8Array(m), { address: r.address, port: r.port, family: 4 }));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { sock, address: { address: '127.0.0.1', port: sock.address().port, family: 4 } };
}

describe.each(['udp', 'tcp'] as const)('TURN client ↔ coturn over %s', (transport) => {
  it('allocates, relays both ways by Send/Data indications and by ChannelData, refreshes, deallocates', async () => {
    const h = new Harness(transport);
    const fromClient: string[] = [];
    let peerSawRelay: TransportAddress | undefined;
    const peer = await peerSocket((b, from) => {
      fromClient.push(new TextDecoder().decode(b));
      peerSawRelay = from;
    });
    try {
      await h.start();
      const alloc = await h.waitFor('allocated');
      expect(alloc.relayed.address).toBe('127.0.0.1');
      expect(alloc.mapped?.address).toBe('127.0.0.1');
      expect(alloc.lifetime).toBeGreaterThan(0);

      h.client.createPermission(h.now, peer.address);
      h.pump();
      await h.waitFor('permission');
      // Client → peer by Send indication.
      h.client.send(peer.address, new TextEncoder().encode('via send indication'));
      h.pump();
      for (let i = 0; i < 100 && fromClient.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
      expect(fromClient).toEqual(['via send indication']);
      expect(peerSawRelay).toEqual(alloc.relayed);
      // Peer → client arrives as a Data indication.
      peer.sock.send(new TextEncoder().encode('to data indication'), alloc.relayed.port, alloc.relayed.address);
      const d1 = await h.waitFor('data');
      expect(new TextDecoder().decode(d1.data)).toBe('to data indication');
      expect(d1.peer).toEqual(peer.address);

      // Channel binding: both directions as ChannelData.
      const channel = h.client.bindChannel(h.now, peer.address);
      h.pump();
      expect((await h.waitFor('channel')).channel).toBe(channel);
      h.client.send(peer.address, new TextEncoder().encode('via channel'));
      h.pump();
      for (let i = 0; i < 100 && fromClient.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(fromClient[1]).toBe('via channel');
      peer.sock.send(new TextEncoder().encode('back via channel'), alloc.relayed.port, alloc.relayed.address);
      const d2 = await h.waitFor('data', (e) => new TextDecoder().decode(e.data) === 'back via channel');
      expect(d2.peer).toEqual(peer.address);

      // Jump the client's clock past the refresh points: Refresh, permission and channel refreshes go out.
      const before = h.client.stats.packetsSent;
      h.offset += (alloc.lifetime - 30) * 1000;
      h.client.handleTimeout(h.now);
      h.pump();
      expect((await h.waitFor('refreshed')).lifetime).toBeGreaterThan(0);
      expect(h.client.stats.packetsSent - before).toBeGreaterThanOrEqual(3);
      expect(h.client.state).toBe('allocated');

      h.client.close(h.now);
      h.pump();
      await h.waitFor('closed');
      expect(h.client.state).toBe('closed');
      expect(h.client.stats.integrityFailures).toBe(0);
    } finally {
      peer.sock.close();
      await h.close();
    }
  });

  it('reports wrong credentials as TURN_AUTH_FAILED', async () => {
    const h = new Harness(transport, 'wrong-password');
    try {
      await h.start();
      const f = await h.waitFor('failed');
      expect(f.code).toBe('TURN_AUTH_FAILED');
      expect(f.errorCode).toBe(401);
      expect(h.client.state).toBe('failed');
    } finally {
      await h.close();
    }
  });
});
