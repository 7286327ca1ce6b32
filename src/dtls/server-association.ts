// The server's handshake (RFC 6347 §4.2.4 flights 2, 4 and 6; RFC 5246 §7.4): stateless
// cookie exchange, negotiation, the server flight, then checks of the client's key flight.
import { ALERT } from './alert.js';
import { concatBytes } from './byte-writer.js';
import { CookieMinter } from './cookie.js';
import { HandshakeFailure } from './errors.js';
import type { FlightItem } from './flight.js';
import { HANDSHAKE_TYPE, type HandshakeFragment } from './handshake.js';
import {
  CLIENT_CERTIFICATE_TYPE,
  type ClientHello,
  encodeCertificateList,
  encodeCertificateRequest,
  encodeEcdhParams,
  encodeHelloVerifyRequest,
  encodeServerHello,
  encodeServerKeyExchange,
  parseClientHello,
  parseClientKeyExchange,
  parseDigitallySigned,
} from './messages.js';
import { finishedVerifyData } from './prf.js';
import type { HandshakeMessage } from './reassembler.js';
import { CONTENT_TYPE, DTLS_1_0, DTLS_1_2, type DtlsRecord, encodePlainRecord } from './record.js';
import { chooseFromClientHello, serverHelloExtensions } from './negotiation.js';
import { SIGNATURE_SCHEME, SUPPORTED_SIGNATURE_SCHEMES, verifySignature } from './signature.js';
import { Association } from './association.js';
import type { DtlsEndpointOptions } from './endpoint-types.js';

export class ServerAssociation extends Association {
  private readonly cookieMinter: CookieMinter | undefined;

  constructor(options: DtlsEndpointOptions) {
    super(options);
    if (this.cookieExchange) this.cookieMinter = new CookieMinter();
  }

  protected override get statelessPhase(): boolean {
    return this.state === 'server-wait-client-hello';
  }

  protected override screenFragment(f: HandshakeFragment): boolean {
    if (!this.statelessPhase) return true;
    // Stateless until a cookie checks out: anything but a ClientHello is dropped, not
    // answered, so stray or spoofed handshake data cannot fail a waiting server.
    if (f.msgType !== HANDSHAKE_TYPE.clientHello) {
      this.stats.dropped.unexpectedHandshake++;
      return false;
    }
    // The client's numbering is taken as it comes (RFC 6347 §4.2.2).
    if (f.messageSeq !== this.reassembler.nextSeq) this.reassembler.reset(f.messageSeq);
    return true;
  }

  protected override onHandshakeMessage(now: number, m: HandshakeMessage, r: DtlsRecord): void {
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
      // RFC 6347 §4.2.1: reuse the ClientHello's record sequence number, keep no state, and
      // say DTLS 1.0 in server_version whatever will be negotiated.
      const hvr = encodeHelloVerifyRequest(DTLS_1_0, this.cookieMinter.mint(ch.cookieInput));
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
    this.ecdhe = this.takeEcdhe(n.group);
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
}
