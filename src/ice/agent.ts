// The ICE agent (RFC 8445, full and lite), sans-IO. It never opens a socket or sets a
// timer: the caller registers its sockets, feeds every datagram received on them with
// handleInput(now, bytes, from, socket), calls handleTimeout(now) at pollTimeout(), and
// sends what pollTransmit() returns. One data stream, one component (WebRTC with BUNDLE
// and rtcp-mux, RFC 8843/5761), UDP candidates; TURN relays over UDP or TCP.
//
// Demultiplexing choice: the caller may hand the agent every datagram of its sockets.
// STUN for this agent is consumed; datagrams from the TURN servers are unwrapped; any
// other datagram from a remote address the agent knows is surfaced as a 'data' event
// (RFC 7983 leaves DTLS/SRTP demux to the layer above, which then switches on the first
// byte). Upper layers send with send(bytes), which uses the selected pair, through the
// TURN relay (ChannelData) when the selected local candidate is relayed.
import { type TransportAddress, addressKey, ipFamily, sameAddress } from '../stun/address.js';
import {
  decodeErrorCode,
  decodeText,
  decodeU32,
  decodeU64,
  decodeXorAddress,
  encodeErrorCode,
  encodeText,
  encodeU32,
  encodeU64,
  encodeXorAddress,
} from '../stun/attributes.js';
import { StunAttr, StunClass, StunErrorCodes, StunMethod } from '../stun/constants.js';
import { shortTermKey } from '../stun/credentials.js';
import {
  type StunAttributeInput,
  type StunMessage,
  checkFingerprint,
  checkIntegrity,
  decodeStunMessage,
  encodeStunMessage,
  getAttribute,
  hasAttribute,
  isStunMessage,
  newTransactionId,
} from '../stun/message.js';
import { RetransmitSchedule } from '../stun/transaction.js';
import { unknownAttributeResponse, unknownRequiredAttributes } from '../stun/unknown.js';
import { TurnClient } from '../turn/client.js';
import { type IceCandidate, type IceCandidateType, type RelayProtocol, candidatePriority, pairPriority, parseCandidate, randomIceString, relayCandidatePriority } from './candidate.js';

/** Bound on STUN and on TURN servers an agent gathers from (each kind). */
const MAX_ICE_SERVERS = 16;

export type IceConnectionState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';
export type IceGatheringState = 'new' | 'gathering' | 'complete';
export type IceRole = 'controlling' | 'controlled';
export type CandidatePairState = 'frozen' | 'waiting' | 'in-progress' | 'succeeded' | 'failed';

export interface IceTurnServer {
  server: TransportAddress;
  username: string;
  password: string;
  /**
   * 'udp': allocated from every UDP socket of the server's family. 'tcp' and 'tls' (turns:,
   * RFC 7065): a byte stream the caller connects and registers with addTurnTcpSocket().
   */
  transport?: 'udp' | 'tcp' | 'tls';
  /** turns: the URL's host, which the server's certificate must name (the caller verifies it). */
  tlsServerName?: string;
}

export interface IceAgentOptions {
  /** Initial role (RFC 8445 §6.1.1): the offerer is controlling. Default true. */
  controlling?: boolean;
  /** Be an ice-lite agent (RFC 8445 §2.5): host candidates only, answers checks, never sends them. */
  lite?: boolean;
  ufrag?: string;
  pwd?: string;
  /** Resolved STUN server addresses for server-reflexive candidates. */
  stunServers?: TransportAddress[];
  turnServers?: IceTurnServer[];
  /** 'relay' pairs only relayed local candidates (W3C iceTransportPolicy). */
  transportPolicy?: 'all' | 'relay';
  /** Ta, the pacing interval between checks (RFC 8445 §14.2; default 50 ms). */
  pacing?: number;
  /** Initial RTO of a connectivity check (default 500 ms, RFC 8445 §14.3). */
  checkRto?: number;
  /** Consent check interval (RFC 7675 §5.1: 5 s, randomised ±20 %). */
  consentInterval?: number;
  /** No consent response for this long → 'disconnected' (default 10 s). */
  disconnectedTimeout?: number;
  /** No consent response for this long → consent lost, 'failed' (RFC 7675 §5.1: 30 s). */
  consentTimeout?: number;
  /** RFC 8445 §11: a Binding indication when nothing was sent on the selected pair this long (15 s). */
  keepaliveInterval?: number;
  /** Controlling: nominate the best valid pair at the latest this long after the first one. */
  nominationDelay?: number;
  /** 64-bit tie-breaker (RFC 8445 §7.1.3); random by default. */
  tieBreaker?: bigint;
  /** A [0,1) random source for timer jitter (seeded in tests). */
  random?: () => number;
  maxRemoteCandidates?: number;
  maxPairs?: number;
  software?: string;
}

export interface IceSocket {
  /** The caller's id for the socket; transmits name it. */
  id: number;
  /** The socket's bound local address (an IP literal, not a wildcard). */
  address: TransportAddress;
}

export interface IceTransmit {
  socket: number;
  to: TransportAddress;
  bytes: Uint8Array;
}

/** One candidate pair with the counters W3C RTCIceCandidatePairStats reports. */
export interface IceCandidatePairInfo {
  local: IceCandidate;
  remote: IceCandidate;
  state: CandidatePairState;
  nominated: boolean;
  /** Last round-trip time of a check or consent request that needed no retransmission (ms). */
  currentRoundTripTime?: number;
  totalRoundTripTime: number;
  responsesReceived: number;
  requestsSent: number;
  requestsReceived: number;
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
}

export type IceEvent =
  | { type: 'candidate'; candidate: IceCandidate }
  | { type: 'gathering-state'; state: IceGatheringState }
  | { type: 'state'; state: IceConnectionState }
  | { type: 'selected-pair'; local: IceCandidate; remote: IceCandidate }
  | { type: 'role'; role: IceRole }
  | { type: 'data'; data: Uint8Array; from: TransportAddress }
  | { type: 'consent-lost' }
  | { type: 'turn-error'; server: TransportAddress; transport: RelayProtocol; reason: string };

export interface IceAgentStats {
  stunReceived: number;
  stunSent: number;
  malformedDropped: number;
  fingerprintFailures: number;
  integrityFailures: number;
  badUsernameDropped: number;
  unknownTransactions: number;
  unknownSourceDropped: number;
  remoteCandidatesDropped: number;
  mdnsCandidatesIgnored: number;
  roleConflicts: number;
  checksSent: number;
  checkRetransmissions: number;
  responsesSent: number;
  consentChecksSent: number;
  keepalivesSent: number;
  dataReceived: number;
  dataSent: number;
  sendDropped: number;
  eventsDropped: number;
  transmitsDropped: number;
}

type Base = { kind: 'socket'; socket: number } | { kind: 'relay'; relay: RelaySlot };

interface LocalCandidate {
  candidate: IceCandidate;
  base: Base;
  address: TransportAddress;
}

interface RemoteCandidate {
  candidate: IceCandidate;
  address: TransportAddress;
}

interface Pair {
  local: LocalCandidate;
  remote: RemoteCandidate;
  foundation: string;
  priority: bigint;
  state: CandidatePairState;
  /** We (controlling) nominated it and the nominating check succeeded, or the peer nominated it. */
  nominated: boolean;
  /** Controlled: the peer sent USE-CANDIDATE on it. */
  remoteNominated: boolean;
  /** A check on this pair is in flight. */
  tx?: string;
  triggered: boolean;
  counters: PairCounters;
}

/** The counters of IceCandidatePairInfo, kept per pair. */
type PairCounters = Omit<IceCandidatePairInfo, 'local' | 'remote' | 'state' | 'nominated'>;

interface RelaySlot {
  turn: TurnClient;
  socket: number;
  config: IceTurnServer;
  local?: LocalCandidate;
  done: boolean;
}

interface SrflxSlot {
  socket: number;
  server: TransportAddress;
  done: boolean;
}

type TxKind = 'check' | 'consent' | 'srflx';

interface Transaction {
  kind: TxKind;
  bytes: Uint8Array;
  schedule: RetransmitSchedule;
  to: TransportAddress;
  base: Base;
  pair?: Pair;
  nominate?: boolean;
  srflx?: SrflxSlot;
  /** Password that must sign the response. */
  key?: Uint8Array;
  sentAt?: number;
  /** The role the request claimed (ICE-CONTROLLING or ICE-CONTROLLED). */
  role?: IceRole;
}

const MAX_TRANSACTIONS = 512;
/** Bound on local candidates, peer-reflexive ones included. */
const MAX_LOCAL_CANDIDATES = 64;
const MAX_QUEUE = 4096;
const SRFLX_RTO = 500;

function tidKey(tid: Uint8Array): string {
  return String.fromCharCode(...tid);
}

function randomTieBreaker(): bigint {
  const b = crypto.getRandomValues(new Uint8Array(8));
  return new DataView(b.buffer).getBigUint64(0);
}

export class IceAgent {
  readonly lite: boolean;
  localUfrag: string;
  localPwd: string;
  remoteUfrag?: string;
  remotePwd?: string;
  remoteLite = false;
  role: IceRole;
  readonly tieBreaker: bigint;
  state: IceConnectionState = 'new';
  gatheringState: IceGatheringState = 'new';
  readonly stats: IceAgentStats = {
    stunReceived: 0,
    stunSent: 0,
    malformedDropped: 0,
    fingerprintFailures: 0,
    integrityFailures: 0,
    badUsernameDropped: 0,
    unknownTransactions: 0,
    unknownSourceDropped: 0,
    remoteCandidatesDropped: 0,
    mdnsCandidatesIgnored: 0,
    roleConflicts: 0,
    checksSent: 0,
    checkRetransmissions: 0,
    responsesSent: 0,
    consentChecksSent: 0,
    keepalivesSent: 0,
    dataReceived: 0,
    dataSent: 0,
    sendDropped: 0,
    eventsDropped: 0,
    transmitsDropped: 0,
  };

  private readonly opts: Required<
    Pick<
      IceAgentOptions,
      'pacing' | 'checkRto' | 'consentInterval' | 'keepaliveInterval' | 'disconnectedTimeout' | 'consentTimeout' | 'nominationDelay' | 'maxRemoteCandidates' | 'maxPairs' | 'transportPolicy'
    >
  >;
  private readonly random: () => number;
  private readonly software?: string;
  private readonly stunServers: TransportAddress[];
  private readonly turnServers: IceTurnServer[];
  private localKey: Uint8Array;
  private remoteKey?: Uint8Array;

  private readonly sockets = new Map<number, IceSocket>();
  private readonly locals: LocalCandidate[] = [];
  private readonly remotes: RemoteCandidate[] = [];
  private readonly remoteByAddress = new Map<string, RemoteCandidate>();
  private pairs: Pair[] = [];
  private readonly triggered: Pair[] = [];
  private readonly transactions = new Map<string, Transaction>();
  private readonly srflxSlots: SrflxSlot[] = [];
  private readonly relays: RelaySlot[] = [];
  private readonly transmits: IceTransmit[] = [];
  private readonly events: IceEvent[] = [];

  private remoteEndOfCandidates = false;
  private gatherStarted = false;
  private nextCheckAt = 0;
  private lastCheckAt = -1e9;
  private firstValidAt = Number.POSITIVE_INFINITY;
  private nominating?: Pair;
  private selected?: Pair;
  /** During an ICE restart: the previous selected pair, still carrying data (RFC 8445 §9). */
  private carrier?: Pair;
  /** Full agents: last consent response; lite agents: last check received on the selected pair. */
  private lastConsentAt = 0;
  private nextConsentAt = Number.POSITIVE_INFINITY;
  /** Last time anything was sent towards the selected pair's remote (RFC 8445 §11 keepalives). */
  private lastSentOnSelected = 0;
  private foundations = new Map<string, string>();
  private closed = false;
  /** RFC 7675 §5.2: after consent expired, only an ICE restart may select a pair again. */
  private consentExpired = false;
  /** The latest `now` the caller gave, for work started by calls that take no time (addRemoteCandidate). */
  private clock = 0;

  constructor(options: IceAgentOptions = {}) {
    this.lite = options.lite ?? false;
    // RFC 8445 §6.1.1: a lite agent is always controlled (unless both are lite, not supported).
    this.role = this.lite ? 'controlled' : (options.controlling ?? true) ? 'controlling' : 'controlled';
    this.localUfrag = options.ufrag ?? randomIceString(8);
    this.localPwd = options.pwd ?? randomIceString(24);
    if (this.localUfrag.length < 4 || this.localPwd.length < 22) {
      throw new DOMException('ICE ufrag must be ≥ 4 and pwd ≥ 22 characters (RFC 8839 §5.4)', 'InvalidAccessError');
    }
    this.localKey = shortTermKey(this.localPwd);
    this.tieBreaker = options.tieBreaker ?? randomTieBreaker();
    this.random = options.random ?? Math.random;
    this.software = options.software;
    this.stunServers = this.lite ? [] : (options.stunServers ?? []);
    this.turnServers = this.lite ? [] : (options.turnServers ?? []);
    this.opts = {
      pacing: options.pacing ?? 50,
      checkRto: options.checkRto ?? 500,
      consentInterval: options.consentInterval ?? 5000,
      keepaliveInterval: options.keepaliveInterval ?? 15_000,
      disconnectedTimeout: options.disconnectedTimeout ?? 10_000,
      consentTimeout: options.consentTimeout ?? 30_000,
      nominationDelay: options.nominationDelay ?? 1000,
      maxRemoteCandidates: options.maxRemoteCandidates ?? 100,
      maxPairs: options.maxPairs ?? 300,
      transportPolicy: options.transportPolicy ?? 'all',
    };
  }

  // --- configuration ------------------------------------------------------------------

  /** Registers a bound UDP socket; it becomes a host candidate when gathering starts. */
  addSocket(socket: IceSocket): void {
    this.assertOpen();
    if (this.sockets.has(socket.id)) throw new DOMException(`socket id ${socket.id} already added`, 'InvalidAccessError');
    if (this.gatherStarted) throw new DOMException('add sockets before gather()', 'InvalidStateError');
    this.sockets.set(socket.id, socket);
  }

  /**
   * Registers a TCP or TLS connection (already connected by the caller) to a TURN server with
   * transport 'tcp' or 'tls': TLS carries the same RFC 6062 framing (RFC 8656 §3.1), so the
   * TURN client is the stream one either way. The allocation starts at gather() (or at once
   * if gathering).
   */
  addTurnTcpSocket(now: number, socketId: number, config: IceTurnServer): void {
    this.assertOpen();
    this.clock = now;
    const slot: RelaySlot = {
      turn: new TurnClient({ server: config.server, username: config.username, password: config.password, transport: 'tcp', software: this.software }),
      socket: socketId,
      config,
      done: false,
    };
    this.relays.push(slot);
    if (this.gatherStarted) {
      if (this.gatheringState === 'complete') this.setGatheringState('gathering');
      slot.turn.start(now);
      this.drainTurn(now, slot);
    }
  }

  /** Starts gathering: host candidates at once, then server-reflexive and relayed ones. */
  /**
   * Adds STUN/TURN servers learnt after construction (the caller resolved their host names).
   * Only before gather(): servers join the first gathering round; ignored by ice-lite agents.
   */
  addServers(servers: { stun?: TransportAddress[]; turn?: IceTurnServer[] }): void {
    this.assertOpen();
    if (this.gatherStarted || this.lite) return;
    for (const a of servers.stun ?? []) if (this.stunServers.length < MAX_ICE_SERVERS) this.stunServers.push(a);
    for (const t of servers.turn ?? []) if (this.turnServers.length < MAX_ICE_SERVERS) this.turnServers.push(t);
  }

  gather(now: number): void {
    this.assertOpen();
    this.clock = now;
    if (this.gatherStarted) return;
    this.gatherStarted = true;
    this.setGatheringState('gathering');
    // RFC 8445 §5.1.2.1: distinct local preferences per host base; IPv6 ahead of IPv4 (RFC 8421 §4).
    const ordered = [...this.sockets.values()].sort((x, y) => y.address.family - x.address.family);
    let index = 0;
    for (const s of ordered) {
      const localPref = 65535 - index++;
      if (this.opts.transportPolicy === 'all') this.addLocal('host', s.address, { kind: 'socket', socket: s.id }, localPref);
      for (const server of this.stunServers) {
        if (server.family !== s.address.family) continue;
        const slot: SrflxSlot = { socket: s.id, server, done: false };
        this.srflxSlots.push(slot);
        this.sendSrflxRequest(now, slot);
      }
      for (const t of this.turnServers) {
        if ((t.transport ?? 'udp') !== 'udp' || t.server.family !== s.address.family) continue;
        const slot: RelaySlot = {
          turn: new TurnClient({ server: t.server, username: t.username, password: t.password, transport: 'udp', software: this.software }),
          socket: s.id,
          config: t,
          done: false,
        };
        this.relays.push(slot);
        slot.turn.start(now);
        this.drainTurn(now, slot);
      }
    }
    for (const slot of this.relays) {
      if (slot.turn.state === 'new') {
        slot.turn.start(now);
        this.drainTurn(now, slot);
      }
    }
    this.checkGatheringComplete();
  }

  /** Sets the peer's ufrag/pwd (from its description). `lite` when it said a=ice-lite. */
  setRemoteCredentials(ufrag: string, pwd: string, opts: { lite?: boolean } = {}): void {
    this.assertOpen();
    if (!ufrag || !pwd) throw new DOMException('remote ICE ufrag and pwd are required', 'InvalidAccessError');
    if (this.remoteUfrag !== undefined && this.remoteUfrag !== ufrag) {
      // New remote credentials without our own restart: the peer restarted (RFC 8445 §9).
      this.resetChecks();
    }
    this.remoteUfrag = ufrag;
    this.remotePwd = pwd;
    this.remoteKey = shortTermKey(pwd);
    this.remoteLite = opts.lite ?? false;
    // RFC 8445 §6.1.1: a full agent facing a lite agent is controlling.
    if (this.remoteLite && !this.lite && this.role !== 'controlling') this.setRole('controlling');
    this.wakeChecks();
    if (this.pairs.length > 0 && this.state === 'new') this.setState('checking');
  }

  /**
   * Adds a remote candidate (trickled or from the description). `null` or an empty string
   * means end-of-candidates (RFC 8838 §4). Remote mDNS (.local) and TCP candidates are ignored.
   */
  addRemoteCandidate(c: IceCandidate | string | null): void {
    this.assertOpen();
    if (c === null || c === '') {
      this.remoteEndOfCandidates = true;
      this.updateCompletion();
      return;
    }
    let cand: IceCandidate;
    try {
      cand = typeof c === 'string' ? parseCandidate(c) : c;
    } catch (e) {
      throw new DOMException(`cannot parse the ICE candidate: ${(e as Error).message}`, 'OperationError');
    }
    if (cand.transport !== 'udp') return;
    if (cand.address.toLowerCase().endsWith('.local')) {
      // Peers hiding host addresses behind mDNS: connectivity comes through prflx candidates.
      this.stats.mdnsCandidatesIgnored++;
      return;
    }
    if (cand.component !== 1) return;
    if (cand.ufrag !== undefined && this.remoteUfrag !== undefined && cand.ufrag !== this.remoteUfrag) {
      // RFC 8838 §11.4: a candidate of another ICE generation (before a restart) is ignored.
      this.stats.remoteCandidatesDropped++;
      return;
    }
    const family = ipFamily(cand.address);
    if (!family) throw new DOMException(`ICE candidate address is not an IP: ${cand.address}`, 'OperationError');
    if (cand.port === 0 || /^(0\.0\.0\.0|::|0:0:0:0:0:0:0:0)$/.test(cand.address) || /^(22[4-9]|23\d)\./.test(cand.address) || /^ff/i.test(cand.address)) {
      // Unspecified, multicast or port 0: never a peer's address; sending there is wrong.
      this.stats.remoteCandidatesDropped++;
      return;
    }
    const address: TransportAddress = { address: cand.address, port: cand.port, family };
    const existing = this.remoteByAddress.get(addressKey(address));
    if (existing) {
      // A signalled candidate replaces a peer-reflexive one learned earlier (RFC 8445 §7.3.1.3).
      if (existing.candidate.type === 'prflx' && cand.type !== 'prflx') existing.candidate = cand;
      return;
    }
    this.addRemote(cand, address);
  }

  /**
   * ICE restart (RFC 8445 §9): new local credentials; remote ones and remote candidates
   * are forgotten until the new description arrives. The selected pair keeps carrying
   * data until a new one is selected. Local candidates are re-announced.
   */
  restart(now: number, creds: { ufrag?: string; pwd?: string } = {}): void {
    this.assertOpen();
    this.clock = now;
    this.localUfrag = creds.ufrag ?? randomIceString(8);
    this.localPwd = creds.pwd ?? randomIceString(24);
    this.localKey = shortTermKey(this.localPwd);
    this.remoteUfrag = undefined;
    this.remotePwd = undefined;
    this.remoteKey = undefined;
    this.resetChecks();
    if (this.state === 'failed' || this.state === 'disconnected') this.setState('checking');
    for (const l of this.locals) if (l.candidate.type !== 'prflx') this.emit({ type: 'candidate', candidate: l.candidate });
    if (this.gatheringState === 'complete') this.emit({ type: 'gathering-state', state: 'complete' });
  }

  /** Stops everything; TURN allocations are released (their Refresh(0) is in pollTransmit). */
  close(now: number): void {
    if (this.closed) return;
    for (const r of this.relays) {
      r.turn.close(now);
      this.drainTurn(now, r);
    }
    this.closed = true;
    this.transactions.clear();
    this.triggered.length = 0;
    this.selected = undefined;
    this.carrier = undefined;
    this.setState('closed');
  }

  // --- I/O ----------------------------------------------------------------------------

  /** A datagram (or, for a TURN TCP socket, a chunk of the stream) received on `socket`. */
  handleInput(now: number, bytes: Uint8Array, from: TransportAddress, socket: number): void {
    this.clock = now;
    // A server that is both our STUN and our TURN server: its Binding responses are ours.
    // (After close() only the TURN servers are listened to: deallocation may need a 438 retry.)
    const ownResponse = !this.closed && bytes.length >= 20 && bytes[0] < 4 && this.transactions.has(tidKey(bytes.subarray(8, 20)));
    for (const r of this.relays) {
      if (ownResponse) break;
      if (r.socket === socket && (r.turn.transport === 'tcp' || sameAddress(r.config.server, from))) {
        r.turn.handleInput(now, bytes);
        this.drainTurn(now, r);
        return;
      }
    }
    if (this.closed) return;
    if (!this.sockets.has(socket)) {
      this.stats.unknownSourceDropped++;
      return;
    }
    this.handleFromPeer(now, bytes, from, { kind: 'socket', socket });
    // A check this input made due (a triggered check, RFC 8445 §7.3.1.4) leaves with the
    // response rather than a timer turn later; the pacing slot still bounds the rate (§14.2).
    if (!this.lite && now >= this.nextCheckAt && this.hasCheckWork()) this.paceChecks(now);
  }

  handleTimeout(now: number): void {
    this.clock = now;
    if (this.closed) {
      for (const r of this.relays) {
        r.turn.handleTimeout(now);
        this.drainTurn(now, r);
      }
      return;
    }
    for (const [key, tx] of this.transactions) {
      if (now < tx.schedule.nextAt) continue;
      const d = tx.schedule.onTimeout(now);
      if (d === 'retransmit') {
        if (tx.kind === 'check') this.stats.checkRetransmissions++;
        this.sendVia(now, tx.base, tx.to, tx.bytes);
      } else if (d === 'timeout') {
        this.transactions.delete(key);
        this.onTransactionTimeout(tx);
      }
    }
    for (const r of this.relays) {
      r.turn.handleTimeout(now);
      this.drainTurn(now, r);
    }
    if (!this.lite && now >= this.nextCheckAt) this.paceChecks(now);
    this.checkConsent(now);
  }

  /** The pacing slot is open: send the next check, or say when the next one is due (RFC 8445 §6.1.4.2). */
  private paceChecks(now: number): void {
    if (this.sendNextCheck(now)) {
      this.lastCheckAt = now;
      this.nextCheckAt = now + this.opts.pacing;
    } else if (this.awaitingNomination()) {
      // A valid pair waits for better ones; nominate it when the delay runs out.
      this.nextCheckAt = Math.max(now + 1, this.firstValidAt + this.opts.nominationDelay);
    } else this.nextCheckAt = Number.POSITIVE_INFINITY;
  }

  pollTransmit(): IceTransmit | undefined {
    return this.transmits.shift();
  }

  pollEvent(): IceEvent | undefined {
    return this.events.shift();
  }

  pollTimeout(): number | undefined {
    let t = Number.POSITIVE_INFINITY;
    for (const tx of this.transactions.values()) if (tx.schedule.nextAt < t) t = tx.schedule.nextAt;
    for (const r of this.relays) {
      const rt = r.turn.pollTimeout();
      if (rt !== undefined && rt < t) t = rt;
    }
    if (this.closed) return Number.isFinite(t) ? t : undefined;
    if (!this.lite && this.hasCheckWork() && this.nextCheckAt < t) t = this.nextCheckAt;
    if (this.nextConsentAt < t) t = this.nextConsentAt;
    if (this.selected) {
      const ka = this.lastSentOnSelected + this.opts.keepaliveInterval;
      if (ka < t) t = ka;
      const disc = this.lastConsentAt + (this.state === 'disconnected' ? this.opts.consentTimeout : this.opts.disconnectedTimeout);
      if (disc < t) t = disc;
    }
    return Number.isFinite(t) ? t : undefined;
  }

  /**
   * Sends application bytes (DTLS, SRTP) over the selected pair, through the TURN relay
   * when the selected local candidate is relayed. Returns false (and counts) when there
   * is no selected pair or consent was lost (RFC 7675 §5.2: stop sending).
   */
  send(bytes: Uint8Array, now?: number): boolean {
    const p = this.selected ?? this.carrier;
    if (!p || this.closed) {
      this.stats.sendDropped++;
      return false;
    }
    this.stats.dataSent++;
    p.counters.packetsSent++;
    p.counters.bytesSent += bytes.length;
    // With `now`, application traffic also counts as keepalive activity (RFC 8445 §11).
    this.sendVia(now, p.local.base, p.remote.address, bytes);
    return true;
  }

  // --- inspection ---------------------------------------------------------------------

  /** TURN servers configured with transport 'tcp' or 'tls': the caller connects them (addTurnTcpSocket). */
  get tcpTurnServers(): IceTurnServer[] {
    return this.turnServers.filter((t) => t.transport === 'tcp' || t.transport === 'tls');
  }

  get localCandidates(): IceCandidate[] {
    return this.locals.map((l) => l.candidate);
  }

  get remoteCandidates(): IceCandidate[] {
    return this.remotes.map((r) => r.candidate);
  }

  get selectedPair(): { local: IceCandidate; remote: IceCandidate } | undefined {
    return this.selected ? { local: this.selected.local.candidate, remote: this.selected.remote.candidate } : undefined;
  }

  get candidatePairs(): IceCandidatePairInfo[] {
    return this.pairs.map((p) => this.pairInfo(p));
  }

  /** The selected pair with its counters (W3C RTCIceTransport.getSelectedCandidatePair + stats). */
  get selectedPairInfo(): IceCandidatePairInfo | undefined {
    return this.selected ? this.pairInfo(this.selected) : undefined;
  }

  private pairInfo(p: Pair): IceCandidatePairInfo {
    return { local: p.local.candidate, remote: p.remote.candidate, state: p.state, nominated: p.nominated, ...p.counters };
  }

  // --- local candidates ---------------------------------------------------------------

  private foundationFor(type: IceCandidateType, baseIp: string, server = ''): string {
    // RFC 8445 §5.1.1.3: same type, base IP, server and transport → same foundation.
    const key = `${type}|${baseIp}|${server}`;
    let f = this.foundations.get(key);
    if (!f) {
      f = String(this.foundations.size + 1);
      this.foundations.set(key, f);
    }
    return f;
  }

  private addLocal(
    type: IceCandidateType,
    address: TransportAddress,
    base: Base,
    localPref: number,
    related?: TransportAddress,
    server = '',
    relayProtocol?: RelayProtocol,
  ): LocalCandidate {
    const baseIp = base.kind === 'socket' ? (this.sockets.get(base.socket)?.address.address ?? '') : address.address;
    const candidate: IceCandidate = {
      // RFC 8445 §5.1.1.3: the transport to the server is part of what makes a foundation.
      foundation: this.foundationFor(type, baseIp, relayProtocol ? `${server}/${relayProtocol}` : server),
      component: 1,
      transport: 'udp',
      priority: relayProtocol ? relayCandidatePriority(relayProtocol, localPref) : candidatePriority(type, localPref),
      address: address.address,
      port: address.port,
      type,
      relatedAddress: related?.address,
      relatedPort: related?.port,
      ...(relayProtocol ? { relayProtocol } : {}),
    };
    const local: LocalCandidate = { candidate, base, address };
    this.locals.push(local);
    if (type !== 'prflx') this.emit({ type: 'candidate', candidate });
    // RFC 8445 §6.1.2.4: server-reflexive candidates are pruned (their base is already paired).
    if (type === 'host' || type === 'relay') for (const r of this.remotes) this.addPair(local, r);
    return local;
  }

  private sendSrflxRequest(now: number, slot: SrflxSlot): void {
    const tid = newTransactionId();
    const bytes = encodeStunMessage(StunMethod.binding, StunClass.request, tid, [], { fingerprint: true });
    const base: Base = { kind: 'socket', socket: slot.socket };
    this.addTransaction(tid, {
      kind: 'srflx',
      bytes,
      schedule: new RetransmitSchedule(now, { rto: SRFLX_RTO, maxTransmissions: 4, lastWaitFactor: 4 }),
      to: slot.server,
      base,
      srflx: slot,
    });
    this.sendVia(now, base, slot.server, bytes);
  }

  private drainTurn(now: number, slot: RelaySlot): void {
    for (let b = slot.turn.pollTransmit(); b; b = slot.turn.pollTransmit()) this.queueTransmit({ socket: slot.socket, to: slot.config.server, bytes: b });
    for (let e = slot.turn.pollEvent(); e; e = slot.turn.pollEvent()) {
      switch (e.type) {
        case 'allocated': {
          if (slot.local) break;
          slot.done = true;
          slot.local = this.addLocal('relay', e.relayed, { kind: 'relay', relay: slot }, 65535 - this.relays.indexOf(slot), e.mapped, addressKey(slot.config.server), slot.config.transport ?? 'udp');
          this.checkGatheringComplete();
          break;
        }
        case 'data':
          if (slot.local && !this.closed) this.handleFromPeer(now, e.data, e.peer, { kind: 'relay', relay: slot });
          break;
        case 'failed':
          slot.done = true;
          this.emit({ type: 'turn-error', server: slot.config.server, transport: slot.config.transport ?? 'udp', reason: e.reason });
          this.checkGatheringComplete();
          break;
        default:
          break;
      }
    }
    // Events above may have queued more bytes for the server.
    for (let b = slot.turn.pollTransmit(); b; b = slot.turn.pollTransmit()) this.queueTransmit({ socket: slot.socket, to: slot.config.server, bytes: b });
  }

  private checkGatheringComplete(): void {
    if (this.gatheringState !== 'gathering') return;
    if (this.srflxSlots.some((s) => !s.done) || this.relays.some((r) => !r.done)) return;
    this.setGatheringState('complete');
    this.updateCompletion();
  }

  // --- remote candidates and pairs ----------------------------------------------------

  private addRemote(cand: IceCandidate, address: TransportAddress): RemoteCandidate | undefined {
    if (this.remotes.length >= this.opts.maxRemoteCandidates) {
      this.stats.remoteCandidatesDropped++;
      return undefined;
    }
    const r: RemoteCandidate = { candidate: cand, address };
    this.remotes.push(r);
    this.remoteByAddress.set(addressKey(address), r);
    for (const l of this.locals) if (l.candidate.type === 'host' || l.candidate.type === 'relay') this.addPair(l, r);
    if (this.remoteUfrag !== undefined && this.state === 'new' && this.pairs.length > 0) this.setState('checking');
    if (this.state === 'failed' && !this.selected && this.pairs.some((p) => p.state !== 'failed')) this.setState('checking');
    this.wakeChecks();
    return r;
  }

  private addPair(local: LocalCandidate, remote: RemoteCandidate): Pair | undefined {
    if (local.address.family !== remote.address.family) return undefined;
    if (this.opts.transportPolicy === 'relay' && local.candidate.type !== 'relay') return undefined;
    for (const p of this.pairs) if (p.local === local && p.remote === remote) return p;
    if (this.pairs.length >= this.opts.maxPairs) {
      this.stats.remoteCandidatesDropped++;
      return undefined;
    }
    const pair: Pair = {
      local,
      remote,
      foundation: `${local.candidate.foundation}:${remote.candidate.foundation}`,
      priority: this.computePairPriority(local, remote),
      // RFC 8445 §6.1.2.6: the first pair of each foundation waits; the others are frozen.
      state: this.pairs.some((p) => p.foundation === `${local.candidate.foundation}:${remote.candidate.foundation}` && p.state !== 'failed') ? 'frozen' : 'waiting',
      nominated: false,
      remoteNominated: false,
      triggered: false,
      counters: { totalRoundTripTime: 0, responsesReceived: 0, requestsSent: 0, requestsReceived: 0, packetsSent: 0, packetsReceived: 0, bytesSent: 0, bytesReceived: 0 },
    };
    if (local.candidate.type === 'relay' && local.base.kind === 'relay') {
      // RFC 8656 §9: the relay forwards only from peers with a permission.
      try {
        const relay = local.base.relay;
        relay.turn.createPermission(this.clock, remote.address);
        for (let b = relay.turn.pollTransmit(); b; b = relay.turn.pollTransmit()) this.queueTransmit({ socket: relay.socket, to: relay.config.server, bytes: b });
      } catch {
        return undefined;
      }
    }
    this.pairs.push(pair);
    this.pairs.sort((a, b) => (a.priority > b.priority ? -1 : a.priority < b.priority ? 1 : 0));
    return pair;
  }

  private computePairPriority(local: LocalCandidate, remote: RemoteCandidate): bigint {
    const l = local.candidate.priority;
    const r = remote.candidate.priority;
    return this.role === 'controlling' ? pairPriority(l, r) : pairPriority(r, l);
  }

  private setRole(role: IceRole): void {
    if (this.role === role) return;
    this.role = role;
    // RFC 8445 §7.2.5.1: pair priorities are recomputed after a role switch.
    for (const p of this.pairs) p.priority = this.computePairPriority(p.local, p.remote);
    this.pairs.sort((a, b) => (a.priority > b.priority ? -1 : a.priority < b.priority ? 1 : 0));
    this.emit({ type: 'role', role });
  }

  private resetChecks(): void {
    this.transactions.forEach((tx, key) => {
      if (tx.kind !== 'srflx') this.transactions.delete(key);
    });
    this.triggered.length = 0;
    this.remotes.length = 0;
    this.remoteByAddress.clear();
    this.pairs = [];
    this.nominating = undefined;
    this.firstValidAt = Number.POSITIVE_INFINITY;
    this.remoteEndOfCandidates = false;
    this.remoteLite = false;
    this.consentExpired = false;
    // The old selected pair keeps carrying media until a new one is chosen (RFC 8445 §9);
    // consent on it is not checked with the new credentials.
    if (this.selected) this.carrier = this.selected;
    this.selected = undefined;
    this.nextConsentAt = Number.POSITIVE_INFINITY;
    this.locals.splice(0, this.locals.length, ...this.locals.filter((l) => l.candidate.type !== 'prflx'));
  }

  // --- inbound ------------------------------------------------------------------------

  private handleFromPeer(now: number, bytes: Uint8Array, from: TransportAddress, base: Base): void {
    if (bytes.length > 0 && bytes[0] < 4) {
      if (!isStunMessage(bytes)) {
        this.stats.malformedDropped++;
        return;
      }
      let m: StunMessage;
      try {
        m = decodeStunMessage(bytes);
      } catch {
        this.stats.malformedDropped++;
        return;
      }
      this.stats.stunReceived++;
      if (m.method !== StunMethod.binding) {
        this.stats.malformedDropped++;
        return;
      }
      if (m.cls === StunClass.request) this.handleRequest(now, m, from, base);
      else if (m.cls === StunClass.success || m.cls === StunClass.error) this.handleResponse(now, m, from, base);
      // Binding indications are keepalives (RFC 8445 §11): nothing to do.
      return;
    }
    // Not STUN: application data, accepted from addresses we have a pair with.
    const remote = this.remoteByAddress.get(addressKey(from));
    if (!remote) {
      this.stats.unknownSourceDropped++;
      return;
    }
    this.stats.dataReceived++;
    const sel = this.selected ?? this.carrier;
    if (sel && sel.remote === remote && sameBase(sel.local.base, base)) {
      sel.counters.packetsReceived++;
      sel.counters.bytesReceived += bytes.length;
    }
    this.emit({ type: 'data', data: bytes, from });
  }

  private localForBase(base: Base): LocalCandidate | undefined {
    if (base.kind === 'relay') return base.relay.local;
    for (const l of this.locals) if (l.base.kind === 'socket' && l.base.socket === base.socket && l.candidate.type === 'host') return l;
    // Relay-only policy: a socket's host candidate exists internally but is not paired.
    return undefined;
  }

  private respondError(now: number, m: StunMessage, base: Base, to: TransportAddress, code: number, reason: string, sign: boolean): void {
    const bytes = encodeStunMessage(StunMethod.binding, StunClass.error, m.transactionId, [{ type: StunAttr.ERROR_CODE, value: encodeErrorCode(code, reason) }], {
      integrityKey: sign ? this.localKey : undefined,
      fingerprint: true,
    });
    this.stats.responsesSent++;
    this.sendVia(now, base, to, bytes);
  }

  private handleRequest(now: number, m: StunMessage, from: TransportAddress, base: Base): void {
    // RFC 8445 §7.3: checks carry FINGERPRINT, USERNAME "ours:theirs" and MESSAGE-INTEGRITY.
    if (!checkFingerprint(m)) {
      this.stats.fingerprintFailures++;
      return;
    }
    const u = getAttribute(m, StunAttr.USERNAME);
    let username = '';
    try {
      username = u ? decodeText(u) : '';
    } catch {
      username = '';
    }
    const colon = username.indexOf(':');
    if (!u || colon < 0 || !hasAttribute(m, StunAttr.MESSAGE_INTEGRITY) && !hasAttribute(m, StunAttr.MESSAGE_INTEGRITY_SHA256)) {
      this.stats.badUsernameDropped++;
      this.respondError(now, m, base, from, StunErrorCodes.badRequest, 'Bad Request', false);
      return;
    }
    if (username.slice(0, colon) !== this.localUfrag || !checkIntegrity(m, this.localKey)) {
      // RFC 8489 §9.1.3: 401 without integrity.
      this.stats.integrityFailures++;
      this.respondError(now, m, base, from, StunErrorCodes.unauthorized, 'Unauthorized', false);
      return;
    }
    const unknown = unknownRequiredAttributes(m);
    if (unknown.length > 0) {
      this.sendVia(now, base, from, unknownAttributeResponse(m, unknown, this.localKey));
      return;
    }
    // RFC 8445 §7.3.1.1: role conflicts.
    const controlling = getAttribute(m, StunAttr.ICE_CONTROLLING);
    const controlled = getAttribute(m, StunAttr.ICE_CONTROLLED);
    try {
      if (controlling && this.role === 'controlling') {
        this.stats.roleConflicts++;
        if (this.tieBreaker >= decodeU64(controlling)) {
          this.respondError(now, m, base, from, StunErrorCodes.roleConflict, 'Role Conflict', true);
          return;
        }
        this.setRole('controlled');
      } else if (controlled && this.role === 'controlled') {
        this.stats.roleConflicts++;
        if (this.tieBreaker >= decodeU64(controlled)) {
          if (this.lite) {
            this.respondError(now, m, base, from, StunErrorCodes.roleConflict, 'Role Conflict', true);
            return;
          }
          this.setRole('controlling');
        } else {
          this.respondError(now, m, base, from, StunErrorCodes.roleConflict, 'Role Conflict', true);
          return;
        }
      }
    } catch {
      this.stats.malformedDropped++;
      return;
    }
    // RFC 8445 §7.3.1.2: success response with XOR-MAPPED-ADDRESS = the source.
    const resp = encodeStunMessage(
      StunMethod.binding,
      StunClass.success,
      m.transactionId,
      [{ type: StunAttr.XOR_MAPPED_ADDRESS, value: encodeXorAddress(from, m.transactionId) }],
      { integrityKey: this.localKey, fingerprint: true },
    );
    this.stats.responsesSent++;
    this.sendVia(now, base, from, resp);

    const local = this.localForBase(base);
    if (!local) return;
    // RFC 8445 §7.3.1.3: an unknown source is a peer-reflexive remote candidate.
    let remote = this.remoteByAddress.get(addressKey(from));
    if (!remote) {
      let prio = candidatePriority('prflx', 0);
      const pa = getAttribute(m, StunAttr.PRIORITY);
      try {
        if (pa) prio = decodeU32(pa);
      } catch {
        this.stats.malformedDropped++;
        return;
      }
      remote = this.addRemote(
        { foundation: `p${this.remotes.length + 1}`, component: 1, transport: 'udp', priority: Math.max(1, prio), address: from.address, port: from.port, type: 'prflx' },
        from,
      );
      if (!remote) return;
    }
    const pair = this.pairs.find((p) => p.local === local && p.remote === remote) ?? this.addPair(local, remote);
    if (!pair) return;
    pair.counters.requestsReceived++;
    const useCandidate = hasAttribute(m, StunAttr.USE_CANDIDATE);
    if (this.lite) {
      // RFC 8445 §7.3.1.5 (lite): a pair is valid once checked by the peer; USE-CANDIDATE selects it.
      pair.state = 'succeeded';
      if (this.selected === pair) this.refreshConsent(now);
      if (useCandidate && this.role === 'controlled') {
        pair.nominated = true;
        this.select(now, pair);
      }
      return;
    }
    // RFC 8445 §7.3.1.4: triggered checks.
    if (pair.state === 'frozen' || pair.state === 'waiting' || pair.state === 'failed') {
      pair.state = 'waiting';
      this.trigger(pair);
    }
    if (useCandidate && this.role === 'controlled') {
      pair.remoteNominated = true;
      // RFC 8445 §7.3.1.5: nominated once the pair is valid.
      if (pair.state === 'succeeded') {
        pair.nominated = true;
        this.select(now, pair);
      } else if (pair.state === 'in-progress') {
        // Its check will complete; selection happens there.
      }
    }
  }

  private handleResponse(now: number, m: StunMessage, from: TransportAddress, base: Base): void {
    const key = tidKey(m.transactionId);
    const tx = this.transactions.get(key);
    if (!tx) {
      this.stats.unknownTransactions++;
      return;
    }
    if (tx.key && !checkIntegrity(m, tx.key)) {
      this.stats.integrityFailures++;
      return;
    }
    if (tx.kind !== 'srflx' && !checkFingerprint(m)) {
      this.stats.fingerprintFailures++;
      return;
    }
    this.transactions.delete(key);
    if (tx.kind === 'srflx') {
      this.onSrflxResponse(m, tx);
      return;
    }
    const pair = tx.pair!;
    if (pair.tx === key) pair.tx = undefined;
    // RFC 8445 §7.2.5.2.1: the response must come from where the request went, on the same base.
    if (!sameAddress(from, tx.to) || !sameBase(base, tx.base)) {
      if (tx.kind === 'check') this.failPair(pair);
      return;
    }
    pair.counters.responsesReceived++;
    if (m.cls === StunClass.success && tx.sentAt !== undefined && tx.schedule.transmissions === 1) {
      // Only unambiguous samples: a retransmitted request's response matches either copy.
      const rtt = now - tx.sentAt;
      pair.counters.currentRoundTripTime = rtt;
      pair.counters.totalRoundTripTime += rtt;
    }
    if (m.cls === StunClass.error) {
      let code = 0;
      try {
        const ec = getAttribute(m, StunAttr.ERROR_CODE);
        if (ec) code = decodeErrorCode(ec).code;
      } catch {
        this.stats.malformedDropped++;
      }
      if (code === StunErrorCodes.roleConflict && tx.kind === 'check') {
        // RFC 8445 §7.2.5.1: switch role and retry the pair as a triggered check.
        this.stats.roleConflicts++;
        // Switch away from the role the request claimed, unless an incoming check already did.
        if (tx.role === this.role) this.setRole(this.role === 'controlling' ? 'controlled' : 'controlling');
        if (this.nominating === pair) this.nominating = undefined;
        pair.state = 'waiting';
        this.trigger(pair);
        return;
      }
      if (tx.kind === 'check') this.failPair(pair);
      return;
    }
    if (tx.kind === 'consent') {
      if (this.selected === pair) this.refreshConsent(now);
      return;
    }
    // Success of a connectivity check (RFC 8445 §7.2.5.3).
    const xma = getAttribute(m, StunAttr.XOR_MAPPED_ADDRESS);
    if (xma && pair.local.base.kind === 'socket') {
      try {
        const mapped = decodeXorAddress(xma, m.transactionId);
        if (!this.locals.some((l) => sameAddress(l.address, mapped)) && this.locals.length < MAX_LOCAL_CANDIDATES) {
          // RFC 8445 §7.2.5.3.1: a peer-reflexive local candidate (not signalled).
          this.addLocal('prflx', mapped, pair.local.base, 65535);
        }
      } catch {
        this.stats.malformedDropped++;
      }
    }
    const wasValid = pair.state === 'succeeded';
    pair.state = 'succeeded';
    if (!wasValid && this.firstValidAt === Number.POSITIVE_INFINITY) this.firstValidAt = now;
    // RFC 8445 §7.2.5.3.3: unfreeze pairs with the same foundation.
    for (const p of this.pairs) if (p.state === 'frozen' && p.foundation === pair.foundation) p.state = 'waiting';
    if (this.selected === pair) this.refreshConsent(now);
    if (tx.nominate && this.role === 'controlling') {
      if (this.nominating === pair) this.nominating = undefined;
      pair.nominated = true;
      this.select(now, pair);
    } else if (pair.remoteNominated && this.role === 'controlled') {
      pair.nominated = true;
      this.select(now, pair);
    } else if (this.awaitingNomination()) {
      // Regular nomination (RFC 8445 §8.1.1) as soon as the best pair is known to work: the
      // one USE-CANDIDATE check is sent at once rather than in the next pacing slot.
      const best = this.pairs.find((p) => p.state === 'succeeded');
      if (best && this.wantsNomination(now, best)) this.sendCheck(now, best, true);
    }
    this.wakeChecks();
    this.updateCompletion();
  }

  private onSrflxResponse(m: StunMessage, tx: Transaction): void {
    const slot = tx.srflx!;
    if (slot.done) return;
    slot.done = true;
    if (m.cls === StunClass.success) {
      const xma = getAttribute(m, StunAttr.XOR_MAPPED_ADDRESS);
      try {
        const mapped = xma ? decodeXorAddress(xma, m.transactionId) : undefined;
        const sock = this.sockets.get(slot.socket);
        if (mapped && sock && !this.locals.some((l) => l.candidate.type === 'srflx' && sameAddress(l.address, mapped))) {
          if (!sameAddress(mapped, sock.address)) {
            this.addLocal('srflx', mapped, { kind: 'socket', socket: slot.socket }, 65535, sock.address, addressKey(slot.server));
          }
        }
      } catch {
        this.stats.malformedDropped++;
      }
    }
    this.checkGatheringComplete();
  }

  /** A check failed. A selected pair stays selected: consent (RFC 7675) decides when it is lost. */
  private failPair(pair: Pair): void {
    pair.state = 'failed';
    pair.tx = undefined;
    if (this.nominating === pair) this.nominating = undefined;
    // A failed pair can unblock a nomination or let a frozen pair run.
    this.wakeChecks();
    this.updateCompletion();
  }

  private onTransactionTimeout(tx: Transaction): void {
    if (tx.kind === 'srflx') {
      if (tx.srflx && !tx.srflx.done) {
        tx.srflx.done = true;
        this.checkGatheringComplete();
      }
      return;
    }
    if (tx.kind === 'check' && tx.pair) {
      if (tx.pair.tx !== undefined && this.transactions.has(tx.pair.tx)) return;
      this.failPair(tx.pair);
    }
  }

  // --- outbound checks ----------------------------------------------------------------

  private trigger(pair: Pair): void {
    if (pair.triggered) return;
    pair.triggered = true;
    this.triggered.push(pair);
    this.wakeChecks();
  }

  /** New check work: run at the next pacing slot (RFC 8445 §14.2: one check per Ta). */
  private wakeChecks(): void {
    this.nextCheckAt = Math.min(this.nextCheckAt, this.lastCheckAt + this.opts.pacing);
  }

  private hasCheckWork(): boolean {
    if (this.remoteUfrag === undefined) return false;
    if (this.triggered.length > 0) return true;
    if (this.selected) return false;
    if (this.role === 'controlling' && !this.nominating && this.pairs.some((p) => p.state === 'succeeded')) return true;
    return this.pairs.some((p) => p.state === 'waiting' || p.state === 'frozen');
  }

  /** One check per pacing interval (RFC 8445 §6.1.4.2). Returns true when one was sent. */
  private sendNextCheck(now: number): boolean {
    if (this.remoteUfrag === undefined || !this.remoteKey) return false;
    while (this.triggered.length > 0) {
      const p = this.triggered.shift()!;
      p.triggered = false;
      if (!this.pairs.includes(p)) continue;
      if (p.state === 'waiting' || p.state === 'failed' || p.state === 'frozen') {
        this.sendCheck(now, p, this.role === 'controlling' && this.wantsNomination(now, p));
        return true;
      }
    }
    // Regular nomination (RFC 8445 §8.1.1) by the controlling agent.
    if (this.role === 'controlling' && !this.nominating && !this.selected?.nominated) {
      const best = this.pairs.find((p) => p.state === 'succeeded');
      if (best && this.wantsNomination(now, best)) {
        this.nominating = best;
        this.sendCheck(now, best, true);
        return true;
      }
    }
    if (this.selected) return false;
    let next = this.pairs.find((p) => p.state === 'waiting');
    if (!next) {
      next = this.pairs.find((p) => p.state === 'frozen');
      if (next) next.state = 'waiting';
    }
    if (!next) return false;
    this.sendCheck(now, next, false);
    return true;
  }

  private awaitingNomination(): boolean {
    return this.role === 'controlling' && !this.lite && !this.nominating && !this.selected?.nominated && this.pairs.some((p) => p.state === 'succeeded');
  }

  /** Nominate `p` now if no better pair is still being checked, or the wait is over. */
  private wantsNomination(now: number, p: Pair): boolean {
    if (this.selected?.nominated) return false;
    if (p.state !== 'succeeded') return false;
    const better = this.pairs.some((q) => q.priority > p.priority && q.state !== 'failed' && q.state !== 'succeeded');
    return !better || now >= this.firstValidAt + this.opts.nominationDelay;
  }

  private checkAttributes(nominate: boolean, local: LocalCandidate): StunAttributeInput[] {
    const attrs: StunAttributeInput[] = [
      { type: StunAttr.USERNAME, value: encodeText(`${this.remoteUfrag}:${this.localUfrag}`) },
      // RFC 8445 §7.1.1: PRIORITY is what a peer-reflexive candidate from this base would get.
      { type: StunAttr.PRIORITY, value: encodeU32(candidatePriority('prflx', (local.candidate.priority >>> 8) & 0xffff)) },
      this.role === 'controlling'
        ? { type: StunAttr.ICE_CONTROLLING, value: encodeU64(this.tieBreaker) }
        : { type: StunAttr.ICE_CONTROLLED, value: encodeU64(this.tieBreaker) },
    ];
    if (nominate) attrs.push({ type: StunAttr.USE_CANDIDATE, value: new Uint8Array(0) });
    if (this.software) attrs.push({ type: StunAttr.SOFTWARE, value: encodeText(this.software) });
    return attrs;
  }

  private sendCheck(now: number, pair: Pair, nominate: boolean): void {
    if (pair.tx) this.transactions.delete(pair.tx);
    const tid = newTransactionId();
    const bytes = encodeStunMessage(StunMethod.binding, StunClass.request, tid, this.checkAttributes(nominate, pair.local), {
      integrityKey: this.remoteKey,
      fingerprint: true,
    });
    if (pair.state !== 'succeeded') pair.state = 'in-progress';
    if (nominate) this.nominating = pair;
    const key = this.addTransaction(tid, {
      kind: 'check',
      bytes,
      schedule: new RetransmitSchedule(now, { rto: this.opts.checkRto, maxTransmissions: 7, maxRto: 1600, lastWaitFactor: 3 }),
      to: pair.remote.address,
      base: pair.local.base,
      pair,
      nominate,
      key: this.remoteKey,
      sentAt: now,
      role: this.role,
    });
    pair.tx = key;
    pair.counters.requestsSent++;
    this.stats.checksSent++;
    if (this.state === 'new') this.setState('checking');
    this.sendVia(now, pair.local.base, pair.remote.address, bytes);
  }

  private addTransaction(tid: Uint8Array, tx: Transaction): string | undefined {
    if (this.transactions.size >= MAX_TRANSACTIONS) {
      // Bounded: the oldest transaction gives way.
      const oldest = this.transactions.keys().next().value;
      if (oldest !== undefined) this.transactions.delete(oldest);
    }
    const key = tidKey(tid);
    this.transactions.set(key, tx);
    return key;
  }

  // --- selection, consent, states -----------------------------------------------------

  private select(now: number, pair: Pair): void {
    if (this.consentExpired) return;
    const changed = this.selected !== pair;
    this.selected = pair;
    this.carrier = undefined;
    if (changed) this.lastSentOnSelected = now;
    this.refreshConsent(now);
    if (changed) {
      if (pair.local.base.kind === 'relay') {
        // RFC 8656 §12: a channel makes relayed data 4 bytes of overhead instead of 36.
        try {
          pair.local.base.relay.turn.bindChannel(now, pair.remote.address);
          this.drainTurn(now, pair.local.base.relay);
        } catch {
          // No channel left: Send indications still work.
        }
      }
      this.emit({ type: 'selected-pair', local: pair.local.candidate, remote: pair.remote.candidate });
    }
    if (this.state !== 'connected' && this.state !== 'completed') this.setState('connected');
    this.updateCompletion();
  }

  private refreshConsent(now: number): void {
    this.lastConsentAt = now;
    if (!this.lite && this.nextConsentAt === Number.POSITIVE_INFINITY) this.scheduleConsent(now);
    if (this.state === 'disconnected') {
      this.setState('connected');
      this.updateCompletion();
    }
  }

  private scheduleConsent(now: number): void {
    // RFC 7675 §5.1: randomised interval to avoid synchronisation.
    this.nextConsentAt = now + this.opts.consentInterval * (0.8 + 0.4 * this.random());
  }

  private checkConsent(now: number): void {
    const p = this.selected;
    if (!p) return;
    if (!this.lite && now >= this.nextConsentAt && this.remoteKey) {
      this.scheduleConsent(now);
      const tid = newTransactionId();
      const bytes = encodeStunMessage(StunMethod.binding, StunClass.request, tid, this.checkAttributes(false, p.local), {
        integrityKey: this.remoteKey,
        fingerprint: true,
      });
      // RFC 7675 §5.1: retransmitted like any STUN request, within one consent interval, so
      // that a single lost datagram does not count as silence.
      this.addTransaction(tid, {
        kind: 'consent',
        bytes,
        schedule: new RetransmitSchedule(now, { rto: this.opts.checkRto, maxTransmissions: 4, maxRto: 2000, lastWaitFactor: 2 }),
        to: p.remote.address,
        base: p.local.base,
        pair: p,
        key: this.remoteKey,
        sentAt: now,
      });
      p.counters.requestsSent++;
      this.stats.consentChecksSent++;
      this.sendVia(now, p.local.base, p.remote.address, bytes);
    }
    if (now >= this.lastSentOnSelected + this.opts.keepaliveInterval) {
      // RFC 8445 §11: a Binding indication keeps NAT bindings open (lite agents rely on it).
      const ind = encodeStunMessage(StunMethod.binding, StunClass.indication, newTransactionId(), [], { fingerprint: true });
      this.stats.keepalivesSent++;
      this.sendVia(now, p.local.base, p.remote.address, ind);
      this.lastSentOnSelected = now;
    }
    // Deadlines are compared exactly as pollTimeout() computes them (no float drift).
    if (now >= this.lastConsentAt + this.opts.consentTimeout) {
      // RFC 7675 §5.1: consent expired — stop sending on this pair.
      this.selected = undefined;
      this.carrier = undefined;
      this.nextConsentAt = Number.POSITIVE_INFINITY;
      p.state = 'failed';
      this.consentExpired = true;
      this.emit({ type: 'consent-lost' });
      this.setState('failed');
    } else if (now >= this.lastConsentAt + this.opts.disconnectedTimeout && this.state !== 'disconnected') {
      this.setState('disconnected');
    }
  }

  private updateCompletion(): void {
    if (this.closed) return;
    if (this.selected) {
      if (this.state === 'connected' && this.remoteEndOfCandidates && this.gatheringState === 'complete') this.setState('completed');
      return;
    }
    // RFC 8838 §8: failure only after the peer said end-of-candidates.
    if (
      this.remoteEndOfCandidates &&
      this.gatheringState === 'complete' &&
      this.remoteUfrag !== undefined &&
      !this.lite &&
      this.triggered.length === 0 &&
      this.pairs.every((p) => p.state === 'failed') &&
      (this.state === 'checking' || this.state === 'new' || this.state === 'disconnected')
    ) {
      this.setState('failed');
    }
  }

  private setState(s: IceConnectionState): void {
    if (this.state === s) return;
    this.state = s;
    this.emit({ type: 'state', state: s });
  }

  private setGatheringState(s: IceGatheringState): void {
    if (this.gatheringState === s) return;
    this.gatheringState = s;
    this.emit({ type: 'gathering-state', state: s });
  }

  // --- plumbing -----------------------------------------------------------------------

  private sendVia(now: number | undefined, base: Base, to: TransportAddress, bytes: Uint8Array): void {
    if (bytes.length > 0 && bytes[0] < 4) this.stats.stunSent++;
    if (now !== undefined && this.selected && sameAddress(to, this.selected.remote.address)) this.lastSentOnSelected = now;
    if (base.kind === 'socket') {
      this.queueTransmit({ socket: base.socket, to, bytes });
      return;
    }
    const relay = base.relay;
    if (!relay.turn.send(to, bytes)) {
      this.stats.sendDropped++;
      return;
    }
    for (let b = relay.turn.pollTransmit(); b; b = relay.turn.pollTransmit()) this.queueTransmit({ socket: relay.socket, to: relay.config.server, bytes: b });
  }

  private queueTransmit(t: IceTransmit): void {
    if (this.transmits.length >= MAX_QUEUE) {
      this.stats.transmitsDropped++;
      return;
    }
    this.transmits.push(t);
  }

  private emit(e: IceEvent): void {
    if (this.events.length >= MAX_QUEUE) {
      this.stats.eventsDropped++;
      return;
    }
    this.events.push(e);
  }

  private assertOpen(): void {
    if (this.closed) throw new DOMException('the ICE agent is closed: create a new one', 'InvalidStateError');
  }
}

function sameBase(a: Base, b: Base): boolean {
  if (a.kind === 'socket') return b.kind === 'socket' && a.socket === b.socket;
  return b.kind === 'relay' && a.relay === b.relay;
}
