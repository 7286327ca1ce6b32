// RTCIceTransport (W3C WebRTC §5.6), RTCDtlsTransport (§5.5) and RTCSctpTransport (§6.1.1):
// read-only views of the one BUNDLE transport, with their state events.
import type { Candidate } from '../sdp/candidate.js';
import { EventTargetWithHandlers } from './event-handlers.js';
import { RTCIceCandidate } from './rtc-ice-candidate.js';
import type { RTCDtlsTransportState, RTCIceGatheringState, RTCIceServerTransportProtocol, RTCIceTransportState } from './peer-transport.js';

export interface RTCIceParameters {
  usernameFragment: string;
  password: string;
}

export interface RTCIceCandidatePair {
  local: RTCIceCandidate;
  remote: RTCIceCandidate;
}

/** What the views read from the connection. */
export interface TransportSource {
  localCandidates(): Candidate[];
  remoteCandidates(): Candidate[];
  /** The selected pair; `relayProtocol` when the local candidate is relayed (W3C §4.8.2). */
  selectedPair(): { local: Candidate; remote: Candidate; relayProtocol?: RTCIceServerTransportProtocol } | undefined;
  localParameters(): RTCIceParameters | null;
  remoteParameters(): RTCIceParameters | null;
  remoteCertificates(): ArrayBuffer[];
  mid(): string;
}

export class RTCIceTransport extends EventTargetWithHandlers {
  #state: RTCIceTransportState = 'new';
  #gatheringState: RTCIceGatheringState = 'new';
  readonly #source: TransportSource;
  readonly role: 'controlling' | 'controlled';
  readonly component = 'rtp' as const;

  constructor(source: TransportSource, role: 'controlling' | 'controlled') {
    super();
    this.#source = source;
    this.role = role;
  }

  get state(): RTCIceTransportState {
    return this.#state;
  }
  get gatheringState(): RTCIceGatheringState {
    return this.#gatheringState;
  }
  getLocalCandidates(): RTCIceCandidate[] {
    return this.#source.localCandidates().map((c) => RTCIceCandidate.fromCandidate(c, this.#source.mid(), 0, this.#source.localParameters()?.usernameFragment ?? ''));
  }
  getRemoteCandidates(): RTCIceCandidate[] {
    return this.#source.remoteCandidates().map((c) => RTCIceCandidate.fromCandidate(c, this.#source.mid(), 0, this.#source.remoteParameters()?.usernameFragment ?? ''));
  }
  getSelectedCandidatePair(): RTCIceCandidatePair | null {
    const p = this.#source.selectedPair();
    if (!p) return null;
    const mid = this.#source.mid();
    return {
      local: RTCIceCandidate.fromCandidate(p.local, mid, 0, this.#source.localParameters()?.usernameFragment ?? '', p.relayProtocol),
      remote: RTCIceCandidate.fromCandidate(p.remote, mid, 0, this.#source.remoteParameters()?.usernameFragment ?? ''),
    };
  }
  getLocalParameters(): RTCIceParameters | null {
    return this.#source.localParameters();
  }
  getRemoteParameters(): RTCIceParameters | null {
    return this.#source.remoteParameters();
  }

  get onstatechange(): ((ev: Event) => unknown) | null {
    return this.getHandler('statechange');
  }
  set onstatechange(h: ((ev: Event) => unknown) | null) {
    this.setHandler('statechange', h);
  }
  get ongatheringstatechange(): ((ev: Event) => unknown) | null {
    return this.getHandler('gatheringstatechange');
  }
  set ongatheringstatechange(h: ((ev: Event) => unknown) | null) {
    this.setHandler('gatheringstatechange', h);
  }
  get onselectedcandidatepairchange(): ((ev: Event) => unknown) | null {
    return this.getHandler('selectedcandidatepairchange');
  }
  set onselectedcandidatepairchange(h: ((ev: Event) => unknown) | null) {
    this.setHandler('selectedcandidatepairchange', h);
  }

  /** @internal */
  setState(s: RTCIceTransportState): void {
    if (s === this.#state) return;
    this.#state = s;
    this.dispatchEvent(new Event('statechange'));
  }
  /** @internal */
  setGatheringState(s: RTCIceGatheringState): void {
    if (s === this.#gatheringState) return;
    this.#gatheringState = s;
    this.dispatchEvent(new Event('gatheringstatechange'));
  }
  /** @internal */
  selectedPairChanged(): void {
    this.dispatchEvent(new Event('selectedcandidatepairchange'));
  }
}

export class RTCDtlsTransport extends EventTargetWithHandlers {
  readonly iceTransport: RTCIceTransport;
  #state: RTCDtlsTransportState = 'new';
  readonly #source: TransportSource;

  constructor(source: TransportSource, iceTransport: RTCIceTransport) {
    super();
    this.#source = source;
    this.iceTransport = iceTransport;
  }
  get state(): RTCDtlsTransportState {
    return this.#state;
  }
  /** The peer's certificate chain, DER (W3C §5.5.1). */
  getRemoteCertificates(): ArrayBuffer[] {
    return this.#source.remoteCertificates();
  }
  get onstatechange(): ((ev: Event) => unknown) | null {
    return this.getHandler('statechange');
  }
  set onstatechange(h: ((ev: Event) => unknown) | null) {
    this.setHandler('statechange', h);
  }
  get onerror(): ((ev: Event) => unknown) | null {
    return this.getHandler('error');
  }
  set onerror(h: ((ev: Event) => unknown) | null) {
    this.setHandler('error', h);
  }
  /** @internal */
  setState(s: RTCDtlsTransportState): void {
    if (s === this.#state) return;
    this.#state = s;
    this.dispatchEvent(new Event('statechange'));
  }
}

export type RTCSctpTransportState = 'connecting' | 'connected' | 'closed';

export class RTCSctpTransport extends EventTargetWithHandlers {
  readonly transport: RTCDtlsTransport;
  #state: RTCSctpTransportState = 'connecting';
  #maxMessageSize: number;
  readonly maxChannels: number | null = null;

  constructor(transport: RTCDtlsTransport, maxMessageSize: number) {
    super();
    this.transport = transport;
    this.#maxMessageSize = maxMessageSize;
  }
  get state(): RTCSctpTransportState {
    return this.#state;
  }
  /** W3C §6.1.1.1: the smaller of ours and the peer's a=max-message-size (0 = unlimited). */
  get maxMessageSize(): number {
    return this.#maxMessageSize === 0 ? Number.POSITIVE_INFINITY : this.#maxMessageSize;
  }
  get onstatechange(): ((ev: Event) => unknown) | null {
    return this.getHandler('statechange');
  }
  set onstatechange(h: ((ev: Event) => unknown) | null) {
    this.setHandler('statechange', h);
  }
  /** @internal */
  setState(s: RTCSctpTransportState): void {
    if (s === this.#state) return;
    this.#state = s;
    this.dispatchEvent(new Event('statechange'));
  }
  /** @internal */
  setMaxMessageSize(n: number): void {
    this.#maxMessageSize = n;
  }
}
