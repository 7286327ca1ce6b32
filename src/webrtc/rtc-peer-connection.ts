// RTCPeerConnection (W3C WebRTC 1.0 §4) with the JSEP state machine (RFC 9429): offers,
// answers, rollback, implicit descriptions, trickle ICE, transceivers, the operations
// chain and the negotiation-needed flag with the spec's queuing. The engines (ICE, DTLS,
// SRTP, SCTP) live behind PeerTransport; this class decides what negotiation means.
import { type Candidate, parseCandidate } from '../sdp/candidate.js';
import { SdpError } from '../sdp/errors.js';
import {
  type CodecSpec,
  type MediaSpec,
  SCTP_PROTOCOL,
  type TransportSpec,
  answerDirection,
  buildMediaSection,
  buildSession,
  hasRecv,
  hasSend,
  negotiateCodecs,
  negotiateExtensions,
  reverseDirection,
} from '../sdp/jsep.js';
import { parse } from '../sdp/parse.js';
import { serialize } from '../sdp/serialize.js';
import type { Direction, MediaDescription, SessionDescription, SetupRole } from '../sdp/types.js';
import { DEFAULT_EXTENSIONS } from './capabilities.js';
import { isTelephoneEvent } from './dtmf-codecs.js';
import { type NormalizedConfiguration, type RTCConfiguration, normalizeConfiguration } from './configuration.js';
import { RTCError, domError } from './errors.js';
import { Connection, LOCAL_MAX_MESSAGE_SIZE, toSdpCandidate } from './connection.js';
import { EventTargetWithHandlers } from './event-handlers.js';
import { RTCPeerConnectionIceErrorEvent, RTCPeerConnectionIceEvent, RTCTrackEvent } from './events.js';
import { RTCBandwidthEstimateEvent } from './bandwidth-estimate-event.js';
import { MediaStream } from './media-stream.js';
import type { MediaStreamTrack } from './media-stream-track.js';
import type { PeerTransport, RTCDtlsTransportState, RTCIceGatheringState, RTCIceServerTransportProtocol, RTCIceTransportState, TransportListener } from './peer-transport.js';
import { type AlgorithmIdentifier, RTCCertificate } from './rtc-certificate.js';
import { RTCIceCandidate, type RTCIceCandidateInit } from './rtc-ice-candidate.js';
import { RTCRtpReceiver } from './rtc-rtp-receiver.js';
import { type RTCRtpEncodingInit, RTCRtpSender } from './rtc-rtp-sender.js';
import { RTCRtpTransceiver } from './rtc-rtp-transceiver.js';
import { type RTCSdpType, RTCSessionDescription, type RTCSessionDescriptionInit } from './rtc-session-description.js';
import { DataChannelHub, type RTCDataChannel, RTCDataChannelEvent, type RTCDataChannelInit } from './rtc-data-channel.js';
import { type RTCStats, type RTCStatsReport, buildStatsReport } from './rtc-stats-report.js';
import { RTCDtlsTransport, RTCIceTransport, RTCSctpTransport, type TransportSource } from './rtc-transports.js';
import { TaskQueue } from './task-queue.js';
import { MAX_SIMULCAST_LAYERS, type SimulcastLines, answerReceiveSimulcast, answerSendSimulcast, mergeSimulcast, negotiatedReceiveLayers, negotiatedSendLayers, offerReceiveSimulcast, offerSendSimulcast, proposedSendEncodings } from './simulcast.js';

export type RTCSignalingState = 'stable' | 'have-local-offer' | 'have-remote-offer' | 'have-local-pranswer' | 'have-remote-pranswer' | 'closed';
export type RTCIceConnectionState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';
export type RTCPeerConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export interface RTCOfferOptions {
  iceRestart?: boolean;
  offerToReceiveAudio?: boolean;
  offerToReceiveVideo?: boolean;
}

export interface RTCRtpTransceiverInit {
  direction?: Direction;
  streams?: MediaStream[];
  sendEncodings?: RTCRtpEncodingInit[];
  /**
   * omnirtc (no W3C equivalent): offer to receive simulcast with these rids (RFC 8853
   * `a=simulcast:recv`), in preference order; the peer's answer says which it will send.
   */
  receiveEncodings?: { rid: string }[];
}

/** Creates the transport of a peer connection (default: Connection over the runtime's UDP). */
export type PeerTransportFactory = (
  config: NormalizedConfiguration,
  certificate: RTCCertificate,
  listener: TransportListener,
  init: { ufrag: string; pwd: string; controlling: boolean; dataChannels?: DataChannelHub },
) => PeerTransport;

let transportFactory: PeerTransportFactory | null = (config, certificate, listener, init) => new Connection(config, certificate, listener, init);

/** Replaces the transport for new peer connections (null: negotiation only, no network). */
export function setPeerTransportFactory(factory: PeerTransportFactory | null): void {
  transportFactory = factory;
}

interface AppliedDescription {
  type: RTCSdpType;
  sdp: string;
  parsed: SessionDescription;
}

/** Default SCTP port and the max-message-size we accept (RFC 8841 §5–6). */
const SCTP_PORT = 5000;
const MAX_MESSAGE_SIZE = 262144;

// ICE credentials (RFC 8839 §5.4): ufrag ≥ 4 and pwd ≥ 22 ice-chars.
const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function randomIceString(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of bytes) out += ICE_CHARS[b & 63];
  return out;
}

function randomSessionId(): string {
  // RFC 8866 §5.2: a numeric session id; JSEP §5.2.1 wants < 2^63.
  const b = crypto.getRandomValues(new Uint32Array(2));
  return ((BigInt(b[0] & 0x3fffffff) << 32n) | BigInt(b[1])).toString();
}

const STATE_TRANSITIONS: Record<'local' | 'remote', Record<Exclude<RTCSdpType, 'rollback'>, RTCSignalingState[]>> = {
  // W3C §4.3.1 / JSEP §3.2: which states allow which description.
  local: { offer: ['stable', 'have-local-offer'], pranswer: ['have-remote-offer', 'have-local-pranswer'], answer: ['have-remote-offer', 'have-local-pranswer'] },
  remote: { offer: ['stable', 'have-remote-offer'], pranswer: ['have-local-offer', 'have-remote-pranswer'], answer: ['have-local-offer', 'have-remote-pranswer'] },
};

export class RTCPeerConnection extends EventTargetWithHandlers {
  #config: NormalizedConfiguration;
  #signalingState: RTCSignalingState = 'stable';
  #iceGatheringState: RTCIceGatheringState = 'new';
  #iceConnectionState: RTCIceConnectionState = 'new';
  #connectionState: RTCPeerConnectionState = 'new';
  #dtlsState: RTCDtlsTransportState = 'new';
  #closed = false;
  #currentLocal: AppliedDescription | null = null;
  #pendingLocal: AppliedDescription | null = null;
  #currentRemote: AppliedDescription | null = null;
  #pendingRemote: AppliedDescription | null = null;
  #lastCreatedOffer = '';
  #lastCreatedAnswer = '';
  readonly #transceivers: RTCRtpTransceiver[] = [];
  readonly #tasks = new TaskQueue();
  #operations: Promise<unknown> = Promise.resolve();
  #pendingOperations = 0;
  #negotiationNeeded = false;
  #updateNegotiationNeededAfterOps = false;
  #iceRestartPending = false;
  /** The remote offer restarted ICE: the next answer gets fresh credentials. */
  #answerWithNewCredentials = false;
  #iceUfrag = randomIceString(4);
  #icePwd = randomIceString(24);
  readonly #sessionId = randomSessionId();
  #sessionVersion = 1;
  #certificate: Promise<RTCCertificate>;
  #certificateValue: RTCCertificate | null = null;
  readonly #cname = randomIceString(16);
  /** Data channels exist, so an m=application section is wanted (W3C §6.1 createDataChannel). */
  protected sctpWanted = false;
  readonly #dataChannels = new DataChannelHub({
    queueTask: (t) => this.#tasks.queue(t),
    requestTransmit: () => {
      const t = this.#transport;
      if (t instanceof Connection) t.flushSoon();
    },
    announceDataChannel: (channel) => {
      this.#countDataChannel(channel);
      this.dispatchEvent(new RTCDataChannelEvent('datachannel', { channel }));
    },
  });
  #dataChannelsOpened = 0;
  readonly #channelStats: { channel: RTCDataChannel; counts: { messagesSent: number; bytesSent: number; messagesReceived: number; bytesReceived: number } }[] = [];
  #dataChannelsClosed = 0;
  #sctpMid: string | null = null;
  #sctpMLineIndex: number | null = null;
  #sctpProposedMid: string | null = null;
  readonly #remoteStreams = new Map<string, MediaStream>();
  #transport: PeerTransport | null = null;
  #transportStarted = false;
  #iceTransport: RTCIceTransport | null = null;
  #dtlsTransport: RTCDtlsTransport | null = null;
  #sctpTransport: RTCSctpTransport | null = null;
  /** Our DTLS role once the first offer/answer fixed it (RFC 8842 §5.5). */
  #dtlsRole: 'client' | 'server' | null = null;
  readonly #localCandidates: Candidate[] = [];
  #gatheringComplete = false;
  #remoteCandidatesEnded = false;
  /** Protected hooks for the data channel layer. */
  protected readonly sctpListeners: { state(state: 'connecting' | 'connected' | 'closed'): void }[] = [];

  constructor(configuration?: RTCConfiguration) {
    super();
    this.#config = normalizeConfiguration(configuration);
    const given = this.#config.certificates[0];
    this.#certificate = given ? Promise.resolve(given) : RTCCertificate.generate({ name: 'ECDSA', namedCurve: 'P-256' });
    this.#certificate.then(
      (c) => {
        this.#certificateValue = c;
      },
      () => undefined,
    );
  }

  static generateCertificate(keygenAlgorithm: AlgorithmIdentifier): Promise<RTCCertificate> {
    return RTCCertificate.generate(keygenAlgorithm);
  }

  // ---------------------------------------------------------------- attributes

  get signalingState(): RTCSignalingState {
    return this.#signalingState;
  }
  get iceGatheringState(): RTCIceGatheringState {
    return this.#iceGatheringState;
  }
  get iceConnectionState(): RTCIceConnectionState {
    return this.#iceConnectionState;
  }
  get connectionState(): RTCPeerConnectionState {
    return this.#connectionState;
  }
  get canTrickleIceCandidates(): boolean | null {
    const r = this.remoteDescription;
    if (!r) return null;
    const s = this.#pendingRemote?.parsed ?? this.#currentRemote?.parsed;
    return (s?.iceOptions ?? s?.media[0]?.iceOptions ?? []).includes('trickle');
  }
  get localDescription(): RTCSessionDescription | null {
    return this.pendingLocalDescription ?? this.currentLocalDescription;
  }
  get currentLocalDescription(): RTCSessionDescription | null {
    return this.#describeLocal(this.#currentLocal);
  }
  get pendingLocalDescription(): RTCSessionDescription | null {
    return this.#describeLocal(this.#pendingLocal);
  }
  get remoteDescription(): RTCSessionDescription | null {
    return this.pendingRemoteDescription ?? this.currentRemoteDescription;
  }
  get currentRemoteDescription(): RTCSessionDescription | null {
    return this.#currentRemote ? new RTCSessionDescription({ type: this.#currentRemote.type, sdp: serialize(this.#currentRemote.parsed) }) : null;
  }
  get pendingRemoteDescription(): RTCSessionDescription | null {
    return this.#pendingRemote ? new RTCSessionDescription({ type: this.#pendingRemote.type, sdp: serialize(this.#pendingRemote.parsed) }) : null;
  }
  /** The local description as applied, plus the candidates gathered since (JSEP §5.2.1, W3C §4.4.1.2). */
  #describeLocal(d: AppliedDescription | null): RTCSessionDescription | null {
    if (!d) return null;
    if (this.#localCandidates.length === 0 && !this.#gatheringComplete) return new RTCSessionDescription({ type: d.type, sdp: d.sdp });
    const copy = parse(d.sdp);
    for (const m of copy.media) {
      if (m.port === 0 && !m.bundleOnly) continue;
      m.candidates = this.#localCandidates.map((c) => ({ ...c, extensions: [...c.extensions] }));
      m.endOfCandidates = this.#gatheringComplete;
      const def = this.#localCandidates.find((c) => c.component === 1 && c.transport.toLowerCase() === 'udp');
      if (def) {
        m.port = def.port;
        m.connection = { netType: 'IN', addrType: def.address.includes(':') ? 'IP6' : 'IP4', address: def.address };
      }
    }
    return new RTCSessionDescription({ type: d.type, sdp: serialize(copy) });
  }

  /** W3C §4.4.1 sctp: the SCTP transport once an m=application section is negotiated. */
  get sctp(): RTCSctpTransport | null {
    return this.#sctpTransport;
  }

  protected get sctpMid(): string | null {
    return this.#sctpMid;
  }
  protected get transport(): PeerTransport | null {
    return this.#transport;
  }
  protected get isClosed(): boolean {
    return this.#closed;
  }

  // ---------------------------------------------------------------- event handlers

  get onnegotiationneeded(): ((ev: Event) => unknown) | null {
    return this.getHandler('negotiationneeded');
  }
  set onnegotiationneeded(h: ((ev: Event) => unknown) | null) {
    this.setHandler('negotiationneeded', h);
  }
  get onicecandidate(): ((ev: RTCPeerConnectionIceEvent) => unknown) | null {
    return this.getHandler('icecandidate') as ((ev: RTCPeerConnectionIceEvent) => unknown) | null;
  }
  set onicecandidate(h: ((ev: RTCPeerConnectionIceEvent) => unknown) | null) {
    this.setHandler('icecandidate', h as ((ev: Event) => unknown) | null);
  }
  get onicecandidateerror(): ((ev: Event) => unknown) | null {
    return this.getHandler('icecandidateerror');
  }
  set onicecandidateerror(h: ((ev: Event) => unknown) | null) {
    this.setHandler('icecandidateerror', h);
  }
  get onsignalingstatechange(): ((ev: Event) => unknown) | null {
    return this.getHandler('signalingstatechange');
  }
  set onsignalingstatechange(h: ((ev: Event) => unknown) | null) {
    this.setHandler('signalingstatechange', h);
  }
  get oniceconnectionstatechange(): ((ev: Event) => unknown) | null {
    return this.getHandler('iceconnectionstatechange');
  }
  set oniceconnectionstatechange(h: ((ev: Event) => unknown) | null) {
    this.setHandler('iceconnectionstatechange', h);
  }
  get onicegatheringstatechange(): ((ev: Event) => unknown) | null {
    return this.getHandler('icegatheringstatechange');
  }
  set onicegatheringstatechange(h: ((ev: Event) => unknown) | null) {
    this.setHandler('icegatheringstatechange', h);
  }
  /** omnirtc (non-standard): the send-side bandwidth estimate moved (RTCBandwidthEstimateEvent). */
  get onbandwidthestimate(): ((ev: RTCBandwidthEstimateEvent) => unknown) | null {
    return this.getHandler('bandwidthestimate') as ((ev: RTCBandwidthEstimateEvent) => unknown) | null;
  }
  set onbandwidthestimate(h: ((ev: RTCBandwidthEstimateEvent) => unknown) | null) {
    this.setHandler('bandwidthestimate', h as ((ev: Event) => unknown) | null);
  }
  get onconnectionstatechange(): ((ev: Event) => unknown) | null {
    return this.getHandler('connectionstatechange');
  }
  set onconnectionstatechange(h: ((ev: Event) => unknown) | null) {
    this.setHandler('connectionstatechange', h);
  }
  get ontrack(): ((ev: RTCTrackEvent) => unknown) | null {
    return this.getHandler('track') as ((ev: RTCTrackEvent) => unknown) | null;
  }
  set ontrack(h: ((ev: RTCTrackEvent) => unknown) | null) {
    this.setHandler('track', h as ((ev: Event) => unknown) | null);
  }
  get ondatachannel(): ((ev: RTCDataChannelEvent) => unknown) | null {
    return this.getHandler('datachannel') as ((ev: RTCDataChannelEvent) => unknown) | null;
  }
  set ondatachannel(h: ((ev: RTCDataChannelEvent) => unknown) | null) {
    this.setHandler('datachannel', h as ((ev: Event) => unknown) | null);
  }

  // ---------------------------------------------------------------- configuration

  getConfiguration(): RTCConfiguration {
    const c = this.#config;
    const out: RTCConfiguration = {
      iceServers: c.iceServers.map((s) => ({ ...s })),
      iceTransportPolicy: c.iceTransportPolicy,
      bundlePolicy: c.bundlePolicy,
      rtcpMuxPolicy: c.rtcpMuxPolicy,
      certificates: this.#certificateValue ? [this.#certificateValue] : [...c.certificates],
      iceCandidatePoolSize: c.iceCandidatePoolSize,
      iceLite: c.iceLite,
    };
    if (c.iceAddresses) out.iceAddresses = [...c.iceAddresses];
    if (c.icePortRange) out.icePortRange = { ...c.icePortRange };
    if (c.iceTlsCaCertificates) out.iceTlsCaCertificates = [...c.iceTlsCaCertificates];
    return out;
  }

  /** W3C §4.4.1.5 set a configuration: certificates and bundlePolicy cannot change. */
  setConfiguration(configuration: RTCConfiguration): void {
    if (this.#closed) throw domError('InvalidStateError', 'the peer connection is closed');
    const next = normalizeConfiguration(configuration);
    if (configuration.certificates !== undefined) {
      const current = this.#certificateValue ? [this.#certificateValue] : this.#config.certificates;
      if (next.certificates.length !== current.length || next.certificates.some((c, i) => c !== current[i])) {
        throw domError('InvalidModificationError', 'certificates cannot change after the peer connection is created');
      }
    }
    if (configuration.bundlePolicy !== undefined && next.bundlePolicy !== this.#config.bundlePolicy) {
      throw domError('InvalidModificationError', 'bundlePolicy cannot change after the peer connection is created');
    }
    if (next.iceCandidatePoolSize !== this.#config.iceCandidatePoolSize && this.#currentLocal) {
      throw domError('InvalidModificationError', 'iceCandidatePoolSize cannot change after setLocalDescription');
    }
    this.#config = { ...next, certificates: this.#config.certificates, bundlePolicy: this.#config.bundlePolicy };
  }

  // ---------------------------------------------------------------- operations chain

  /** W3C §4.3.1.1 "chain an operation": one at a time, in call order. */
  #chain<T>(op: () => Promise<T> | T): Promise<T> {
    if (this.#closed) return Promise.reject(domError('InvalidStateError', 'the peer connection is closed'));
    this.#pendingOperations++;
    const run = async (): Promise<T> => {
      if (this.#closed) throw domError('InvalidStateError', 'the peer connection is closed');
      return op();
    };
    const p = this.#operations.then(run, run);
    const done = (): void => {
      this.#pendingOperations--;
      // W3C §4.3.1.1 step 7.6: when the chain empties, re-check negotiation-needed.
      if (this.#pendingOperations === 0 && this.#updateNegotiationNeededAfterOps && !this.#closed) {
        this.#updateNegotiationNeededAfterOps = false;
        this.updateNegotiationNeeded();
      }
    };
    this.#operations = p.then(done, done);
    return p;
  }

  // ---------------------------------------------------------------- negotiation-needed

  /** W3C §4.7.3 "update the negotiation-needed flag". */
  updateNegotiationNeeded(): void {
    if (this.#closed) return;
    if (this.#pendingOperations > 0) {
      this.#updateNegotiationNeededAfterOps = true;
      return;
    }
    this.#tasks.queue(() => {
      if (this.#closed) return;
      if (this.#pendingOperations > 0) {
        this.#updateNegotiationNeededAfterOps = true;
        return;
      }
      if (this.#signalingState !== 'stable') return;
      if (!this.#checkIfNegotiationIsNeeded()) {
        this.#negotiationNeeded = false;
        return;
      }
      if (this.#negotiationNeeded) return;
      this.#negotiationNeeded = true;
      this.dispatchEvent(new Event('negotiationneeded'));
    });
  }

  /** W3C §4.7.3 "check if negotiation is needed". */
  #checkIfNegotiationIsNeeded(): boolean {
    if (this.#iceRestartPending) return true;
    const local = this.#currentLocal;
    const remote = this.#currentRemote;
    if (this.sctpWanted && this.#sctpMid === null) return true;
    for (const t of this.#transceivers) {
      if (t.stopping && !t.stopped) return true;
      if (t.stopped) continue;
      if (t.mid === null || !local || !remote) return true;
      const lm = local.parsed.media.find((m) => m.mid === t.mid);
      const rm = remote.parsed.media.find((m) => m.mid === t.mid);
      if (!lm || !rm) return true;
      const dir = t.direction as Direction;
      if (hasSend(dir)) {
        const ids = lm.msids.map((m) => m.streamId).filter((s) => s !== '-');
        const want = t.sender.streamIds;
        if (ids.length !== want.length || want.some((s) => !ids.includes(s))) return true;
      }
      const lDir = lm.direction ?? 'sendrecv';
      const rDir = rm.direction ?? 'sendrecv';
      if (local.type === 'offer') {
        if (lDir !== dir && reverseDirection(rDir) !== dir) return true;
      } else if (lDir !== answerDirection(dir, rDir)) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- offer / answer

  async createOffer(options?: RTCOfferOptions): Promise<RTCSessionDescriptionInit> {
    return this.#chain(async () => {
      if (options?.iceRestart) this.#iceRestartPending = true;
      // Legacy offerToReceive* (W3C §11.2.3): add recvonly transceivers when missing.
      for (const kind of ['audio', 'video'] as const) {
        const want = kind === 'audio' ? options?.offerToReceiveAudio : options?.offerToReceiveVideo;
        if (want && !this.#transceivers.some((t) => t.kind === kind && !t.stopping && hasRecv(t.direction as Direction))) {
          this.#createTransceiver(kind, null, 'recvonly', [], undefined);
        }
      }
      const certificate = await this.#certificate;
      if (this.#closed) throw domError('InvalidStateError', 'the peer connection is closed');
      const sdp = serialize(this.#buildOffer(certificate));
      this.#lastCreatedOffer = sdp;
      return { type: 'offer' as const, sdp };
    });
  }

  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    return this.#chain(async () => {
      if (this.#signalingState !== 'have-remote-offer' && this.#signalingState !== 'have-local-pranswer') {
        throw domError('InvalidStateError', `createAnswer needs a remote offer (signalingState is "${this.#signalingState}"); call setRemoteDescription(offer) first`);
      }
      const certificate = await this.#certificate;
      if (this.#closed) throw domError('InvalidStateError', 'the peer connection is closed');
      const sdp = serialize(this.#buildAnswer(certificate));
      this.#lastCreatedAnswer = sdp;
      return { type: 'answer' as const, sdp };
    });
  }

  #transportSpec(certificate: RTCCertificate, setup: SetupRole): TransportSpec {
    return {
      iceUfrag: this.#iceUfrag,
      icePwd: this.#icePwd,
      iceOptions: ['trickle'],
      fingerprints: certificate.getFingerprints(),
      setup,
      candidates: [...this.#localCandidates],
      endOfCandidates: this.#gatheringComplete,
    };
  }

  #usedMids(): Set<string> {
    const used = new Set<string>();
    for (const d of [this.#currentLocal, this.#pendingLocal, this.#currentRemote, this.#pendingRemote]) {
      for (const m of d?.parsed.media ?? []) if (m.mid !== undefined) used.add(m.mid);
    }
    for (const t of this.#transceivers) if (t.mid !== null) used.add(t.mid);
    if (this.#sctpMid !== null) used.add(this.#sctpMid);
    return used;
  }

  #nextMid(used: Set<string>): string {
    for (let i = 0; ; i++) {
      const mid = String(i);
      if (!used.has(mid)) {
        used.add(mid);
        return mid;
      }
    }
  }

  #rtpSpec(t: RTCRtpTransceiver, mid: string, direction: Direction, codecs: CodecSpec[], remote: MediaDescription | undefined, simulcast?: SimulcastLines): MediaSpec {
    const sender = t.sender;
    const sends = hasSend(direction);
    const extensions = remote ? negotiateExtensions(DEFAULT_EXTENSIONS[t.kind], remote) : [...DEFAULT_EXTENSIONS[t.kind]];
    const spec: MediaSpec = {
      kind: t.kind,
      mid,
      direction,
      codecs,
      extensions,
      streamIds: [...sender.streamIds],
      rtcpRsize: true,
    };
    if (simulcast) {
      spec.rids = simulcast.rids;
      spec.simulcast = simulcast.simulcast;
    }
    if (sends) {
      spec.trackId = sender.track?.id ?? sender.msidTrackId;
      // RFC 8853 §5.1: simulcast streams are named by rid, not by a=ssrc (the SSRCs are learned from the rid extension).
      if (!simulcast?.simulcast.send) spec.ssrc = sender.ssrc;
      if (!simulcast?.simulcast.send && codecs.some((c) => c.rtxPayloadType !== undefined) && sender.rtxSsrc !== undefined) spec.rtxSsrc = sender.rtxSsrc;
      spec.cname = this.#cname;
    } else if (sender.track) {
      spec.trackId = sender.track.id;
    }
    return spec;
  }

  /** rid/simulcast lines of an offer (RFC 8853 §5.1): our rid encodings, and the layers received now. */
  #offerSimulcast(t: RTCRtpTransceiver): SimulcastLines | undefined {
    const d = t.direction as Direction;
    const send = hasSend(d) ? offerSendSimulcast(t.sender.encodings) : undefined;
    const negotiated = t.receiver.negotiated?.layers ?? [];
    const received = negotiated.length > 0 ? negotiated : t.receiver.requestedLayers;
    return mergeSimulcast(send, hasRecv(d) ? offerReceiveSimulcast(received) : undefined);
  }

  /** JSEP §5.2.1 (initial) and §5.2.2 (subsequent) offers. */
  #buildOffer(certificate: RTCCertificate): SessionDescription {
    if (this.#iceRestartPending && this.#currentLocal) {
      // RFC 8445 §9 / JSEP §5.2.1: new credentials signal the restart.
      this.#iceUfrag = randomIceString(4);
      this.#icePwd = randomIceString(24);
    }
    const transport = this.#transportSpec(certificate, 'actpass');
    const used = this.#usedMids();
    const slots: MediaSpec[] = [];
    const previous = (this.#currentLocal ?? this.#currentRemote)?.parsed.media ?? [];
    const prevRemote = this.#currentRemote?.parsed.media ?? [];
    // Existing m= sections keep their place (JSEP §5.2.2); rejected ones stay rejected.
    for (let i = 0; i < previous.length; i++) {
      const pm = previous[i];
      const t = this.#transceivers.find((x) => x.mLineIndex === i);
      if (t && !t.stopping && !t.stopped && t.mid !== null) {
        const remote = prevRemote.find((m) => m.mid === t.mid);
        const codecs = remote ? negotiateCodecs(t.localCodecs, remote) : [];
        slots[i] = this.#rtpSpec(t, t.mid, t.direction as Direction, codecs.length > 0 ? mergeCodecs(codecs, t.localCodecs) : [...t.localCodecs], remote, this.#offerSimulcast(t));
      } else if (this.#sctpMLineIndex === i && this.#sctpMid !== null) {
        slots[i] = { kind: 'application', mid: this.#sctpMid, sctpPort: SCTP_PORT, maxMessageSize: MAX_MESSAGE_SIZE };
      } else {
        slots[i] = { kind: pm.kind, protocol: pm.protocol, formats: pm.formats, rejected: true, ...(pm.mid !== undefined ? { mid: pm.mid } : {}) };
      }
    }
    // New transceivers: a fresh mid and a new m= section at the end (JSEP §5.2.2 step 4).
    for (const t of this.#transceivers) {
      if (t.stopping || t.stopped || t.mLineIndex !== null) continue;
      const mid = t.mid ?? t.proposedMid ?? this.#nextMid(used);
      t.proposedMid = mid;
      slots.push(this.#rtpSpec(t, mid, t.direction as Direction, [...t.localCodecs], undefined, this.#offerSimulcast(t)));
    }
    if (this.sctpWanted && this.#sctpMLineIndex === null) {
      const mid = this.#sctpProposedMid ?? this.#nextMid(used);
      this.#sctpProposedMid = mid;
      slots.push({ kind: 'application', mid, sctpPort: SCTP_PORT, maxMessageSize: MAX_MESSAGE_SIZE });
    }
    const media = slots.map((s) => buildMediaSection(s, transport));
    return buildSession(
      { sessionId: this.#sessionId, sessionVersion: this.#sessionVersion++, bundleMids: bundleMids(media), iceLite: this.#config.iceLite, streamIds: streamIdsOf(this.#transceivers) },
      media,
    );
  }

  /** JSEP §5.3.1 (initial) and §5.3.2 (subsequent) answers. */
  #buildAnswer(certificate: RTCCertificate): SessionDescription {
    const offer = (this.#pendingRemote ?? this.#currentRemote)?.parsed;
    if (!offer) throw domError('InvalidStateError', 'no remote offer to answer');
    if (this.#answerWithNewCredentials) {
      this.#answerWithNewCredentials = false;
      this.#iceUfrag = randomIceString(4);
      this.#icePwd = randomIceString(24);
    }
    const remoteSetup = offer.media.find((m) => m.port !== 0)?.setup ?? offer.setup ?? 'actpass';
    // RFC 8842 §5.3: answer "active" to actpass (JSEP §5.3.1); the opposite of a fixed role.
    // §5.5: once DTLS is set up, later answers keep the role it has.
    const setup: SetupRole = this.#dtlsRole !== null ? (this.#dtlsRole === 'client' ? 'active' : 'passive') : remoteSetup === 'active' ? 'passive' : 'active';
    const transport = this.#transportSpec(certificate, setup);
    const offeredBundle = offer.groups.find((g) => g.semantics === 'BUNDLE');
    const slots: MediaSpec[] = offer.media.map((rm, i): MediaSpec => {
      const reject: MediaSpec = { kind: rm.kind, protocol: rm.protocol, formats: rm.formats, rejected: true, ...(rm.mid !== undefined ? { mid: rm.mid } : {}) };
      if (rm.port === 0 && !rm.bundleOnly) return reject;
      if (rm.kind === 'application') {
        if (rm.protocol !== SCTP_PROTOCOL && rm.protocol !== 'DTLS/SCTP') return reject;
        if (this.#sctpMLineIndex !== i || rm.mid === undefined) return reject;
        return { kind: 'application', mid: rm.mid, sctpPort: SCTP_PORT, maxMessageSize: MAX_MESSAGE_SIZE };
      }
      const t = this.#transceivers.find((x) => x.mLineIndex === i && !x.stopped);
      if (!t || t.stopping || rm.mid === undefined || !rm.protocol.includes('RTP/')) return reject;
      const codecs = negotiateCodecs(t.localCodecs, rm);
      // telephone-event alone is no audio codec (RFC 4733 §2.1 rides beside one).
      if (codecs.every(isTelephoneEvent)) return reject;
      const direction = answerDirection(t.direction as Direction, rm.direction ?? 'sendrecv');
      // RFC 8853 §5.3: offered send simulcast is received (one layer track per rid, see
      // RTCRtpReceiver.getLayers); offered recv simulcast is sent with our rid encodings.
      const simulcast = mergeSimulcast(hasSend(direction) ? answerSendSimulcast(rm, t.sender.encodings) : undefined, hasRecv(direction) ? answerReceiveSimulcast(rm) : undefined);
      return this.#rtpSpec(t, rm.mid, direction, codecs, rm, simulcast);
    });
    rejectUnbundled(offer, slots);
    const media = slots.map((s) => buildMediaSection(s, transport));
    const accepted = new Set(media.filter((m) => m.port !== 0 || m.bundleOnly).map((m) => m.mid));
    // RFC 9143 §7.3: the answerer's BUNDLE group holds the offered mids it accepted.
    const bundle = (offeredBundle?.mids ?? []).filter((mid) => accepted.has(mid));
    return buildSession(
      { sessionId: this.#sessionId, sessionVersion: this.#sessionVersion++, bundleMids: bundle, iceLite: this.#config.iceLite, streamIds: streamIdsOf(this.#transceivers) },
      media,
    );
  }

  // ---------------------------------------------------------------- set descriptions

  async setLocalDescription(description?: RTCSessionDescriptionInit): Promise<void> {
    return this.#chain(async () => {
      let type: RTCSdpType | undefined = description?.type;
      let sdp = description?.sdp ?? '';
      if (type === 'rollback') return this.#rollback('local');
      // W3C §4.4.1.5 implicit description: offer in stable/have-local-offer, answer otherwise.
      if (type === undefined) {
        type = ['stable', 'have-local-offer', 'have-remote-pranswer'].includes(this.#signalingState) ? 'offer' : 'answer';
      }
      if (type !== 'offer' && type !== 'answer' && type !== 'pranswer') throw domError('TypeError', `unknown description type "${type}"`);
      const allowed = STATE_TRANSITIONS.local[type];
      if (!allowed.includes(this.#signalingState)) {
        throw domError('InvalidStateError', `setLocalDescription(${type}) is not allowed in signalingState "${this.#signalingState}"`);
      }
      const certificate = await this.#certificate;
      if (this.#closed) throw domError('InvalidStateError', 'the peer connection is closed');
      if (sdp === '') {
        // W3C §4.4.1.5 step 4.1: with no SDP, a fresh offer or answer is created for this call
        // (a previously created one may be stale after transceiver changes).
        sdp = serialize(type === 'offer' ? this.#buildOffer(certificate) : this.#buildAnswer(certificate));
        if (type === 'offer') this.#lastCreatedOffer = sdp;
        else this.#lastCreatedAnswer = sdp;
      } else if (sdp !== (type === 'offer' ? this.#lastCreatedOffer : this.#lastCreatedAnswer)) {
        // W3C §4.4.1.5 step 4.3: SDP munging is not allowed.
        throw domError('InvalidModificationError', `setLocalDescription(${type}) needs the description returned by the last create${type === 'offer' ? 'Offer' : 'Answer'}(); do not modify it`);
      }
      const parsed = parse(sdp);
      this.#applyLocal({ type, sdp, parsed });
    });
  }

  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    if (description === null || typeof description !== 'object' || typeof description.type !== 'string') {
      return Promise.reject(domError('TypeError', 'setRemoteDescription needs { type, sdp }'));
    }
    return this.#chain(async () => {
      const type = description.type;
      if (type === 'rollback') return this.#rollback('remote');
      if (type !== 'offer' && type !== 'answer' && type !== 'pranswer') throw domError('TypeError', `unknown description type "${type}"`);
      // W3C §4.4.1.6 step 4: a remote offer in have-local-offer rolls the local offer back first (glare).
      if (type === 'offer' && this.#signalingState === 'have-local-offer') this.#rollback('local', false);
      if (!STATE_TRANSITIONS.remote[type].includes(this.#signalingState)) {
        throw domError('InvalidStateError', `setRemoteDescription(${type}) is not allowed in signalingState "${this.#signalingState}"`);
      }
      let parsed: SessionDescription;
      try {
        parsed = parse(description.sdp ?? '');
      } catch (e) {
        if (e instanceof SdpError) throw new RTCError({ errorDetail: 'sdp-syntax-error', sdpLineNumber: e.line ?? 0 }, `the remote description does not parse: ${e.message}`);
        throw e;
      }
      this.#validateRemote(type, parsed);
      await this.#certificate;
      if (this.#closed) throw domError('InvalidStateError', 'the peer connection is closed');
      this.#applyRemote({ type, sdp: description.sdp ?? '', parsed });
    });
  }

  #validateRemote(type: Exclude<RTCSdpType, 'rollback'>, s: SessionDescription): void {
    for (const m of s.media) {
      if (m.port === 0 && !m.bundleOnly) continue;
      const ufrag = m.iceUfrag ?? s.iceUfrag;
      const pwd = m.icePwd ?? s.icePwd;
      if (!ufrag || !pwd) throw domError('InvalidAccessError', `m= section ${m.mid ?? '?'} has no a=ice-ufrag/a=ice-pwd (RFC 8839 §5.4)`);
      if (m.fingerprints.length === 0 && s.fingerprints.length === 0) {
        throw domError('InvalidAccessError', `m= section ${m.mid ?? '?'} has no a=fingerprint (RFC 8122); DTLS-SRTP needs one`);
      }
      if (m.mid === undefined) throw domError('InvalidAccessError', 'every m= section needs a=mid (JSEP §5.8)');
      if (m.protocol.includes('RTP/') && !m.rtcpMux) throw domError('InvalidAccessError', `m= section ${m.mid} lacks a=rtcp-mux; rtcpMuxPolicy is "require"`);
    }
    if (type !== 'offer') {
      const offer = this.#pendingLocal?.parsed;
      if (offer && offer.media.length !== s.media.length) {
        throw domError('InvalidAccessError', `the answer has ${s.media.length} m= sections but the offer had ${offer.media.length} (RFC 3264 §6)`);
      }
      for (let i = 0; offer && i < s.media.length; i++) {
        if (s.media[i].mid !== undefined && offer.media[i].mid !== undefined && s.media[i].mid !== offer.media[i].mid) {
          throw domError('InvalidAccessError', `answer m= section ${i} has mid ${s.media[i].mid}, the offer had ${offer.media[i].mid}`);
        }
      }
    }
  }

  #setSignalingState(state: RTCSignalingState): void {
    if (this.#signalingState === state) return;
    this.#signalingState = state;
    this.dispatchEvent(new Event('signalingstatechange'));
  }

  /** A new local ufrag (restartIce, iceRestart, or answering a restart) restarts ICE (RFC 8445 §9). */
  #restartIfLocalCredentialsChanged(s: SessionDescription): void {
    const t = this.#transport;
    const local = s.media.find((m) => m.port !== 0);
    const ufrag = local?.iceUfrag ?? s.iceUfrag;
    const pwd = local?.icePwd ?? s.icePwd;
    // Before any new remote credentials are applied: a restart forgets the remote ones.
    if (t && ufrag && pwd && ufrag !== t.localUfrag) t.restartIce(ufrag, pwd);
  }

  #applyLocal(desc: AppliedDescription): void {
    const s = desc.parsed;
    this.#restartIfLocalCredentialsChanged(s);
    if (desc.type === 'offer') {
      // W3C §4.4.1.5: associate transceivers with the m= sections of our offer.
      s.media.forEach((m, i) => {
        if (m.kind === 'application') {
          if (m.port !== 0 && m.mid !== undefined) {
            this.#sctpMLineIndex = i;
            this.#sctpMid = m.mid;
            this.#sctpProposedMid = null;
          }
          return;
        }
        const t = this.#transceivers.find((x) => x.mLineIndex === i) ?? this.#transceivers.find((x) => x.mLineIndex === null && x.proposedMid === m.mid);
        if (!t || m.mid === undefined) return;
        t.mLineIndex = i;
        t.setMid(m.mid);
        t.proposedMid = null;
      });
      this.#pendingLocal = desc;
      this.#setSignalingState('have-local-offer');
    } else {
      this.#finishNegotiation(desc, 'local');
    }
    this.#startTransport();
  }

  #applyRemote(desc: AppliedDescription): void {
    const s = desc.parsed;
    const trackEvents: RTCRtpTransceiver[] = [];
    const removed: RTCRtpTransceiver[] = [];
    if (desc.type === 'offer') {
      // JSEP §5.8 / RFC 8445 §9: new remote ufrag/pwd in an offer is an ICE restart; our answer
      // then carries new credentials too (§5.3.1).
      const prev = this.#currentRemote?.parsed;
      const prevM = prev?.media.find((m) => m.port !== 0);
      const nextM = s.media.find((m) => m.port !== 0);
      const prevUfrag = prevM?.iceUfrag ?? prev?.iceUfrag;
      const nextUfrag = nextM?.iceUfrag ?? s.iceUfrag;
      if (prevUfrag !== undefined && nextUfrag !== undefined && prevUfrag !== nextUfrag) this.#answerWithNewCredentials = true;
      s.media.forEach((m, i) => {
        if (m.kind === 'application') {
          if (this.#sctpMLineIndex === null || this.#sctpMLineIndex === i) {
            if (m.port !== 0 && m.mid !== undefined) {
              this.#sctpMLineIndex = i;
              this.#sctpMid = m.mid;
            }
          }
          return;
        }
        if (m.kind !== 'audio' && m.kind !== 'video') return;
        // W3C §4.4.1.6 step 2.2.8: find or create the transceiver for this m= section.
        let t = this.#transceivers.find((x) => x.mid !== null && x.mid === m.mid) ?? this.#transceivers.find((x) => x.mLineIndex === i && !x.stopped);
        if (!t) {
          t = this.#transceivers.find((x) => x.addedByAddTrack && x.kind === m.kind && x.mid === null && x.mLineIndex === null && !x.stopping);
        }
        if (!t) {
          if (m.port === 0 && !m.bundleOnly) return;
          t = this.#createTransceiver(m.kind, null, 'recvonly', [], undefined);
          t.createdByRemoteOffer = true;
        }
        t.mLineIndex = i;
        if (m.mid !== undefined) t.setMid(m.mid);
        if (m.port === 0 && !m.bundleOnly) return;
        // W3C §4.4.1.6: a request to receive simulcast proposes our send encodings (one per
        // rid), for a sender whose encodings the program did not choose and that never sent.
        const proposed = proposedSendEncodings(m);
        if (proposed && t.sender.encodings.length === 1 && t.sender.encodings[0].rid === undefined && !hasEverSent(t)) t.sender.setInitialEncodings(proposed);
        // An offer sending simulcast: the layer tracks exist by the 'track' event (RTCRtpReceiver.getLayers).
        const offeredLayers = hasRecv(t.direction as Direction) ? answerReceiveSimulcast(m) : undefined;
        if (offeredLayers) t.receiver.proposeLayers(offeredLayers.rids.map((r) => r.id));
        this.#processRemoteTrack(t, m, trackEvents, removed);
      });
      this.#pendingRemote = desc;
      this.#setSignalingState('have-remote-offer');
    } else {
      // Answer or pranswer to our offer: remote tracks from the answered directions.
      s.media.forEach((m, i) => {
        const t = this.#transceivers.find((x) => x.mLineIndex === i);
        if (!t || (m.port === 0 && !m.bundleOnly)) return;
        this.#processRemoteTrack(t, m, trackEvents, removed);
      });
      this.#finishNegotiation(desc, 'remote');
    }
    // W3C §4.4.1.6 steps: remote track removal (mute) then track events, after the state change.
    for (const t of removed) {
      for (const id of t.remoteStreamIds) this.#remoteStreams.get(id)?.removeRemoteTrack(t.receiver.track);
      t.receiver.track.setMuted(true);
    }
    for (const t of trackEvents) {
      const streams = t.remoteStreamIds.map((id) => this.#remoteStream(id));
      for (const st of streams) st.addRemoteTrack(t.receiver.track);
      this.dispatchEvent(new RTCTrackEvent('track', { receiver: t.receiver, track: t.receiver.track, streams, transceiver: t }));
    }
    const started = this.#transportStarted;
    this.#startTransport();
    // The answerer can start checks as soon as it knows the offerer's transport (RFC 8838 §4).
    if (started && desc.type === 'offer') this.#pushRemoteTransport(s);
  }

  #remoteStream(id: string): MediaStream {
    let st = this.#remoteStreams.get(id);
    if (!st) {
      st = new MediaStream(id);
      this.#remoteStreams.set(id, st);
    }
    return st;
  }

  /** W3C §4.4.1.6 "process the addition/removal of a remote track". */
  #processRemoteTrack(t: RTCRtpTransceiver, m: MediaDescription, trackEvents: RTCRtpTransceiver[], removed: RTCRtpTransceiver[]): void {
    const remoteSends = hasSend(m.direction ?? 'sendrecv');
    const streamIds = m.msids.map((x) => x.streamId).filter((x) => x !== '-');
    if (streamIds.length === 0) {
      // Plan B style a=ssrc msid (older peers) as a fallback.
      for (const a of m.ssrcs) if (a.attribute === 'msid' && a.value) streamIds.push(a.value.split(' ')[0]);
    }
    const uniqueIds = [...new Set(streamIds)].filter((x) => x !== '-');
    if (remoteSends) {
      const fired = t.firedDirection !== null && hasRecv(t.firedDirection);
      const sameStreams = uniqueIds.length === t.remoteStreamIds.length && uniqueIds.every((x) => t.remoteStreamIds.includes(x));
      if (!sameStreams) {
        for (const old of t.remoteStreamIds) if (!uniqueIds.includes(old)) this.#remoteStreams.get(old)?.removeRemoteTrack(t.receiver.track);
        t.remoteStreamIds = uniqueIds;
      }
      if (!fired || !sameStreams) trackEvents.push(t);
      t.firedDirection = 'recvonly';
    } else if (t.firedDirection !== null && hasRecv(t.firedDirection)) {
      t.firedDirection = 'inactive';
      removed.push(t);
    }
  }

  /** An answer (local or remote) makes the pending descriptions current (JSEP §5.10–5.11). */
  #finishNegotiation(desc: AppliedDescription, side: 'local' | 'remote'): void {
    const isFinal = desc.type === 'answer';
    if (side === 'local') {
      if (isFinal) {
        this.#currentLocal = desc;
        this.#currentRemote = this.#pendingRemote ?? this.#currentRemote;
        this.#pendingLocal = null;
        this.#pendingRemote = null;
      } else this.#pendingLocal = desc;
    } else if (isFinal) {
      this.#currentRemote = desc;
      this.#currentLocal = this.#pendingLocal ?? this.#currentLocal;
      this.#pendingLocal = null;
      this.#pendingRemote = null;
    } else this.#pendingRemote = desc;
    if (isFinal) {
      const local = this.#currentLocal?.parsed;
      const remote = this.#currentRemote?.parsed;
      if (local && remote) this.#applyNegotiated(local, remote);
      // Transceivers created by the remote offer are now part of the session.
      for (const t of this.#transceivers) t.createdByRemoteOffer = false;
      if (this.#iceRestartPending && side === 'remote') this.#iceRestartPending = false;
      if (side === 'local') this.#iceRestartPending = false;
      this.#setSignalingState('stable');
      // W3C §4.4.1.5/6: back in stable, re-evaluate negotiation-needed from scratch.
      this.#negotiationNeeded = false;
      this.updateNegotiationNeeded();
    } else {
      this.#setSignalingState(side === 'local' ? 'have-local-pranswer' : 'have-remote-pranswer');
    }
  }

  /** Sets currentDirection, negotiated codecs, and stops rejected transceivers (W3C §4.4.1.5–6). */
  #applyNegotiated(local: SessionDescription, remote: SessionDescription): void {
    const localIsAnswer = this.#currentLocal?.type === 'answer';
    const answer = localIsAnswer ? local : remote;
    const outside = unbundledSections(answer);
    for (const t of this.#transceivers) {
      if (t.mLineIndex === null) continue;
      const lm = local.media[t.mLineIndex];
      const rm = remote.media[t.mLineIndex];
      const am = answer.media[t.mLineIndex];
      if (!lm || !rm || !am) continue;
      if ((am.port === 0 && !am.bundleOnly) || outside.has(t.mLineIndex)) {
        t.markStopped();
        continue;
      }
      const localDir = lm.direction ?? 'sendrecv';
      t.setCurrentDirection(localDir);
      if (localIsAnswer && t.stopping) t.markStopped();
      // Send with the codecs the peer accepts in its own description's order and payload types.
      const codecs = negotiateCodecs(t.localCodecs, rm);
      const extensions = negotiateExtensions(DEFAULT_EXTENSIONS[t.kind], rm);
      const mid = lm.mid ?? t.mid ?? '';
      const sendLayers = negotiatedSendLayers(lm, rm);
      if (sendLayers.length === 0 && hasSend(localDir)) t.sender.keepFirstEncoding();
      t.sender.setNegotiated({ mid, codecs, extensions, layers: sendLayers });
      const recvCodecs = negotiateCodecs(t.localCodecs, lm);
      const ssrcs = [...new Set(rm.ssrcs.map((x) => x.ssrc))];
      const fb = (type: string, parameter?: string): boolean => recvCodecs.some((c) => c.feedback.some((f) => f.type === type && f.parameter === parameter));
      t.receiver.setNegotiated({ mid, codecs: recvCodecs, extensions: negotiateExtensions(DEFAULT_EXTENSIONS[t.kind], lm), ssrcs, nack: fb('nack'), pli: fb('nack', 'pli'), fir: fb('ccm', 'fir'), layers: negotiatedReceiveLayers(lm, rm) });
      if (!hasRecv(localDir) && t.firedDirection !== null && hasRecv(t.firedDirection)) t.firedDirection = localDir;
    }
    // The data channel section (RFC 8841).
    if (this.#sctpMLineIndex !== null) {
      const am = answer.media[this.#sctpMLineIndex];
      if (!am || (am.port === 0 && !am.bundleOnly) || outside.has(this.#sctpMLineIndex)) {
        this.#sctpMid = null;
        this.#sctpMLineIndex = null;
      }
    }
    this.#updateTransportMedia(remote);
  }

  #rollback(side: 'local' | 'remote', fireEvent = true): void {
    // W3C §4.4.1.5 step "rollback": only a pending offer can be rolled back.
    const expected = side === 'local' ? 'have-local-offer' : 'have-remote-offer';
    if (this.#signalingState !== expected) {
      throw domError('InvalidStateError', `rollback of a ${side} description needs signalingState "${expected}" (it is "${this.#signalingState}")`);
    }
    const current = (this.#currentLocal ?? this.#currentRemote)?.parsed.media ?? [];
    const currentMids = new Set(current.map((m) => m.mid));
    for (let i = this.#transceivers.length - 1; i >= 0; i--) {
      const t = this.#transceivers[i];
      if (t.mid !== null && !currentMids.has(t.mid)) {
        // The association came from the rolled-back description: undo it.
        if (side === 'remote' && t.firedDirection !== null && hasRecv(t.firedDirection)) {
          for (const id of t.remoteStreamIds) this.#remoteStreams.get(id)?.removeRemoteTrack(t.receiver.track);
          t.receiver.track.setMuted(true);
          t.firedDirection = null;
          t.remoteStreamIds = [];
        }
        t.setMid(null);
        t.mLineIndex = null;
      }
      if (side === 'remote' && t.createdByRemoteOffer && !t.addedByAddTrack && t.sender.track === null) {
        this.#transceivers.splice(i, 1);
      }
    }
    if (this.#sctpMid !== null && !currentMids.has(this.#sctpMid)) {
      this.#sctpMid = null;
      this.#sctpMLineIndex = null;
    }
    if (side === 'local') this.#pendingLocal = null;
    else this.#pendingRemote = null;
    this.#signalingState = 'stable';
    if (fireEvent) this.dispatchEvent(new Event('signalingstatechange'));
    this.#negotiationNeeded = false;
    this.updateNegotiationNeeded();
  }

  // ---------------------------------------------------------------- ICE candidates

  async addIceCandidate(candidate?: RTCIceCandidateInit | RTCIceCandidate | null): Promise<void> {
    // W3C §4.4.1.7: both sdpMid and sdpMLineIndex null with a non-empty candidate is a TypeError.
    if (candidate && (candidate.candidate ?? '') !== '' && (candidate.sdpMid ?? null) === null && (candidate.sdpMLineIndex ?? null) === null) {
      return Promise.reject(domError('TypeError', 'addIceCandidate needs sdpMid or sdpMLineIndex'));
    }
    return this.#chain(() => {
      const remote = this.#pendingRemote ?? this.#currentRemote;
      if (!remote) throw domError('InvalidStateError', 'addIceCandidate needs a remote description; call setRemoteDescription first');
      const text = candidate?.candidate ?? '';
      const media = remote.parsed.media;
      let index = -1;
      if (candidate && (candidate.sdpMid ?? null) !== null) index = media.findIndex((m) => m.mid === candidate.sdpMid);
      else if (candidate && (candidate.sdpMLineIndex ?? null) !== null) index = (candidate.sdpMLineIndex ?? -1) < media.length ? (candidate.sdpMLineIndex ?? -1) : -1;
      if (text === '') {
        // End of candidates (RFC 8838 §4.4): for one section or, with no target, all.
        const targets = index >= 0 ? [media[index]] : media;
        for (const m of targets) m.endOfCandidates = true;
        this.#remoteCandidatesEnded = true;
        this.#transport?.addRemoteCandidate(null);
        return;
      }
      if (index < 0) throw domError('OperationError', `no m= section matches sdpMid ${candidate?.sdpMid ?? 'null'} / sdpMLineIndex ${candidate?.sdpMLineIndex ?? 'null'}`);
      const m = media[index];
      const ufrag = candidate?.usernameFragment ?? null;
      if (ufrag !== null && ufrag !== (m.iceUfrag ?? remote.parsed.iceUfrag)) {
        throw domError('OperationError', `candidate ufrag ${ufrag} does not match the remote description's ice-ufrag`);
      }
      let parsed: Candidate;
      try {
        parsed = parseCandidate(text);
      } catch (e) {
        if (e instanceof SdpError) throw domError('OperationError', `the candidate does not parse: ${e.message}`);
        throw e;
      }
      if (m.candidates.length < 256) m.candidates.push(parsed);
      // A section our answer rejected (not bundled, see rejectUnbundled) has no transport here:
      // its candidates belong to an ICE session we do not run (JSEP §5.3.1).
      const local = (this.#pendingLocal ?? this.#currentLocal)?.parsed.media[index];
      if (local && local.port === 0 && !local.bundleOnly) return;
      // BUNDLE: one transport; a candidate for any bundled section belongs to it.
      this.#transport?.addRemoteCandidate(parsed);
    });
  }

  // ---------------------------------------------------------------- tracks and transceivers

  getTransceivers(): RTCRtpTransceiver[] {
    return [...this.#transceivers];
  }
  getSenders(): RTCRtpSender[] {
    return this.#transceivers.filter((t) => !t.stopped).map((t) => t.sender);
  }
  getReceivers(): RTCRtpReceiver[] {
    return this.#transceivers.filter((t) => !t.stopped).map((t) => t.receiver);
  }

  #createTransceiver(kind: 'audio' | 'video', track: MediaStreamTrack | null, direction: Direction, streamIds: string[], encodings: RTCRtpEncodingInit[] | undefined): RTCRtpTransceiver {
    const sender = new RTCRtpSender(kind, track, streamIds, this.#cname);
    if (encodings && encodings.length > 0) sender.setInitialEncodings(encodings);
    sender.onNegotiationNeeded = () => this.updateNegotiationNeeded();
    const receiver = new RTCRtpReceiver(kind);
    sender.statsProvider = () => this.statsFor({ sender });
    receiver.statsProvider = () => this.statsFor({ receiver });
    const t = new RTCRtpTransceiver(kind, sender, receiver, direction, {
      isClosed: () => this.#closed,
      updateNegotiationNeeded: () => this.updateNegotiationNeeded(),
    });
    sender.dtmf?.attachTransceiver(t);
    this.#transceivers.push(t);
    this.onTransceiverCreated(t);
    return t;
  }

  /** Hook for the transport layer (wires senders/receivers). */
  protected onTransceiverCreated(_t: RTCRtpTransceiver): void {}

  addTrack(track: MediaStreamTrack, ...streams: MediaStream[]): RTCRtpSender {
    if (this.#closed) throw domError('InvalidStateError', 'the peer connection is closed');
    if (!track || (track.kind !== 'audio' && track.kind !== 'video')) throw domError('TypeError', 'addTrack needs a MediaStreamTrack');
    // W3C §4.4.4 addTrack step 5: the same track twice is an error.
    if (this.#transceivers.some((t) => !t.stopped && t.sender.track === track)) {
      throw domError('InvalidAccessError', 'this track already has a sender on this peer connection; use replaceTrack or a clone');
    }
    const streamIds = streams.map((s) => s.id);
    // Step 7: reuse a transceiver of the same kind that never sent.
    const reusable = this.#transceivers.find(
      (t) => t.kind === track.kind && t.sender.track === null && !t.stopping && !t.stopped && !t.sender.encodings.some((e) => e.rid) && !hasEverSent(t),
    );
    if (reusable) {
      reusable.sender.attachTrack(track);
      reusable.sender.setStreams(...streams);
      const d = reusable.direction as Direction;
      if (d === 'recvonly') reusable.setDirectionInternal('sendrecv');
      else if (d === 'inactive') reusable.setDirectionInternal('sendonly');
      reusable.addedByAddTrack = true;
      this.updateNegotiationNeeded();
      return reusable.sender;
    }
    const t = this.#createTransceiver(track.kind, track, 'sendrecv', streamIds, undefined);
    t.addedByAddTrack = true;
    this.updateNegotiationNeeded();
    return t.sender;
  }

  removeTrack(sender: RTCRtpSender): void {
    if (this.#closed) throw domError('InvalidStateError', 'the peer connection is closed');
    const t = this.#transceivers.find((x) => x.sender === sender);
    if (!t) throw domError('InvalidAccessError', 'this sender was not created by this peer connection');
    if (t.stopping || sender.track === null) return;
    sender.attachTrack(null);
    const d = t.direction as Direction;
    if (d === 'sendrecv') t.setDirectionInternal('recvonly');
    else if (d === 'sendonly') t.setDirectionInternal('inactive');
    this.updateNegotiationNeeded();
  }

  addTransceiver(trackOrKind: MediaStreamTrack | string, init: RTCRtpTransceiverInit = {}): RTCRtpTransceiver {
    if (this.#closed) throw domError('InvalidStateError', 'the peer connection is closed');
    const track = typeof trackOrKind === 'string' ? null : trackOrKind;
    const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind?.kind;
    if (kind !== 'audio' && kind !== 'video') throw domError('TypeError', `addTransceiver needs a track or "audio"/"video" (got ${String(kind)})`);
    const direction = init.direction ?? 'sendrecv';
    if (!['sendrecv', 'sendonly', 'recvonly', 'inactive'].includes(direction)) throw domError('TypeError', `invalid direction "${direction}"`);
    const encodings = init.sendEncodings ?? [];
    // W3C §5.1 addTransceiver step 8: rids are unique, all or nothing, 1–16 alphanumerics.
    const rids = encodings.map((e) => e.rid);
    if (encodings.length > 1 && rids.some((r) => r === undefined)) throw domError('TypeError', 'with several sendEncodings each needs a rid');
    for (const r of rids) if (r !== undefined && !/^[A-Za-z0-9]{1,16}$/.test(r)) throw domError('TypeError', `rid "${r}" must be 1–16 alphanumerics (RFC 8851 §10)`);
    if (new Set(rids).size !== rids.length) throw domError('TypeError', 'sendEncodings rids must be unique');
    for (const e of encodings) {
      if (e.scaleResolutionDownBy !== undefined && e.scaleResolutionDownBy < 1) throw domError('RangeError', 'scaleResolutionDownBy must be at least 1');
      if (e.maxBitrate !== undefined && e.maxBitrate < 0) throw domError('RangeError', 'maxBitrate must be non-negative');
    }
    const receiveRids = (init.receiveEncodings ?? []).map((e) => e?.rid);
    for (const r of receiveRids) if (typeof r !== 'string' || !/^[A-Za-z0-9]{1,16}$/.test(r)) throw domError('TypeError', `receiveEncodings rid "${String(r)}" must be 1–16 alphanumerics (RFC 8851 §10)`);
    if (new Set(receiveRids).size !== receiveRids.length || receiveRids.length > MAX_SIMULCAST_LAYERS) throw domError('TypeError', `receiveEncodings rids must be unique, at most ${MAX_SIMULCAST_LAYERS}`);
    const t = this.#createTransceiver(kind, track, direction, (init.streams ?? []).map((s) => s.id), encodings.length > 0 ? encodings : undefined);
    t.receiver.requestedLayers = receiveRids.map((rid) => ({ rid: rid as string, paused: false }));
    this.updateNegotiationNeeded();
    return t;
  }

  restartIce(): void {
    if (this.#closed) return;
    this.#iceRestartPending = true;
    this.updateNegotiationNeeded();
  }

  /** W3C §6.1 createDataChannel: the first one makes an m=application section needed. */
  createDataChannel(label: string, init: RTCDataChannelInit = {}): RTCDataChannel {
    if (this.#closed) throw domError('InvalidStateError', 'the peer connection is closed');
    const channel = this.#dataChannels.createDataChannel(label, init);
    this.#countDataChannel(channel);
    this.requestSctp();
    return channel;
  }

  /** webrtc-stats §5.2 dataChannelsOpened/Closed: channels that reached "open", and closed after. */
  #countDataChannel(channel: RTCDataChannel): void {
    // webrtc-stats §5.10 RTCDataChannelStats: the channel counts its own messages and bytes.
    this.#channelStats.push({ channel, counts: channel.counts });
    if (this.#channelStats.length > 1024) this.#channelStats.splice(0, this.#channelStats.findIndex((c) => c.channel.readyState === 'closed') + 1);
    let opened = channel.readyState === 'open';
    if (opened) this.#dataChannelsOpened++;
    channel.addEventListener('open', () => {
      opened = true;
      this.#dataChannelsOpened++;
    });
    channel.addEventListener('close', () => {
      if (opened) this.#dataChannelsClosed++;
    });
  }

  /** Requests an m=application section (W3C §6.1: the first data channel triggers negotiation). */
  protected requestSctp(): void {
    if (this.sctpWanted) return;
    this.sctpWanted = true;
    if (this.#sctpMid === null) this.updateNegotiationNeeded();
  }

  // ---------------------------------------------------------------- transport

  #startTransport(): void {
    if (this.#closed) return;
    if (this.#transportStarted) return;
    const cert = this.#certificateValue;
    if (!cert || !transportFactory) return;
    this.#transportStarted = true;
    // RFC 8445 §6.1.1: the agent that sends the first offer is controlling.
    const controlling = this.#pendingLocal?.type === 'offer' || this.#currentLocal?.type === 'offer';
    const source: TransportSource = {
      localCandidates: () => [...this.#localCandidates],
      remoteCandidates: () => (this.#transport instanceof Connection ? this.#transport.remoteCandidates.map(toSdpCandidate) : []),
      selectedPair: () => {
        const p = this.#transport instanceof Connection ? this.#transport.selectedPair : undefined;
        return p ? { local: toSdpCandidate(p.local), remote: toSdpCandidate(p.remote), relayProtocol: p.local.relayProtocol } : undefined;
      },
      localParameters: () => ({ usernameFragment: this.#iceUfrag, password: this.#icePwd }),
      remoteParameters: () => {
        const r = (this.#pendingRemote ?? this.#currentRemote)?.parsed;
        const m = r?.media.find((x) => x.port !== 0);
        const ufrag = m?.iceUfrag ?? r?.iceUfrag;
        const pwd = m?.icePwd ?? r?.icePwd;
        return ufrag && pwd ? { usernameFragment: ufrag, password: pwd } : null;
      },
      remoteCertificates: () => {
        const der = this.#transport instanceof Connection ? this.#transport.peerCertificate : undefined;
        return der ? [der.slice().buffer as ArrayBuffer] : [];
      },
      mid: () => (this.#pendingLocal ?? this.#currentLocal)?.parsed.media.find((m) => m.port !== 0)?.mid ?? '0',
    };
    this.#iceTransport = new RTCIceTransport(source, controlling ? 'controlling' : 'controlled');
    this.#dtlsTransport = new RTCDtlsTransport(source, this.#iceTransport);
    this.#transport = transportFactory(this.#config, cert, {
      localCandidate: (c, relayProtocol) => this.#onLocalCandidate(c, relayProtocol),
      gatheringState: (s) => this.#onGatheringState(s),
      iceState: (s) => this.#onIceState(s),
      dtlsState: (s) => this.#onDtlsState(s),
      sctpState: (s) => {
        this.#tasks.queue(() => this.#sctpTransport?.setState(s));
        for (const l of this.sctpListeners) l.state(s);
      },
      selectedPair: () => this.#tasks.queue(() => this.#iceTransport?.selectedPairChanged()),
      candidateError: (err) =>
        this.#tasks.queue(() => {
          if (!this.#closed) this.dispatchEvent(new RTCPeerConnectionIceErrorEvent('icecandidateerror', err));
        }),
    }, { ufrag: this.#iceUfrag, pwd: this.#icePwd, controlling, dataChannels: this.#dataChannels });
    this.onTransportCreated(this.#transport);
    if (this.#transport instanceof Connection) {
      this.#transport.onBandwidthEstimate = (bitrate) =>
        this.#tasks.queue(() => {
          if (!this.#closed) this.dispatchEvent(new RTCBandwidthEstimateEvent('bandwidthestimate', { bitrate }));
        });
    }
    this.#transport.startGathering();
    const remote = (this.#pendingRemote ?? this.#currentRemote)?.parsed;
    if (remote) this.#pushRemoteTransport(remote);
  }

  /** Hook for the data channel layer. */
  protected onTransportCreated(_t: PeerTransport): void {}

  /** Remote ICE/DTLS parameters from the first bundled section (RFC 9143 §7.1.3). */
  #pushRemoteTransport(remote: SessionDescription): void {
    const transport = this.#transport;
    if (!transport) return;
    const first = remote.media.find((m) => m.port !== 0 || m.bundleOnly);
    if (!first) return;
    const remoteSetup = first.setup ?? remote.setup ?? 'actpass';
    // RFC 8842 §5.3 / JSEP §5.3.1: "active" is the DTLS client; we answer actpass with active.
    // The role is fixed by the first negotiation (§5.5) unless the transport is replaced.
    const dtlsRole = this.#dtlsRole ?? (remoteSetup === 'active' ? 'server' : 'client');
    this.#dtlsRole = dtlsRole;
    transport.setRemote({
      iceUfrag: first.iceUfrag ?? remote.iceUfrag ?? '',
      icePwd: first.icePwd ?? remote.icePwd ?? '',
      iceLite: remote.iceLite,
      candidates: first.candidates,
      endOfCandidates: first.endOfCandidates || this.#remoteCandidatesEnded,
      fingerprints: first.fingerprints.length > 0 ? first.fingerprints : remote.fingerprints,
      dtlsRole,
      controlling: remote.iceLite ? true : this.#currentLocal?.type === 'offer' && !this.#config.iceLite,
    });
  }

  #onLocalCandidate(c: Candidate, relayProtocol?: RTCIceServerTransportProtocol): void {
    if (this.#closed || this.#localCandidates.length >= 64) return;
    // An ICE restart re-announces the same candidates (RFC 8445 §9): the description keeps one copy.
    const known = this.#localCandidates.some((x) => x.address === c.address && x.port === c.port && x.type === c.type && x.transport === c.transport);
    if (!known) this.#localCandidates.push(c);
    this.#tasks.queue(() => {
      if (this.#closed) return;
      const media = (this.#pendingLocal ?? this.#currentLocal)?.parsed.media ?? [];
      const index = media.findIndex((m) => m.port !== 0 || m.bundleOnly);
      const mid = media[index]?.mid ?? '0';
      const candidate = RTCIceCandidate.fromCandidate(c, mid, Math.max(0, index), this.#iceUfrag, relayProtocol);
      this.dispatchEvent(new RTCPeerConnectionIceEvent('icecandidate', { candidate }));
    });
  }

  #onGatheringState(s: RTCIceGatheringState): void {
    this.#tasks.queue(() => {
      if (this.#closed || this.#iceGatheringState === s) return;
      if (s === 'gathering') this.#gatheringComplete = false;
      if (s === 'complete') this.#gatheringComplete = true;
      this.#iceTransport?.setGatheringState(s);
      this.#iceGatheringState = s;
      this.dispatchEvent(new Event('icegatheringstatechange'));
      // W3C §4.3.2: the end of gathering is a candidate event with null.
      if (s === 'complete') this.dispatchEvent(new RTCPeerConnectionIceEvent('icecandidate', { candidate: null }));
    });
  }

  #onIceState(s: RTCIceTransportState): void {
    this.#tasks.queue(() => {
      if (this.#closed) return;
      // W3C §5.6: the RTCIceTransport's statechange fires before the peer connection's events.
      this.#iceTransport?.setState(s);
      if (this.#iceConnectionState === s) return;
      this.#iceConnectionState = s;
      this.dispatchEvent(new Event('iceconnectionstatechange'));
      this.#updateConnectionState();
    });
  }

  #onDtlsState(s: RTCDtlsTransportState): void {
    this.#tasks.queue(() => {
      if (this.#closed) return;
      this.#dtlsState = s;
      this.#dtlsTransport?.setState(s);
      this.#updateConnectionState();
    });
  }

  /** W3C §4.3.3 RTCPeerConnectionState from the ICE and DTLS transport states. */
  #updateConnectionState(): void {
    const ice = this.#iceConnectionState;
    const dtls = this.#dtlsState;
    let next: RTCPeerConnectionState;
    if (ice === 'failed' || dtls === 'failed') next = 'failed';
    else if (ice === 'disconnected') next = 'disconnected';
    else if ((ice === 'connected' || ice === 'completed') && dtls === 'connected') next = 'connected';
    else if (ice === 'new' && dtls === 'new') next = 'new';
    else next = 'connecting';
    if (next === this.#connectionState) return;
    this.#connectionState = next;
    this.dispatchEvent(new Event('connectionstatechange'));
  }

  #updateTransportMedia(remote: SessionDescription): void {
    const transport = this.#transport;
    if (!transport) return;
    this.#pushRemoteTransport(remote);
    for (const t of this.#transceivers) {
      if (t.stopped || t.mid === null) continue;
      const dir = t.currentDirection;
      // W3C §5.2: the sender's transport is the RTCDtlsTransport; sending needs a send direction.
      t.sender.transport = dir && dir !== 'stopped' && hasSend(dir) ? this.#dtlsTransport : null;
      t.receiver.transport = this.#dtlsTransport;
      // Simulcast layers (RFC 8853) share their transceiver's transport.
      for (const l of t.sender.allLayerSenders) l.transport = t.sender.transport;
      for (const l of t.receiver.layerReceivers) l.transport = this.#dtlsTransport;
    }
    const bindings = this.#transceivers
      .filter((t) => t.mid !== null && !t.stopped)
      .map((t) => ({ mid: t.mid as string, senders: [t.sender, ...t.sender.layerSenders], receivers: [t.receiver, ...t.receiver.layerReceivers] }));
    const sctp = this.#sctpMid !== null && this.#sctpMLineIndex !== null ? remote.media[this.#sctpMLineIndex] : undefined;
    if (sctp && this.#dtlsTransport) {
      // W3C §4.4.1.5/6: the RTCSctpTransport appears once the application section is negotiated.
      const remoteMax = sctp.maxMessageSize ?? 65536;
      const max = remoteMax === 0 ? LOCAL_MAX_MESSAGE_SIZE : Math.min(remoteMax, LOCAL_MAX_MESSAGE_SIZE);
      if (!this.#sctpTransport) this.#sctpTransport = new RTCSctpTransport(this.#dtlsTransport, max);
      else this.#sctpTransport.setMaxMessageSize(max);
    }
    transport.setMedia(bindings, sctp && this.#sctpMid !== null ? { mid: this.#sctpMid, remotePort: sctp.sctpPort ?? SCTP_PORT, maxMessageSize: sctp.maxMessageSize ?? 65536 } : null);
  }

  // ---------------------------------------------------------------- close

  close(): void {
    if (this.#closed) return;
    // W3C §4.4.1.8: no events fire for these state changes.
    this.#closed = true;
    this.#signalingState = 'closed';
    for (const t of this.#transceivers) if (!t.stopped) t.markStopped();
    this.#dataChannels.closeAll();
    this.#transport?.close();
    // W3C §4.4.1.8 close: the transports end "closed" (no events).
    this.#sctpTransport?.setState('closed');
    this.#iceConnectionState = 'closed';
    this.#connectionState = 'closed';
    this.#dtlsState = 'closed';
    this.onClose();
  }

  /** Hook for the data channel layer. */
  protected onClose(): void {}

  // ---------------------------------------------------------------- stats

  /** W3C §8.2 getStats: the whole connection, or one sender's/receiver's streams (selector). */
  async getStats(selector?: MediaStreamTrack | null): Promise<RTCStatsReport> {
    if (this.#closed) throw domError('InvalidStateError', 'the peer connection is closed');
    let filter: { sender?: RTCRtpSender; receiver?: RTCRtpReceiver } | undefined;
    if (selector) {
      const senders = this.#transceivers.filter((t) => t.sender.track === selector);
      const receivers = this.#transceivers.filter((t) => t.receiver.track === selector);
      if (senders.length + receivers.length !== 1) throw domError('InvalidAccessError', 'the selector track must belong to exactly one sender or receiver of this connection');
      filter = senders.length === 1 ? { sender: senders[0].sender } : { receiver: receivers[0].receiver };
    }
    return this.statsFor(filter);
  }

  /** Used by RTCRtpSender/Receiver.getStats and the data channel layer. */
  protected statsFor(filter?: { sender?: RTCRtpSender; receiver?: RTCRtpReceiver }): RTCStatsReport {
    return buildStatsReport(
      {
        transceivers: this.#transceivers,
        connection: this.#transport instanceof Connection ? this.#transport : null,
        localCertificate: this.#certificateValue,
        remoteFingerprint: this.remoteFingerprint,
        iceState: this.#iceConnectionState,
        dtlsState: this.#dtlsState,
        dataChannels: this.dataChannelStats(),
      },
      filter,
    );
  }

  /** Overridden by the data channel layer. */
  protected dataChannelStats(): { opened: number; closed: number; stats: RTCStats[] } {
    const timestamp = performance.timeOrigin + performance.now();
    const stats: RTCStats[] = this.#channelStats.map(({ channel, counts }, i) => ({
      id: `D${i}`,
      type: 'data-channel',
      timestamp,
      label: channel.label,
      protocol: channel.protocol,
      dataChannelIdentifier: channel.id ?? undefined,
      state: channel.readyState,
      ...counts,
    }));
    return { opened: this.#dataChannelsOpened, closed: this.#dataChannelsClosed, stats };
  }

  protected get cname(): string {
    return this.#cname;
  }
  protected get localCertificate(): RTCCertificate | null {
    return this.#certificateValue;
  }
  protected get remoteFingerprint(): { algorithm: string; value: string } | null {
    const r = this.#currentRemote?.parsed;
    const f = r?.media.find((m) => m.fingerprints.length > 0)?.fingerprints[0] ?? r?.fingerprints[0];
    return f ?? null;
  }
}

function hasEverSent(t: RTCRtpTransceiver): boolean {
  const d = t.currentDirection;
  return d === 'sendrecv' || d === 'sendonly';
}

/**
 * omnirtc runs one transport per peer connection, the one the offer's first live section
 * describes (see #pushRemoteTransport). A section the offer does not BUNDLE with it would need a
 * transport of its own, so the answer rejects it: JSEP §4.1.1 max-bundle ("if the remote endpoint
 * is not BUNDLE-aware, negotiate only one media track"). balanced and max-compat behave the same.
 */
function rejectUnbundled(offer: SessionDescription, slots: MediaSpec[]): void {
  const carrier = offer.media.find((m) => m.port !== 0 || m.bundleOnly);
  if (carrier?.mid === undefined) return;
  const group = offer.groups.find((g) => g.semantics === 'BUNDLE' && g.mids.includes(carrier.mid as string));
  offer.media.forEach((rm, i) => {
    const slot = slots[i];
    if (rm === carrier || slot === undefined || 'rejected' in slot || rm.mid === undefined) return;
    if (group?.mids.includes(rm.mid)) return;
    slots[i] = { kind: rm.kind, protocol: rm.protocol, formats: rm.formats, rejected: true, mid: rm.mid };
  });
}

/**
 * The indices of accepted sections an answer leaves out of the BUNDLE group of its first
 * accepted section: a non-BUNDLE answerer runs a transport for each, and we run only the first,
 * so they are treated as rejected (JSEP §4.1.1 max-bundle: only one media track is negotiated).
 */
function unbundledSections(answer: SessionDescription): Set<number> {
  const outside = new Set<number>();
  const live = (m: MediaDescription): boolean => m.port !== 0 || m.bundleOnly;
  const carrier = answer.media.find(live);
  if (carrier === undefined) return outside;
  const group = answer.groups.find((g) => g.semantics === 'BUNDLE' && carrier.mid !== undefined && g.mids.includes(carrier.mid));
  answer.media.forEach((m, i) => {
    if (m !== carrier && live(m) && !(m.mid !== undefined && group?.mids.includes(m.mid))) outside.add(i);
  });
  return outside;
}

function bundleMids(media: MediaDescription[]): string[] {
  return media.filter((m) => m.port !== 0 && m.mid !== undefined).map((m) => m.mid as string);
}

function streamIdsOf(ts: readonly RTCRtpTransceiver[]): string[] {
  const ids = new Set<string>();
  for (const t of ts) if (!t.stopped) for (const s of t.sender.streamIds) ids.add(s);
  return [...ids];
}

/** Subsequent offers keep negotiated payload types first, then the rest we support. */
function mergeCodecs(negotiated: CodecSpec[], local: readonly CodecSpec[]): CodecSpec[] {
  const out = [...negotiated];
  const usedPts = new Set(out.flatMap((c) => (c.rtxPayloadType !== undefined ? [c.payloadType, c.rtxPayloadType] : [c.payloadType])));
  for (const c of local) {
    if (out.some((o) => o.name.toLowerCase() === c.name.toLowerCase() && (o.fmtp ?? '') === (c.fmtp ?? ''))) continue;
    if (usedPts.has(c.payloadType) || (c.rtxPayloadType !== undefined && usedPts.has(c.rtxPayloadType))) continue;
    out.push(c);
  }
  return out;
}
