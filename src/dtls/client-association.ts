// The client's handshake (RFC 6347 §4.2.4 flights 1, 3 and 5; RFC 5246 §7.4): ClientHello,
// the answer to a HelloVerifyRequest, checks of the server's flight, then the key flight.
import { ALERT } from './alert.js';
import { concatBytes } from './byte-writer.js';
import { HandshakeFailure, misuse } from './errors.js';
import type { FlightItem } from './flight.js';
import { HANDSHAKE_TYPE } from './handshake.js';
import {
  CLIENT_CERTIFICATE_TYPE,
  encodeCertificateList,
  encodeClientHello,
  encodeClientKeyExchange,
  encodeDigitallySigned,
  parseCertificateRequest,
  parseHelloVerifyRequest,
  parseServerHello,
  parseServerKeyExchange,
} from './messages.js';
import { finishedVerifyData } from './prf.js';
import type { HandshakeMessage } from './reassembler.js';
import { DTLS_1_0, DTLS_1_2 } from './record.js';
import { acceptServerHello, clientHelloExtensions } from './negotiation.js';
import { SIGNATURE_SCHEME, SUPPORTED_SIGNATURE_SCHEMES, verifySignature } from './signature.js';
import { Association } from './association.js';

/** How many HelloVerifyRequests we answer before giving up (a server looping on cookies). */
const MAX_HELLO_VERIFY = 4;

export class ClientAssociation extends Association {
  private cookie = new Uint8Array(0);
  private helloVerifyCount = 0;
  private peerEcdhePublic: Uint8Array | undefined;

  /** Client: sends the first ClientHello. Servers wait for input instead. */
  override start(now: number): void {
    if (this.state !== 'idle') throw misuse('InvalidStateError', 'start() was already called');
    crypto.getRandomValues(this.clientRandom);
    this.handshakeDeadline = now + this.handshakeTimeoutMs;
    this.state = 'client-wait-server-hello';
    this.sendClientHello(now, -1);
  }

  private sendClientHello(now: number, answeredSeq: number): void {
    const ext = clientHelloExtensions(this.policy);
    const body = encodeClientHello({ version: DTLS_1_2, random: this.clientRandom, sessionId: new Uint8Array(0), cookie: this.cookie, cipherSuites: this.policy.suites.map((s) => s.id), extensions: ext });
    // RFC 6347 §4.2.1: the cookie-less ClientHello and the HelloVerifyRequest stay out of the transcript.
    this.transcript.clear();
    this.sendFlight(now, [this.handshakeItem(HANDSHAKE_TYPE.clientHello, body)], answeredSeq, true);
  }

  protected override onHandshakeMessage(now: number, m: HandshakeMessage): void {
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
    this.ecdhe = this.takeEcdhe(ske.params.namedGroup);
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
}
