// The other stacks' peer connections as the peer and scale benches set them up on 127.0.0.1:
// werift with trickle ICE wired between the two ends, node-datachannel with descriptions and
// candidates relayed. Only the shapes of their APIs these benches use are typed here.

export interface WeriftChannel {
  readyState: string;
  send(d: string): void;
  stateChanged: { subscribe(cb: (s: string) => void): void };
  onMessage: { subscribe(cb: (m: unknown) => void): void };
}
export interface WeriftPc {
  createDataChannel(label: string): WeriftChannel;
  createOffer(): Promise<unknown>;
  createAnswer(): Promise<unknown>;
  setLocalDescription(d: unknown): Promise<unknown>;
  setRemoteDescription(d: unknown): Promise<unknown>;
  addIceCandidate(c: unknown): Promise<void>;
  localDescription: unknown;
  connectionState: string;
  onIceCandidate: { subscribe(cb: (c: unknown) => void): void };
  onDataChannel: { subscribe(cb: (dc: WeriftChannel) => void): void };
  connectionStateChange: { subscribe(cb: (s: string) => void): void };
  close(): Promise<void>;
}
export type WeriftModule = { RTCPeerConnection: new (c: unknown) => WeriftPc };

/** Two werift peers on 127.0.0.1 whose candidates trickle to each other. */
export function weriftLoopbackPair(werift: WeriftModule): [WeriftPc, WeriftPc] {
  // DESIGN.md "Real peers": werift skips loopback unless told, and defaults to a public STUN server.
  const cfg = { iceServers: [], iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'], iceInterfaceAddresses: { udp4: '127.0.0.1' } };
  const a = new werift.RTCPeerConnection(cfg);
  const b = new werift.RTCPeerConnection(cfg);
  a.onIceCandidate.subscribe((c) => c && void b.addIceCandidate(c).catch(() => undefined));
  b.onIceCandidate.subscribe((c) => c && void a.addIceCandidate(c).catch(() => undefined));
  return [a, b];
}

/** Offer from `a`, answer from `b` (werift has no implicit setLocalDescription). */
export async function weriftNegotiate(a: WeriftPc, b: WeriftPc): Promise<void> {
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
}

export interface NdcChannel {
  sendMessage(m: string): boolean;
  isOpen(): boolean;
  onOpen(cb: () => void): void;
  onMessage(cb: (m: unknown) => void): void;
}
export interface NdcPc {
  onLocalDescription(cb: (sdp: string, type: string) => void): void;
  onLocalCandidate(cb: (c: string, mid: string) => void): void;
  onStateChange(cb: (s: string) => void): void;
  onDataChannel(cb: (dc: NdcChannel) => void): void;
  setRemoteDescription(sdp: string, type: string): void;
  addRemoteCandidate(c: string, mid: string): void;
  createDataChannel(label: string): NdcChannel;
  close(): void;
}
export type NdcModule = { PeerConnection: new (name: string, c: unknown) => NdcPc };

/** Two node-datachannel peers bound to 127.0.0.1, each one's description and candidates relayed to the other. */
export function ndcLoopbackPair(ndc: NdcModule): [NdcPc, NdcPc] {
  const cfg = { iceServers: [], bindAddress: '127.0.0.1' };
  const a = new ndc.PeerConnection('a', cfg);
  const b = new ndc.PeerConnection('b', cfg);
  // libdatachannel refuses a candidate before the description: hold them until it is set.
  const link = (from: NdcPc, to: NdcPc): void => {
    let described = false;
    const held: [string, string][] = [];
    from.onLocalDescription((sdp, type) => {
      to.setRemoteDescription(sdp, type);
      described = true;
      for (const [c, mid] of held.splice(0)) to.addRemoteCandidate(c, mid);
    });
    from.onLocalCandidate((c, mid) => {
      if (described) to.addRemoteCandidate(c, mid);
      else held.push([c, mid]);
    });
  };
  link(a, b);
  link(b, a);
  return [a, b];
}
