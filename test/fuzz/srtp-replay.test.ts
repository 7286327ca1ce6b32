// The replay window (RFC 3711 §3.3.2) against a model: random delivery orders with
// duplicates, reordering, jumps beyond the window and SEQ wraps. A packet is accepted iff
// its index is new and either above the highest accepted index or less than `window`
// behind it; everything else is 'replay'. SRTP and SRTCP, small and default windows.
import fc from 'fast-check';
import { SrtpContext, SrtpError } from '../../src/srtp/index.js';

const init = (replayWindow: number) => ({
  profile: 'SRTP_AES128_CM_HMAC_SHA1_32' as const,
  masterKey: new Uint8Array(16).fill(3),
  masterSalt: new Uint8Array(14).fill(5),
  replayWindow,
});

function rtp(seq: number): Uint8Array {
  const pkt = new Uint8Array(20);
  pkt[0] = 0x80;
  pkt[2] = (seq >> 8) & 0xff;
  pkt[3] = seq & 0xff;
  pkt.set([9, 9, 9, 9], 8);
  return pkt;
}

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof SrtpError) return e.code;
    throw e;
  }
}

// Model of the receiver: which indices it has accepted, and the highest one.
class Model {
  readonly seen = new Set<number>();
  highest = -1;
  constructor(readonly window: number) {}
  accept(index: number): boolean {
    if (this.seen.has(index)) return false;
    if (this.highest >= 0 && index <= this.highest && this.highest - index >= this.window) return false;
    this.seen.add(index);
    this.highest = Math.max(this.highest, index);
    return true;
  }
}

// Deliveries: positions into the sent sequence, moving forward with back-steps and repeats.
const schedule = fc.array(fc.integer({ min: -150, max: 40 }), { minLength: 1, maxLength: 300 });

describe.each([64, 1024, 2048])('replay window of %i packets', (window) => {
  it('SRTP: accepts exactly what the model accepts, across a SEQ wrap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), schedule, (start, steps) => {
        const tx = new SrtpContext(init(window));
        const rx = new SrtpContext(init(window));
        try {
          // The sender emits consecutive SEQs from `start`; index i is packet number i.
          const total = 3000;
          const wires: Uint8Array[] = [];
          for (let i = 0; i < total; i++) wires.push(tx.protectRtp(rtp((start + i) & 0xffff)));
          // The stream starts at the receiver with the first packet sent (ROC 0 is
          // assumed for a new SSRC, RFC 3711 §3.3.1); then anything goes.
          const model = new Model(window);
          expect(outcome(() => rx.unprotectRtp(wires[0]))).toBe(model.accept(0) ? 'ok' : 'replay');
          let pos = 0;
          for (const step of steps) {
            pos = Math.min(total - 1, Math.max(0, pos + step));
            const got = outcome(() => rx.unprotectRtp(wires[pos]));
            expect(got).toBe(model.accept(pos) ? 'ok' : 'replay');
          }
        } finally {
          tx.dispose();
          rx.dispose();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('SRTCP: accepts exactly what the model accepts', () => {
    fc.assert(
      fc.property(schedule, (steps) => {
        const tx = new SrtpContext(init(window));
        const rx = new SrtpContext(init(window));
        try {
          const total = 3000;
          const pkt = Uint8Array.from([0x80, 200, 0, 1, 7, 7, 7, 7]);
          const wires = Array.from({ length: total }, () => tx.protectRtcp(pkt));
          const model = new Model(window);
          let pos = 0;
          for (const step of steps) {
            pos = Math.min(total - 1, Math.max(0, pos + step));
            expect(outcome(() => rx.unprotectRtcp(wires[pos]))).toBe(model.accept(pos) ? 'ok' : 'replay');
          }
        } finally {
          tx.dispose();
          rx.dispose();
        }
      }),
      { numRuns: 25 },
    );
  });
});
