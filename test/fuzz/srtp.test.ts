// Hostile input to SrtpContext: random bytes, mutated genuine packets, truncation and
// oversize. Only SrtpError may escape the throwing API, nothing escapes the zero-copy
// forms, no forgery is ever accepted, and the context keeps working afterwards.
import fc from 'fast-check';
import { SRTP_PROFILES, SrtpContext, SrtpError, type SrtpProfile } from '../../src/srtp/index.js';

const PROFILES = Object.keys(SRTP_PROFILES) as SrtpProfile[];

function contexts(profile: SrtpProfile): { tx: SrtpContext; rx: SrtpContext } {
  const p = SRTP_PROFILES[profile];
  const init = { profile, masterKey: new Uint8Array(p.keyLength).fill(0x42), masterSalt: new Uint8Array(p.saltLength).fill(0x24) };
  return { tx: new SrtpContext(init), rx: new SrtpContext(init) };
}

function rtp(seq: number, size: number): Uint8Array {
  const pkt = new Uint8Array(12 + size).map((_, i) => (i * 17 + seq) & 0xff);
  pkt[0] = 0x80;
  pkt[2] = (seq >> 8) & 0xff;
  pkt[3] = seq & 0xff;
  pkt.set([1, 2, 3, 4], 8);
  return pkt;
}

function rtcp(size: number): Uint8Array {
  const pkt = new Uint8Array(8 + size).map((_, i) => i & 0xff);
  pkt[0] = 0x80;
  pkt[1] = 200;
  pkt.set([5, 6, 7, 8], 4);
  return pkt;
}

// Returns the error code, or 'ok' with the output.
function attempt(fn: () => Uint8Array): { code: string; out?: Uint8Array } {
  try {
    return { code: 'ok', out: fn() };
  } catch (e) {
    if (!(e instanceof SrtpError)) throw e;
    return { code: e.code };
  }
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(pkt: Uint8Array, muts: Mutation[]): Uint8Array {
  let out = pkt.slice();
  for (const m of muts) {
    if (m.kind === 'flip' && out.length > 0) out[m.at % out.length] ^= 1 << m.bit;
    else if (m.kind === 'truncate') out = out.slice(0, m.at % (out.length + 1));
    else if (m.kind === 'append') out = Uint8Array.from([...out, ...m.bytes]);
    else if (m.kind === 'set' && out.length > 0) out[m.at % out.length] = m.value;
  }
  return out;
}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

describe.each(PROFILES)('%s under hostile input', (profile) => {
  let tx: SrtpContext;
  let rx: SrtpContext;
  beforeEach(() => ({ tx, rx } = contexts(profile)));
  afterEach(() => {
    tx.dispose();
    rx.dispose();
  });

  it('random bytes: only SrtpError is thrown, and the zero-copy forms never throw', () => {
    const out = new Uint8Array(2000);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1500 }), (bytes) => {
        attempt(() => rx.unprotectRtp(bytes));
        attempt(() => rx.unprotectRtcp(bytes));
        attempt(() => tx.protectRtp(bytes));
        attempt(() => tx.protectRtcp(bytes));
        rx.unprotectRtpInto(bytes, out);
        rx.unprotectRtcpInto(bytes, out);
      }),
      { numRuns: 300 },
    );
  });

  it('mutated genuine packets are never accepted as anything but the original', () => {
    let seq = 100;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (size, isRtcp, muts) => {
        const plain = isRtcp ? rtcp(size) : rtp(seq++, size);
        const wire = isRtcp ? tx.protectRtcp(plain) : tx.protectRtp(plain);
        const bad = mutate(wire, muts);
        const r = attempt(() => (isRtcp ? rx.unprotectRtcp(bad) : rx.unprotectRtp(bad)));
        if (r.code === 'ok') {
          // Only an unchanged packet (or a change the transform ignores: none) may pass.
          expect(same(bad, wire)).toBe(true);
          expect(same(r.out as Uint8Array, plain)).toBe(true);
        } else if (!same(bad, wire)) {
          // The genuine packet is still accepted after its forgeries were rejected.
          const g = attempt(() => (isRtcp ? rx.unprotectRtcp(wire) : rx.unprotectRtp(wire)));
          expect(g.code).toBe('ok');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('oversized and truncated packets are malformed, counted, and the context still works', () => {
    const huge = new Uint8Array(70_000);
    huge[0] = 0x80;
    expect(attempt(() => tx.protectRtp(huge)).code).toBe('malformed');
    expect(attempt(() => rx.unprotectRtcp(huge)).code).toBe('malformed');
    for (let n = 0; n < 12; n++) expect(attempt(() => rx.unprotectRtp(new Uint8Array(n).fill(0x80))).code).toBe('malformed');
    const wrongVersion = rtp(1, 20);
    wrongVersion[0] = 0x40;
    expect(attempt(() => tx.protectRtp(wrongVersion)).code).toBe('malformed');
    // CSRC count or extension length pointing past the end.
    const lying = rtp(2, 4);
    lying[0] = 0x8f;
    expect(attempt(() => tx.protectRtp(lying)).code).toBe('malformed');
    expect(tx.getStats().dropped.malformed).toBe(3);
    expect(rx.getStats().dropped.malformed).toBe(13);
    expect(same(rx.unprotectRtp(tx.protectRtp(rtp(3, 50))), rtp(3, 50))).toBe(true);
  });
});
