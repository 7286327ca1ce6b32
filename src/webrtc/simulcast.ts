// Simulcast negotiation (RFC 8853) with RTP stream ids (RFC 8851), as JSEP (RFC 9429
// §5.2.1, §5.3.1) puts them in offers and answers: what omnirtc offers for a sender with
// several rid encodings, how it answers a peer's simulcast, and which layers the final
// offer/answer pair leaves in each direction. Plain data in, plain data out.
import type { MediaDescription, Rid, Simulcast, SimulcastStream } from '../sdp/types.js';
import { EXT } from './capabilities.js';

/** One negotiated simulcast stream: its rid and whether it starts paused (RFC 8853 §5.1 `~`). */
export interface SimulcastLayer {
  rid: string;
  paused: boolean;
}

/** W3C WebRTC §5.1 limits sendEncodings; a receiver keeps at most this many layers (bounded tables). */
export const MAX_SIMULCAST_LAYERS = 8;

/** rid/simulcast lines for one m= section. */
export interface SimulcastLines {
  rids: Rid[];
  simulcast: Simulcast;
}

/**
 * Offer (JSEP §5.2.1): `a=rid:<id> send` per encoding and `a=simulcast:send a;b;c` in the
 * encodings' order, inactive ones paused. One encoding, or encodings without rids, offer no
 * simulcast (W3C WebRTC §4.4.1.5: a single encoding is sent as a plain stream).
 */
export function offerSendSimulcast(encodings: readonly { rid?: string; active: boolean }[]): SimulcastLines | undefined {
  if (encodings.length < 2 || encodings.some((e) => e.rid === undefined)) return undefined;
  const rids: Rid[] = encodings.map((e) => ({ id: e.rid as string, direction: 'send' }));
  return { rids, simulcast: { send: encodings.map((e) => [{ rid: e.rid as string, paused: false }]) } };
}

/**
 * Answer to an offer that sends simulcast (RFC 8853 §5.3, JSEP §5.3.1): every offered send
 * stream whose rid has an `a=rid:<id> send` line becomes a recv stream, paused ones stay
 * paused, alternatives keep their grouping. Restrictions are not echoed (RFC 8851 §4: the
 * answerer may drop them; omnirtc does not constrain what it receives). Without the rid
 * header extension in the offer the layers could not be told apart, so simulcast is
 * declined (undefined: the answer has no a=simulcast and the offerer sends one stream).
 */
export function answerReceiveSimulcast(offer: MediaDescription): SimulcastLines | undefined {
  const send = offer.simulcast?.send;
  if (!send || !offer.extMaps.some((e) => e.uri === EXT.rid)) return undefined;
  const offered = new Set(offer.rids.filter((r) => r.direction === 'send').map((r) => r.id));
  const seen = new Set<string>();
  const groups: SimulcastStream[][] = [];
  for (const alternatives of send) {
    const kept = alternatives.filter((s) => offered.has(s.rid) && !seen.has(s.rid) && seen.size < MAX_SIMULCAST_LAYERS);
    for (const s of kept) seen.add(s.rid);
    if (kept.length > 0) groups.push(kept.map((s) => ({ rid: s.rid, paused: s.paused })));
  }
  if (groups.length === 0) return undefined;
  const rids: Rid[] = groups.flat().map((s) => ({ id: s.rid, direction: 'recv' }));
  return { rids, simulcast: { recv: groups } };
}

/** The rids of `mine` (one list of a=simulcast) that `theirs` also lists, paused if either side pauses. */
function intersect(mine: SimulcastStream[][] | undefined, theirs: SimulcastStream[][] | undefined): SimulcastLayer[] {
  if (!mine || !theirs) return [];
  const other = new Map(theirs.flat().map((s) => [s.rid, s.paused]));
  const out: SimulcastLayer[] = [];
  for (const alternatives of mine) {
    // RFC 8853 §5.1: alternatives in one group are one stream; the first both sides know is used.
    const s = alternatives.find((x) => other.has(x.rid));
    if (s && out.length < MAX_SIMULCAST_LAYERS) out.push({ rid: s.rid, paused: s.paused || other.get(s.rid) === true });
  }
  return out;
}

/** Layers we receive once the pair is final: our recv list met by the peer's send list. */
export function negotiatedReceiveLayers(local: MediaDescription, remote: MediaDescription): SimulcastLayer[] {
  const layers = intersect(local.simulcast?.recv, remote.simulcast?.send);
  return layers.length > 1 ? layers : [];
}

/**
 * Layers we send once the pair is final: our send list met by the peer's recv list. Empty
 * means simulcast was declined and only the first encoding is sent (RFC 8853 §5.3).
 */
export function negotiatedSendLayers(local: MediaDescription, remote: MediaDescription): SimulcastLayer[] {
  const layers = intersect(local.simulcast?.send, remote.simulcast?.recv);
  return layers.length > 1 ? layers : [];
}

/**
 * A later offer from the side that receives simulcast (JSEP §5.2.2: what was negotiated is
 * offered again): `a=rid:<id> recv` and `a=simulcast:recv` for the layers received now.
 */
export function offerReceiveSimulcast(layers: readonly SimulcastLayer[]): SimulcastLines | undefined {
  if (layers.length < 2) return undefined;
  return { rids: layers.map((l) => ({ id: l.rid, direction: 'recv' })), simulcast: { recv: layers.map((l) => [{ rid: l.rid, paused: l.paused }]) } };
}

/**
 * Answer to an offer that asks to receive simulcast (RFC 8853 §5.3): our rid encodings the
 * offer lists (with `a=rid:<id> recv`) are sent, in our order; none in common declines.
 */
export function answerSendSimulcast(offer: MediaDescription, encodings: readonly { rid?: string; active: boolean }[]): SimulcastLines | undefined {
  const recv = offer.simulcast?.recv;
  if (!recv || !offer.extMaps.some((e) => e.uri === EXT.rid)) return undefined;
  const wanted = new Map(recv.flat().map((s) => [s.rid, s.paused]));
  const declared = new Set(offer.rids.filter((r) => r.direction === 'recv').map((r) => r.id));
  const kept = encodings.filter((e) => e.rid !== undefined && wanted.has(e.rid) && declared.has(e.rid)).map((e) => e.rid as string);
  if (kept.length < 2) return undefined;
  return { rids: kept.map((id) => ({ id, direction: 'send' })), simulcast: { send: kept.map((rid) => [{ rid, paused: wanted.get(rid) === true }]) } };
}

/** One section's lines when it both sends and receives simulcast (RFC 8853 §5.1 allows both lists). */
export function mergeSimulcast(a: SimulcastLines | undefined, b: SimulcastLines | undefined): SimulcastLines | undefined {
  if (!a || !b) return a ?? b;
  return { rids: [...a.rids, ...b.rids], simulcast: { ...a.simulcast, ...b.simulcast } };
}

/**
 * W3C WebRTC §4.4.1.6 (set a remote offer): an offer asking to receive simulcast proposes the
 * answerer's send encodings, one per offered rid in the a=simulcast:recv order (paused ones
 * inactive). Undefined when the offer asks for no simulcast (or lacks the rid extension).
 */
export function proposedSendEncodings(offer: MediaDescription): { rid: string; active: boolean }[] | undefined {
  const recv = offer.simulcast?.recv;
  if (!recv || !offer.extMaps.some((e) => e.uri === EXT.rid)) return undefined;
  const declared = new Set(offer.rids.filter((r) => r.direction === 'recv').map((r) => r.id));
  const out: { rid: string; active: boolean }[] = [];
  for (const alternatives of recv) {
    const s = alternatives.find((x) => declared.has(x.rid) && /^[A-Za-z0-9]{1,16}$/.test(x.rid));
    if (s && out.length < MAX_SIMULCAST_LAYERS && !out.some((e) => e.rid === s.rid)) out.push({ rid: s.rid, active: !s.paused });
  }
  return out.length > 1 ? out : undefined;
}
