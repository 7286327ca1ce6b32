// SrtpContext behaviour: ROC rollover (RFC 3711 §3.3.1), replay window (§3.3.2),
// rejected packets leave state untouched, many SSRCs per context, counters, zero-copy
// forms, DTLS-SRTP key split (RFC 5764 §4.2) and API misuse.
import {
  SRTP_CORE_LIMITS,
  SRTP_PROFILES,
  SrtpContext,
  SrtpError,
  type SrtpProfile,
  srtpExporterLength,
  srtpKeysFromExporter,
} from '../../src/srtp/index.js';

const PROFILES = Object.keys(SRTP_PROFILES) as SrtpProfile[];

function pair(profile: SrtpProfile, replayWindow?: number): { tx: SrtpContext; rx: SrtpContext } {
  const p = SRTP_PROFILES[profile];
  const masterKey = new Uint8Array(p.keyLength).map((_, i) => i * 13 + 1);
  const masterSalt = new Uint8Array(p.saltLength).map((_, i) => i * 7 + 3);
  return {
    tx: new SrtpContext({ profile, masterKey, masterSalt, replayWindow }),
    rx: new SrtpContext({ profile, masterKey, masterSalt, replayWindow }),
  };
}

function rtp(seq: number, ssrc = 0x11223344, size = 40): Uint8Array {
  const pkt = new Uint8Array(12 + size);
  const dv = new DataView(pkt.buffer);
  pkt[0] = 0x80;
  pkt[1] = 96;
  dv.setUint16(2, seq & 0xffff);
  dv.setUint32(4, seq * 960);
  dv.setUint32(8, ssrc);
  for (let i = 12; i < pkt.length; i++) pkt[i] = (seq + i) & 0xff;
  return pkt;
}

function rtcp(ssrc = 0x55667788, size = 20): Uint8Array {
  const pkt = new Uint8Array(8 + size).map((_, i) => i);
  pkt[0] = 0x81;
  pkt[1] = 201;
  new DataView(pkt.buffer).setUint32(4, ssrc);
  return pkt;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof SrtpError) return e.code;
    throw e;
  }
}

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

describe.each(PROFILES)('%s', (profile) => {
  let tx: SrtpContext;
  let rx: SrtpContext;
  beforeEach(() => ({ tx, rx } = pair(profile)));
  afterEach(() => {
    tx.dispose();
    rx.dispose();
  });

  it('rolls the ROC over at SEQ 65535 -> 0, and a late packet from before the wrap still decrypts', () => {
    const sent = [65533, 65534, 65535, 0, 1, 2].map((s) => ({ plain: rtp(s), wire: tx.protectRtp(rtp(s)) }));
    // Deliver 65533, then 0 and 1 (after the wrap), then the late 65534 and 65535, then 2.
    for (const i of [0, 3, 4, 1, 2, 5]) expect(hex(rx.unprotectRtp(sent[i].wire))).toBe(hex(sent[i].plain));
    // The packet after the wrap was protected under ROC 1: same SEQ/SSRC as ROC 0 would give
    // different bytes, so a receiver guessing ROC 0 would have failed authentication.
    const fresh = pair(profile);
    expect(hex(fresh.tx.protectRtp(rtp(0)))).not.toBe(hex(sent[3].wire));
    fresh.tx.dispose();
    fresh.rx.dispose();
  });

  it('accepts packets reordered inside the window exactly once', () => {
    const wires = Array.from({ length: 200 }, (_, i) => tx.protectRtp(rtp(1000 + i)));
    const order = wires.map((_, i) => i).sort((a, b) => ((a * 7919) % 200) - ((b * 7919) % 200));
    for (const i of order) expect(rx.unprotectRtp(wires[i]).length).toBe(52);
    for (const i of order) expect(codeOf(() => rx.unprotectRtp(wires[i]))).toBe('replay');
    expect(rx.getStats().rtpUnprotected).toBe(200);
    expect(rx.getStats().dropped.replay).toBe(200);
  });

  it('rejects packets older than the default 1024-packet window', () => {
    const old = tx.protectRtp(rtp(10));
    const edge = tx.protectRtp(rtp(11));
    for (let s = 12; s < 1035; s++) tx.protectRtp(rtp(s));
    rx.unprotectRtp(tx.protectRtp(rtp(1035))); // highest = 1035; 11 is 1024 behind, 10 is 1025
    expect(codeOf(() => rx.unprotectRtp(old))).toBe('replay');
    expect(codeOf(() => rx.unprotectRtp(edge))).toBe('replay');
  });

  it('rejects tampered packets and leaves the stream state untouched', () => {
    const wires = [rtp(5), rtp(6), rtp(20000)].map((p) => tx.protectRtp(p));
    rx.unprotectRtp(wires[0]);
    // A forgery far ahead must not move the window: if it did, packet 6 would still pass
    // and the window would have slid past it.
    for (let bit = 0; bit < wires[2].length * 8; bit += 3) {
      const bad = wires[2].slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      const code = codeOf(() => rx.unprotectRtp(bad));
      expect(['auth', 'malformed', 'replay']).toContain(code);
    }
    expect(codeOf(() => rx.unprotectRtp(wires[1].subarray(0, wires[1].length - 1)))).toBeDefined();
    expect(rx.unprotectRtp(wires[1]).length).toBe(52);
    expect(rx.unprotectRtp(wires[2]).length).toBe(52);
    expect(rx.getStats().dropped.auth).toBeGreaterThan(0);
  });

  it('keeps separate ROC and replay state per SSRC in one context', () => {
    const a = [65535, 0].map((s) => tx.protectRtp(rtp(s, 0xaaaa)));
    const b = [65535, 0].map((s) => tx.protectRtp(rtp(s, 0xbbbb)));
    expect(hex(a[0].subarray(12))).not.toBe(hex(b[0].subarray(12)));
    for (const w of [a[0], b[0], b[1], a[1]]) expect(rx.unprotectRtp(w).length).toBe(52);
    expect(codeOf(() => rx.unprotectRtp(a[1]))).toBe('replay');
  });

  it('SRTCP: index and E bit, replay and tamper rejection', () => {
    const p = SRTP_PROFILES[profile];
    const w1 = tx.protectRtcp(rtcp());
    const w2 = tx.protectRtcp(rtcp());
    expect(w1.length).toBe(28 + 4 + p.rtcpTagLength);
    const word = (w: Uint8Array): number => new DataView(w.buffer, w.byteOffset).getUint32(p.aead ? w.length - 4 : w.length - p.rtcpTagLength - 4);
    expect(word(w1)).toBe(0x80000000);
    expect(word(w2)).toBe(0x80000001);
    expect(hex(rx.unprotectRtcp(w2))).toBe(hex(rtcp()));
    expect(hex(rx.unprotectRtcp(w1))).toBe(hex(rtcp()));
    expect(codeOf(() => rx.unprotectRtcp(w1))).toBe('replay');
    const bad = tx.protectRtcp(rtcp());
    bad[10] ^= 0x40;
    expect(codeOf(() => rx.unprotectRtcp(bad))).toBe('auth');
    expect(rx.getStats()).toMatchObject({ rtcpUnprotected: 2, dropped: { replay: 1, auth: 1 } });
  });

  it('authenticates but does not encrypt the header, CSRCs and extension', () => {
    const pkt = new Uint8Array(12 + 8 + 8 + 30).fill(0x5a);
    pkt[0] = 0x90 | 2; // X=1, CC=2
    pkt.set([0xbe, 0xde, 0x00, 0x01], 20);
    const wire = tx.protectRtp(pkt);
    expect(hex(wire.subarray(0, 28))).toBe(hex(pkt.subarray(0, 28)));
    expect(hex(wire.subarray(28, 58))).not.toBe(hex(pkt.subarray(28)));
    const bad = wire.slice();
    bad[25] ^= 1; // inside the extension
    expect(codeOf(() => rx.unprotectRtp(bad))).toBe('auth');
    expect(hex(rx.unprotectRtp(wire))).toBe(hex(pkt));
  });

  it('zero-copy forms: in place, no throw on drop, lastError and counters', () => {
    const buf = new Uint8Array(52 + tx.rtpOverhead);
    buf.set(rtp(7));
    const n = tx.protectRtpInto(buf.subarray(0, 52), buf);
    expect(n).toBe(52 + tx.rtpOverhead);
    const out = new Uint8Array(n);
    expect(rx.unprotectRtpInto(buf, out)).toBe(52);
    expect(hex(out.subarray(0, 52))).toBe(hex(rtp(7)));
    expect(rx.unprotectRtpInto(buf, out)).toBe(-1);
    expect(rx.lastError).toBe('replay');
    expect(rx.unprotectRtpInto(new Uint8Array(3), out)).toBe(-1);
    expect(rx.lastError).toBe('malformed');
    const c = new Uint8Array(28 + tx.rtcpOverhead);
    c.set(rtcp());
    const m = tx.protectRtcpInto(c.subarray(0, 28), c);
    expect(rx.unprotectRtcpInto(c.subarray(0, m), c)).toBe(28);
    expect(hex(c.subarray(0, 28))).toBe(hex(rtcp()));
    expect(() => tx.protectRtpInto(rtp(8), new Uint8Array(10))).toThrow(expect.objectContaining({ name: 'IndexSizeError' }));
    expect(rx.getStats().dropped).toMatchObject({ replay: 1, malformed: 1 });
  });
});

describe('replay window configuration', () => {
  it('a 64-packet window accepts 63 behind and rejects 64 behind', () => {
    const { tx, rx } = pair('SRTP_AES128_CM_HMAC_SHA1_80', 64);
    const wires = Array.from({ length: 70 }, (_, i) => tx.protectRtp(rtp(i)));
    rx.unprotectRtp(wires[69]);
    expect(codeOf(() => rx.unprotectRtp(wires[5]))).toBe('replay'); // 64 behind
    expect(rx.unprotectRtp(wires[6]).length).toBe(52); // 63 behind
    tx.dispose();
    rx.dispose();
  });
  it('a jump larger than the window clears the history', () => {
    const { tx, rx } = pair('SRTP_AEAD_AES_128_GCM', 2048);
    const w = [1, 2, 5000, 3000].map((s) => tx.protectRtp(rtp(s)));
    rx.unprotectRtp(w[0]);
    rx.unprotectRtp(w[2]);
    expect(rx.unprotectRtp(w[3]).length).toBe(52); // 2000 behind, inside 2048
    expect(codeOf(() => rx.unprotectRtp(w[3]))).toBe('replay');
    expect(codeOf(() => rx.unprotectRtp(w[1]))).toBe('replay');
    tx.dispose();
    rx.dispose();
  });
});

describe('bounds and lifecycle', () => {
  it('refuses a new SSRC beyond the per-context bound, counting it', () => {
    const { tx, rx } = pair('SRTP_AES128_CM_HMAC_SHA1_32');
    for (let s = 0; s < SRTP_CORE_LIMITS.streamsPerContext; s++) tx.protectRtp(rtp(1, s + 1));
    expect(codeOf(() => tx.protectRtp(rtp(1, 0xdead)))).toBe('capacity');
    expect(tx.protectRtpInto(rtp(1, 0xdead), new Uint8Array(100))).toBe(-1);
    expect(tx.getStats().dropped.capacity).toBe(2);
    expect(tx.protectRtp(rtp(2, 5)).length).toBe(56); // known SSRCs keep working
    tx.dispose();
    rx.dispose();
  });

  it('dispose frees the slot; a disposed context throws InvalidStateError', () => {
    const { tx, rx } = pair('SRTP_AEAD_AES_256_GCM');
    tx.dispose();
    tx.dispose();
    expect(tx.disposed).toBe(true);
    expect(() => tx.protectRtp(rtp(1))).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    rx.dispose();
    const init = { profile: 'SRTP_AES128_CM_HMAC_SHA1_80' as const, masterKey: new Uint8Array(16), masterSalt: new Uint8Array(14) };
    const many: SrtpContext[] = [];
    try {
      for (let i = 0; i < SRTP_CORE_LIMITS.contexts; i++) many.push(new SrtpContext(init));
      expect(() => new SrtpContext(init)).toThrow(expect.objectContaining({ name: 'QuotaExceededError' }));
      many.pop()?.dispose();
      many.push(new SrtpContext(init));
    } finally {
      for (const c of many) c.dispose();
    }
  });

  it('reports API misuse with DOMException names', () => {
    const key = new Uint8Array(16);
    const salt = new Uint8Array(14);
    expect(() => new SrtpContext({ profile: 'SRTP_NULL' as SrtpProfile, masterKey: key, masterSalt: salt })).toThrow(
      expect.objectContaining({ name: 'NotSupportedError' }),
    );
    expect(() => new SrtpContext({ profile: 'SRTP_AEAD_AES_128_GCM', masterKey: key, masterSalt: salt })).toThrow(
      expect.objectContaining({ name: 'InvalidAccessError' }),
    );
    expect(
      () => new SrtpContext({ profile: 'SRTP_AES128_CM_HMAC_SHA1_80', masterKey: key, masterSalt: salt, replayWindow: 0 }),
    ).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
  });

  it('setRolloverCounter lets a receiver join mid-stream', () => {
    const { tx, rx } = pair('SRTP_AES128_CM_HMAC_SHA1_80');
    tx.setRolloverCounter(0x11223344, 5, 'send');
    rx.setRolloverCounter(0x11223344, 5, 'receive');
    expect(rx.unprotectRtp(tx.protectRtp(rtp(100))).length).toBe(52);
    const { tx: unused, rx: naive } = pair('SRTP_AES128_CM_HMAC_SHA1_80');
    unused.dispose();
    expect(codeOf(() => naive.unprotectRtp(tx.protectRtp(rtp(101))))).toBe('auth');
    expect(() => rx.setRolloverCounter(0x11223344, 6, 'receive')).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    for (const c of [tx, rx, naive]) c.dispose();
  });
});

describe('DTLS-SRTP key split (RFC 5764 §4.2)', () => {
  it.each(PROFILES.filter((p) => SRTP_PROFILES[p].dtlsId !== undefined))('%s: client and server keys interlock', (profile) => {
    const material = new Uint8Array(srtpExporterLength(profile)).map((_, i) => i);
    const { keyLength: k, saltLength: s } = SRTP_PROFILES[profile];
    const client = srtpKeysFromExporter(material, profile, 'client');
    const server = srtpKeysFromExporter(material, profile, 'server');
    expect(hex(client.outbound.masterKey)).toBe(hex(material.subarray(0, k)));
    expect(hex(client.outbound.masterSalt)).toBe(hex(material.subarray(2 * k, 2 * k + s)));
    expect(hex(server.outbound.masterKey)).toBe(hex(material.subarray(k, 2 * k)));
    expect(hex(server.outbound.masterSalt)).toBe(hex(material.subarray(2 * k + s)));
    const ctx = [client.outbound, server.inbound, server.outbound, client.inbound].map((i) => new SrtpContext(i));
    expect(hex(ctx[1].unprotectRtp(ctx[0].protectRtp(rtp(1))))).toBe(hex(rtp(1)));
    expect(hex(ctx[3].unprotectRtp(ctx[2].protectRtp(rtp(1))))).toBe(hex(rtp(1)));
    expect(codeOf(() => ctx[3].unprotectRtp(ctx[0].protectRtp(rtp(2))))).toBe('auth');
    for (const c of ctx) c.dispose();
    expect(() => srtpKeysFromExporter(material.subarray(1), profile, 'client')).toThrow(
      expect.objectContaining({ name: 'InvalidAccessError' }),
    );
  });
});
