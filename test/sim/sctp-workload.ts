// A mixed message workload for SCTP simulations: every message carries its stream and
// sequence number and a pattern derived from them, so the receiver can check that each
// arrives intact, exactly once, and (on ordered streams) in order.
import type { SctpAssociation } from '../../src/sctp/association';
import type { SctpEvent } from '../../src/sctp/events';
import { seededRandom } from './seeded-random';

export interface StreamSpec {
  id: number;
  unordered?: boolean;
  maxRetransmits?: number;
  maxLifetimeMs?: number;
}

export function makeMessage(stream: number, seq: number, size: number): Uint8Array {
  const m = new Uint8Array(Math.max(size, 8));
  const dv = new DataView(m.buffer);
  dv.setUint16(0, stream);
  dv.setUint32(2, seq);
  for (let i = 8; i < m.length; i++) m[i] = (seq * 31 + i * 7 + stream) & 0xff;
  return m;
}

export function checkMessage(m: Uint8Array): { stream: number; seq: number } | undefined {
  if (m.length < 8) return undefined;
  const dv = new DataView(m.buffer, m.byteOffset, m.byteLength);
  const stream = dv.getUint16(0);
  const seq = dv.getUint32(2);
  for (let i = 8; i < m.length; i += 97) if (m[i] !== ((seq * 31 + i * 7 + stream) & 0xff)) return undefined;
  const last = m.length - 1;
  if (last >= 8 && m[last] !== ((seq * 31 + last * 7 + stream) & 0xff)) return undefined;
  return { stream, seq };
}

/** Sender side: keeps the association's send buffer topped up until `totalBytes` is queued. */
export class WorkloadSender {
  private readonly rnd: () => number;
  queuedBytes = 0;
  readonly sentPerStream = new Map<number, number>();
  constructor(
    private readonly assoc: SctpAssociation,
    private readonly streams: StreamSpec[],
    readonly totalBytes: number,
    seed: number,
    private readonly maxMessage = 64 * 1024,
  ) {
    this.rnd = seededRandom(seed);
  }

  private size(): number {
    // Mostly small messages, some large: the mix a data channel app produces.
    const r = this.rnd();
    if (r < 0.5) return 8 + Math.floor(this.rnd() * 200);
    if (r < 0.85) return 200 + Math.floor(this.rnd() * 4000);
    return 4000 + Math.floor(this.rnd() * (this.maxMessage - 4000));
  }

  pump(now: number, bufferBound = 512 * 1024): void {
    if (this.assoc.state !== 'established') return;
    while (this.queuedBytes < this.totalBytes) {
      let buffered = 0;
      for (const s of this.streams) buffered += this.assoc.bufferedAmount(s.id);
      if (buffered >= bufferBound) return;
      const spec = this.streams[Math.floor(this.rnd() * this.streams.length)];
      const seq = this.sentPerStream.get(spec.id) ?? 0;
      const msg = makeMessage(spec.id, seq, this.size());
      this.assoc.send(spec.id, msg, { ppid: 53, unordered: spec.unordered, maxRetransmits: spec.maxRetransmits, maxLifetimeMs: spec.maxLifetimeMs }, now);
      this.sentPerStream.set(spec.id, seq + 1);
      this.queuedBytes += msg.length;
    }
  }
}

/** Receiver side: checks integrity, exactly-once and ordering. */
export class WorkloadReceiver {
  readonly received = new Map<number, Set<number>>();
  readonly lastSeq = new Map<number, number>();
  bytes = 0;
  readonly errors: string[] = [];
  constructor(private readonly ordered: Set<number>) {}

  onEvent(e: SctpEvent): void {
    if (e.type !== 'message') return;
    const id = checkMessage(e.data);
    if (!id || id.stream !== e.streamId) {
      this.errors.push(`corrupt message on stream ${e.streamId}`);
      return;
    }
    let set = this.received.get(id.stream);
    if (!set) {
      set = new Set();
      this.received.set(id.stream, set);
    }
    if (set.has(id.seq)) this.errors.push(`duplicate ${id.stream}/${id.seq}`);
    set.add(id.seq);
    if (this.ordered.has(id.stream)) {
      const last = this.lastSeq.get(id.stream) ?? -1;
      if (id.seq <= last) this.errors.push(`out of order ${id.stream}: ${id.seq} after ${last}`);
      this.lastSeq.set(id.stream, id.seq);
    }
    this.bytes += e.data.length;
  }
}
