// The connection behind one RTCPeerConnection: one ICE agent for the BUNDLE transport
// (RFC 9143), the RFC 7983 demultiplexer on its data, DTLS (RFC 6347) with the role from
// a=setup, SRTP keys from the DTLS exporter (RFC 5764 §4.2), RTP routed by MID header
// extension, then SSRC, then payload type (RFC 9143 §9.2), RTCP feedback both ways
// (RFC 3550 SR/RR/SDES/BYE, RFC 4585 NACK/PLI, RFC 5104 FIR), and SCTP for data channels.
// One timer per connection (src/runtime/driver.ts) drives every engine.
import { DtlsEndpoint, type DtlsEvent } from '../dtls/index.js';
import { IceAgent, type IceCandidate, type IceEvent, type IceTurnServer } from '../ice/index.js';
import { createDepacketizer, createPacketizer, isRtcp, parseRtcp, serializeRtcp } from '../rtp/index.js';
import type { Packetizer, RtcpPacket, RtpCodecName } from '../rtp/index.js';
import { EngineDriver } from '../runtime/driver.js';
import { loadAdapter } from '../runtime/detect.js';
import { type NetworkAdapter, type TcpConnection, type UdpSocket, bindUdpInRange, defaultIceAddresses } from '../runtime/udp.js';
import { SctpAssociation } from '../sctp/association.js';
import { DataChannelManager } from '../sctp/dcep/channel-manager.js';
import type { Candidate } from '../sdp/candidate.js';
import { SrtpContext, type SrtpContextStats, type SrtpProfile } from '../srtp/index.js';
import { ipFamily } from '../stun/address.js';
import { EXT } from './capabilities.js';
import { type NormalizedConfiguration, iceTurnServerOf, isStunUrl, turnTransportOf } from './configuration.js';
import type { MediaRtpPacket } from './media-types.js';
import type { MediaBinding, PeerTransport, RemoteTransportParameters, TransportListener } from './peer-transport.js';
import type { RTCCertificate } from './rtc-certificate.js';
import type { DataChannelHub } from './rtc-data-channel.js';
import type { FrameDepacketizer, ReceiverFeedback, RTCRtpReceiver } from './rtc-rtp-receiver.js';
import type { RTCRtpSender } from './rtc-rtp-sender.js';
import { readHeaderExtensions, rtpPayloadOffset } from './rtp-rewrite.js';
import { TransportCcSender } from './transport-cc-sender.js';
import { Pacer, ProbeController, SendSideBandwidthEstimator } from '../cc/index.js';

/** RFC 9143 §15.1: the MID header extension's value is an RFC 5234 token (ASCII). */
const MID_DECODER = new TextDecoder();

/** Counters of the connection: input dropped by reason (DESIGN.md "Bad input"), feedback sent and received. */
export interface ConnectionCounters {
  datagramsReceived: number;
  unknownFirstByte: number;
  /** SRTP/SRTCP dropped before keys existed, beyond the EARLY_MEDIA_LIMIT held ones. */
  rtpBeforeKeys: number;
  srtpUnprotectFailed: number;
  srtcpUnprotectFailed: number;
  rtcpMalformed: number;
  rtpUnroutable: number;
  rtpSent: number;
  rtcpSent: number;
  sendWithoutPath: number;
  dtlsReceived: number;
  /** Exceptions caught in the event loop (a bug or an engine refusing input); see lastError. */
  internalErrors: number;
  twccFeedbackSent: number;
  byeReceived: number;
  /** RTP packets with nothing but padding (a peer's bandwidth probes): counted for transport-cc, then dropped. */
  paddingOnlyReceived: number;
}

export interface TransportInit {
  ufrag: string;
  pwd: string;
  controlling: boolean;
  /** The network adapter; default the detected runtime's. */
  adapter?: NetworkAdapter;
  /** The data channels of the peer connection (attached once SCTP is negotiated). */
  dataChannels?: DataChannelHub;
}

/** Our a=max-message-size (RFC 8841 §6), what the SCTP receiver reassembles at most. */
export const LOCAL_MAX_MESSAGE_SIZE = 262144;

/** RTCP report interval (RFC 3550 §6.2 allows a fixed 1 s minimum for small sessions here). */
const RTCP_INTERVAL_MS = 1000;
/** Transport-wide CC feedback interval (libwebrtc sends about every 100 ms). */
const TWCC_INTERVAL_MS = 100;
/** A late timer sends at most this many due probe packets at once. */
const MAX_PROBE_PACKETS_PER_TICK = 64;
/** Pacing rate over the bandwidth estimate (libwebrtc's pacing factor). */
const PACING_FACTOR = 2.5;
/** 'bandwidthestimate' fires on a change of at least this fraction, or any change after the interval. */
const ESTIMATE_REPORT_CHANGE = 0.05;
const ESTIMATE_REPORT_INTERVAL_MS = 1000;
/** Arrival times kept for transport-wide CC, and packets per feedback message. */
const TWCC_MAX_PENDING = 2048;
const TWCC_MAX_PER_FEEDBACK = 1000;
/** SRTP packets held while our side of DTLS is still finishing (the peer may send at once):
 * about one second of 2.5 Mbit/s video, at most 1 MiB. */
const EARLY_MEDIA_LIMIT = 512;
const EARLY_MEDIA_BYTES = 1024 * 1024;
/** NTP epoch (1900) to Unix epoch (1970) in seconds (RFC 3550 §4). */
const NTP_UNIX_OFFSET = 2208988800;

/**
 * The detected runtime's adapter, loaded once per process: a dynamic import per connection
 * costs a module-resolution round trip (through loader hooks, when any) before the first bind.
 */
let defaultAdapter: Promise<NetworkAdapter> | undefined;
function detectedAdapter(): Promise<NetworkAdapter> {
  defaultAdapter ??= loadAdapter().catch((e: unknown) => {
    defaultAdapter = undefined;
    throw e;
  });
  return defaultAdapter;
}

const CODEC_BY_MIME: Record<string, RtpCodecName> = {
  'audio/opus': 'opus',
  'video/vp8': 'vp8',
  'video/vp9': 'vp9',
  'video/h264': 'h264',
  'video/h265': 'h265',
  'video/av1': 'av1',
};

export function toSdpCandidate(c: IceCandidate): Candidate {
  const out: Candidate = {
    foundation: c.foundation,
    component: c.component,
    transport: c.transport,
    priority: c.priority,
    address: c.address,
    port: c.port,
    type: c.type,
    extensions: [['generation', String(c.generation ?? 0)]],
  };
  if (c.relatedAddress !== undefined) out.relatedAddress = c.relatedAddress;
  if (c.relatedPort !== undefined) out.relatedPort = c.relatedPort;
  if (c.tcpType !== undefined) out.tcpType = c.tcpType;
  return out;
}

function toIceCandidate(c: Candidate): IceCandidate | undefined {
  const transport = c.transport.toLowerCase();
  if (transport !== 'udp' && transport !== 'tcp') return undefined;
  if (!['host', 'srflx', 'prflx', 'relay'].includes(c.type)) return undefined;
  const out: { -readonly [K in keyof IceCandidate]: IceCandidate[K] } = {
    foundation: c.foundation,
    component: c.component,
    transport,
    priority: c.priority,
    address: c.address,
    port: c.port,
    type: c.type as IceCandidate['type'],
  };
  if (c.relatedAddress !== undefined) out.relatedAddress = c.relatedAddress;
  if (c.relatedPort !== undefined) out.relatedPort = c.relatedPort;
  return out;
}

export class Connection implements PeerTransport {
  readonly #config: NormalizedConfiguration;
  readonly #certificate: RTCCertificate;
  readonly #listener: TransportListener;
  readonly #agent: IceAgent;
  readonly #driver: EngineDriver;
  readonly #sockets = new Map<number, UdpSocket>();
  readonly #tcp = new Map<number, TcpConnection>();
  /** ICE server URLs whose host names resolved to a usable address (not reported as 701). */
  readonly #resolvedUrls = new Set<string>();
  /**
   * The URL of each STUN/TURN server by "ip|port|transport" (transport 'stun' for STUN), for
   * icecandidateerror.url: turn:…?transport=udp and ?transport=tcp often share one address.
   */
  readonly #serverUrls = new Map<string, string>();
  #adapter: NetworkAdapter | undefined;
  #localUfrag: string;
  #localPwd: string;
  #dtls: DtlsEndpoint | null = null;
  #dtlsStarted = false;
  #srtpOut: SrtpContext | null = null;
  #srtpIn: SrtpContext | null = null;
  #srtpProfile: string | undefined;
  /**
   * DTLS-SRTP keys not expanded yet. The two contexts cost 2 × 9.3 KiB of WebAssembly memory
   * per connection, which a data-channel-only session never uses: they are made when media
   * is negotiated or SRTP/SRTCP arrives (#keySrtp), and until then no RTCP is due either
   * (with no sender and no receiver there is nothing to report, RFC 3550 §6.4).
   */
  #srtpKeys: { profile: SrtpProfile; keyLength: number; saltLength: number; packed: Uint8Array } | null = null;
  #remote: RemoteTransportParameters | null = null;
  #bindings: MediaBinding[] = [];
  #sctp: { mid: string; remotePort: number; maxMessageSize: number } | null = null;
  #closed = false;
  #iceConnected = false;
  #nextRtcpAt = 0;
  #firSeq = 0;
  readonly #ssrcRoutes = new Map<number, RTCRtpReceiver>();
  readonly #packetizers = new Map<string, Packetizer>();
  readonly #lastSr = new Map<number, { ntpMiddle: number; at: number; packetsSent: number; bytesSent: number; remoteTimestamp: number; reportsSent: number }>();
  // Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).
  #twccExtId: number | undefined;
  readonly #twccArrivals = new Map<number, number>();
  #twccLastSeq = -1;
  #twccNextBase: number | undefined;
  #twccMediaSsrc = 0;
  #twccCount = 0;
  #nextTwccAt = 0;
  #activeSsrcs = new Set<number>();
  /** Our transport-wide sequence counter and send history: one per BUNDLE transport (draft §2). */
  readonly transportCcSender = new TransportCcSender(() => this.#now());
  /** The send-side bandwidth estimate (src/cc, GCC-style): transport-cc feedback, RR loss, REMB. */
  readonly bandwidthEstimator = new SendSideBandwidthEstimator();
  /** Paces video RTP (writeFrame and writeRtp alike) at PACING_FACTOR × the estimate; stamps on release. */
  readonly pacer = new Pacer((p, tcc, abs) => this.#sendPaced(p, tcc, abs), { rate: PACING_FACTOR * this.bandwidthEstimator.estimate });
  /** Bandwidth probing (src/cc/probe-controller.ts): bursts above the estimate at start and on demand. */
  readonly probeController = new ProbeController(this.bandwidthEstimator, () => this.#videoMaxBitrate());
  /** The probe cluster of the packet being released (-1: not a probe), for its transport-cc history entry. */
  #probeCluster = -1;
  #probeIndex = 0;
  /** Told when the estimate moved enough to act on (RTCPeerConnection 'bandwidthestimate'). */
  onBandwidthEstimate: ((bitrate: number) => void) | null = null;
  #estimateReported = 0;
  #estimateReportedAt = Number.NEGATIVE_INFINITY;
  readonly counters: ConnectionCounters = {
    datagramsReceived: 0,
    unknownFirstByte: 0,
    rtpBeforeKeys: 0,
    srtpUnprotectFailed: 0,
    srtcpUnprotectFailed: 0,
    rtcpMalformed: 0,
    rtpUnroutable: 0,
    rtpSent: 0,
    rtcpSent: 0,
    sendWithoutPath: 0,
    dtlsReceived: 0,
    internalErrors: 0,
    twccFeedbackSent: 0,
    byeReceived: 0,
    paddingOnlyReceived: 0,
  };
  /** The last exception caught in the event loop, for diagnosis. */
  lastError: unknown = undefined;
  readonly #hub: DataChannelHub | undefined;
  #sctpManager: DataChannelManager | null = null;
  #sctpStarted = false;
  /** The peer's DTLS certificate (DER), once connected. */
  peerCertificate: Uint8Array | undefined;
  /** The selected candidate pair, for getStats. */
  selectedPair: { local: IceCandidate; remote: IceCandidate } | undefined;

  constructor(config: NormalizedConfiguration, certificate: RTCCertificate, listener: TransportListener, init: TransportInit) {
    this.#config = config;
    this.#certificate = certificate;
    this.#listener = listener;
    this.#localUfrag = init.ufrag;
    this.#localPwd = init.pwd;
    this.#adapter = init.adapter;
    this.#hub = init.dataChannels;
    const stunServers = config.iceServerUrls
      .filter((u) => isStunUrl(u) && ipFamily(u.host))
      .map((u) => ({ address: u.host, port: u.port, family: ipFamily(u.host) as 4 | 6 }));
    const turnServers: IceTurnServer[] = config.iceServerUrls
      .filter((u) => turnTransportOf(u) && ipFamily(u.host))
      .map((u) => iceTurnServerOf(u, u.host, ipFamily(u.host) as 4 | 6));
    for (const u of config.iceServerUrls) if (ipFamily(u.host)) this.#serverUrls.set(`${u.host}|${u.port}|${turnTransportOf(u) ?? 'stun'}`, u.url);
    this.#agent = new IceAgent({
      controlling: init.controlling,
      lite: config.iceLite,
      ufrag: init.ufrag,
      pwd: init.pwd,
      stunServers,
      turnServers,
      transportPolicy: config.iceTransportPolicy,
      // RFC 8445 §14.2 allows Ta down to 5 ms; a WebRTC session has one component and few
      // pairs, so 20 ms keeps the first checks quick without flooding.
      pacing: 20,
    });
    this.#driver = new EngineDriver({ pollTimeout: () => this.#pollTimeout(), handleTimeout: (now) => this.#handleTimeout(now) }, { after: () => this.#pump() });
    this.transportCcSender.feedbackObserver = this.bandwidthEstimator;
  }

  get localUfrag(): string {
    return this.#localUfrag;
  }
  get localPwd(): string {
    return this.#localPwd;
  }
  get iceStats(): IceAgent['stats'] {
    return this.#agent.stats;
  }
  /** The last RTCP SR of a remote source (webrtc-stats remote-outbound-rtp). */
  senderReport(ssrc: number): { packetsSent: number; bytesSent: number; remoteTimestamp: number; reportsSent: number } | undefined {
    return this.#lastSr.get(ssrc);
  }

  get dtlsRole(): 'client' | 'server' | undefined {
    return this.#remote?.dtlsRole;
  }
  get srtpProfile(): string | undefined {
    return this.#srtpProfile;
  }
  /** The negotiated data channel section (RFC 8841), or null. */
  get sctpParameters(): { mid: string; remotePort: number; maxMessageSize: number } | null {
    return this.#sctp;
  }
  get dtlsEndpoint(): DtlsEndpoint | null {
    return this.#dtls;
  }
  get srtpStats(): { inbound: ReturnType<SrtpContext['getStats']> | null; outbound: ReturnType<SrtpContext['getStats']> | null } {
    if (this.#srtpKeys) return { inbound: unusedSrtpStats(), outbound: unusedSrtpStats() };
    return { inbound: this.#srtpIn?.getStats() ?? null, outbound: this.#srtpOut?.getStats() ?? null };
  }
  get candidatePairs(): IceAgent['candidatePairs'] {
    return this.#agent.candidatePairs;
  }
  get localCandidates(): IceCandidate[] {
    return this.#agent.localCandidates;
  }
  get remoteCandidates(): IceCandidate[] {
    return this.#agent.remoteCandidates;
  }

  #now(): number {
    return this.#driver.now();
  }

  // ---------------------------------------------------------------- PeerTransport

  startGathering(): void {
    void this.#bindAndGather().catch((e: unknown) => {
      if (this.#closed) return;
      // No socket could be bound: gathering ends empty and ICE fails (W3C §4.3.2).
      this.#listener.gatheringState('complete');
      this.#listener.iceState('failed');
      queueMicrotask(() => {
        throw e;
      });
    });
  }

  async #bindAndGather(): Promise<void> {
    const adapter = this.#adapter ?? (await detectedAdapter());
    this.#adapter = adapter;
    const addresses = this.#config.iceAddresses ?? defaultIceAddresses(adapter);
    let id = 1;
    for (const address of addresses) {
      if (this.#closed) return;
      if (!ipFamily(address)) throw new DOMException(`iceAddresses entries must be IP literals (got ${address})`, 'InvalidAccessError');
      const socketId = id++;
      const sock = await bindUdpInRange(adapter, address, this.#config.icePortRange, (bytes, from) => {
        if (this.#closed) return;
        this.counters.datagramsReceived++;
        this.#agent.handleInput(this.#now(), bytes, from, socketId);
        // Drained once per read burst (see EngineDriver.soon).
        this.#driver.soon();
      });
      if (this.#closed) {
        await sock.close();
        return;
      }
      this.#sockets.set(socketId, sock);
      this.#agent.addSocket({ id: socketId, address: sock.localAddress });
    }
    await this.#resolveServerNames(adapter);
    // TURN over TCP or TLS (RFC 6062 framing is the agent's): one connection per server.
    let tcpId = 1000;
    for (const server of this.#agent.tcpTurnServers) {
      if (this.#closed) return;
      const socketId = tcpId++;
      const conn = await this.#connectTurnStream(adapter, server, socketId);
      if (!conn) continue;
      if (this.#closed) {
        await conn.close();
        return;
      }
      this.#tcp.set(socketId, conn);
      this.#agent.addTurnTcpSocket(this.#now(), socketId, server);
    }
    this.#agent.gather(this.#now());
    // Servers that cannot be used are reported as W3C 701 errors, never dropped silently.
    for (const u of this.#config.iceServerUrls) {
      const usable = isStunUrl(u) || turnTransportOf(u) !== undefined;
      if (usable && (ipFamily(u.host) || this.#resolvedUrls.has(u.url))) continue;
      const local = this.#agent.localCandidates[0];
      const errorText = usable
        ? `${u.host} could not be resolved to an address of a gathering socket's family`
        : `${u.url}: TURN over DTLS (turns: with ?transport=udp, RFC 7350) is not supported; use turns: without ?transport (TLS over TCP)`;
      this.#listener.candidateError?.({ address: local?.address ?? '', port: local?.port ?? 0, url: u.url, errorCode: 701, errorText });
    }
    this.#runDue();
    this.#pump();
    this.#gathered = true;
    this.#prepareDtls();
  }

  #gathered = false;

  /**
   * The DTLS handshake's ephemeral key is made once our sockets are bound and the first checks
   * are out: the connection then waits for the peer's answers anyway, and the handshake
   * flights no longer pay for it.
   */
  #prepareDtls(): void {
    if (this.#closed || !this.#gathered || !this.#dtls || this.#dtlsStarted) return;
    this.#guard(() => this.#dtls?.prepare());
  }

  setRemote(params: RemoteTransportParameters): void {
    if (this.#closed) return;
    const first = this.#remote === null;
    this.#remote = params;
    this.#agent.setRemoteCredentials(params.iceUfrag, params.icePwd, { lite: params.iceLite });
    for (const c of params.candidates) this.#addCandidate(c);
    if (params.endOfCandidates) this.#agent.addRemoteCandidate(null);
    if (first) {
      this.#dtls = new DtlsEndpoint({
        role: params.dtlsRole,
        certificate: this.#certificate.dtlsCertificate,
        verifyPeer: params.fingerprints.map((f) => ({ algorithm: f.algorithm, value: f.value })),
        srtpProfiles: ['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80'],
      });
      this.#listener.dtlsState('connecting');
      if (this.#iceConnected) this.#startDtls();
    }
    this.#runDue();
    this.#pump();
    if (first) this.#prepareDtls();
  }

  #addCandidate(c: Candidate): void {
    const ice = toIceCandidate(c);
    if (!ice) return;
    try {
      this.#agent.addRemoteCandidate(ice);
    } catch {
      // An unusable candidate (not an IP, mDNS) is ignored, as browsers do.
    }
  }

  addRemoteCandidate(candidate: Candidate | null): void {
    if (this.#closed) return;
    if (candidate === null) this.#agent.addRemoteCandidate(null);
    else this.#addCandidate(candidate);
    this.#runDue();
    this.#pump();
  }

  /**
   * Set-up steps make work due at once (the first connectivity check once a remote candidate
   * pairs with a gathered one): it runs now instead of a zero-delay timer later, which
   * costs a millisecond or more per step. Only what is already due runs (RFC 8445 §14.2 pacing holds).
   */
  #runDue(): void {
    if (this.#closed) return;
    const at = this.#pollTimeout();
    const now = this.#now();
    if (at !== undefined && at <= now) this.#handleTimeout(now);
  }

  restartIce(ufrag: string, pwd: string): void {
    if (this.#closed) return;
    this.#localUfrag = ufrag;
    this.#localPwd = pwd;
    this.#agent.restart(this.#now(), { ufrag, pwd });
    this.#pump();
  }

  setMedia(bindings: MediaBinding[], sctp: { mid: string; remotePort: number; maxMessageSize: number } | null): void {
    // RFC 3550 §6.6: a source that stops sending (stopped transceiver, removed track) says BYE.
    const before = this.#activeSsrcs;
    const now = new Set(bindings.flatMap((b) => b.senders.filter((x) => x.transport !== null && !x.stopped).map((x) => x.ssrc)));
    const gone = [...before].filter((ssrc) => !now.has(ssrc));
    this.#activeSsrcs = now;
    if (bindings.length > 0) this.#keySrtp();
    if (gone.length > 0 && this.#srtpOut) this.#sendRtcp([{ type: 'bye', ssrcs: gone.slice(0, 31) }]);
    this.#bindings = bindings;
    this.#sctp = sctp;
    if (sctp && !this.#sctpManager && this.#hub) {
      // RFC 8841 §5: both ends use their a=sctp-port; ours is 5000.
      const association = new SctpAssociation({ localPort: 5000, remotePort: sctp.remotePort, maxReceiveMessageSize: LOCAL_MAX_MESSAGE_SIZE });
      const manager = new DataChannelManager(association);
      manager.remoteMaxMessageSize = sctp.maxMessageSize;
      this.#sctpManager = manager;
      this.#hub.attach(manager);
      this.#startSctp();
    }
    // SSRCs learned from MID/RID extensions stay routed across renegotiations while their
    // receiver lives: senders stop sending MID/RID once our reports cover the SSRC (libwebrtc),
    // and simulcast layers have no a=ssrc lines to relearn them from (RFC 8853).
    const live = new Set(bindings.flatMap((b) => b.receivers));
    for (const [ssrc, r] of this.#ssrcRoutes) if (!live.has(r)) this.#ssrcRoutes.delete(ssrc);
    this.#twccExtId = undefined;
    for (const b of bindings) {
      for (const r of b.receivers) {
        const twcc = r.negotiated?.extensions.find((e) => e.uri === EXT.transportCc);
        if (twcc && r.negotiated?.codecs.some((c) => c.feedback.some((f) => f.type === 'transport-cc'))) this.#twccExtId = twcc.id;
      }
    }
    for (const b of bindings) {
      for (const r of b.receivers) {
        for (const ssrc of r.negotiated?.ssrcs ?? []) this.#ssrcRoutes.set(ssrc, r);
        r.sendFeedback = (fb) => this.#sendFeedback(r, fb);
        r.depacketizerFactory = (codec) => this.#depacketizer(codec.mimeType);
      }
      for (const s of b.senders) {
        s.packetizer = (frame, codec, ssrc) => this.#packetize(frame.data, frame.timestamp, codec.name, codec.payloadType, ssrc);
        // RFC 4733 DTMF playout runs on this connection's one timer.
        s.dtmf?.setDriver({ now: () => this.#now(), wake: () => this.flushSoon() });
      }
    }
    this.#updateSendPaths();
  }

  close(): void {
    if (this.#closed) return;
    // RFC 3550 §6.6: BYE for our sources before leaving.
    if (this.#srtpOut) {
      const ssrcs = this.#senders().map((s) => s.ssrc);
      if (ssrcs.length > 0) this.#sendRtcp([{ type: 'bye', ssrcs }]);
    }
    this.#hub?.closeAll();
    if (this.#sctpManager && this.#sctpStarted) this.#sctpManager.association.abort(this.#now());
    this.#flushDtls();
    this.#dtls?.close();
    this.#flushDtls();
    this.#agent.close(this.#now());
    this.#flushIce();
    this.#closed = true;
    this.#driver.stop();
    for (const b of this.#bindings) for (const s of b.senders) s.setSendPath(null, false);
    for (const s of this.#sockets.values()) void s.close();
    this.#sockets.clear();
    for (const c of this.#tcp.values()) void c.close();
    this.#tcp.clear();
    this.#srtpIn?.dispose();
    this.#srtpOut?.dispose();
    this.#srtpIn = null;
    this.#srtpOut = null;
    this.#srtpKeys?.packed.fill(0);
    this.#srtpKeys = null;
    this.#dtls?.dispose();
  }

  /** The data channels have something to send or to time: drain and re-arm. */
  flushSoon(): void {
    if (this.#closed) return;
    // The association stamps what it sends with its own clock, set by the last input or
    // timeout: seconds old on a quiet channel, so a message's T3 and tail-loss-probe
    // deadlines (RFC 9260 §6.3.2, RFC 8985 §7.2) were already past when armed and every
    // such message was probed (retransmitted) a millisecond later. Tell it the time first.
    const sctp = this.#sctpStarted ? this.#sctpManager : null;
    if (sctp && !this.#sctpClockSync) {
      this.#sctpClockSync = true;
      this.#guard(() => sctp.handleTimeout(this.#now()));
      // Events of what was due (dispatching asks for a flush again: the flag ends that).
      this.#hub?.dispatchEvents();
      this.#sctpClockSync = false;
    }
    this.#pump();
  }

  #sctpClockSync = false;

  /** RFC 8831 §6: once DTLS is up and the section negotiated, both sides start SCTP. */
  #startSctp(): void {
    const m = this.#sctpManager;
    const dtls = this.#dtls;
    if (this.#sctpStarted || !m || !dtls || dtls.connectionState !== 'connected' || !this.#remote) return;
    this.#sctpStarted = true;
    m.setDtlsRole(this.#remote.dtlsRole);
    m.connect(this.#now());
    this.#hub?.dispatchEvents();
    this.#listener.sctpState('connecting');
  }

  #sctpReported: 'connecting' | 'connected' | 'closed' = 'connecting';
  #updateSctpState(): void {
    const st = this.#sctpManager?.association.state;
    const next = st === 'established' ? 'connected' : st === 'closed' ? 'closed' : 'connecting';
    if (next === this.#sctpReported) return;
    this.#sctpReported = next;
    this.#listener.sctpState(next);
  }

  get sctpCounters(): DataChannelManager['counters'] | null {
    return this.#sctpManager?.counters ?? null;
  }

  // ---------------------------------------------------------------- engine loop

  #pollTimeout(): number | undefined {
    let at = this.#agent.pollTimeout();
    const d = this.#dtls?.pollTimeout();
    if (d !== undefined && (at === undefined || d < at)) at = d;
    if (this.#srtpOut && (at === undefined || this.#nextRtcpAt < at)) at = this.#nextRtcpAt;
    const sctp = this.#sctpStarted ? this.#sctpManager?.pollTimeout() : undefined;
    if (sctp !== undefined && (at === undefined || sctp < at)) at = sctp;
    if (this.#twccArrivals.size > 0 && (at === undefined || this.#nextTwccAt < at)) at = this.#nextTwccAt;
    const dtmf = this.#dtmfTimeout();
    if (dtmf !== undefined && (at === undefined || dtmf < at)) at = dtmf;
    const paced = this.pacer.pollTimeout();
    if (paced !== undefined && (at === undefined || paced < at)) at = paced;
    const probe = this.#srtpOut ? this.probeController.pollTimeout(this.#now()) : undefined;
    if (probe !== undefined && (at === undefined || probe < at)) at = probe;
    return at;
  }

  /** The earliest DTMF playout deadline of our senders (no allocation: this runs per datagram burst). */
  #dtmfTimeout(): number | undefined {
    let at: number | undefined;
    for (const b of this.#bindings) {
      for (const s of b.senders) {
        const t = s.dtmf?.pollTimeout();
        if (t !== undefined && (at === undefined || t < at)) at = t;
      }
    }
    return at;
  }

  #handleTimeout(now: number): void {
    if (this.#closed) return;
    const ice = this.#agent.pollTimeout();
    if (ice !== undefined && ice <= now) this.#agent.handleTimeout(now);
    const d = this.#dtls?.pollTimeout();
    if (d !== undefined && d <= now) this.#dtls?.handleTimeout(now);
    const sctp = this.#sctpStarted ? this.#sctpManager : null;
    const sctpAt = sctp?.pollTimeout();
    if (sctp && sctpAt !== undefined && sctpAt <= now) {
      this.#guard(() => sctp.handleTimeout(now));
      this.#hub?.dispatchEvents();
    }
    if (this.#twccArrivals.size > 0 && this.#nextTwccAt <= now) {
      this.#nextTwccAt = now + TWCC_INTERVAL_MS;
      this.#guard(() => this.#sendTwcc());
    }
    const paced = this.pacer.pollTimeout();
    if (paced !== undefined && paced <= now) this.#guard(() => this.pacer.process(now));
    if (this.#srtpOut) this.#guard(() => this.#probe(now));
    for (const b of this.#bindings) {
      for (const s of b.senders) {
        const dtmf = s.dtmf;
        const due = dtmf?.pollTimeout();
        if (dtmf && due !== undefined && due <= now) this.#guard(() => dtmf.handleTimeout(now));
      }
    }
    if (this.#srtpOut && this.#nextRtcpAt <= now) {
      // RFC 3550 §6.3.5 randomisation: [0.5, 1.5] × interval.
      this.#nextRtcpAt = now + RTCP_INTERVAL_MS * (0.5 + Math.random());
      this.#sendReports(now);
    }
  }

  #flushIce(): void {
    for (let t = this.#agent.pollTransmit(); t; t = this.#agent.pollTransmit()) {
      const udp = this.#sockets.get(t.socket);
      if (udp) udp.send(t.bytes, t.to);
      else this.#tcp.get(t.socket)?.write(t.bytes);
    }
  }

  #flushDtls(): void {
    const dtls = this.#dtls;
    if (!dtls) return;
    const sctp = this.#sctpManager;
    // RFC 8261 §5: one SCTP packet per DTLS record. Each record goes on at once: a window
    // opening wide can release more packets than the DTLS endpoint's bounded queue holds.
    if (sctp && this.#sctpStarted && dtls.connectionState === 'connected') {
      for (let p = sctp.pollTransmit(); p; p = sctp.pollTransmit()) {
        dtls.send(p);
        for (let b = dtls.pollTransmit(); b; b = dtls.pollTransmit()) this.#agent.send(b);
      }
    }
    for (let b = dtls.pollTransmit(); b; b = dtls.pollTransmit()) this.#agent.send(b);
  }

  /** After any input: drain every engine until quiet, then arm the one timer. */
  #pump(): void {
    if (this.#closed) return;
    for (let round = 0; round < 8; round++) {
      let work = false;
      for (let e = this.#agent.pollEvent(); e; e = this.#agent.pollEvent()) {
        work = true;
        this.#guard(() => this.#onIceEvent(e));
      }
      const dtls = this.#dtls;
      if (dtls) {
        for (let e = dtls.pollEvent(); e; e = dtls.pollEvent()) {
          work = true;
          this.#guard(() => this.#onDtlsEvent(e));
        }
        this.#flushDtls();
      }
      this.#flushIce();
      if (!work || this.#closed) break;
    }
    if (!this.#closed) this.#driver.kick();
  }

  /** Nothing a peer sends may throw out of the event loop (DESIGN.md "Bad input"): count it. */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.counters.internalErrors++;
      this.lastError = e;
    }
  }

  #onIceEvent(e: IceEvent): void {
    switch (e.type) {
      case 'candidate':
        this.#listener.localCandidate(toSdpCandidate(e.candidate), e.candidate.relayProtocol);
        break;
      case 'gathering-state':
        this.#listener.gatheringState(e.state);
        break;
      case 'state':
        if (e.state === 'connected' || e.state === 'completed') {
          this.#iceConnected = true;
          this.#startDtls();
        }
        this.#listener.iceState(e.state);
        break;
      case 'selected-pair':
        this.selectedPair = { local: e.local, remote: e.remote };
        this.#listener.selectedPair?.();
        break;
      case 'data':
        this.#demux(e.data);
        break;
      case 'turn-error': {
        const url = this.#serverUrls.get(`${e.server.address}|${e.server.port}|${e.transport}`) ?? `turn:${e.server.address}:${e.server.port}`;
        const local = this.#agent.localCandidates.find((c) => c.type === 'host');
        // W3C §4.8.4: 701 is "no response / unusable server"; the reason text says which.
        this.#listener.candidateError?.({ address: local?.address ?? '', port: local?.port ?? 0, url, errorCode: 701, errorText: e.reason });
        break;
      }
      default:
        break;
    }
  }

  /**
   * A TURN server over TCP, or over TLS (turns:) with its certificate verified for the URL's
   * host against the default roots plus iceTlsCaCertificates. A connection that fails
   * (refused, untrusted or misnamed certificate, handshake timeout) is a 701 error.
   */
  async #connectTurnStream(adapter: NetworkAdapter, server: IceTurnServer, socketId: number): Promise<TcpConnection | undefined> {
    const tls = server.transport === 'tls';
    try {
      return await adapter.connectTcp({
        address: server.server.address,
        port: server.server.port,
        onData: (bytes) => {
          if (this.#closed) return;
          this.#agent.handleInput(this.#now(), bytes, server.server, socketId);
          this.#pump();
        },
        ...(tls ? { tls: { serverName: server.tlsServerName ?? server.server.address, caCertificates: this.#config.iceTlsCaCertificates } } : {}),
      });
    } catch (e) {
      const url = this.#serverUrls.get(`${server.server.address}|${server.server.port}|${server.transport}`) ?? `turn:${server.server.address}:${server.server.port}`;
      const reason = e instanceof Error ? e.message : String(e);
      const errorText = `TURN over ${tls ? 'TLS' : 'TCP'} to ${server.server.address}:${server.server.port} failed: ${reason}`;
      this.#listener.candidateError?.({ address: '', port: 0, url, errorCode: 701, errorText });
      return undefined;
    }
  }

  /** stun:/stuns:/turn:/turns: URLs with host names: resolved through the runtime adapter before gathering. */
  async #resolveServerNames(adapter: NetworkAdapter): Promise<void> {
    const families = new Set([...this.#sockets.values()].map((s) => s.localAddress.family));
    for (const u of this.#config.iceServerUrls) {
      if ((!isStunUrl(u) && turnTransportOf(u) === undefined) || ipFamily(u.host) || !adapter.resolveHost) continue;
      let addresses: string[] = [];
      try {
        addresses = await adapter.resolveHost(u.host);
      } catch {
        continue; // reported as a 701 error after gathering starts
      }
      if (this.#closed) return;
      const address = addresses.find((a) => families.has(ipFamily(a) as 4 | 6));
      if (!address) continue;
      const family = ipFamily(address) as 4 | 6;
      if (isStunUrl(u)) this.#agent.addServers({ stun: [{ address, port: u.port, family }] });
      else this.#agent.addServers({ turn: [iceTurnServerOf(u, address, family)] });
      this.#serverUrls.set(`${address}|${u.port}|${turnTransportOf(u) ?? 'stun'}`, u.url);
      this.#resolvedUrls.add(u.url);
    }
  }

  #startDtls(): void {
    if (this.#dtlsStarted || !this.#dtls) return;
    this.#dtlsStarted = true;
    if (this.#remote?.dtlsRole === 'client') this.#dtls.start(this.#now());
  }

  /** RFC 7983 §7: the first byte says which protocol a datagram belongs to. */
  #demux(data: Uint8Array): void {
    if (data.length === 0) return;
    const b = data[0];
    if (b >= 20 && b <= 63) {
      this.counters.dtlsReceived++;
      this.#dtls?.handleInput(this.#now(), data);
    } else if (b >= 128 && b <= 191) {
      if (isRtcp(data)) this.#onSrtcp(data);
      else this.#onSrtp(data);
    } else {
      this.counters.unknownFirstByte++;
    }
  }

  #onDtlsEvent(e: DtlsEvent): void {
    switch (e.type) {
      case 'connected': {
        this.peerCertificate = e.peerCertificate;
        const dtls = this.#dtls;
        if (e.srtpProfile && dtls) {
          const profile = e.srtpProfile as SrtpProfile;
          this.#srtpProfile = profile;
          // Held packed in one buffer (outbound key, salt, inbound key, salt) until used.
          const { outbound, inbound } = dtls.srtpKeys();
          const keyLength = outbound.masterKey.length;
          const saltLength = outbound.masterSalt.length;
          const packed = new Uint8Array(2 * (keyLength + saltLength));
          packed.set(outbound.masterKey, 0);
          packed.set(outbound.masterSalt, keyLength);
          packed.set(inbound.masterKey, keyLength + saltLength);
          packed.set(inbound.masterSalt, 2 * keyLength + saltLength);
          this.#srtpKeys = { profile, keyLength, saltLength, packed };
          if (this.#bindings.length > 0 || this.#early.length > 0) this.#keySrtp();
        }
        this.#listener.dtlsState('connected');
        this.#updateSendPaths();
        if (this.#srtpIn) for (const held of this.#early.splice(0)) this.#guard(() => this.#demux(held));
        this.#early.length = 0;
        this.#earlyBytes = 0;
        this.#startSctp();
        break;
      }
      case 'applicationData': {
        const m = this.#sctpManager;
        if (m && this.#sctpStarted) {
          m.handleInput(this.#now(), e.data);
          this.#hub?.dispatchEvents();
          this.#updateSctpState();
        }
        break;
      }
      case 'closed':
        this.#listener.dtlsState('closed');
        break;
      case 'failed':
        this.#listener.dtlsState('failed');
        break;
      default:
        break;
    }
  }

  // ---------------------------------------------------------------- media

  #senders(): RTCRtpSender[] {
    return this.#bindings.flatMap((b) => b.senders);
  }
  #receivers(): RTCRtpReceiver[] {
    return this.#bindings.flatMap((b) => b.receivers);
  }

  #updateSendPaths(): void {
    const path = this.#srtpOut
      ? {
          sendRtp: (p: Uint8Array) => this.#sendSrtp(p),
          sendRtcp: (p: Uint8Array) => this.#sendSrtcp(p),
          now: () => this.#now(),
          transportCc: this.transportCcSender,
          pace: (p: Uint8Array, tcc: number, abs: number, rtx: boolean) => this.#pace(p, tcc, abs, rtx),
        }
      : null;
    for (const t of this.#bindings) {
      for (const s of t.senders) s.setSendPath(path, path !== null && s.transport !== null && !s.stopped);
    }
  }

  #sendSrtp(packet: Uint8Array): void {
    const out = this.#srtpOut;
    if (!out || this.#closed) {
      this.counters.sendWithoutPath++;
      return;
    }
    let protectedPacket: Uint8Array;
    try {
      protectedPacket = out.protectRtp(packet);
    } catch {
      this.counters.sendWithoutPath++;
      return;
    }
    this.counters.rtpSent++;
    this.#agent.send(protectedPacket);
    this.#flushIce();
  }

  /** A video packet for the pacer (transport-cc negotiated): queued, released by budget or timer. */
  #pace(packet: Uint8Array, transportCcOffset: number, absSendTimeOffset: number, retransmission: boolean): void {
    if (this.#closed) {
      this.counters.sendWithoutPath++;
      return;
    }
    this.pacer.enqueue(this.#now(), packet, transportCcOffset, absSendTimeOffset, retransmission);
    if (this.pacer.queuedPackets > 0) this.#driver.kick();
  }

  /** Released by the pacer: the transport-wide sequence number and abs-send-time are the moment it leaves. */
  #sendPaced(packet: Uint8Array, transportCcOffset: number, absSendTimeOffset: number): void {
    this.transportCcSender.stampAt(packet, transportCcOffset, absSendTimeOffset, this.#probeCluster);
    this.#sendSrtp(packet);
  }

  /**
   * Bandwidth probing (src/cc/probe-controller.ts): decide, then send the packets of the
   * current cluster that are due — queued media first, else an RTX copy or padding from a
   * video sender — each tagged with its cluster id in the transport-cc history.
   */
  #probe(now: number): void {
    const source = this.#probeSource();
    this.probeController.handleTimeout(now, { ready: source !== undefined, queueDelayMs: this.pacer.queueDelay(now) });
    for (let n = 0; n < MAX_PROBE_PACKETS_PER_TICK; n++) {
      const due = this.probeController.pollTimeout(now);
      const cluster = this.probeController.currentCluster;
      if (due === undefined || due > now || cluster < 0) return;
      this.#probeCluster = cluster;
      let size = 0;
      try {
        size = this.pacer.releaseNext(now);
        if (size === 0 && source) {
          const p = source.probePacket(this.#probeIndex++);
          if (p && p.transportCc >= 0) {
            this.transportCcSender.stampAt(p.packet, p.transportCc, p.absSendTime, cluster);
            this.#sendSrtp(p.packet);
            size = p.packet.length;
          }
        }
      } finally {
        this.#probeCluster = -1;
      }
      if (size === 0) {
        this.probeController.nothingToSend(now); // retried shortly, given up after a while
        return;
      }
      this.probeController.packetSent(now, size);
    }
  }

  /** The sum of the sending video senders' maxBitrate, or undefined when one of them has none. */
  #videoMaxBitrate(): number | undefined {
    let sum = 0;
    for (const b of this.#bindings) {
      for (const s of b.senders) {
        if (s.kind !== 'video' || !s.sending) continue;
        const m = s.maxBitrate;
        if (m === undefined) return undefined;
        sum += m;
      }
    }
    return sum;
  }

  /** The first video sender that can make probe packets (transport-cc negotiated, sending). */
  #probeSource(): RTCRtpSender | undefined {
    for (const b of this.#bindings) for (const s of b.senders) if (s.canProbe) return s;
    return undefined;
  }

  /**
   * The estimate may have moved: the pacer follows it, and the program hears of it when it
   * changed by ESTIMATE_REPORT_CHANGE or, changed at all, a second after the last report.
   */
  #onEstimate(now: number): void {
    const e = this.bandwidthEstimator.estimate;
    this.pacer.setRate(PACING_FACTOR * e);
    if (this.bandwidthEstimator.stats.feedbackMessages === 0 || e === this.#estimateReported) return;
    const change = Math.abs(e - this.#estimateReported) / Math.max(this.#estimateReported, 1);
    if (change < ESTIMATE_REPORT_CHANGE && now - this.#estimateReportedAt < ESTIMATE_REPORT_INTERVAL_MS) return;
    this.#estimateReported = e;
    this.#estimateReportedAt = now;
    this.onBandwidthEstimate?.(e);
  }

  #sendSrtcp(packet: Uint8Array): void {
    const out = this.#srtpOut;
    if (!out || this.#closed) return;
    let protectedPacket: Uint8Array;
    try {
      protectedPacket = out.protectRtcp(packet);
    } catch {
      return;
    }
    this.counters.rtcpSent++;
    this.#agent.send(protectedPacket);
    this.#flushIce();
  }

  #sendRtcp(packets: RtcpPacket[]): void {
    if (packets.length === 0) return;
    this.#sendSrtcp(serializeRtcp(packets));
  }

  /** SRTP/SRTCP that arrived before our DTLS finished (the peer finished first): replayed once keys exist. */
  readonly #early: Uint8Array[] = [];

  /** Expands the pending DTLS-SRTP keys into the two contexts (once); the inbound context, or null before DTLS is up. */
  #keySrtp(): SrtpContext | null {
    const pending = this.#srtpKeys;
    if (pending && !this.#closed) {
      this.#srtpKeys = null;
      const { profile, keyLength: k, saltLength: n, packed } = pending;
      this.#srtpOut = new SrtpContext({ profile, masterKey: packed.subarray(0, k), masterSalt: packed.subarray(k, k + n) });
      this.#srtpIn = new SrtpContext({ profile, masterKey: packed.subarray(k + n, 2 * k + n), masterSalt: packed.subarray(2 * k + n) });
      packed.fill(0); // the contexts hold their own copies in the core
      this.#nextRtcpAt = this.#now() + 200;
    }
    return this.#srtpIn;
  }

  #earlyBytes = 0;

  #holdEarly(data: Uint8Array): void {
    if (this.#early.length < EARLY_MEDIA_LIMIT && this.#earlyBytes + data.length <= EARLY_MEDIA_BYTES) {
      this.#early.push(data.slice());
      this.#earlyBytes += data.length;
    } else this.counters.rtpBeforeKeys++;
  }

  #onSrtp(data: Uint8Array): void {
    const inbound = this.#keySrtp();
    if (!inbound) {
      this.#holdEarly(data);
      return;
    }
    // In place, in the datagram we own (one WASM call, no allocation, no exception): a
    // forged, replayed or malformed packet is dropped and counted (the context counts why).
    const n = inbound.unprotectRtpInto(data, data);
    if (n < 0) {
      this.counters.srtpUnprotectFailed++;
      return;
    }
    const packet = data.subarray(0, n);
    const now = this.#now();
    if (this.#twccExtId !== undefined && packet[0] & 0x10) this.#recordTwcc(packet, now);
    // RFC 3550 §5.1: a packet whose payload is all padding carries no media (a bandwidth
    // probe, as libwebrtc sends): it counted for transport-cc above and goes no further.
    if (packet[0] & 0x20) {
      const at = rtpPayloadOffset(packet);
      const pad = packet[packet.length - 1];
      if (pad > 0 && at >= 0 && at + pad === packet.length) {
        this.counters.paddingOnlyReceived++;
        // Its sequence number still counts in the stream's gap tracking (no NACK for it).
        this.#route(packet)?.handlePadding(packet, now);
        return;
      }
    }
    const receiver = this.#route(packet);
    if (!receiver) {
      this.counters.rtpUnroutable++;
      return;
    }
    receiver.handleRtp(packet, now);
  }

  /** RFC 9143 §9.2 / JSEP §5.9: MID header extension, then SSRC, then payload type. */
  #route(packet: Uint8Array): RTCRtpReceiver | undefined {
    if (packet.length < 12) return undefined;
    const ssrc = ((packet[8] << 24) | (packet[9] << 16) | (packet[10] << 8) | packet[11]) >>> 0;
    const receivers = this.#receivers();
    if (packet[0] & 0x10) {
      const exts = readHeaderExtensions(packet);
      for (const r of receivers) {
        const id = r.negotiated?.extensions.find((e) => e.uri === EXT.mid)?.id;
        if (id === undefined) continue;
        const ext = exts.find((e) => e.id === id);
        if (!ext) continue;
        const mid = MID_DECODER.decode(ext.data);
        const target = receivers.find((x) => x.negotiated?.mid === mid);
        if (target) {
          if (this.#ssrcRoutes.size < 64) this.#ssrcRoutes.set(ssrc, target);
          return target;
        }
        break;
      }
    }
    const bySsrc = this.#ssrcRoutes.get(ssrc);
    if (bySsrc) return bySsrc;
    const pt = packet[1] & 0x7f;
    const byPt = receivers.filter((r) => r.acceptsPayloadType(pt));
    if (byPt.length === 1) {
      if (this.#ssrcRoutes.size < 64) this.#ssrcRoutes.set(ssrc, byPt[0]);
      return byPt[0];
    }
    return undefined;
  }

  /** Arrival time of a packet carrying the transport-wide sequence number (§2 of the draft). */
  #recordTwcc(packet: Uint8Array, now: number): void {
    const ext = readHeaderExtensions(packet).find((e) => e.id === this.#twccExtId);
    if (!ext || ext.data.length < 2) return;
    const seq16 = (ext.data[0] << 8) | ext.data[1];
    // Unwrap the 16-bit sequence around the last one seen.
    let seq = seq16;
    if (this.#twccLastSeq >= 0) {
      const delta = ((seq16 - (this.#twccLastSeq & 0xffff) + 0x8000) & 0xffff) - 0x8000;
      seq = this.#twccLastSeq + delta;
      if (delta > 0) this.#twccLastSeq = seq;
    } else this.#twccLastSeq = seq;
    if (this.#twccNextBase !== undefined && seq < this.#twccNextBase) return; // already reported
    if (this.#twccArrivals.size >= TWCC_MAX_PENDING) return;
    if (this.#twccArrivals.size === 0) this.#nextTwccAt = now + TWCC_INTERVAL_MS;
    this.#twccArrivals.set(seq, now);
    this.#twccMediaSsrc = ((packet[8] << 24) | (packet[9] << 16) | (packet[10] << 8) | packet[11]) >>> 0;
  }

  /** One feedback message for the packets received since the last one (250 µs deltas, 64 ms reference). */
  #sendTwcc(): void {
    if (this.#twccArrivals.size === 0 || !this.#srtpOut) return;
    const seqs = [...this.#twccArrivals.keys()].sort((a, b) => a - b);
    const base = this.#twccNextBase !== undefined ? Math.max(this.#twccNextBase, seqs[0]) : seqs[0];
    const end = Math.min(seqs[seqs.length - 1], base + TWCC_MAX_PER_FEEDBACK - 1);
    const first = this.#twccArrivals.get(seqs.find((s) => s >= base) ?? base) ?? 0;
    const referenceTime = Math.floor(first / 64);
    let prevTicks = referenceTime * 64 * 4;
    const packets: { sequenceNumber: number; received: boolean; deltaMicros?: number }[] = [];
    for (let s = base; s <= end; s++) {
      const at = this.#twccArrivals.get(s);
      if (at === undefined) {
        packets.push({ sequenceNumber: s & 0xffff, received: false });
        continue;
      }
      const ticks = Math.round(at * 4);
      const delta = ticks - prevTicks;
      if (delta < -32768 || delta > 32767) {
        packets.push({ sequenceNumber: s & 0xffff, received: false });
        continue;
      }
      packets.push({ sequenceNumber: s & 0xffff, received: true, deltaMicros: delta * 250 });
      prevTicks = ticks;
    }
    for (const s of seqs) if (s <= end) this.#twccArrivals.delete(s);
    this.#twccNextBase = end + 1;
    const senderSsrc = this.#senders()[0]?.ssrc ?? 1;
    this.#sendRtcp([
      { type: 'twcc', senderSsrc, mediaSsrc: this.#twccMediaSsrc, baseSequenceNumber: base & 0xffff, referenceTime: referenceTime & 0xffffff, feedbackPacketCount: this.#twccCount++ & 0xff, packets },
    ]);
    this.counters.twccFeedbackSent++;
  }

  #onSrtcp(data: Uint8Array): void {
    const inbound = this.#keySrtp();
    if (!inbound) {
      this.#holdEarly(data);
      return;
    }
    const n = inbound.unprotectRtcpInto(data, data);
    if (n < 0) {
      this.counters.srtcpUnprotectFailed++;
      return;
    }
    let packets: RtcpPacket[];
    try {
      packets = parseRtcp(data.subarray(0, n));
    } catch {
      this.counters.srtcpUnprotectFailed++;
      return;
    }
    const now = this.#now();
    for (const p of packets) {
      switch (p.type) {
        case 'sr':
          // RFC 3550 §6.4.1: LSR is the middle 32 bits of the SR's NTP timestamp.
          if (this.#lastSr.size < 64 || this.#lastSr.has(p.ssrc)) {
            this.#lastSr.set(p.ssrc, {
              ntpMiddle: ((p.ntpSeconds & 0xffff) << 16) | (p.ntpFraction >>> 16),
              at: now,
              packetsSent: p.packetCount,
              bytesSent: p.octetCount,
              // NTP → Unix ms (RFC 3550 §4).
              remoteTimestamp: (p.ntpSeconds - NTP_UNIX_OFFSET) * 1000 + (p.ntpFraction / 0x100000000) * 1000,
              reportsSent: (this.#lastSr.get(p.ssrc)?.reportsSent ?? 0) + 1,
            });
          }
          this.#onReportBlocks(p.reports);
          break;
        case 'rr':
          this.#onReportBlocks(p.reports);
          break;
        case 'nack':
          this.#senderBySsrc(p.mediaSsrc)?.handleNack(p.lost);
          break;
        case 'pli':
          this.#senderBySsrc(p.mediaSsrc)?.handleKeyFrameRequest('pli');
          break;
        case 'fir':
          for (const entry of p.entries) this.#senderBySsrc(entry.ssrc)?.handleKeyFrameRequest('fir');
          break;
        case 'bye':
          this.counters.byeReceived++;
          break;
        case 'remb':
          for (const s of this.#senders()) if (p.ssrcs.includes(s.ssrc)) s.remoteEstimatedBitrate = p.bitrate;
          this.transportCcSender.handleRemb(p.bitrate);
          this.bandwidthEstimator.handleRemb(p.bitrate);
          this.#onEstimate(now);
          break;
        case 'twcc':
          this.transportCcSender.handleFeedback(p);
          this.#onEstimate(now);
          break;
        default:
          break;
      }
    }
  }

  /** W3C candidate-pair availableOutgoingBitrate (see TransportCcSender). */
  get availableOutgoingBitrate(): number | undefined {
    // The congestion controller's target once transport-cc feedback has arrived (W3C
    // webrtc-stats: "calculated by the underlying congestion control"); before, what the
    // transport measured or the peer's REMB.
    if (this.bandwidthEstimator.stats.feedbackMessages > 0) return this.bandwidthEstimator.estimate;
    return this.transportCcSender.availableOutgoingBitrate;
  }

  #onReportBlocks(blocks: { ssrc: number; fractionLost: number; packetsLost: number; jitter: number; lastSenderReport: number; delaySinceLastSenderReport: number }[]): void {
    for (const b of blocks) {
      const s = this.#senderBySsrc(b.ssrc);
      if (!s) continue;
      s.remoteReport = { fractionLost: b.fractionLost / 256, packetsLost: b.packetsLost, jitter: b.jitter, roundTripTime: this.#rtt(b.lastSenderReport, b.delaySinceLastSenderReport) };
      // gcc-02 §6: RR fraction lost feeds the loss-based controller; the RTT its spacing.
      const rtt = s.remoteReport.roundTripTime;
      const now = this.#now();
      this.bandwidthEstimator.handleReceiverReport(now, b.fractionLost / 256, rtt === undefined ? undefined : rtt * 1000);
      this.#onEstimate(now);
    }
  }

  /** RFC 3550 §6.4.1: RTT = A − LSR − DLSR in 1/65536 s. */
  #rtt(lsr: number, dlsr: number): number | undefined {
    if (lsr === 0) return undefined;
    const a = this.#ntpMiddle(this.#now());
    const rtt = (a - lsr - dlsr) >>> 0;
    return rtt > 0x7fffffff ? undefined : rtt / 65536;
  }

  #ntp(now: number): { seconds: number; fraction: number } {
    const unixMs = performance.timeOrigin + now;
    const seconds = Math.floor(unixMs / 1000) + NTP_UNIX_OFFSET;
    const fraction = Math.floor(((unixMs % 1000) / 1000) * 0x100000000) >>> 0;
    return { seconds: seconds >>> 0, fraction };
  }

  #ntpMiddle(now: number): number {
    const n = this.#ntp(now);
    return (((n.seconds & 0xffff) << 16) | (n.fraction >>> 16)) >>> 0;
  }

  #senderBySsrc(ssrc: number): RTCRtpSender | undefined {
    return this.#senders().find((s) => s.ssrc === ssrc || s.rtxSsrc === ssrc);
  }

  /** Periodic SR/RR with report blocks and SDES CNAME (RFC 3550 §6.4, §6.5; RFC 8108 §5.3). */
  #sendReports(now: number): void {
    const senders = this.#senders().filter((s) => s.sending);
    const blocks = this.#receivers().flatMap((r) =>
      [...r.sources.entries()].map(([ssrc, st]) => {
        const expectedInterval = st.expected - st.expectedPrior;
        const receivedInterval = st.received - st.receivedPrior;
        st.expectedPrior = st.expected;
        st.receivedPrior = st.received;
        const lostInterval = expectedInterval - receivedInterval;
        const sr = this.#lastSr.get(ssrc);
        return {
          ssrc,
          fractionLost: expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval)),
          packetsLost: Math.min(st.lost, 0x7fffff),
          highestSequence: st.extendedMax >>> 0,
          jitter: Math.floor(st.jitter) >>> 0,
          lastSenderReport: sr?.ntpMiddle ?? 0,
          delaySinceLastSenderReport: sr ? Math.floor(((now - sr.at) / 1000) * 65536) >>> 0 : 0,
        };
      }),
    );
    const reporter = senders[0]?.ssrc ?? this.#senders()[0]?.ssrc ?? 1;
    const cname = this.#senders()[0]?.cname ?? 'omnirtc';
    const packets: RtcpPacket[] = [];
    const ntp = this.#ntp(now);
    senders.forEach((s, i) => {
      packets.push({
        type: 'sr',
        ssrc: s.ssrc,
        ntpSeconds: ntp.seconds,
        ntpFraction: ntp.fraction,
        rtpTimestamp: s.stats.lastRtpTimestamp,
        packetCount: s.stats.packetsSent >>> 0,
        octetCount: s.stats.bytesSent >>> 0,
        reports: i === 0 ? blocks.slice(0, 31) : [],
      });
    });
    if (senders.length === 0) {
      if (blocks.length === 0) return;
      packets.push({ type: 'rr', ssrc: reporter, reports: blocks.slice(0, 31) });
    }
    packets.push({ type: 'sdes', chunks: (senders.length > 0 ? senders.map((s) => s.ssrc) : [reporter]).map((ssrc) => ({ ssrc, items: [{ type: 1, text: cname }] })) });
    this.#sendRtcp(packets);
  }

  #sendFeedback(r: RTCRtpReceiver, fb: ReceiverFeedback): void {
    if (!this.#srtpOut) return;
    const senderSsrc = this.#senders()[0]?.ssrc ?? 1;
    if (fb.type === 'nack') this.#sendRtcp([{ type: 'nack', senderSsrc, mediaSsrc: fb.mediaSsrc, lost: fb.sequenceNumbers }]);
    else if (fb.type === 'pli') this.#sendRtcp([{ type: 'pli', senderSsrc, mediaSsrc: fb.mediaSsrc }]);
    else {
      this.#firSeq = (this.#firSeq + 1) & 0xff;
      this.#sendRtcp([{ type: 'fir', senderSsrc, entries: [{ ssrc: fb.mediaSsrc, sequenceNumber: this.#firSeq }] }]);
    }
    void r;
  }

  #packetize(data: Uint8Array, timestamp: number, codecName: string, payloadType: number, ssrc: number): Uint8Array[] | null {
    const name = codecName.toLowerCase() as RtpCodecName;
    if (!Object.values(CODEC_BY_MIME).includes(name)) return null;
    const key = `${ssrc}/${payloadType}`;
    let p = this.#packetizers.get(key);
    if (!p) {
      p = createPacketizer(name, { payloadType, ssrc, mtu: 1200 });
      if (this.#packetizers.size > 64) this.#packetizers.clear();
      this.#packetizers.set(key, p);
    }
    try {
      return p.packetize(data, timestamp);
    } catch {
      return null;
    }
  }

  #depacketizer(mimeType: string): FrameDepacketizer | null {
    const name = CODEC_BY_MIME[mimeType.toLowerCase()];
    if (!name) return null;
    const d = createDepacketizer(name);
    return {
      push: (packet: MediaRtpPacket) => {
        try {
          return d.push(packet.bytes).map((f) => ({ data: f.data, timestamp: f.timestamp, keyframe: f.keyframe, mimeType }));
        } catch {
          return [];
        }
      },
      get waitingForKeyframe() {
        return d.waitingForKeyframe;
      },
    };
  }
}

/** SRTP counters of a context not made yet (data-channel-only session): nothing done, nothing dropped. */
function unusedSrtpStats(): SrtpContextStats {
  return { rtpProtected: 0, rtpUnprotected: 0, rtcpProtected: 0, rtcpUnprotected: 0, dropped: { auth: 0, replay: 0, malformed: 0, capacity: 0, exhausted: 0 } };
}
