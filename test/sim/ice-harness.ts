// Virtual-time harness for ICE agents: an in-memory datagram network with seeded loss,
// delay and duplication, and a loop that advances time to the next event. No sockets,
// no timers: every run is deterministic for its seed.
import type { IceAgent, IceEvent, IceTransmit } from '../../src/ice/index';
import { type TransportAddress, addressKey } from '../../src/stun/address';
import { seededRandom } from './seeded-random';

export interface Packet {
  at: number;
  from: TransportAddress;
  to: TransportAddress;
  bytes: Uint8Array;
}

export interface Node {
  name: string;
  agent: IceAgent;
  /** socket id → address */
  sockets: Map<number, TransportAddress>;
  events: IceEvent[];
  data: Uint8Array[];
  onEvent?: (e: IceEvent, now: number) => void;
}

export interface NetOptions {
  seed?: number;
  delay?: number;
  jitter?: number;
  /** Probability to drop a packet; `drop` overrides per packet. */
  loss?: number;
  duplicate?: number;
  drop?: (p: Packet, now: number) => boolean;
}

export class SimNet {
  now = 0;
  readonly rng: () => number;
  private queue: Packet[] = [];
  private readonly byAddress = new Map<string, { node: Node; socket: number }>();
  readonly nodes: Node[] = [];
  delivered = 0;
  dropped = 0;

  constructor(readonly opts: NetOptions = {}) {
    this.rng = seededRandom(opts.seed ?? 1);
  }

  add(name: string, agent: IceAgent, addresses: TransportAddress[]): Node {
    const node: Node = { name, agent, sockets: new Map(), events: [], data: [] };
    addresses.forEach((a, i) => {
      const id = i + 1;
      node.sockets.set(id, a);
      agent.addSocket({ id, address: a });
      this.byAddress.set(addressKey(a), { node, socket: id });
    });
    this.nodes.push(node);
    return node;
  }

  /** Binds another node's agent on an address already registered (shared-port tests). */
  route(address: TransportAddress, node: Node, socket: number): void {
    this.byAddress.set(addressKey(address), { node, socket });
  }

  deliverTo?: (p: Packet) => boolean;

  private drain(): void {
    for (const n of this.nodes) {
      for (let e = n.agent.pollEvent(); e; e = n.agent.pollEvent()) {
        n.events.push(e);
        if (e.type === 'data') n.data.push(e.data);
        n.onEvent?.(e, this.now);
      }
      for (let t: IceTransmit | undefined = n.agent.pollTransmit(); t; t = n.agent.pollTransmit()) {
        const from = n.sockets.get(t.socket);
        if (!from) throw new Error(`${n.name} sent on unknown socket ${t.socket}`);
        this.send({ at: 0, from, to: t.to, bytes: t.bytes });
      }
    }
  }

  send(p: Packet): void {
    const o = this.opts;
    const pkt = { ...p, at: this.now + (o.delay ?? 5) + (o.jitter ?? 0) * this.rng() };
    if (o.drop ? o.drop(pkt, this.now) : this.rng() < (o.loss ?? 0)) {
      this.dropped++;
      return;
    }
    this.queue.push(pkt);
    if (o.duplicate && this.rng() < o.duplicate) this.queue.push({ ...pkt, at: pkt.at + 1 });
  }

  /** Runs until `done()` or `until` ms of virtual time; bounded in steps too. */
  run(until: number, done: () => boolean = () => false): void {
    for (let steps = 0; steps < 200_000; steps++) {
      this.drain();
      if (done()) return;
      let next = Number.POSITIVE_INFINITY;
      for (const p of this.queue) if (p.at < next) next = p.at;
      for (const n of this.nodes) {
        const t = n.agent.pollTimeout();
        if (t !== undefined && t < next) next = t;
      }
      if (next > until) {
        this.now = until;
        return;
      }
      this.now = Math.max(this.now, next);
      const due = this.queue.filter((p) => p.at <= this.now).sort((a, b) => a.at - b.at);
      this.queue = this.queue.filter((p) => p.at > this.now);
      for (const p of due) {
        if (this.deliverTo && !this.deliverTo(p)) continue;
        const dst = this.byAddress.get(addressKey(p.to));
        if (!dst) continue;
        this.delivered++;
        dst.node.agent.handleInput(this.now, p.bytes, p.from, dst.socket);
      }
      for (const n of this.nodes) {
        const t = n.agent.pollTimeout();
        if (t !== undefined && t <= this.now) n.agent.handleTimeout(this.now);
      }
    }
    throw new Error('simulation did not settle in 200000 steps');
  }
}

/** Exchanges descriptions: credentials and all current local candidates plus end-of-candidates. */
export function signal(from: Node, to: Node, opts: { endOfCandidates?: boolean; lite?: boolean } = {}): void {
  to.agent.setRemoteCredentials(from.agent.localUfrag, from.agent.localPwd, { lite: opts.lite ?? from.agent.lite });
  for (const c of from.agent.localCandidates) if (c.type !== 'prflx') to.agent.addRemoteCandidate(c);
  if (opts.endOfCandidates ?? true) to.agent.addRemoteCandidate(null);
}

export function states(n: Node): string[] {
  return n.events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state);
}

export function addr(address: string, port: number): TransportAddress {
  return { address, port, family: address.includes(':') ? 6 : 4 };
}
