// Routing inbound RTP of one simulcast m= section to its layer (JSEP RFC 9429 §5.9 after
// the MID step): the RTP stream id header extension (RFC 8852 §3.1) names the layer of a
// media packet, the repaired-rid extension (§3.2) the layer an RTX packet repairs. Senders
// put them only on the first packets of a stream (libwebrtc stops once RTCP reports arrive),
// so the SSRC → rid pairing learned from them routes the rest.
import { readHeaderExtensions } from './rtp-rewrite.js';

/** SSRCs remembered per section: a media and an RTX SSRC per layer, with room for restarts. */
const MAX_LEARNED_SSRCS = 32;

export interface RidRouterCounters {
  /** Packets whose SSRC was paired with a layer from their rid / repaired-rid extension. */
  learned: number;
  /** A rid extension whose value is not a negotiated rid (or not valid text). */
  unknownRid: number;
  /** Packets with an unknown SSRC and no rid to route them by. */
  unroutable: number;
}

export class RidRouter {
  readonly #rids: ReadonlySet<string>;
  readonly #ridId: number | undefined;
  readonly #repairedId: number | undefined;
  /** SSRC → rid, insertion order = age (oldest evicted when full). */
  readonly #bySsrc = new Map<number, string>();
  readonly counters: RidRouterCounters = { learned: 0, unknownRid: 0, unroutable: 0 };

  /**
   * `previous`: the router of the same section before a renegotiation. Its learned pairs
   * for rids still negotiated are kept: the sender has stopped naming the rid by now.
   */
  constructor(rids: readonly string[], ridExtensionId: number | undefined, repairedRidExtensionId: number | undefined, previous?: RidRouter) {
    this.#rids = new Set(rids);
    this.#ridId = ridExtensionId;
    this.#repairedId = repairedRidExtensionId;
    if (previous) {
      for (const [ssrc, rid] of previous.#bySsrc) if (this.#rids.has(rid)) this.#bySsrc.set(ssrc, rid);
      Object.assign(this.counters, previous.counters);
    }
  }

  /** The layer (rid) of a decrypted RTP packet, or undefined when it cannot be told (counted). */
  route(packet: Uint8Array): string | undefined {
    if (packet.length < 12) {
      this.counters.unroutable++;
      return undefined;
    }
    const ssrc = ((packet[8] << 24) | (packet[9] << 16) | (packet[10] << 8) | packet[11]) >>> 0;
    // An SSRC is one RTP stream (RFC 3550 §3): once paired, its packets need no parsing.
    const known = this.#bySsrc.get(ssrc);
    if (known !== undefined) return known;
    const named = packet[0] & 0x10 ? this.#ridOf(packet) : undefined;
    if (named === undefined) {
      this.counters.unroutable++;
      return undefined;
    }
    if (this.#bySsrc.size >= MAX_LEARNED_SSRCS) this.#bySsrc.delete(this.#bySsrc.keys().next().value as number);
    this.#bySsrc.set(ssrc, named);
    this.counters.learned++;
    return named;
  }

  /** The SSRCs currently paired with a rid (media and RTX). */
  ssrcsOf(rid: string): number[] {
    return [...this.#bySsrc].filter(([, r]) => r === rid).map(([s]) => s);
  }

  /** rid from the RTP stream id extension, else from repaired-rid; undefined if neither names a layer. */
  #ridOf(packet: Uint8Array): string | undefined {
    if (this.#ridId === undefined && this.#repairedId === undefined) return undefined;
    let found: string | undefined;
    for (const e of readHeaderExtensions(packet)) {
      if (e.id !== this.#ridId && e.id !== this.#repairedId) continue;
      const rid = ridText(e.data);
      if (rid === undefined || !this.#rids.has(rid)) {
        this.counters.unknownRid++;
        continue;
      }
      // RFC 8852 §3.2: a packet with both is an RTX packet; either names the same layer here.
      if (e.id === this.#ridId || found === undefined) found = rid;
    }
    return found;
  }
}

/** RFC 8852 §3.1 / RFC 8851 §10: rid values are 1–255 alphanumerics, `-` or `_`, no NUL padding kept. */
function ridText(data: Uint8Array): string | undefined {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  if (end === 0) return undefined;
  let out = '';
  for (let i = 0; i < end; i++) {
    const c = data[i];
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f;
    if (!ok) return undefined;
    out += String.fromCharCode(c);
  }
  return out;
}
