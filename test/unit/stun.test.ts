import {
  RetransmitSchedule,
  StunAttr,
  StunClass,
  StunMethod,
  checkFingerprint,
  checkIntegrity,
  decodeErrorCode,
  decodeStunMessage,
  decodeUnknownAttributes,
  encodeStunMessage,
  encodeU64,
  decodeU64,
  formatIPv6,
  getAttribute,
  isStunMessage,
  messageType,
  newTransactionId,
  parseIPv6,
  shortTermKey,
  transportAddress,
  unknownAttributeResponse,
  unknownRequiredAttributes,
} from '../../src/stun/index';

describe('STUN message codec', () => {
  it('interleaves method and class bits (RFC 8489 §5)', () => {
    expect(messageType(StunMethod.binding, StunClass.request)).toBe(0x0001);
    expect(messageType(StunMethod.binding, StunClass.success)).toBe(0x0101);
    expect(messageType(StunMethod.binding, StunClass.error)).toBe(0x0111);
    expect(messageType(StunMethod.binding, StunClass.indication)).toBe(0x0011);
    expect(messageType(StunMethod.allocate, StunClass.request)).toBe(0x0003);
    expect(messageType(StunMethod.channelBind, StunClass.success)).toBe(0x0109);
    for (let m = 0; m < 0x1000; m += 37) {
      for (const c of [0, 1, 2, 3] as const) {
        const d = decodeStunMessage(encodeStunMessage(m, c, newTransactionId(), []));
        expect([d.method, d.cls]).toEqual([m, c]);
      }
    }
  });

  it('MESSAGE-INTEGRITY-SHA256 is produced and accepted; FINGERPRINT follows it', () => {
    const key = shortTermKey('secret');
    const out = encodeStunMessage(StunMethod.binding, StunClass.request, newTransactionId(), [{ type: StunAttr.USERNAME, value: new TextEncoder().encode('a:b') }], {
      integritySha256Key: key,
      fingerprint: true,
    });
    const m = decodeStunMessage(out);
    expect(checkFingerprint(m)).toBe(true);
    expect(checkIntegrity(m, key)).toBe(true);
    expect(checkIntegrity(m, shortTermKey('other'))).toBe(false);
  });

  it('ignores attributes after MESSAGE-INTEGRITY other than FINGERPRINT (RFC 8489 §14.5)', () => {
    const key = shortTermKey('k');
    const tid = newTransactionId();
    const base = encodeStunMessage(StunMethod.binding, StunClass.request, tid, [], { integrityKey: key });
    // Append a SOFTWARE attribute by hand after MESSAGE-INTEGRITY.
    const extra = new Uint8Array(base.length + 8);
    extra.set(base);
    extra.set([0x80, 0x22, 0, 4, 0x61, 0x62, 0x63, 0x64], base.length);
    extra[3] = extra.length - 20;
    const m = decodeStunMessage(extra);
    expect(getAttribute(m, StunAttr.SOFTWARE)).toBeUndefined();
  });

  it('rejects malformed messages with stable codes', () => {
    const ok = encodeStunMessage(StunMethod.binding, StunClass.request, newTransactionId(), [], { fingerprint: true });
    expect(isStunMessage(ok)).toBe(true);
    const cases: [Uint8Array, string][] = [
      [ok.subarray(0, 10), 'STUN_TOO_SHORT'],
      [Uint8Array.from([0x80, ...ok.subarray(1)]), 'STUN_NOT_STUN'],
      [ok.subarray(0, ok.length - 4), 'STUN_BAD_LENGTH'],
      [Uint8Array.from(ok.map((b, i) => (i === 4 ? 0 : b))), 'STUN_BAD_COOKIE'],
    ];
    for (const [bytes, code] of cases) {
      expect(() => decodeStunMessage(bytes)).toThrow(expect.objectContaining({ code }));
    }
    const overrun = ok.slice();
    overrun[22] = 0;
    overrun[23] = 200;
    expect(() => decodeStunMessage(overrun)).toThrow(expect.objectContaining({ code: 'STUN_BAD_ATTRIBUTE' }));
  });

  it('answers unknown comprehension-required attributes with 420 (RFC 8489 §6.3.1)', () => {
    const req = decodeStunMessage(
      encodeStunMessage(StunMethod.binding, StunClass.request, newTransactionId(), [
        { type: 0x7777, value: new Uint8Array(4) },
        { type: 0x8888, value: new Uint8Array(4) },
      ]),
    );
    const unknown = unknownRequiredAttributes(req);
    expect(unknown).toEqual([0x7777]);
    const resp = decodeStunMessage(unknownAttributeResponse(req, unknown));
    expect(resp.cls).toBe(StunClass.error);
    expect(decodeErrorCode(getAttribute(resp, StunAttr.ERROR_CODE)!).code).toBe(420);
    expect(decodeUnknownAttributes(getAttribute(resp, StunAttr.UNKNOWN_ATTRIBUTES)!)).toEqual([0x7777]);
    expect(resp.transactionId).toEqual(req.transactionId);
  });

  it('64-bit tie-breakers round-trip', () => {
    const n = 0xfedcba9876543210n;
    expect(decodeU64(encodeU64(n))).toBe(n);
  });
});

describe('addresses', () => {
  it('parses and formats IPv6 canonically (RFC 5952)', () => {
    expect(formatIPv6(parseIPv6('2001:0db8:0:0:0:0:2:1')!)).toBe('2001:db8::2:1');
    expect(formatIPv6(parseIPv6('::1')!)).toBe('::1');
    expect(formatIPv6(parseIPv6('::')!)).toBe('::');
    expect(formatIPv6(parseIPv6('::ffff:1.2.3.4')!)).toBe('::ffff:102:304');
    expect(parseIPv6('1::2::3')).toBeUndefined();
    expect(parseIPv6('12345::')).toBeUndefined();
    expect(transportAddress('127.0.0.1', 9)).toEqual({ address: '127.0.0.1', port: 9, family: 4 });
    expect(() => transportAddress('foo.local', 9)).toThrow(expect.objectContaining({ code: 'STUN_BAD_ADDRESS' }));
  });
});

describe('retransmission schedule (RFC 8489 §6.2.1)', () => {
  it('sends at 0, 500, 1500, 3500, 7500, 15500, 31500 and gives up at 39500', () => {
    const s = new RetransmitSchedule(0);
    const sends = [0];
    let now = 0;
    for (let guard = 0; guard < 20; guard++) {
      now = s.nextAt;
      const d = s.onTimeout(now);
      if (d === 'timeout') break;
      sends.push(now);
    }
    expect(sends).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(now).toBe(39500);
  });
});
