// Hostile and damaged telephone-event input (RFC 4733): random payloads, lengths, padding
// and timestamps never throw, bad lengths are counted, and a real sender's packet stream run
// through seeded loss, duplication and reordering never yields a tone twice or one that was
// not sent; with duplication alone every tone arrives once with its exact duration.
import fc from 'fast-check';
import { parseTelephoneEvents, writeTelephoneEvent } from '../../src/rtp/telephone-event';
import { DtmfScheduler, type TelephoneEventPacket } from '../../src/webrtc/dtmf-scheduler';
import { TelephoneEventReceiver } from '../../src/webrtc/dtmf-receiver';
import { RTCRtpReceiver } from '../../src/webrtc/rtc-rtp-receiver';
import { seededRandom } from '../sim/seeded-random';

const RUNS = 300;
const TONES = '0123456789*#ABCD';

/** Every packet a scheduler makes for `tones` (all at one duration and gap), with the start timestamps. */
function senderStream(tones: string, duration: number, gap: number, clockRate: number): { packets: (TelephoneEventPacket & { at: number })[]; starts: number[] } {
  let audioTs = 12345;
  const sch = new DtmfScheduler({ canPlay: () => true, clockRate: () => clockRate, rtpTimestampAt: (now) => (audioTs + Math.round((now * clockRate) / 1000)) >>> 0 });
  audioTs = 0x7fff0000; // near a wrap, on purpose
  sch.insert(0, tones, duration, gap);
  const packets: (TelephoneEventPacket & { at: number })[] = [];
  for (let guard = 0; guard < 100000; guard++) {
    const at = sch.pollTimeout();
    if (at === undefined) break;
    sch.handleTimeout(at);
    for (let p = sch.pollTransmit(); p; p = sch.pollTransmit()) packets.push({ ...p, at });
  }
  const starts = [...new Set(packets.filter((p) => p.marker).map((p) => p.timestamp))];
  return { packets, starts };
}

describe('telephone-event parser under hostile input', () => {
  it('parses or refuses any bytes; refuses exactly the lengths that are not 4·n (n = 1..16)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        const r = parseTelephoneEvents(b);
        const ok = b.length > 0 && b.length % 4 === 0 && b.length <= 64;
        expect(r !== undefined).toBe(ok);
        if (r) for (const e of r) expect(e.volume).toBeLessThan(64);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('round-trips every report', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.boolean(), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 0xffff }), (event, end, volume, duration) => {
        expect(parseTelephoneEvents(writeTelephoneEvent({ event, end, volume, duration }))).toEqual([{ event, end, volume, duration }]);
      }),
      { numRuns: RUNS },
    );
  });

  it('the receiver never throws, counts every packet, and only reports DTMF tones with finite durations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ssrc: fc.integer({ min: 0, max: 12 }), ts: fc.integer({ min: 0, max: 0xffffffff }), payload: fc.uint8Array({ maxLength: 24 }), padded: fc.boolean(), at: fc.integer({ min: 0, max: 5000 }) }), { maxLength: 60 }),
        fc.constantFrom(8000, 16000, 48000, 0, -1, Number.NaN),
        (packets, clockRate) => {
          const rx = new TelephoneEventReceiver();
          let tones = 0;
          for (const p of packets) {
            for (const t of rx.handlePacket(p.ssrc, p.ts, p.payload, p.padded, clockRate, p.at)) {
              tones++;
              expect(TONES).toContain(t.tone);
              expect(Number.isFinite(t.duration) && t.duration >= 0).toBe(true);
            }
            const orphan = rx.handleAudio(p.ssrc, p.at, clockRate);
            if (orphan) tones++;
          }
          const c = rx.counters;
          expect(c.packets).toBe(packets.length);
          expect(c.tones).toBe(tones);
          expect(c.malformed + c.unsupportedEvents + c.duplicates).toBeLessThanOrEqual(packets.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('RTCRtpReceiver takes random telephone-event packets without throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { maxLength: 30 }), (payloads) => {
        const r = new RTCRtpReceiver('audio');
        r.setNegotiated({ mid: '0', codecs: [{ payloadType: 111, name: 'opus', clockRate: 48000, feedback: [] }, { payloadType: 110, name: 'telephone-event', clockRate: 48000, feedback: [] }], extensions: [], ssrcs: [], nack: false, pli: false, fir: false });
        payloads.forEach((payload, i) => {
          const p = new Uint8Array(12 + payload.length);
          p[0] = 0x80 | (payload[0] ?? 0) & 0x2f; // padding and CSRC count taken from the payload
          p[1] = 110;
          p[3] = i;
          p.set(payload, 12);
          r.handleRtp(p, i * 20);
        });
        expect(r.dtmfCounters.packets).toBeLessThanOrEqual(payloads.length);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('a real event stream through a damaged link', () => {
  it('never reports a tone twice or one not sent (seeded loss, duplication, reordering)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...TONES.split('')), minLength: 1, maxLength: 6 }),
        fc.integer({ min: 40, max: 2000 }),
        fc.integer({ min: 30, max: 200 }),
        fc.constantFrom(8000, 48000),
        fc.integer({ min: 1, max: 0x7fffffff }),
        (tones, duration, gap, clockRate, seed) => {
          const { packets, starts } = senderStream(tones, duration, gap, clockRate);
          const rand = seededRandom(seed);
          const damaged: TelephoneEventPacket[] = [];
          for (const p of packets) {
            if (rand() < 0.2) continue;
            damaged.push(p);
            if (rand() < 0.2) damaged.push(p);
          }
          for (let i = 0; i < damaged.length; i++) {
            if (rand() < 0.15 && i + 1 < damaged.length) [damaged[i], damaged[i + 1]] = [damaged[i + 1], damaged[i]];
          }
          const rx = new TelephoneEventReceiver();
          const got = damaged.flatMap((p, i) => rx.handlePacket(9, p.timestamp, p.payload, false, clockRate, i * 10));
          const seen = got.map((t) => t.rtpTimestamp);
          expect(new Set(seen).size).toBe(seen.length);
          for (const ts of seen) expect(starts).toContain(ts);
          for (const t of got) expect(t.duration).toBeLessThanOrEqual(Math.min(6000, duration) + 1e-9);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('with duplication only, every tone arrives once with its duration (long tones in segments too)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...TONES.split('')), minLength: 1, maxLength: 4 }),
        fc.integer({ min: 40, max: 6000 }),
        fc.constantFrom(8000, 48000),
        fc.integer({ min: 1, max: 0x7fffffff }),
        (tones, duration, clockRate, seed) => {
          const { packets } = senderStream(tones, duration, 70, clockRate);
          const rand = seededRandom(seed);
          const rx = new TelephoneEventReceiver();
          const got = packets.flatMap((p) => (rand() < 0.3 ? [p, p] : [p])).flatMap((p) => rx.handlePacket(9, p.timestamp, p.payload, false, clockRate, p.at));
          expect(got.map((t) => t.tone).join('')).toBe(tones);
          const units = Math.round((duration * clockRate) / 1000);
          for (const t of got) {
            expect(t.duration).toBeCloseTo((units * 1000) / clockRate, 6);
            expect(t.endReceived).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
