// Drives a DtlsEndpoint over a real UDP socket on 127.0.0.1 with real timers, for the
// interop suites (DESIGN.md "Real peers"). Test code only: the engine stays sans-IO.
import { type Socket, createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { DtlsEndpoint, DtlsEvent } from '../../src/dtls/endpoint';

export class UdpDriver {
  readonly events: DtlsEvent[] = [];
  /** Sizes of every datagram sent, to check MTU packing. */
  readonly sentSizes: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private remote: { address: string; port: number } | undefined;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly socket: Socket,
    readonly endpoint: DtlsEndpoint,
  ) {
    socket.on('message', (msg, rinfo) => {
      this.remote ??= { address: rinfo.address, port: rinfo.port };
      endpoint.handleInput(performance.now(), new Uint8Array(msg.buffer, msg.byteOffset, msg.length));
      this.pump();
    });
  }

  /** Binds on 127.0.0.1 (port 0 = any); `remote` when we talk first (client). */
  static async open(endpoint: DtlsEndpoint, port = 0, remote?: { address: string; port: number }): Promise<UdpDriver> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    const d = new UdpDriver(socket, endpoint);
    d.remote = remote;
    return d;
  }

  get port(): number {
    return this.socket.address().port;
  }

  pump(): void {
    const ep = this.endpoint;
    for (let out = ep.pollTransmit(); out; out = ep.pollTransmit()) {
      this.sentSizes.push(out.length);
      if (this.remote) this.socket.send(out, this.remote.port, this.remote.address);
    }
    for (let e = ep.pollEvent(); e; e = ep.pollEvent()) this.events.push(e);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const t = ep.pollTimeout();
    if (t !== undefined) {
      this.timer = setTimeout(() => {
        ep.handleTimeout(performance.now());
        this.pump();
      }, Math.max(0, t - performance.now()));
    }
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `pred` holds over the events, rejects after `ms`. */
  waitFor(pred: (events: DtlsEvent[]) => boolean, ms: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}; events: ${JSON.stringify(this.events.map((e) => (e.type === 'failed' ? e : e.type)))}`)), ms);
      const check = (): void => {
        if (pred(this.events)) {
          clearTimeout(deadline);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.socket.close();
  }
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
