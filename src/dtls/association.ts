// The association both roles share (RFC 6347): record layer, reassembly, flights and their
// timers, alerts, key derivation, peer certificate checks, the public engine surface. The
// role-specific handshake state machines are client-association.ts and server-association.ts.
import type { RecordAead, RecordAeadFactory } from './aead.js';
import { ALERT, ALERT_LEVEL, alertName, encodeAlert } from './alert.js';
import { equalBytes } from './byte-writer.js';
import { type CipherSuite, type CipherSuiteName, CIPHER_SUITES, cipherSuiteByName } from './cipher-suite.js';
import type { DtlsCertificate } from './certificate.js';
import { DtlsError, HandshakeFailure, misuse } from './errors.js';
import { NAMED_GROUP } from './extensions.js';
import { matchesFingerprints } from './fingerprint.js';
import { type FlightItem, MIN_MTU } from './flight.js';
import { HANDSHAKE_TYPE, type HandshakeFragment, parseHandshakeFragments } from './handshake.js';
import { EcdheKeyPair } from './key-exchange.js';
import {
  parseCertificateList,
} from './messages.js';
import { exportKeyingMaterial as prfExport, extendedMasterSecret, finishedVerifyData, keyBlock, masterSecret } from './prf.js';
import { type PeerPublicKey, certificatePublicKey } from './public-key.js';
import { type HandshakeMessage, Reassembler } from './reassembler.js';
import { CONTENT_TYPE, DTLS_1_0, DTLS_1_2, type DtlsRecord, MAX_PLAINTEXT, RecordProtection, parseRecords } from './record.js';
import type { LocalPolicy } from './negotiation.js';
import { RecordLayer } from './record-layer.js';
import { Retransmitter } from './retransmitter.js';
import {
  DTLS_SRTP_EXPORTER_LABEL,
  SRTP_PROFILES,
  type SrtpProfileInfo,
  splitSrtpKeyMaterial,
  srtpExportLength,
  srtpProfileByName,
} from './srtp-profile.js';
import { type DtlsStats, newDtlsStats } from './stats.js';
import { Transcript } from './transcript.js';
import { defaultRecordAead } from './default-aead.js';
import type { DtlsEndpointOptions, DtlsEvent, DtlsGroupName, DtlsRole, DtlsSrtpKeys, PeerVerifier } from './endpoint-types.js';

export type AssociationState =
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

export abstract class Association {
  readonly role: DtlsRole;
  protected readonly certificate: DtlsCertificate;
  protected verifier: PeerVerifier | undefined;
  protected readonly policy: LocalPolicy;
  protected readonly mtu: number;
  protected readonly cookieExchange: boolean;
  protected readonly requireClientCertificate: boolean;
  protected readonly handshakeTimeoutMs: number;
  protected readonly aeadFactory: RecordAeadFactory;

  protected state: AssociationState;
  protected readonly stats: DtlsStats = newDtlsStats();
  protected readonly out: Uint8Array[] = [];
  protected readonly events: DtlsEvent[] = [];

  // Record layer (RFC 6347 §4.1).
  protected readonly records = new RecordLayer();
  protected heldRecords: DtlsRecord[] = [];
  protected earlyApplicationData: Uint8Array[] = [];

  // Handshake.
  protected readonly reassembler = new Reassembler();
  protected readonly transcript = new Transcript();
  protected sendSeq = 0;
  protected readonly retransmitter: Retransmitter;
  protected handshakeDeadline: number | undefined;

  protected clientRandom = new Uint8Array(32);
  protected serverRandom = new Uint8Array(32);
  protected suite: CipherSuite | undefined;
  protected srtpProfile: SrtpProfileInfo | undefined;
  protected emsNegotiated = false;
  protected ecdhe: EcdheKeyPair | undefined;
  protected peerCertificate: Uint8Array | undefined;
  protected peerPublicKey: PeerPublicKey | undefined;
  protected peerVerified = false;
  protected certificateRequested = false;
  protected keys: EpochKeys | undefined;
  protected group: DtlsGroupName | undefined;
  protected completion: (() => void) | undefined;

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
  }

  // ---------------------------------------------------------------- public API

  /**
   * Generates the ephemeral ECDHE key pair for our preferred group now, while the caller has
   * nothing else to do (ICE still checking), so the flight that needs it does not wait for the
   * scalar multiplication. Still one fresh key per handshake (RFC 8422 §5.10 "ephemeral"): it
   * is consumed by this association's key exchange and never reused.
   */
  prepare(): void {
    // Only before the key exchange: afterwards there is no handshake left to use it.
    if (this.#preparedEcdhe || this.ecdhe || this.keys || this.isTerminal() || this.state === 'connected') return;
    this.#preparedEcdhe = EcdheKeyPair.generate(this.policy.groups[0]);
  }

  #preparedEcdhe: EcdheKeyPair | undefined;

  /** This handshake's ephemeral key pair for `group`: the prepared one if it matches, else a new one. */
  protected takeEcdhe(group: number): EcdheKeyPair {
    const prepared = this.#preparedEcdhe;
    this.#preparedEcdhe = undefined;
    return prepared && prepared.group === group ? prepared : EcdheKeyPair.generate(group);
  }

  /** Client: sends the first ClientHello. Servers wait for input instead. */
  start(_now: number): void {
    throw misuse('InvalidStateError', 'start() is for the client role; a server waits for handleInput()');
  }

  /** One complete handshake message, in message_seq order, for the role's state machine. */
  protected abstract onHandshakeMessage(now: number, m: HandshakeMessage, r: DtlsRecord): void;

  /** False drops a fragment before reassembly (a waiting server takes only ClientHello). */
  protected screenFragment(_f: HandshakeFragment): boolean {
    return true;
  }

  /** True while the server keeps no state (before a valid cookie, RFC 6347 §4.2.1). */
  protected get statelessPhase(): boolean {
    return false;
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
    this.#preparedEcdhe = undefined;
    this.releaseKeys();
  }

  // ---------------------------------------------------------------- record layer

  protected handshakeDone(): boolean {
    return this.state === 'connected' || this.state === 'awaiting-verifier';
  }

  protected isTerminal(): boolean {
    return this.state === 'closed' || this.state === 'failed';
  }

  protected handleRecord(now: number, r: DtlsRecord): void {
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
        if (this.heldRecords.length < MAX_HELD_RECORDS && !this.statelessPhase) this.heldRecords.push({ ...r, fragment: r.fragment.slice() });
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

  protected handleAlert(r: DtlsRecord, plaintext: Uint8Array): void {
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

  protected queue(datagram: Uint8Array): void {
    if (this.out.length >= MAX_QUEUED_DATAGRAMS) {
      this.stats.dropped.queueOverflow++;
      return;
    }
    this.out.push(datagram);
  }

  protected emit(e: DtlsEvent): void {
    if (this.events.length >= MAX_QUEUED_EVENTS) {
      this.stats.dropped.queueOverflow++;
      return;
    }
    this.events.push(e);
  }

  protected sendAlert(level: number, description: number): void {
    this.queue(this.records.sealAlert(encodeAlert(level, description)));
  }

  protected queueAll(datagrams: Uint8Array[]): void {
    for (const d of datagrams) this.queue(d);
  }

  // ---------------------------------------------------------------- flights

  /** Makes `items` the current flight, answering peer message `answeredSeq`, and sends it. */
  protected sendFlight(now: number, items: FlightItem[], answeredSeq: number, expectsReply: boolean): void {
    this.queueAll(this.retransmitter.start(now, items, answeredSeq, expectsReply));
    if (this.retransmitter.changesCipher) this.records.writeEpoch = 1;
  }

  protected handshakeItem(msgType: number, body: Uint8Array, epoch = 0): FlightItem {
    const item: FlightItem = { kind: 'handshake', msgType, messageSeq: this.sendSeq++, body, epoch };
    this.transcript.add(msgType, item.messageSeq, body);
    return item;
  }

  protected stopTimers(): void {
    this.retransmitter.stopTimer();
    this.handshakeDeadline = undefined;
  }

  // ---------------------------------------------------------------- handshake layer

  protected handleHandshakeRecord(now: number, r: DtlsRecord, plaintext: Uint8Array): void {
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
      if (!this.screenFragment(f)) continue;
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
      if (this.statelessPhase) {
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

  protected handshakeAfterCompletion(now: number, r: DtlsRecord, f: HandshakeFragment): void {
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

  protected dispatch(now: number, m: HandshakeMessage, r: DtlsRecord): void {
    try {
      // Only Finished travels encrypted in the initial handshake (RFC 5246 §7.4.9).
      const wantEpoch = m.msgType === HANDSHAKE_TYPE.finished ? 1 : 0;
      if (m.epoch !== wantEpoch) throw new HandshakeFailure(ALERT.unexpected_message, `handshake message ${m.msgType} in epoch ${m.epoch}`);
      this.onHandshakeMessage(now, m, r);
    } catch (e) {
      this.failWith(e);
    }
  }

  protected failWith(e: unknown): void {
    if (e instanceof HandshakeFailure) this.fail(e.alert, e.message);
    else if (e instanceof DtlsError) {
      const alert = e.code === 'truncated' || e.code === 'malformed' || e.code === 'der' ? ALERT.decode_error : e.code === 'crypto' ? ALERT.illegal_parameter : ALERT.handshake_failure;
      this.fail(alert, e.message);
    } else this.failInternal(e);
  }

  protected failInternal(e: unknown): void {
    this.fail(ALERT.internal_error, `internal error: ${e instanceof Error ? e.message : String(e)}`);
  }

  /** Sends a fatal alert (when given) and ends the association. */
  protected fail(alert: number | undefined, reason: string): void {
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

  protected releaseKeys(): void {
    // Once closed or failed nothing may be exported any more: wipe the master secret too.
    this.keys?.master.fill(0);
    this.keys = undefined;
    this.records.dispose();
    this.heldRecords = [];
    this.retransmitter.clear();
  }

  protected expect(m: HandshakeMessage, ...types: number[]): void {
    if (!types.includes(m.msgType)) throw new HandshakeFailure(ALERT.unexpected_message, `handshake message ${m.msgType} unexpected in ${this.state}`);
  }









  // ---------------------------------------------------------------- both roles

  protected onPeerCertificate(body: Uint8Array): void {
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

  protected verifyPeerCertificate(): void {
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

  protected checkFinished(m: HandshakeMessage, fromClient: boolean): void {
    const suite = this.suite!;
    const expected = finishedVerifyData(suite.prfHash, this.keys!.master, fromClient, this.transcript.hash(suite.prfHash));
    if (!equalBytes(expected, m.body)) throw new HandshakeFailure(ALERT.decrypt_error, 'Finished verify_data mismatch');
  }

  protected deriveKeys(suite: CipherSuite, preMaster: Uint8Array): void {
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
  }

  /** The peer's Finished checked out: become connected once the peer certificate is trusted. */
  protected complete(beforeConnected?: () => void): void {
    const done = (): void => {
      beforeConnected?.();
      this.state = 'connected';
      this.handshakeDeadline = undefined;
      // Both Finished messages are checked: the transcript is never hashed again (a later
      // handshake message is a repeat or a refused renegotiation), so its copies go now.
      this.transcript.clear();
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
  protected drainHeld(now: number): void {
    if (!this.records.canRead || this.heldRecords.length === 0) return;
    const held = this.heldRecords;
    this.heldRecords = [];
    for (const r of held) if (!this.isTerminal()) this.handleRecord(now, r);
  }
}
