// DtlsEndpoint: one DTLS 1.2 association (RFC 6347) in either role, sans-IO. Bytes and time
// go in (handleInput, handleTimeout); datagrams, events and the next deadline come out
// (pollTransmit, pollEvent, pollTimeout). No socket, no timer, no await.
import type { RecordAead, RecordAeadFactory } from './aead.js';
import { ALERT, ALERT_LEVEL, alertName, encodeAlert } from './alert.js';
import { concatBytes, equalBytes } from './byte-writer.js';
import { type CipherSuite, type CipherSuiteName, CIPHER_SUITES, cipherSuiteByName } from './cipher-suite.js';
import { CookieMinter } from './cookie.js';
import type { DtlsCertificate } from './certificate.js';
import { DtlsError, HandshakeFailure, misuse } from './errors.js';
import { NAMED_GROUP } from './extensions.js';
import { type CertificateFingerprint, matchesFingerprints } from './fingerprint.js';
import { type FlightItem, MIN_MTU } from './flight.js';
import { HANDSHAKE_TYPE, type HandshakeFragment, parseHandshakeFragments } from './handshake.js';
import { EcdheKeyPair } from './key-exchange.js';
import {
  CLIENT_CERTIFICATE_TYPE,
  type ClientHello,
  encodeCertificateList,
  encodeCertificateRequest,
  encodeClientHello,
  encodeClientKeyExchange,
  encodeDigitallySigned,
  encodeEcdhParams,
  encodeHelloVerifyRequest,
  encodeServerHello,
  encodeServerKeyExchange,
  parseCertificateList,
  parseCertificateRequest,
  parseClientHello,
  parseClientKeyExchange,
  parseDigitallySigned,
  parseHelloVerifyRequest,
  parseServerHello,
  parseServerKeyExchange,
} from './messages.js';
import { exportKeyingMaterial as prfExport, extendedMasterSecret, finishedVerifyData, keyBlock, masterSecret } from './prf.js';
import { type PeerPublicKey, certificatePublicKey } from './public-key.js';
import { type HandshakeMessage, Reassembler } from './reassembler.js';
import { CONTENT_TYPE, DTLS_1_0, DTLS_1_2, type DtlsRecord, MAX_PLAINTEXT, RecordProtection, encodePlainRecord, parseRecords } from './record.js';
import { type LocalPolicy, acceptServerHello, chooseFromClientHello, clientHelloExtensions, serverHelloExtensions } from './negotiation.js';
import { RecordLayer } from './record-layer.js';
import { Retransmitter } from './retransmitter.js';
import { SIGNATURE_SCHEME, SUPPORTED_SIGNATURE_SCHEMES, verifySignature } from './signature.js';
import {
  DTLS_SRTP_EXPORTER_LABEL,
  SRTP_PROFILES,
  type SrtpKeyMaterial,
  type SrtpProfileInfo,
  type SrtpProfileName,
  splitSrtpKeyMaterial,
  srtpExportLength,
  srtpProfileByName,
} from './srtp-profile.js';
import { type DtlsStats, newDtlsStats } from './stats.js';
import { Transcript } from './transcript.js';
import { defaultRecordAead } from './default-aead.js';

export type DtlsRole = 'client' | 'server';
export type DtlsGroupName = 'x25519' | 'P-256';

/** How the peer's certificate is trusted: SDP fingerprints (RFC 8122), or a predicate over its DER. */
export type PeerVerifier = readonly CertificateFingerprint[] | ((certificateDer: Uint8Array) => boolean);

export interface DtlsEndpointOptions {
  role: DtlsRole;
  certificate: DtlsCertificate;
  /**
   * Checked when the peer's Certificate arrives, before any key is released. When absent,
   * the handshake runs but completion waits for setPeerVerifier() (remote SDP still pending).
   */
  verifyPeer?: PeerVerifier;
  /** use_srtp profiles in preference order; default all four, GCM first. [] disables use_srtp. */
  srtpProfiles?: readonly SrtpProfileName[];
  /** Default: all three suites, ECDSA AES-128 first. */
  cipherSuites?: readonly CipherSuiteName[];
  /** Default: X25519 then P-256. */
  groups?: readonly DtlsGroupName[];
  /** Largest datagram this endpoint sends (UDP payload). Default 1200. */
  mtu?: number;
  /** Server: answer a cookie-less ClientHello with a HelloVerifyRequest (RFC 6347 §4.2.1). Default true. */
  cookieExchange?: boolean;
  /** Server: request and require a client certificate (WebRTC requires it, RFC 8827 §6.5). Default true. */
  requireClientCertificate?: boolean;
  /** Refuse peers without RFC 7627 extended_master_secret. Default true. */
  requireExtendedMasterSecret?: boolean;
  /** First retransmission timeout in ms. Default 200. */
  initialRetransmitMs?: number;
  /** Ceiling of the doubling retransmission timeout in ms. Default 2000. */
  maxRetransmitMs?: number;
  /** Whole handshake must finish within this many ms of start. Default 20000. */
  handshakeTimeoutMs?: number;
  /** Record cipher; default AES-GCM from the WebAssembly core. */
  aead?: RecordAeadFactory;
}

/** One direction's SRTP master key, shaped like omnirtc/srtp's SrtpContextInit. */
export interface SrtpMasterKey {
  profile: SrtpProfileName;
  masterKey: Uint8Array;
  masterSalt: Uint8Array;
}

export interface DtlsSrtpKeys extends SrtpKeyMaterial {
  /** Protects what this endpoint sends. */
  outbound: SrtpMasterKey;
  /** Unprotects what the peer sends. */
  inbound: SrtpMasterKey;
}

export type DtlsEvent =
  | {
      type: 'connected';
      cipherSuite: CipherSuiteName;
      /** Negotiated use_srtp profile, if any. */
      srtpProfile: SrtpProfileName | undefined;
      /** ECDHE group used. */
      group: DtlsGroupName;
      /** Peer's leaf certificate, DER (undefined only for a server with requireClientCertificate: false). */
      peerCertificate: Uint8Array | undefined;
    }
  | { type: 'applicationData'; data: Uint8Array }
  /** An alert the peer sent (fatal ones are followed by 'failed'). */
  | { type: 'alert'; level: 'warning' | 'fatal'; description: string; code: number }
  /** close_notify received, or close() called. */
  | { type: 'closed' }
  /** The association is dead: handshake timeout, fatal alert sent or received. */
  | { type: 'failed'; reason: string; alert: string | undefined };

type State =
  | 'idle' // client before start()
  | 'client-wait-server-hello'
  | 'client-wait-certificate'
  | 'client-wait-key-exchange'
  | 'client-wait-hello-done'
  | 'client-wait-finished'
  | 'server-wait-client-hello'
  | 'server-wait-certificate'
  | 'server-wait-key-exchange'
  | 'server-wait-certificate-verify'
  | 'server-wait-finished'
  | 'awaiting-verifier' // handshake done, peer certificate not yet checked against a verifier
  | 'connected'
  | 'closed'
  | 'failed';

const GROUP_IDS: Record<DtlsGroupName, number> = { x25519: NAMED_GROUP.x25519, 'P-256': NAMED_GROUP.secp256r1 };
const MAX_HELLO_VERIFY = 4;
const MAX_QUEUED_DATAGRAMS = 256;
const MAX_QUEUED_EVENTS = 1024;
const MAX_HELD_RECORDS = 16;
const MAX_EARLY_APPLICATION_DATA = 32;
const RESERVED_EXPORTER_LABELS = ['client finished', 'server finished', 'master secret', 'key expansion', 'extended master secret'];

interface EpochKeys {
  suite: CipherSuite;
  master: Uint8Array;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
}

export class DtlsEndpoint {
  readonly role: DtlsRole;
  private readonly certificate: DtlsCertificate;
  private verifier: PeerVerifier | undefined;
  private readonly policy: LocalPolicy;
  private readonly mtu: number;
  private readonly cookieExchange: boolean;
  private readonly requireClientCertificate: boolean;
  private readonly handshakeTimeoutMs: number;
  private readonly aeadFactory: RecordAeadFactory;

  private state: State;
  private readonly stats: DtlsStats = newDtlsStats();
  private readonly out: Uint8Array[] = [];
  private readonly events: DtlsEvent[] = [];

  // Record layer (RFC 6347 §4.1).
  private readonly records = new RecordLayer();
  private heldRecords: DtlsRecord[] = [];
  private earlyApplicationData: Uint8Array[] = [];

  // Handshake.
  private readonly reassembler = new Reassembler();
  private readonly transcript = new Transcript();
  private sendSeq = 0;
  private readonly retransmitter: Retransmitter;
  private handshakeDeadline: number | undefined;
  private cookieMinter: CookieMinter | undefined;
  private helloVerifyCount = 0;

  private clientRandom = new Uint8Array(32);
  private serverRandom = new Uint8Array(32);
  private cookie = new Uint8Array(0);
  private suite: CipherSuite | undefined;
  private srtpProfile: SrtpProfileInfo | undefined;
  private emsNegotiated = false;
  private ecdhe: EcdheKeyPair | undefined;
  private peerEcdhePublic: Uint8Array | undefined;
  private peerCertificate: Uint8Array | undefined;
  private peerPublicKey: PeerPublicKey | undefined;
  private peerVerified = false;
  private certificateRequested = false;
  private keys: EpochKeys | undefined;
  private group: DtlsGroupName | undefined;
  private completion: (() => void) | undefined;

  constructor(options: DtlsEndpointOptions) {
    if (options.role !== 'client' && options.role !== 'server') throw misuse('SyntaxError', "role must be 'client' or 'server'");
    if (!options.certificate) throw misuse('InvalidAccessError', 'a certificate is required: await DtlsCertificate.generate()');
    this.role = options.role;
    this.certificate = options.certificate;
    this.verifier = options.verifyPeer;
    const srtp = (options.srtpProfiles ?? SRTP_PROFILES.map((p) => p.name)).map((n) => {
      const p = srtpProfileByName(n);
      if (!p) throw misuse('SyntaxError', `unknown SRTP profile ${n}`);
      return p;
    });
    const suites = (options.cipherSuites ?? CIPHER_SUITES.map((s) => s.name)).map((n) => {
      const s = cipherSuiteByName(n);
      if (!s) throw misuse('SyntaxError', `unknown cipher suite ${n}`);
      return s;
    });
    if (suites.length === 0) throw misuse('SyntaxError', 'cipherSuites must not be empty');
    const groups = (options.groups ?? ['x25519', 'P-256']).map((g) => {
      const id = GROUP_IDS[g];
      if (id === undefined) throw misuse('SyntaxError', `unknown group ${g}`);
      return id;
    });
    if (groups.length === 0) throw misuse('SyntaxError', 'groups must not be empty');
    this.policy = { suites, groups, srtp, requireExtendedMasterSecret: options.requireExtendedMasterSecret ?? true };
    this.mtu = options.mtu ?? 1200;
    if (!Number.isInteger(this.mtu) || this.mtu < MIN_MTU || this.mtu > 65507) throw misuse('SyntaxError', `mtu must be an integer in ${MIN_MTU}..65507`);
    this.cookieExchange = options.cookieExchange ?? true;
    this.requireClientCertificate = options.requireClientCertificate ?? true;
    const initialMs = options.initialRetransmitMs ?? 200;
    const maxMs = options.maxRetransmitMs ?? 2000;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 20000;
    if (!(initialMs > 0 && maxMs >= initialMs && this.handshakeTimeoutMs > 0)) {
      throw misuse('SyntaxError', 'need 0 < initialRetransmitMs <= maxRetransmitMs and handshakeTimeoutMs > 0');
    }
    this.retransmitter = new Retransmitter({ initialMs, maxMs }, this.mtu, (type, epoch, payload) => this.records.seal(type, epoch, payload));
    this.aeadFactory = options.aead ?? defaultRecordAead;
    this.state = this.role === 'client' ? 'idle' : 'server-wait-client-hello';
    if (this.role === 'server' && this.cookieExchange) this.cookieMinter = new CookieMinter();
  }

  // ---------------------------------------------------------------- public API

  /** Client: sends the first ClientHello. Servers wait for input instead. */
  start(now: number): void {
    if (this.role !== 'client') throw misuse('InvalidStateError', 'start() is for the client role; a server waits for handleInput()');
    if (this.state !== 'idle') throw misuse('InvalidStateError', 'start() was already called');
    crypto.getRandomValues(this.clientRandom);
    this.handshakeDeadline = now + this.handshakeTimeoutMs;
    this.state = 'client-wait-server-hello';
    this.sendClientHello(now, -1);
  }

  /** Feeds one received UDP datagram. Never throws on network input. */
  handleInput(now: number, datagram: Uint8Array): void {
    this.stats.datagramsReceived++;
    this.stats.bytesReceived += datagram.length;
    if (this.state === 'closed' || this.state === 'failed') {
      this.stats.dropped.afterClose++;
      return;
    }
    if (this.state === 'idle') {
      // A client speaks first (start()); anything before that is not ours to answer.
      this.stats.dropped.beforeStart++;
      return;
    }
    try {
      const { records, malformed } = parseRecords(datagram);
      if (malformed) this.stats.dropped.malformedRecord++;
      for (const r of records) {
        if (this.isTerminal()) break;
        this.handleRecord(now, r);
      }
    } catch (e) {
      this.failInternal(e);
    }
  }

  /** Call when pollTimeout()'s deadline has passed. */
  handleTimeout(now: number): void {
    if (this.isTerminal()) return;
    try {
      if (this.handshakeDeadline !== undefined && now >= this.handshakeDeadline && this.state !== 'connected') {
        this.fail(undefined, `handshake did not complete within ${this.handshakeTimeoutMs} ms`);
        return;
      }
      this.queueAll(this.retransmitter.onTimeout(now));
    } catch (e) {
      this.failInternal(e);
    }
  }

  /** Next datagram to send, or undefined. */
  pollTransmit(): Uint8Array | undefined {
    const d = this.out.shift();
    if (d) {
      this.stats.datagramsSent++;
      this.stats.bytesSent += d.length;
    }
    return d;
  }

  pollEvent(): DtlsEvent | undefined {
    return this.events.shift();
  }

  /** The earliest time handleTimeout() wants to run, or undefined. */
  pollTimeout(): number | undefined {
    if (this.isTerminal() || this.state === 'connected') return undefined;
    const a = this.retransmitter.nextTimeout;
    const b = this.handshakeDeadline;
    if (a === undefined) return b;
    if (b === undefined) return a;
    return Math.min(a, b);
  }

  /** Sends application data (one record). Only once connected. */
  send(data: Uint8Array): void {
    if (this.state !== 'connected') throw misuse('InvalidStateError', `cannot send in state ${this.state}: wait for the 'connected' event`);
    if (!(data instanceof Uint8Array)) throw misuse('InvalidAccessError', 'send() takes a Uint8Array');
    if (data.length > MAX_PLAINTEXT) throw misuse('OperationError', `application data is limited to ${MAX_PLAINTEXT} bytes per record; split it`);
    this.stats.applicationRecordsSent++;
    this.queue(this.records.seal(CONTENT_TYPE.applicationData, this.records.writeEpoch, data));
  }

  /** Sends close_notify (RFC 5246 §7.2.1) and ends the association. */
  close(): void {
    if (this.isTerminal()) return;
    try {
      this.sendAlert(ALERT_LEVEL.warning, ALERT.close_notify);
    } catch {
      // Nothing to send with (e.g. a key table problem): closing anyway.
    }
    this.state = 'closed';
    this.stopTimers();
    this.emit({ type: 'closed' });
    this.releaseKeys();
  }

  /** Supplies the peer verifier later (remote SDP arrived after the DTLS start). */
  setPeerVerifier(verifier: PeerVerifier): void {
    this.verifier = verifier;
    if (this.isTerminal()) return;
    if (this.peerCertificate && !this.peerVerified) {
      try {
        this.verifyPeerCertificate();
        if (this.completion) {
          const done = this.completion;
          this.completion = undefined;
          done();
        }
      } catch (e) {
        this.failWith(e);
      }
    }
  }

  /** RFC 5705 exporter; only after 'connected'. `context` undefined means "no context". */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    if (this.state !== 'connected' || !this.keys) throw misuse('InvalidStateError', "keying material is available only after the 'connected' event");
    if (RESERVED_EXPORTER_LABELS.includes(label)) throw misuse('InvalidAccessError', `exporter label "${label}" is reserved by TLS (RFC 5705 §4)`);
    if (!Number.isInteger(length) || length < 1 || length > 65535) throw misuse('OperationError', 'length must be 1..65535');
    if (context && context.length > 65535) throw misuse('OperationError', 'context is limited to 65535 bytes');
    const k = this.keys;
    return prfExport(k.suite.prfHash, k.master, k.clientRandom, k.serverRandom, label, context, length);
  }

  /**
   * SRTP master keys and salts (RFC 5764 §4.2). `outbound` / `inbound` have the shape of
   * omnirtc/srtp's SrtpContextInit: `new SrtpContext(keys.outbound)` protects what we send.
   */
  srtpKeys(): DtlsSrtpKeys {
    if (!this.srtpProfile) throw misuse('InvalidStateError', 'no SRTP profile was negotiated (peer did not offer use_srtp, or not connected yet)');
    const p = this.srtpProfile;
    const m = splitSrtpKeyMaterial(p, this.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, undefined, srtpExportLength(p)));
    const client = { profile: p.name, masterKey: m.clientWriteKey, masterSalt: m.clientWriteSalt };
    const server = { profile: p.name, masterKey: m.serverWriteKey, masterSalt: m.serverWriteSalt };
    return { ...m, outbound: this.role === 'client' ? client : server, inbound: this.role === 'client' ? server : client };
  }

  getStats(): DtlsStats {
    this.stats.retransmissions = this.retransmitter.count;
    return structuredClone(this.stats);
  }

  get connectionState(): 'new' | 'connecting' | 'connected' | 'closed' | 'failed' {
    if (this.state === 'idle' || (this.state === 'server-wait-client-hello' && this.handshakeDeadline === undefined)) return 'new';
    if (this.state === 'connected' || this.state === 'closed' || this.state === 'failed') return this.state;
    return 'connecting';
  }

  get negotiatedCipherSuite(): CipherSuiteName | undefined {
    return this.suite?.name;
  }

  /** Frees the record keys (the WebAssembly key table is bounded). Implied by close and failure. */
  dispose(): void {
    if (!this.isTerminal()) {
      this.state = 'closed';
      this.stopTimers();
    }
    this.releaseKeys();
  }

  // ---------------------------------------------------------------- record layer

  private handshakeDone(): boolean {
    return this.state === 'connected' || this.state === 'awaiting-verifier';
  }

  private isTerminal(): boolean {
    return this.state === 'closed' || this.state === 'failed';
  }

  private handleRecord(now: number, r: DtlsRecord): void {
    this.stats.recordsReceived++;
    // RFC 6347 §4.1: DTLS 1.2 records; DTLS 1.0 is tolerated in epoch 0 (a first ClientHello may use it).
    if (r.version !== DTLS_1_2 && !(r.epoch === 0 && r.version === DTLS_1_0)) {
      this.stats.dropped.badVersion++;
      return;
    }
    let plaintext: Uint8Array;
    if (r.epoch === 0) {
      plaintext = r.fragment;
    } else if (r.epoch === 1) {
      if (!this.records.canRead) {
        // RFC 6347 §4.1: records of the next epoch may arrive before we can read them; hold a few.
        if (this.heldRecords.length < MAX_HELD_RECORDS && this.state !== 'server-wait-client-hello') this.heldRecords.push({ ...r, fragment: r.fragment.slice() });
        else this.stats.dropped.badEpoch++;
        return;
      }
      const opened = this.records.open(r);
      if (opened === 'replay') {
        this.stats.dropped.replay++;
        return;
      }
      if (opened === 'auth') {
        // RFC 6347 §4.1.2.7: invalid records are silently discarded.
        this.stats.dropped.decryptFailed++;
        return;
      }
      plaintext = opened;
    } else {
      this.stats.dropped.badEpoch++;
      return;
    }

    switch (r.type) {
      case CONTENT_TYPE.handshake:
        this.handleHandshakeRecord(now, r, plaintext);
        break;
      case CONTENT_TYPE.changeCipherSpec:
        // Epoch changes are carried by the record epoch itself (RFC 6347 §4.1); the message
        // only has to be well formed.
        if (plaintext.length !== 1 || plaintext[0] !== 1) this.stats.dropped.unexpectedContentType++;
        break;
      case CONTENT_TYPE.alert:
        this.handleAlert(r, plaintext);
        break;
      case CONTENT_TYPE.applicationData:
        if (r.epoch === 0) {
          this.stats.dropped.unexpectedContentType++;
        } else if (this.state === 'connected') {
          this.stats.applicationRecordsReceived++;
          this.emit({ type: 'applicationData', data: plaintext });
        } else if (this.earlyApplicationData.length < MAX_EARLY_APPLICATION_DATA) {
          // The peer finished first and our copy of its Finished was lost: keep until we finish.
          this.earlyApplicationData.push(plaintext);
        } else {
          this.stats.dropped.queueOverflow++;
        }
        break;
      default:
        this.stats.dropped.unexpectedContentType++;
    }
  }

  private handleAlert(r: DtlsRecord, plaintext: Uint8Array): void {
    if (plaintext.length !== 2) {
      this.stats.dropped.unexpectedContentType++;
      return;
    }
    // An epoch-0 alert after the handshake is unauthenticated: a spoofer could kill us. During the
    // handshake peers (OpenSSL) send fatal alerts in epoch 0, and a spoofer can only stall us anyway.
    if (r.epoch === 0 && this.handshakeDone()) {
      this.stats.dropped.unauthenticatedAlert++;
      return;
    }
    const [level, code] = plaintext;
    const fatal = level === ALERT_LEVEL.fatal;
    this.emit({ type: 'alert', level: fatal ? 'fatal' : 'warning', description: alertName(code), code });
    if (code === ALERT.close_notify) {
      // RFC 5246 §7.2.1: answer close_notify with our own and drop pending writes.
      try {
        this.sendAlert(ALERT_LEVEL.warning, ALERT.close_notify);
      } catch {
        // Nothing more to do: we are closing.
      }
      this.state = 'closed';
      this.stopTimers();
      this.emit({ type: 'closed' });
      this.releaseKeys();
      return;
    }
    if (fatal) {
      this.state = 'failed';
      this.stopTimers();
      this.emit({ type: 'failed', reason: `peer sent fatal alert ${alertName(code)}`, alert: alertName(code) });
      this.releaseKeys();
    }
  }

  private queue(datagram: Uint8Array): void {
    if (this.out.length >= MAX_QUEUED_DATAGRAMS) {
      this.stats.dropped.queueOverflow++;
      return;
    }
    this.out.push(datagram);
  }

  private emit(e: DtlsEvent): void {
    if (this.events.length >= MAX_QUEUED_EVENTS) {
      this.stats.dropped.queueOverflow++;
      return;
    }
    this.events.push(e);
  }

  private sendAlert(level: number, description: number): void {
    this.queue(this.records.sealAlert(encodeAlert(level, description)));
  }

  private queueAll(datagrams: Uint8Array[]): void {
    for (const d of datagrams) this.queue(d);
  }

  // ---------------------------------------------------------------- flights

  /** Makes `items` the current flight, answering peer message `answeredSeq`, and sends it. */
  private sendFlight(now: number, items: FlightItem[], answeredSeq: number, expectsReply: boolean): void {
    this.queueAll(this.retransmitter.start(now, items, answeredSeq, expectsReply));
    if (this.retransmitter.changesCipher) this.records.writeEpoch = 1;
  }

  private handshakeItem(msgType: number, body: Uint8Array, epoch = 0): FlightItem {
    const item: FlightItem = { kind: 'handshake', msgType, messageSeq: this.sendSeq++, body, epoch };
    this.transcript.add(msgType, item.messageSeq, body);
    return item;
  }

  private stopTimers(): void {
    this.retransmitter.stopTimer();
    this.handshakeDeadline = undefined;
  }

  // ---------------------------------------------------------------- handshake layer

  private handleHandshakeRecord(now: number, r: DtlsRecord, plaintext: Uint8Array): void {
    let fragments: HandshakeFragment[];
    try {
      fragments = parseHandshakeFragments(plaintext);
    } catch {
      this.stats.dropped.malformedHandshake++;
      return;
    }
    for (const f of fragments) {
      if (this.isTerminal()) return;
      if (this.handshakeDone()) {
        this.handshakeAfterCompletion(now, r, f);
        continue;
      }
      if (this.state === 'server-wait-client-hello') {
        // Stateless until a cookie checks out: anything but a ClientHello is dropped, not
        // answered, so stray or spoofed handshake data cannot fail a waiting server.
        if (f.msgType !== HANDSHAKE_TYPE.clientHello) {
          this.stats.dropped.unexpectedHandshake++;
          continue;
        }
        // The client's numbering is taken as it comes (RFC 6347 §4.2.2).
        if (f.messageSeq !== this.reassembler.nextSeq) this.reassembler.reset(f.messageSeq);
      }
      const verdict = this.reassembler.add(f, r.epoch);
      if (verdict === 'old') {
        this.stats.dropped.duplicateHandshake++;
        this.queueAll(this.retransmitter.onPeerRepeat(now, f.messageSeq));
        continue;
      }
      if (verdict === 'too-far' || verdict === 'too-long') {
        this.stats.dropped.handshakeOutOfWindow++;
        continue;
      }
      if (verdict === 'inconsistent') {
        this.stats.dropped.malformedHandshake++;
        continue;
      }
      if (this.state === 'server-wait-client-hello') {
        // Stateless until the cookie checks out: one ClientHello at a time, processed here.
        const m = this.reassembler.take();
        if (m) this.dispatch(now, m, r);
        continue;
      }
      for (let m = this.reassembler.take(); m && !this.isTerminal(); m = this.reassembler.take()) {
        this.dispatch(now, m, r);
        if (this.handshakeDone()) break;
      }
    }
    this.drainHeld(now);
  }

  private handshakeAfterCompletion(now: number, r: DtlsRecord, f: HandshakeFragment): void {
    if (f.messageSeq < this.reassembler.nextSeq) {
      this.stats.dropped.duplicateHandshake++;
      this.queueAll(this.retransmitter.onPeerRepeat(now, f.messageSeq));
      return;
    }
    // RFC 5746 §4.2 / §4.4: we never renegotiate. Answer a new handshake with a warning.
    if (r.epoch > 0 && ((this.role === 'server' && f.msgType === HANDSHAKE_TYPE.clientHello) || (this.role === 'client' && f.msgType === HANDSHAKE_TYPE.helloRequest))) {
      if (this.state === 'connected') this.sendAlert(ALERT_LEVEL.warning, ALERT.no_renegotiation);
      this.reassembler.reset(f.messageSeq + 1);
      return;
    }
    this.stats.dropped.unexpectedHandshake++;
  }

  private dispatch(now: number, m: HandshakeMessage, r: DtlsRecord): void {
    try {
      // Only Finished travels encrypted in the initial handshake (RFC 5246 §7.4.9).
      const wantEpoch = m.msgType === HANDSHAKE_TYPE.finished ? 1 : 0;
      if (m.epoch !== wantEpoch) throw new HandshakeFailure(ALERT.unexpected_message, `handshake message ${m.msgType} in epoch ${m.epoch}`);
      if (this.role === 'client') this.clientMessage(now, m);
      else this.serverMessage(now, m, r);
    } catch (e) {
      this.failWith(e);
    }
  }

  private failWith(e: unknown): void {
    if (e instanceof HandshakeFailure) this.fail(e.alert, e.message);
    else if (e instanceof DtlsError) {
      const alert = e.code === 'truncated' || e.code === 'malformed' || e.code === 'der' ? ALERT.decode_error : e.code === 'crypto' ? ALERT.illegal_parameter : ALERT.handshake_failure;
      this.fail(alert, e.message);
    } else this.failInternal(e);
  }

  private failInternal(e: unknown): void {
    this.fail(ALERT.internal_error, `internal error: ${e instanceof Error ? e.message : String(e)}`);
  }

  /** Sends a fatal alert (when given) and ends the association. */
  private fail(alert: number | undefined, reason: string): void {
    if (this.isTerminal()) return;
    if (alert !== undefined) {
      try {
        this.sendAlert(ALERT_LEVEL.fatal, alert);
      } catch {
        // The alert is a courtesy; failing is what matters.
      }
    }
    this.state = 'failed';
    this.stopTimers();
    this.emit({ type: 'failed', reason, alert: alert === undefined ? undefined : alertName(alert) });
    this.releaseKeys();
  }

  private releaseKeys(): void {
    // Once closed or failed nothing may be exported any more: wipe the master secret too.
    this.keys?.master.fill(0);
    this.keys = undefined;
    this.records.dispose();
    this.heldRecords = [];
    this.retransmitter.clear();
  }

  private expect(m: HandshakeMessage, ...types: number[]): void {
    if (!types.includes(m.msgType)) throw new HandshakeFailure(ALERT.unexpected_message, `handshake message ${m.msgType} unexpected in ${this.state}`);
  }

  // ---------------------------------------------------------------- client

  private sendClientHello(now: number, answeredSeq: number): void {
    const ext = clientHelloExtensions(this.policy);
    const body = encodeClientHello({ version: DTLS_1_2, random: this.clientRandom, sessionId: new Uint8Array(0), cookie: this.cookie, cipherSuites: this.policy.suites.map((s) => s.id), extensions: ext });
    // RFC 6347 §4.2.1: the cookie-less ClientHello and the HelloVerifyRequest stay out of the transcript.
    this.transcript.clear();
    this.sendFlight(now, [this.handshakeItem(HANDSHAKE_TYPE.clientHello, body)], answeredSeq, true);
  }

  private clientMessage(now: number, m: HandshakeMessage): void {
    switch (this.state) {
      case 'client-wait-server-hello':
        this.expect(m, HANDSHAKE_TYPE.helloVerifyRequest, HANDSHAKE_TYPE.serverHello);
        if (m.msgType === HANDSHAKE_TYPE.helloVerifyRequest) {
          this.onHelloVerifyRequest(now, m);
          return;
        }
        this.onServerHello(m);
        return;
      case 'client-wait-certificate':
        this.expect(m, HANDSHAKE_TYPE.certificate);
        this.transcript.add(m.msgType, m.messageSeq, m.body);
        this.onPeerCertificate(m.body);
        this.state = 'client-wait-key-exchange';
        return;
      case 'client-wait-key-exchange':
        this.expect(m, HANDSHAKE_TYPE.serverKeyExchange);
        this.transcript.add(m.msgType, m.messageSeq, m.body);
        this.onServerKeyExchange(m.body);
        this.state = 'client-wait-hello-done';
        return;
      case 'client-wait-hello-done':
        this.expect(m, HANDSHAKE_TYPE.certificateRequest, HANDSHAKE_TYPE.serverHelloDone);
        this.transcript.add(m.msgType, m.messageSeq, m.body);
        if (m.msgType === HANDSHAKE_TYPE.certificateRequest) {
          if (this.certificateRequested) throw new HandshakeFailure(ALERT.unexpected_message, 'second CertificateRequest');
          const req = parseCertificateRequest(m.body);
          if (!req.certificateTypes.includes(CLIENT_CERTIFICATE_TYPE.ecdsaSign) || !req.signatureSchemes.includes(SIGNATURE_SCHEME.ecdsa_secp256r1_sha256)) {
            throw new HandshakeFailure(ALERT.handshake_failure, 'server does not accept an ECDSA P-256 SHA-256 client certificate');
          }
          this.certificateRequested = true;
          return;
        }
        if (m.body.length !== 0) throw new HandshakeFailure(ALERT.decode_error, 'ServerHelloDone with a body');
        this.sendClientKeyFlight(now, m.messageSeq);
        return;
      case 'client-wait-finished':
        this.expect(m, HANDSHAKE_TYPE.finished);
        this.checkFinished(m, false);
        this.transcript.add(m.msgType, m.messageSeq, m.body);
        this.retransmitter.clear();
        this.complete();
        return;
      default:
        throw new HandshakeFailure(ALERT.unexpected_message, `handshake message ${m.msgType} in ${this.state}`);
    }
  }

  private onHelloVerifyRequest(now: number, m: HandshakeMessage): void {
    const hvr = parseHelloVerifyRequest(m.body);
    // RFC 6347 §4.2.1: the server may answer with DTLS 1.0 in a HelloVerifyRequest.
    if (hvr.version !== DTLS_1_2 && hvr.version !== DTLS_1_0) throw new HandshakeFailure(ALERT.protocol_version, 'HelloVerifyRequest version');
    if (hvr.cookie.length === 0) throw new HandshakeFailure(ALERT.illegal_parameter, 'empty cookie');
    if (++this.helloVerifyCount > MAX_HELLO_VERIFY) throw new HandshakeFailure(ALERT.handshake_failure, 'too many HelloVerifyRequests');
    this.cookie = hvr.cookie.slice();
    this.sendClientHello(now, m.messageSeq);
  }

  private onServerHello(m: HandshakeMessage): void {
    const sh = parseServerHello(m.body);
    const n = acceptServerHello(sh, this.policy, DTLS_1_2);
    this.suite = n.suite;
    this.srtpProfile = n.srtpProfile;
    this.emsNegotiated = n.extendedMasterSecret;
    this.serverRandom = sh.random.slice();
    this.transcript.add(m.msgType, m.messageSeq, m.body);
    this.state = 'client-wait-certificate';
  }

  private onServerKeyExchange(body: Uint8Array): void {
    const ske = parseServerKeyExchange(body);
    if (!this.policy.groups.includes(ske.params.namedGroup)) throw new HandshakeFailure(ALERT.illegal_parameter, `server chose group ${ske.params.namedGroup} we did not offer`);
    if (!SUPPORTED_SIGNATURE_SCHEMES.includes(ske.signatureScheme)) throw new HandshakeFailure(ALERT.illegal_parameter, `signature scheme 0x${ske.signatureScheme.toString(16)} not offered`);
    const signed = concatBytes(this.clientRandom, this.serverRandom, ske.params.raw);
    // RFC 8422 §5.4: the signature covers both randoms and the ECDH params.
    if (!this.peerPublicKey || !verifySignature(ske.signatureScheme, this.peerPublicKey, signed, ske.signature)) {
      throw new HandshakeFailure(ALERT.decrypt_error, 'ServerKeyExchange signature does not verify');
    }
    this.ecdhe = EcdheKeyPair.generate(ske.params.namedGroup);
    this.peerEcdhePublic = ske.params.publicKey.slice();
  }

  private sendClientKeyFlight(now: number, answeredSeq: number): void {
    const suite = this.suite!;
    const items: FlightItem[] = [];
    if (this.certificateRequested) items.push(this.handshakeItem(HANDSHAKE_TYPE.certificate, encodeCertificateList([this.certificate.der])));
    const ecdhe = this.ecdhe!;
    items.push(this.handshakeItem(HANDSHAKE_TYPE.clientKeyExchange, encodeClientKeyExchange(ecdhe.publicKey)));
    const preMaster = ecdhe.sharedSecret(this.peerEcdhePublic!);
    this.deriveKeys(suite, preMaster);
    if (this.certificateRequested) {
      // RFC 5246 §7.4.8: sign every handshake message so far.
      const sig = this.certificate.sign(this.transcript.bytes());
      items.push(this.handshakeItem(HANDSHAKE_TYPE.certificateVerify, encodeDigitallySigned(SIGNATURE_SCHEME.ecdsa_secp256r1_sha256, sig)));
    }
    items.push({ kind: 'changeCipherSpec' });
    const verify = finishedVerifyData(suite.prfHash, this.keys!.master, true, this.transcript.hash(suite.prfHash));
    items.push(this.handshakeItem(HANDSHAKE_TYPE.finished, verify, 1));
    this.state = 'client-wait-finished';
    this.sendFlight(now, items, answeredSeq, true);
  }

  // ---------------------------------------------------------------- server

  private serverMessage(now: number, m: HandshakeMessage, r: DtlsRecord): void {
    switch (this.state) {
      case 'server-wait-client-hello':
        this.expect(m, HANDSHAKE_TYPE.clientHello);
        this.onClientHello(now, m, r);
        return;
      case 'server-wait-certificate':
        this.expect(m, HANDSHAKE_TYPE.certificate);
        this.transcript.add(m.msgType, m.messageSeq, m.body);
        this.onPeerCertificate(m.body);
        this.state = 'server-wait-key-exchange';
        return;
      case 'server-wait-key-exchange': {
        this.expect(m, HANDSHAKE_TYPE.clientKeyExchange);
        const point = parseClientKeyExchange(m.body);
        this.transcript.add(m.msgType, m.messageSeq, m.body);
        this.deriveKeys(this.suite!, this.ecdhe!.sharedSecret(point));
        this.state = this.peerCertificate ? 'server-wait-certificate-verify' : 'server-wait-finished';
        return;
      }
      case 'server-wait-certificate-verify': {
        this.expect(m, HANDSHAKE_TYPE.certificateVerify);
        const cv = parseDigitallySigned(m.body, 'CertificateVerify');
        if (!SUPPORTED_SIGNATURE_SCHEMES.includes(cv.signatureScheme)) throw new HandshakeFailure(ALERT.illegal_parameter, 'CertificateVerify scheme not requested');
        if (!verifySignature(cv.signatureScheme, this.peerPublicKey!, this.transcript.bytes(), cv.signature)) {
          throw new HandshakeFailure(ALERT.decrypt_error, 'CertificateVerify signature does not verify');
        }
        this.transcript.add(m.msgType, m.messageSeq, m.body);
        this.state = 'server-wait-finished';
        return;
      }
      case 'server-wait-finished': {
        this.expect(m, HANDSHAKE_TYPE.finished);
        this.checkFinished(m, true);
        this.transcript.add(m.msgType, m.messageSeq, m.body);
        this.retransmitter.clear(); // flight 4 is answered; until flight 6 exists there is nothing to resend
        const finishedSeq = m.messageSeq;
        const finish = (): void => {
          const suite = this.suite!;
          const verify = finishedVerifyData(suite.prfHash, this.keys!.master, false, this.transcript.hash(suite.prfHash));
          // Flight 6 is the last: resent only when the client resends its flight (RFC 6347 §4.2.4).
          this.sendFlight(now, [{ kind: 'changeCipherSpec' }, this.handshakeItem(HANDSHAKE_TYPE.finished, verify, 1)], finishedSeq, false);
        };
        this.complete(finish);
        return;
      }
      default:
        throw new HandshakeFailure(ALERT.unexpected_message, `handshake message ${m.msgType} in ${this.state}`);
    }
  }

  private onClientHello(now: number, m: HandshakeMessage, r: DtlsRecord): void {
    let ch: ClientHello;
    try {
      ch = parseClientHello(m.body);
    } catch {
      // Stateless phase: a garbled ClientHello costs us nothing but a counter.
      this.stats.dropped.malformedHandshake++;
      return;
    }
    this.handshakeDeadline ??= now + this.handshakeTimeoutMs;
    if (this.cookieMinter && !this.cookieMinter.verify(ch.cookieInput, ch.cookie)) {
      if (ch.cookie.length > 0) this.stats.dropped.badCookie++;
      // RFC 6347 §4.2.1: reuse the ClientHello's record sequence number; keep no state.
      const hvr = encodeHelloVerifyRequest(DTLS_1_2, this.cookieMinter.mint(ch.cookieInput));
      const frag = new Uint8Array(12 + hvr.length);
      frag.set([HANDSHAKE_TYPE.helloVerifyRequest, 0, 0, hvr.length, m.messageSeq >>> 8, m.messageSeq & 0xff, 0, 0, 0, 0, 0, hvr.length]);
      frag.set(hvr, 12);
      this.queue(encodePlainRecord(CONTENT_TYPE.handshake, DTLS_1_2, 0, r.sequence, frag));
      return;
    }
    // DTLS versions count down: 0xfeff = 1.0, 0xfefd = 1.2, 0xfefc = 1.3. A DTLS 1.3 ClientHello
    // says 1.2 here and lists 1.3 in supported_versions, which we ignore: that is the fallback
    // (RFC 8446 §4.2.1, RFC 9147 §5.3). Checked after the cookie so spoofers cannot fail us.
    if (ch.version > DTLS_1_2) throw new HandshakeFailure(ALERT.protocol_version, `client offers only 0x${ch.version.toString(16)}`);
    const n = chooseFromClientHello(ch, this.policy);
    this.suite = n.suite;
    this.srtpProfile = n.srtpProfile;
    this.emsNegotiated = n.extendedMasterSecret;
    this.ecdhe = EcdheKeyPair.generate(n.group);
    this.clientRandom = ch.random.slice();
    crypto.getRandomValues(this.serverRandom);
    this.records.raiseEpoch0Sequence(r.sequence);
    this.sendSeq = m.messageSeq; // RFC 6347 §4.2.2: the server's numbering follows the client's
    this.transcript.clear();
    this.transcript.add(m.msgType, m.messageSeq, m.body);

    const suite = this.suite!;
    const ext = serverHelloExtensions(ch, n);
    const items: FlightItem[] = [
      this.handshakeItem(HANDSHAKE_TYPE.serverHello, encodeServerHello({ version: DTLS_1_2, random: this.serverRandom, sessionId: new Uint8Array(0), cipherSuite: suite.id, extensions: ext })),
      this.handshakeItem(HANDSHAKE_TYPE.certificate, encodeCertificateList([this.certificate.der])),
    ];
    const params = encodeEcdhParams(this.ecdhe!.group, this.ecdhe!.publicKey);
    const sig = this.certificate.sign(concatBytes(this.clientRandom, this.serverRandom, params));
    items.push(this.handshakeItem(HANDSHAKE_TYPE.serverKeyExchange, encodeServerKeyExchange(params, SIGNATURE_SCHEME.ecdsa_secp256r1_sha256, sig)));
    if (this.requireClientCertificate) {
      this.certificateRequested = true;
      items.push(this.handshakeItem(HANDSHAKE_TYPE.certificateRequest, encodeCertificateRequest([CLIENT_CERTIFICATE_TYPE.ecdsaSign, CLIENT_CERTIFICATE_TYPE.rsaSign], SUPPORTED_SIGNATURE_SCHEMES)));
    }
    items.push(this.handshakeItem(HANDSHAKE_TYPE.serverHelloDone, new Uint8Array(0)));
    this.state = this.requireClientCertificate ? 'server-wait-certificate' : 'server-wait-key-exchange';
    this.sendFlight(now, items, m.messageSeq, true);
  }

  // ---------------------------------------------------------------- both roles

  private onPeerCertificate(body: Uint8Array): void {
    const chain = parseCertificateList(body);
    if (chain.length === 0) {
      if (this.role === 'server' && this.requireClientCertificate) throw new HandshakeFailure(ALERT.handshake_failure, 'client sent no certificate (required, RFC 8827 §6.5)');
      if (this.role === 'client') throw new HandshakeFailure(ALERT.decode_error, 'server sent no certificate');
      return;
    }
    const leaf = chain[0].slice();
    let key: PeerPublicKey;
    try {
      key = certificatePublicKey(leaf);
    } catch (e) {
      throw new HandshakeFailure(e instanceof DtlsError && e.code === 'unsupported' ? ALERT.unsupported_certificate : ALERT.bad_certificate, `peer certificate: ${(e as Error).message}`);
    }
    if (this.role === 'client') {
      const want = this.suite!.authentication === 'ecdsa' ? 'ecdsa-p256' : 'rsa';
      if (key.kind !== want) throw new HandshakeFailure(ALERT.unsupported_certificate, `cipher suite needs a ${want} certificate`);
    }
    this.peerCertificate = leaf;
    this.peerPublicKey = key;
    // RFC 8842 §5: check the fingerprint as soon as the certificate is known.
    if (this.verifier) this.verifyPeerCertificate();
  }

  private verifyPeerCertificate(): void {
    const v = this.verifier!;
    const cert = this.peerCertificate!;
    let ok = false;
    try {
      ok = typeof v === 'function' ? v(cert) === true : matchesFingerprints(cert, v);
    } catch {
      ok = false;
    }
    if (!ok) throw new HandshakeFailure(ALERT.bad_certificate, 'peer certificate does not match the expected fingerprint');
    this.peerVerified = true;
  }

  private checkFinished(m: HandshakeMessage, fromClient: boolean): void {
    const suite = this.suite!;
    const expected = finishedVerifyData(suite.prfHash, this.keys!.master, fromClient, this.transcript.hash(suite.prfHash));
    if (!equalBytes(expected, m.body)) throw new HandshakeFailure(ALERT.decrypt_error, 'Finished verify_data mismatch');
  }

  private deriveKeys(suite: CipherSuite, preMaster: Uint8Array): void {
    this.group = this.ecdhe!.group === NAMED_GROUP.x25519 ? 'x25519' : 'P-256';
    const master = this.emsNegotiated
      ? extendedMasterSecret(suite.prfHash, preMaster, this.transcript.hash(suite.prfHash)) // session hash through ClientKeyExchange
      : masterSecret(suite.prfHash, preMaster, this.clientRandom, this.serverRandom);
    preMaster.fill(0);
    const kb = keyBlock(suite.prfHash, master, this.clientRandom, this.serverRandom, suite.keyLength, 4);
    const client = this.role === 'client';
    let writeAead: RecordAead | undefined;
    try {
      writeAead = this.aeadFactory(client ? kb.clientWriteKey : kb.serverWriteKey);
      const readAead = this.aeadFactory(client ? kb.serverWriteKey : kb.clientWriteKey);
      this.records.install(new RecordProtection(writeAead, client ? kb.clientWriteIv : kb.serverWriteIv), new RecordProtection(readAead, client ? kb.serverWriteIv : kb.clientWriteIv));
    } catch (e) {
      writeAead?.dispose();
      throw new HandshakeFailure(ALERT.internal_error, `record cipher unavailable: ${(e as Error).message}`);
    } finally {
      kb.clientWriteKey.fill(0);
      kb.serverWriteKey.fill(0);
    }
    this.keys = { suite, master, clientRandom: this.clientRandom, serverRandom: this.serverRandom };
    this.ecdhe = undefined;
    this.peerEcdhePublic = undefined;
  }

  /** The peer's Finished checked out: become connected once the peer certificate is trusted. */
  private complete(beforeConnected?: () => void): void {
    const done = (): void => {
      beforeConnected?.();
      this.state = 'connected';
      this.handshakeDeadline = undefined;
      this.emit({ type: 'connected', cipherSuite: this.suite!.name, srtpProfile: this.srtpProfile?.name, group: this.group!, peerCertificate: this.peerCertificate });
      for (const d of this.earlyApplicationData) {
        this.stats.applicationRecordsReceived++;
        this.emit({ type: 'applicationData', data: d });
      }
      this.earlyApplicationData = [];
    };
    const unauthenticatedClientAllowed = this.role === 'server' && !this.certificateRequested;
    if (!this.peerCertificate && !unauthenticatedClientAllowed) throw new HandshakeFailure(ALERT.handshake_failure, 'no peer certificate');
    if (this.peerVerified || unauthenticatedClientAllowed) {
      done();
      return;
    }
    // RFC 8842 §5: no key is used before the fingerprint matched; wait for setPeerVerifier().
    this.state = 'awaiting-verifier';
    this.completion = done;
  }

  /** Re-runs records of epoch 1 that came before we could read them. */
  private drainHeld(now: number): void {
    if (!this.records.canRead || this.heldRecords.length === 0) return;
    const held = this.heldRecords;
    this.heldRecords = [];
    for (const r of held) if (!this.isTerminal()) this.handleRecord(now, r);
  }
}
