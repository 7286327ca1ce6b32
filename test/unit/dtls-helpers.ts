// Shared by the DTLS suites: a node:crypto AES-GCM (tests only, to check the engine apart
// from the WebAssembly core), a seeded PRNG and a virtual-time link between two endpoints.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { RecordAead } from '../../src/dtls/aead';
import type { DtlsEndpoint, DtlsEvent } from '../../src/dtls/endpoint';
import { seededRandom } from '../sim/seeded-random';

export function nodeAead(key: Uint8Array): RecordAead {
  const alg = key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
  const k = Uint8Array.from(key);
  return {
    seal(nonce, aad, plaintext) {
      const c = createCipheriv(alg, k, nonce);
      c.setAAD(aad);
      const ct = c.update(plaintext);
      c.final();
      const out = new Uint8Array(ct.length + 16);
      out.set(ct);
      out.set(c.getAuthTag(), ct.length);
      return out;
    },
    open(nonce, aad, sealed) {
      if (sealed.length < 16) return null;
      const d = createDecipheriv(alg, k, nonce);
      d.setAAD(aad);
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      const pt = d.update(sealed.subarray(0, sealed.length - 16));
      try {
        d.final();
      } catch {
        return null;
      }
      return new Uint8Array(pt);
    },
    dispose() {
      k.fill(0);
    },
  };
}

export interface LinkOptions {
  loss?: number;
  duplicate?: number;
  /** Probability that a datagram gets extra delay (and so arrives out of order). */
  reorder?: number;
  delayMs?: number;
  seed?: number;
  /** Virtual time budget. */
  maxMs?: number;
  /** Stop when this returns true (checked after every step). */
  until?: (a: DtlsEvent[], b: DtlsEvent[]) => boolean;
  /** Inspect or rewrite datagrams a→b (return undefined to drop). */
  tamperAtoB?: (d: Uint8Array) => Uint8Array | undefined;
}

export interface LinkResult {
  now: number;
  eventsA: DtlsEvent[];
  eventsB: DtlsEvent[];
  datagramsAtoB: number;
  datagramsBtoA: number;
}

/**
 * Runs two endpoints in virtual time over a lossy in-memory link until `until` holds, both
 * go quiet, or `maxMs` passes. Each endpoint is drained completely after every input.
 */
export function runLink(a: DtlsEndpoint, b: DtlsEndpoint, opts: LinkOptions = {}): LinkResult {
  const rnd = seededRandom(opts.seed ?? 1);
  const delay = opts.delayMs ?? 10;
  const maxMs = opts.maxMs ?? 60_000;
  const inflight: { at: number; to: 'a' | 'b'; data: Uint8Array; order: number }[] = [];
  const eventsA: DtlsEvent[] = [];
  const eventsB: DtlsEvent[] = [];
  let now = 0;
  let order = 0;
  let ab = 0;
  let ba = 0;
  const drain = (from: DtlsEndpoint, to: 'a' | 'b', events: DtlsEvent[]): void => {
    for (let d = from.pollTransmit(); d; d = from.pollTransmit()) {
      if (to === 'b') ab++;
      else ba++;
      if (to === 'b' && opts.tamperAtoB) {
        const t = opts.tamperAtoB(d);
        if (!t) continue;
        d = t;
      }
      if (rnd() < (opts.loss ?? 0)) continue;
      const copies = rnd() < (opts.duplicate ?? 0) ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        const extra = rnd() < (opts.reorder ?? 0) ? delay * (1 + rnd() * 5) : 0;
        inflight.push({ at: now + delay + extra + c, to, data: d, order: order++ });
      }
    }
    for (let e = from.pollEvent(); e; e = from.pollEvent()) events.push(e);
  };
  drain(a, 'b', eventsA);
  drain(b, 'a', eventsB);
  for (let steps = 0; steps < 200_000; steps++) {
    if (opts.until?.(eventsA, eventsB)) break;
    inflight.sort((x, y) => x.at - y.at || x.order - y.order);
    const ta = a.pollTimeout();
    const tb = b.pollTimeout();
    const next = Math.min(inflight[0]?.at ?? Number.POSITIVE_INFINITY, ta ?? Number.POSITIVE_INFINITY, tb ?? Number.POSITIVE_INFINITY);
    if (!Number.isFinite(next) || next > maxMs) break;
    now = Math.max(now, next);
    while (inflight.length > 0 && inflight[0].at <= now) {
      const p = inflight.shift()!;
      (p.to === 'a' ? a : b).handleInput(now, p.data);
      drain(a, 'b', eventsA);
      drain(b, 'a', eventsB);
    }
    if (ta !== undefined && ta <= now) a.handleTimeout(now);
    if (tb !== undefined && tb <= now) b.handleTimeout(now);
    drain(a, 'b', eventsA);
    drain(b, 'a', eventsB);
  }
  return { now, eventsA, eventsB, datagramsAtoB: ab, datagramsBtoA: ba };
}

export const connected = (events: DtlsEvent[]): boolean => events.some((e) => e.type === 'connected');
export const ended = (events: DtlsEvent[]): boolean => events.some((e) => e.type === 'failed' || e.type === 'closed');
