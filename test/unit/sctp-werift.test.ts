// Wire compatibility with another SCTP stack in the same process: werift's SCTP (npm
// werift, lib/sctp) over an in-memory transport, real timers. Checks the handshake
// (both sides sending INIT), CRC-32c byte order, DATA/SACK both ways with fragmentation,
// unordered delivery, and stream reset.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SctpAssociation } from '../../src/sctp/association';
import type { SctpEvent } from '../../src/sctp/events';

interface WeriftTransport {
  onData?: (buf: Buffer) => void;
  send: (buf: Buffer) => Promise<void>;
  close: () => void;
}
interface WeriftSctp {
  start(port?: number): Promise<void>;
  send(streamId: number, ppId: number, data: Buffer, opts?: { ordered?: boolean }): Promise<void>;
  stop(): Promise<void>;
  reconfigQueue: number[];
  transmitReconfigRequest(): Promise<void>;
  onReceive: { subscribe(cb: (streamId: number, ppId: number, data: Buffer) => void): unknown };
  onReconfigStreams: { subscribe(cb: (ids: number[]) => void): unknown };
  stateChanged: { connected: { asPromise(): Promise<unknown> } };
  associationState: number;
}
interface WeriftSctpModule {
  SCTP: { client(t: WeriftTransport, port?: number): WeriftSctp; server(t: WeriftTransport, port?: number): WeriftSctp };
}

function loadWerift(): WeriftSctpModule {
  const require = createRequire(__filename);
  let main: string;
  try {
    main = require.resolve('werift');
  } catch {
    throw new Error('werift (npm devDependency) is missing: run npm ci');
  }
  // werift's package exports hide lib/sctp; load it by path.
  return require(join(dirname(main), '..', '..', 'sctp', 'src', 'index.js')) as WeriftSctpModule;
}

class Bridge {
  readonly ours = new SctpAssociation();
  readonly events: SctpEvent[] = [];
  readonly transport: WeriftTransport;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor() {
    this.transport = {
      send: async (buf) => {
        if (this.closed) return;
        setImmediate(() => {
          if (this.closed) return;
          this.ours.handleInput(performance.now(), new Uint8Array(buf));
          this.flush();
        });
      },
      close: () => {},
    };
  }

  flush(): void {
    if (this.closed) return;
    for (let p = this.ours.pollTransmit(); p; p = this.ours.pollTransmit()) {
      const copy = Buffer.from(p);
      setImmediate(() => !this.closed && this.transport.onData?.(copy));
    }
    for (let e = this.ours.pollEvent(); e; e = this.ours.pollEvent()) this.events.push(e);
    if (this.timer) clearTimeout(this.timer);
    const at = this.ours.pollTimeout();
    if (at !== undefined) {
      this.timer = setTimeout(() => {
        this.ours.handleTimeout(performance.now());
        this.flush();
      }, Math.max(0, at - performance.now()));
    }
  }

  async until(cond: () => boolean, ms = 5000): Promise<void> {
    const end = performance.now() + ms;
    while (!cond()) {
      if (performance.now() > end) throw new Error('timed out waiting for the werift peer');
      await new Promise((r) => setTimeout(r, 5));
      this.flush();
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

describe('omnirtc SCTP ↔ werift SCTP (in process)', () => {
  let bridge: Bridge;
  let werift: WeriftSctp;
  const received: { streamId: number; ppid: number; data: Buffer }[] = [];

  beforeAll(async () => {
    const { SCTP } = loadWerift();
    bridge = new Bridge();
    werift = SCTP.client(bridge.transport, 5000);
    werift.onReceive.subscribe((streamId, ppid, data) => received.push({ streamId, ppid, data }));
    const up = werift.stateChanged.connected.asPromise();
    bridge.ours.connect(performance.now());
    bridge.flush();
    await werift.start(5000);
    await up;
    await bridge.until(() => bridge.ours.state === 'established');
  });

  afterAll(async () => {
    bridge.close();
    await Promise.race([werift.stop().catch(() => {}), new Promise((r) => setTimeout(r, 100))]);
  });

  it('establishes with both sides sending INIT', () => {
    expect(bridge.ours.state).toBe('established');
    expect(bridge.events.some((e) => e.type === 'connected')).toBe(true);
    // werift does not offer RFC 9653, so our packets carried CRC-32c it accepted.
    expect(bridge.ours.counters.badChecksum).toBe(0);
  });

  it('carries messages both ways, fragmented and unordered, intact and in order', async () => {
    const big = new Uint8Array(100_000).map((_, i) => (i * 13) & 0xff);
    bridge.ours.send(3, new TextEncoder().encode('hello werift'), { ppid: 51 }, performance.now());
    bridge.ours.send(3, big, { ppid: 53 }, performance.now());
    for (let i = 0; i < 20; i++) bridge.ours.send(5, Uint8Array.of(i), { ppid: 53, unordered: true }, performance.now());
    bridge.flush();
    await bridge.until(() => received.length === 22);
    expect(received.find((r) => r.streamId === 3)?.data.toString()).toBe('hello werift');
    // Unordered messages on stream 5 may overtake the large ordered one on stream 3.
    const onStream3 = received.filter((r) => r.streamId === 3);
    expect(onStream3.map((r) => r.ppid)).toEqual([51, 53]);
    const firstDiff = onStream3[1].data.findIndex((v, i) => v !== big[i]);
    expect([onStream3[1].data.length, firstDiff]).toEqual([big.length, -1]);
    const unordered = received.filter((r) => r.streamId === 5);
    expect(unordered.map((r) => r.data[0]).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));

    const fromWerift = Buffer.alloc(50_000, 7);
    await Promise.all([werift.send(2, 53, fromWerift), werift.send(2, 51, Buffer.from('second'))]);
    await bridge.until(() => bridge.events.filter((e) => e.type === 'message').length === 2);
    const msgs = bridge.events.filter((e) => e.type === 'message');
    expect(msgs[0]).toMatchObject({ streamId: 2, ppid: 53 });
    expect(msgs[0].type === 'message' && msgs[0].data.length).toBe(50_000);
    expect(msgs[1].type === 'message' && new TextDecoder().decode(msgs[1].data)).toBe('second');
    expect(bridge.ours.counters.badChecksum + bridge.ours.counters.malformed).toBe(0);
  });

  it('resets a stream both ways (RFC 6525)', async () => {
    const resetByUs: number[][] = [];
    werift.onReconfigStreams.subscribe((ids) => resetByUs.push(ids));
    bridge.ours.resetStreams([3]);
    bridge.flush();
    await bridge.until(() => bridge.events.some((e) => e.type === 'outgoing-stream-reset'));
    expect(bridge.events.find((e) => e.type === 'outgoing-stream-reset')).toEqual({ type: 'outgoing-stream-reset', streamIds: [3], accepted: true });
    expect(resetByUs.flat()).toContain(3);
    // werift's own way to close a channel: queue the stream and send the request.
    werift.reconfigQueue.push(2);
    await werift.transmitReconfigRequest();
    await bridge.until(() => bridge.events.some((e) => e.type === 'incoming-stream-reset'));
    expect(bridge.events.find((e) => e.type === 'incoming-stream-reset')).toEqual({ type: 'incoming-stream-reset', streamIds: [2] });
  });
});
