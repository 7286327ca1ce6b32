import fc from 'fast-check';
import { Pacer } from '../../src/cc/pacer';
import { SendSideBandwidthEstimator } from '../../src/cc/send-side-bwe';
import type { TransportCc } from '../../src/rtp/index';
import { readHeaderExtensions, rewriteRtp } from '../../src/webrtc/rtp-rewrite';
import { TransportCcSender, extensionDataOffset } from '../../src/webrtc/transport-cc-sender';

// Hostile or nonsensical feedback never throws and never moves the estimate out of its bounds.

const MIN = 30_000;
const MAX = 8_000_000;
const anyNumber = fc.oneof(fc.double(), fc.integer({ min: -1e6, max: 1e9 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0));

type Op =
  | { k: 'rx'; send: number; arrival: number; size: number }
  | { k: 'lost' }
  | { k: 'end'; now: number }
  | { k: 'rr'; now: number; loss: number; rtt: number }
  | { k: 'remb'; bitrate: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('rx' as const), send: anyNumber, arrival: anyNumber, size: anyNumber }),
  fc.record({ k: fc.constant('lost' as const) }),
  fc.record({ k: fc.constant('end' as const), now: anyNumber }),
  fc.record({ k: fc.constant('rr' as const), now: anyNumber, loss: anyNumber, rtt: anyNumber }),
  fc.record({ k: fc.constant('remb' as const), bitrate: anyNumber }),
);

describe('congestion control under fuzzed input', () => {
  it('estimator: any call sequence keeps the estimate finite and within [min, max]', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const bwe = new SendSideBandwidthEstimator({ minBitrate: MIN, maxBitrate: MAX });
        bwe.beginFeedback();
        for (const o of ops) {
          if (o.k === 'rx') bwe.addReceived(o.send, o.arrival, o.size);
          else if (o.k === 'lost') bwe.addLost();
          else if (o.k === 'end') {
            bwe.endFeedback(o.now);
            bwe.beginFeedback();
          } else if (o.k === 'rr') bwe.handleReceiverReport(o.now, o.loss, o.rtt);
          else bwe.handleRemb(o.bitrate);
          const e = bwe.estimate;
          if (!(Number.isFinite(e) && e >= MIN && e <= MAX)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('transport-cc feedback with forged sequence numbers, deltas and reference times, fed through TransportCcSender', () => {
    const fbPacket = fc.record({ sequenceNumber: fc.integer({ min: 0, max: 0xffff }), received: fc.boolean(), deltaMicros: fc.option(fc.integer({ min: -8_192_000, max: 16_383_750 }), { nil: undefined }) });
    const feedback = fc.record({ baseSequenceNumber: fc.integer({ min: 0, max: 0xffff }), referenceTime: fc.integer({ min: 0, max: 0xffffff }), packets: fc.array(fbPacket, { maxLength: 60 }) });
    fc.assert(
      fc.property(fc.array(feedback, { maxLength: 20 }), fc.integer({ min: 0, max: 0xffff }), (fbs, first) => {
        let now = 0;
        const tcc = new TransportCcSender(() => now, first);
        const bwe = new SendSideBandwidthEstimator({ minBitrate: MIN, maxBitrate: MAX });
        tcc.feedbackObserver = bwe;
        const pkt = new Uint8Array(1200);
        for (let i = 0; i < 300; i++) {
          now += 1;
          tcc.stampAt(pkt, 20, -1);
        }
        for (const f of fbs) {
          now += 50;
          const fb: TransportCc = { type: 'twcc', senderSsrc: 1, mediaSsrc: 2, feedbackPacketCount: 0, ...f };
          tcc.handleFeedback(fb);
          if (!(Number.isFinite(bwe.estimate) && bwe.estimate >= MIN && bwe.estimate <= MAX)) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it('pacer: random enqueue/process/rate sequences keep both bounds and lose no packet', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ k: fc.constant('q' as const), size: fc.integer({ min: 1, max: 1500 }), rtx: fc.boolean() }), fc.record({ k: fc.constant('t' as const), dt: fc.integer({ min: 0, max: 300 }) }), fc.record({ k: fc.constant('r' as const), rate: anyNumber })), { maxLength: 400 }),
        (ops) => {
          let now = 0;
          let out = 0;
          const pacer = new Pacer(() => out++, { maxPackets: 32, maxQueueDelayMs: 200, rate: 50_000 });
          for (const o of ops) {
            if (o.k === 'q') pacer.enqueue(now, new Uint8Array(o.size), -1, -1, o.rtx);
            else if (o.k === 'r') pacer.setRate(o.rate);
            else {
              const to = now + o.dt;
              for (let due = pacer.pollTimeout(); due !== undefined && due <= to; due = pacer.pollTimeout()) {
                now = Math.max(now, due);
                pacer.process(now);
              }
              now = to;
            }
            if (pacer.queuedPackets > 32) return false;
            if (pacer.queueDelay(now) > 200 + 300) return false;
          }
          return out + pacer.queuedPackets === pacer.stats.packetsEnqueued;
        },
      ),
      { numRuns: 200 },
    );
  });

  it('extensionDataOffset (in place, per sent packet) agrees with the RFC 8285 parser on built and on random packets', () => {
    const reference = (p: Uint8Array, id: number, min: number): number | undefined => {
      const e = readHeaderExtensions(p).find((x) => x.id === id);
      return e && e.data.length >= min ? e.data.byteOffset - p.byteOffset : undefined;
    };
    const ext = fc.record({ id: fc.integer({ min: 1, max: 14 }), data: fc.uint8Array({ minLength: 1, maxLength: 16 }) });
    fc.assert(
      fc.property(fc.array(ext, { maxLength: 6 }), fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 14 }), fc.integer({ min: 0, max: 4 }), (exts, payload, id, min) => {
        const base = new Uint8Array(12 + payload.length);
        base[0] = 0x80;
        base.set(payload, 12);
        const built = rewriteRtp(base, { ssrc: 1, payloadType: 96, sequenceNumber: 1, extensions: exts });
        if (built && extensionDataOffset(built, id, min) !== reference(built, id, min)) return false;
        return true;
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 4 }), (bytes, id, min) => {
        if (bytes.length > 0) bytes[0] |= 0x10; // X bit set: reach the extension walker
        return extensionDataOffset(bytes, id, min) === reference(bytes, id, min);
      }),
      { numRuns: 500 },
    );
  });
});
