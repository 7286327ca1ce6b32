// DTMF (W3C WebRTC §7 RTCDTMFSender, RFC 4733 telephone-event) in virtual time: the payload
// layout, the packets an RTCRtpSender puts on the wire (checked with werift's RTP parser too),
// the W3C insertDTMF validation and tonechange order, and the receiving side's folding of
// retransmitted ends and long-tone segments into one event per tone.
import * as werift from 'werift';
import { parseTelephoneEvents, writeTelephoneEvent } from '../../src/rtp/telephone-event';
import type { CodecSpec } from '../../src/sdp/jsep';
import { DtmfScheduler, type TelephoneEventPacket } from '../../src/webrtc/dtmf-scheduler';
import { DtmfEvent, TelephoneEventReceiver } from '../../src/webrtc/dtmf-receiver';
import { MediaStreamTrack } from '../../src/webrtc/media-stream-track';
import type { RTCDTMFToneChangeEvent } from '../../src/webrtc/rtc-dtmf-sender';
import { RTCRtpReceiver } from '../../src/webrtc/rtc-rtp-receiver';
import { RTCRtpSender } from '../../src/webrtc/rtc-rtp-sender';
import { RTCPeerConnection } from '../../src/webrtc/rtc-peer-connection';
import { parse } from '../../src/sdp/index';

const OPUS: CodecSpec = { payloadType: 111, name: 'opus', clockRate: 48000, channels: 2, feedback: [] };
const PCMU: CodecSpec = { payloadType: 0, name: 'PCMU', clockRate: 8000, feedback: [] };
const TE48: CodecSpec = { payloadType: 110, name: 'telephone-event', clockRate: 48000, fmtp: '0-15', feedback: [] };
const TE8: CodecSpec = { payloadType: 126, name: 'telephone-event', clockRate: 8000, fmtp: '0-15', feedback: [] };

interface Wire {
  pt: number;
  marker: boolean;
  seq: number;
  ts: number;
  ssrc: number;
  payload: Uint8Array;
  at: number;
}

function readWire(p: Uint8Array, at: number): Wire {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  let off = 12 + (p[0] & 0x0f) * 4;
  if (p[0] & 0x10) off += 4 + v.getUint16(off + 2) * 4;
  return { pt: p[1] & 0x7f, marker: (p[1] & 0x80) !== 0, seq: v.getUint16(2), ts: v.getUint32(4), ssrc: v.getUint32(8), payload: p.subarray(off), at };
}

/** An audio sender negotiated with `codecs`, sending into `wire` at virtual time `clock.now`. */
function audioSender(codecs: CodecSpec[], opts: { direction?: string; track?: boolean } = {}) {
  const clock = { now: 1000 };
  const raw: Uint8Array[] = [];
  const wire: Wire[] = [];
  const track = opts.track === false ? null : new MediaStreamTrack({ kind: 'audio' });
  const sender = new RTCRtpSender('audio', track, [], 'cname');
  const transceiver = { stopping: false, stopped: false, currentDirection: (opts.direction ?? 'sendrecv') as string | null };
  sender.dtmf?.attachTransceiver(transceiver);
  sender.setNegotiated({ mid: '0', codecs, extensions: [{ id: 4, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' }] });
  sender.setSendPath(
    {
      sendRtp: (p) => {
        raw.push(p);
        wire.push(readWire(p, clock.now));
      },
      sendRtcp: () => undefined,
      now: () => clock.now,
    },
    true,
  );
  let wakes = 0;
  sender.dtmf?.setDriver({ now: () => clock.now, wake: () => wakes++ });
  const dtmf = sender.dtmf;
  if (!dtmf) throw new Error('audio sender without dtmf');
  const tones: { tone: string; at: number }[] = [];
  dtmf.addEventListener('tonechange', (e) => tones.push({ tone: (e as RTCDTMFToneChangeEvent).tone, at: clock.now }));
  /** Runs the connection's timer in virtual time until `until` (every deadline on time). */
  const runUntil = (until: number): void => {
    for (let guard = 0; guard < 100000; guard++) {
      const at = dtmf.pollTimeout();
      if (at === undefined || at > until) break;
      clock.now = Math.max(clock.now, at);
      dtmf.handleTimeout(clock.now);
    }
    clock.now = until;
  };
  return { sender, dtmf, clock, raw, wire, tones, transceiver, runUntil, wakes: () => wakes, track };
}

describe('RFC 4733 telephone-event payload', () => {
  it('lays out event, E, R, volume and duration as §2.3 draws them', () => {
    expect([...writeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 800 })]).toEqual([0x0b, 0x8a, 0x03, 0x20]);
    expect([...writeTelephoneEvent({ event: 5, end: false, volume: 63, duration: 0xffff })]).toEqual([0x05, 0x3f, 0xff, 0xff]);
    // R (0x40) is ignored on receipt.
    expect(parseTelephoneEvents(new Uint8Array([0x0c, 0xca, 0x01, 0x40]))).toEqual([{ event: 12, end: true, volume: 10, duration: 320 }]);
    expect(parseTelephoneEvents(new Uint8Array([1, 0, 0, 1, 2, 0x80, 0, 2]))?.map((r) => r.event)).toEqual([1, 2]);
  });

  it('refuses lengths that are not 4·n (1–16 reports)', () => {
    for (const n of [0, 1, 3, 5, 7, 68]) expect(parseTelephoneEvents(new Uint8Array(n))).toBeUndefined();
  });
});

describe('RTCDTMFSender on an RTCRtpSender (virtual time)', () => {
  it('sends a tone as RFC 4733 §2.5 packets: M on the first, one timestamp, growing duration, the E report three times', async () => {
    const s = audioSender([OPUS, TE48]);
    s.dtmf.insertDTMF('1', 100, 70);
    // The connection is asked to re-read the deadline from a microtask (never re-entered).
    expect(s.wakes()).toBe(0);
    await Promise.resolve();
    expect(s.wakes()).toBe(1);
    // "Queue a task": nothing happens inside insertDTMF.
    expect(s.wire).toHaveLength(0);
    expect(s.tones).toHaveLength(0);
    s.runUntil(1400);
    const ev = s.wire.filter((w) => w.pt === 110);
    // The end report three times at once, as libwebrtc sends it (see FINAL_PACKET_COPIES).
    expect(ev.map((w) => w.at - 1000)).toEqual([0, 50, 50, 50]);
    expect(ev.map((w) => w.marker)).toEqual([true, false, false, false]);
    expect(new Set(ev.map((w) => w.ts)).size).toBe(1);
    expect(new Set(ev.map((w) => w.ssrc))).toEqual(new Set([s.sender.ssrc]));
    const reports = ev.map((w) => parseTelephoneEvents(w.payload)?.[0]);
    // 100 ms at 48 kHz: 2400 units after the first 50 ms interval, 4800 at the end.
    expect(reports).toEqual([
      { event: 1, end: false, volume: 10, duration: 2400 },
      { event: 1, end: true, volume: 10, duration: 4800 },
      { event: 1, end: true, volume: 10, duration: 4800 },
      { event: 1, end: true, volume: 10, duration: 4800 },
    ]);
    // Consecutive sequence numbers (each copy is a new RTP packet).
    for (let i = 1; i < ev.length; i++) expect(ev[i].seq).toBe((ev[0].seq + i) & 0xffff);
    expect(s.tones).toEqual([
      { tone: '1', at: 1000 },
      { tone: '', at: 1170 },
    ]);
    // The bytes of the first packet: V=2, X (MID extension), M + PT 110, our SSRC, payload.
    const first = s.raw[0];
    expect(first[0] & 0xc0).toBe(0x80);
    expect(first[1]).toBe(0x80 | 110);
    expect([...first.subarray(first.length - 4)]).toEqual([0x01, 0x0a, 0x09, 0x60]);
  });

  it('is parsed by werift as the same RTP packets', () => {
    const s = audioSender([OPUS, TE48]);
    s.dtmf.insertDTMF('#', 40);
    s.runUntil(2000);
    expect(s.raw.length).toBe(3);
    for (const [i, bytes] of s.raw.entries()) {
      const p = werift.RtpPacket.deSerialize(Buffer.from(bytes));
      expect(p.header.payloadType).toBe(110);
      expect(p.header.ssrc).toBe(s.sender.ssrc);
      expect(p.header.marker).toBe(i === 0);
      expect(p.header.timestamp).toBe(s.wire[0].ts);
      // 40 ms at 48 kHz = 1920 units, E set, '#' is event 11.
      expect([...p.payload]).toEqual([11, 0x8a, 0x07, 0x80]);
    }
  });

  it('shares the audio SSRC, sequence space and clock with the program’s audio, which goes on', () => {
    const s = audioSender([OPUS, TE48]);
    const pkt = (seq: number, ts: number): Uint8Array => {
      const p = new Uint8Array(14);
      p[0] = 0x80;
      p[1] = 111;
      new DataView(p.buffer).setUint16(2, seq);
      new DataView(p.buffer).setUint32(4, ts);
      return p;
    };
    let ts = 90000;
    const audioAt = (t: number): void => {
      s.clock.now = t;
      s.track?.writeRtp(pkt(0, ts));
      ts += 960;
    };
    audioAt(1000);
    audioAt(1020);
    s.dtmf.insertDTMF('5', 100);
    s.runUntil(1040);
    audioAt(1040);
    s.runUntil(1060);
    audioAt(1060);
    s.runUntil(1300);
    audioAt(1300);
    const seqs = s.wire.map((w) => w.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[0] + i) & 0xffff);
    expect(new Set(s.wire.map((w) => w.ssrc)).size).toBe(1);
    const firstEvent = s.wire.find((w) => w.pt === 110);
    // The event starts where the audio clock is when the tone starts (t=1020, the playout
    // task queued by insertDTMF): the audio packet of t=1020 had 90960.
    expect(firstEvent?.ts).toBe(90960);
    expect(firstEvent?.at).toBe(1020);
    // The program's audio goes on during the tone (RFC 4733 §2.5 allows both for the same time).
    expect(s.wire.filter((w) => w.pt === 111).map((w) => w.at)).toEqual([1000, 1020, 1040, 1060, 1300]);
  });

  it('uses telephone-event/8000 beside PCMU (RFC 4733 §2.1: the audio clock)', () => {
    const s = audioSender([PCMU, TE48, TE8]);
    s.dtmf.insertDTMF('9', 100);
    s.runUntil(1500);
    const ev = s.wire.filter((w) => w.pt === 126);
    expect(ev).toHaveLength(4);
    expect(parseTelephoneEvents(ev[1].payload)?.[0].duration).toBe(800);
  });

  it('splits a 6 s tone into segments of at most 0xFFFF units (RFC 4733 §2.5.1.3)', () => {
    const s = audioSender([OPUS, TE48]);
    s.dtmf.insertDTMF('0', 6000);
    s.runUntil(8000);
    const ev = s.wire.filter((w) => w.pt === 110).map((w) => ({ ts: w.ts, m: w.marker, r: parseTelephoneEvents(w.payload)?.[0] }));
    const starts = [...new Set(ev.map((e) => e.ts))];
    // 6 s × 48 kHz = 288000 units = 4 × 65535 + 25860: five segments, each starting where the last ended.
    expect(starts).toHaveLength(5);
    for (let i = 1; i < starts.length; i++) expect((starts[i] - starts[i - 1]) >>> 0).toBe(0xffff);
    expect(ev.filter((e) => e.m)).toHaveLength(1);
    for (const seg of starts.slice(0, 4)) {
      const finals = ev.filter((e) => e.ts === seg && e.r?.duration === 0xffff);
      expect(finals).toHaveLength(3);
      expect(finals.every((e) => e.r?.end === false)).toBe(true);
    }
    const ends = ev.filter((e) => e.r?.end);
    expect(ends).toHaveLength(3);
    expect(ends[0].r?.duration).toBe(288000 - 4 * 0xffff);
    // The receiving side folds it back into one 6 s tone.
    const rx = new TelephoneEventReceiver();
    const got = s.wire.filter((w) => w.pt === 110).flatMap((w) => rx.handlePacket(w.ssrc, w.ts, w.payload, false, 48000));
    expect(got.map((g) => [g.tone, g.duration, g.endReceived])).toEqual([['0', 6000, true]]);
    expect(rx.counters.duplicates).toBeGreaterThanOrEqual(2);
  });

  it('drops event packets (counted) while the sender is not sending', () => {
    const s = audioSender([OPUS, TE48]);
    s.sender.setSendPath(null, false);
    s.dtmf.insertDTMF('1');
    s.runUntil(1500);
    expect(s.wire).toHaveLength(0);
    expect(s.sender.stats.packetsDropped).toBe(4);
    expect(s.tones.map((t) => t.tone)).toEqual(['1', '']);
  });
});

describe('W3C WebRTC §7.2 insertDTMF', () => {
  it('is null for video senders, an RTCDTMFSender for audio', () => {
    expect(new RTCRtpSender('video', null, [], 'c').dtmf).toBeNull();
    expect(new RTCRtpSender('audio', null, [], 'c').dtmf?.canInsertDTMF).toBe(false);
  });

  it('throws InvalidStateError when the transceiver is stopped, recvonly/inactive, or telephone-event is not negotiated', () => {
    const name = (f: () => void): string | undefined => {
      try {
        f();
        return undefined;
      } catch (e) {
        return (e as DOMException).name;
      }
    };
    const stopped = audioSender([OPUS, TE48]);
    stopped.transceiver.stopping = true;
    expect(stopped.dtmf.canInsertDTMF).toBe(false);
    expect(name(() => stopped.dtmf.insertDTMF('1'))).toBe('InvalidStateError');
    for (const direction of ['recvonly', 'inactive']) {
      const s = audioSender([OPUS, TE48], { direction });
      expect(s.dtmf.canInsertDTMF).toBe(false);
      expect(name(() => s.dtmf.insertDTMF('1'))).toBe('InvalidStateError');
    }
    const noEvents = audioSender([OPUS]);
    expect(noEvents.dtmf.canInsertDTMF).toBe(false);
    expect(name(() => noEvents.dtmf.insertDTMF('1'))).toBe('InvalidStateError');
    const noTrack = audioSender([OPUS, TE48], { track: false });
    expect(noTrack.dtmf.canInsertDTMF).toBe(false);
    const ok = audioSender([OPUS, TE48], { direction: 'sendonly' });
    expect(ok.dtmf.canInsertDTMF).toBe(true);
    expect(name(() => ok.dtmf.insertDTMF('1'))).toBeUndefined();
  });

  it('throws InvalidCharacterError for anything but 0-9 A-D # * , and upper-cases a-d', () => {
    const s = audioSender([OPUS, TE48]);
    for (const bad of ['E', '1x', ' ', '+', '٣', '1 2']) {
      expect(() => s.dtmf.insertDTMF(bad)).toThrow(expect.objectContaining({ name: 'InvalidCharacterError' }));
    }
    expect(s.dtmf.toneBuffer).toBe('');
    s.dtmf.insertDTMF('abcd#*,0');
    expect(s.dtmf.toneBuffer).toBe('ABCD#*,0');
  });

  it('fires tonechange per tone (comma included), pauses 2 s on a comma, ends with "" — and clamps duration and gap', () => {
    const s = audioSender([OPUS, TE48]);
    let handlerCalls = 0;
    s.dtmf.ontonechange = () => handlerCalls++;
    // duration 10 → 40 ms, interToneGap 5 → 30 ms.
    s.dtmf.insertDTMF('1,2', 10, 5);
    s.runUntil(6000);
    expect(s.tones).toEqual([
      { tone: '1', at: 1000 },
      { tone: ',', at: 1070 },
      { tone: '2', at: 3070 },
      { tone: '', at: 3140 },
    ]);
    expect(handlerCalls).toBe(4);
    expect(s.dtmf.toneBuffer).toBe('');
    // duration above 6000 → 6000, gap above 6000 → 6000.
    s.tones.length = 0;
    s.dtmf.insertDTMF('3', 100000, 100000);
    s.runUntil(30000);
    expect(s.tones.map((t) => [t.tone, t.at - 6000])).toEqual([
      ['3', 0],
      ['', 12000],
    ]);
  });

  it('replaces the pending tones: a second call takes effect at the next tone, "" cancels', async () => {
    const s = audioSender([OPUS, TE48]);
    s.dtmf.insertDTMF('123', 100, 100);
    await Promise.resolve();
    s.runUntil(1000);
    expect(s.dtmf.toneBuffer).toBe('23');
    s.dtmf.insertDTMF('9');
    await Promise.resolve();
    // No second playout task: the pending one plays the new buffer.
    expect(s.wakes()).toBe(1);
    s.runUntil(1300);
    s.dtmf.insertDTMF('');
    s.runUntil(3000);
    expect(s.tones.map((t) => t.tone)).toEqual(['1', '9', '']);
  });

  it('lets a tonechange listener append tones (the usual idiom)', () => {
    const s = audioSender([OPUS, TE48]);
    let appended = false;
    s.dtmf.addEventListener('tonechange', (e) => {
      if ((e as RTCDTMFToneChangeEvent).tone === '1' && !appended) {
        appended = true;
        s.dtmf.insertDTMF(`${s.dtmf.toneBuffer}4`);
      }
    });
    s.dtmf.insertDTMF('12');
    s.runUntil(3000);
    expect(s.tones.map((t) => t.tone)).toEqual(['1', '2', '4', '']);
  });

  it('stops playing (no more events) when the transceiver stops sending', () => {
    const s = audioSender([OPUS, TE48]);
    s.dtmf.insertDTMF('123');
    s.runUntil(1000);
    s.transceiver.currentDirection = 'recvonly';
    s.runUntil(3000);
    expect(s.tones.map((t) => t.tone)).toEqual(['1']);
  });
});

describe('DtmfScheduler alone', () => {
  it('never gives two events the same start timestamp', () => {
    const sent: TelephoneEventPacket[] = [];
    // A frozen audio clock: every tone would start at 5000.
    const sch = new DtmfScheduler({ canPlay: () => true, clockRate: () => 8000, rtpTimestampAt: () => 5000 });
    sch.insert(0, '111', 40, 30);
    for (let now = 0; now < 1000; now += 5) {
      sch.handleTimeout(now);
      for (let p = sch.pollTransmit(); p; p = sch.pollTransmit()) sent.push(p);
    }
    const starts = [...new Set(sent.map((p) => p.timestamp))];
    expect(starts).toHaveLength(3);
    expect(starts[1]).toBeGreaterThan(starts[0] + 320 - 1);
  });
});

describe('received telephone-events', () => {
  const ev = (event: number, end: boolean, duration: number): Uint8Array => writeTelephoneEvent({ event, end, volume: 10, duration });

  it('gives one event per tone on its end report, whatever the copies', () => {
    const rx = new TelephoneEventReceiver();
    const out = [
      ...rx.handlePacket(1, 1000, ev(1, false, 400), false, 8000),
      ...rx.handlePacket(1, 1000, ev(1, false, 800), false, 8000),
      ...rx.handlePacket(1, 1000, ev(1, true, 800), false, 8000),
      ...rx.handlePacket(1, 1000, ev(1, true, 800), false, 8000),
      ...rx.handlePacket(1, 1000, ev(1, true, 800), false, 8000),
    ];
    expect(out).toEqual([{ tone: '1', duration: 100, rtpTimestamp: 1000, ssrc: 1, volume: 10, endReceived: true }]);
    expect(rx.counters.duplicates).toBe(2);
  });

  it('ends a tone whose end reports were all lost at the next tone, or at audio 1 s after its last report', () => {
    const rx = new TelephoneEventReceiver();
    expect(rx.handlePacket(1, 1000, ev(2, false, 400), false, 8000, 0)).toEqual([]);
    const next = rx.handlePacket(1, 3000, ev(3, true, 800), false, 8000, 300);
    expect(next.map((t) => [t.tone, t.endReceived])).toEqual([
      ['2', false],
      ['3', true],
    ]);
    expect(rx.handlePacket(1, 9000, ev(4, false, 400), false, 8000, 1000)).toEqual([]);
    expect(rx.handlePacket(1, 9000, ev(4, false, 800), false, 8000, 1050)).toEqual([]);
    expect(rx.handleAudio(1, 2000, 8000)).toBeUndefined();
    expect(rx.handleAudio(1, 2050, 8000)?.tone).toBe('4');
    expect(rx.counters.endsLost).toBe(2);
  });

  it('drops bad lengths and bad padding (counted), ignores non-DTMF events', () => {
    const rx = new TelephoneEventReceiver();
    expect(rx.handlePacket(1, 0, new Uint8Array(3), false, 8000)).toEqual([]);
    expect(rx.handlePacket(1, 0, new Uint8Array(0), false, 8000)).toEqual([]);
    expect(rx.handlePacket(1, 0, new Uint8Array([1, 0x80, 0, 1, 0, 0, 9]), true, 8000)).toEqual([]);
    expect(rx.counters.malformed).toBe(3);
    // Padding done right: 4 bytes of report, 4 of padding.
    expect(rx.handlePacket(1, 50, new Uint8Array([7, 0x8a, 0, 80, 0, 0, 0, 4]), true, 8000).map((t) => t.tone)).toEqual(['7']);
    // Event 16 (flash, RFC 4733 §3.2) is not DTMF.
    expect(rx.handlePacket(1, 90, ev(16, true, 80), false, 8000)).toEqual([]);
    expect(rx.counters.unsupportedEvents).toBe(1);
  });

  it("reach an RTCRtpReceiver's 'dtmf' listeners and not its frames", () => {
    const r = new RTCRtpReceiver('audio');
    r.setNegotiated({ mid: '0', codecs: [TE48, OPUS], extensions: [], ssrcs: [], nack: false, pli: false, fir: false });
    // Whatever order the peer listed them in, the audio codec comes first.
    expect(r.negotiated?.codecs[0].name).toBe('opus');
    const got: DtmfEvent[] = [];
    r.addEventListener('dtmf', (e) => got.push(e as DtmfEvent));
    let handler = 0;
    r.ondtmf = () => handler++;
    let frames = 0;
    r.track.deliverFrame = () => {
      frames++;
    };
    const pkt = (seq: number, end: boolean, duration: number): Uint8Array => {
      const p = new Uint8Array(16);
      p[0] = 0x80;
      p[1] = 110;
      new DataView(p.buffer).setUint16(2, seq);
      new DataView(p.buffer).setUint32(4, 48000);
      new DataView(p.buffer).setUint32(8, 77);
      p.set(ev(11, end, duration), 12);
      return p;
    };
    r.handleRtp(pkt(1, false, 2400), 0);
    r.handleRtp(pkt(2, true, 4800), 50);
    r.handleRtp(pkt(3, true, 4800), 100);
    r.handleRtp(pkt(4, true, 4800), 150);
    expect(got).toHaveLength(1);
    expect(got[0]).toBeInstanceOf(DtmfEvent);
    expect([got[0].tone, got[0].duration, got[0].ssrc]).toEqual(['#', 100, 77]);
    expect(handler).toBe(1);
    expect(frames).toBe(0);
    expect(r.sources.get(77)?.received).toBe(4);
    expect(r.dtmfCounters.tones).toBe(1);
  });
});

describe('telephone-event in negotiation', () => {
  it('is offered at 48 and 8 kHz with fmtp 0-15, is in getCapabilities, and alone is no audio codec (the answer rejects it)', async () => {
    const caps = RTCRtpSender.getCapabilities('audio')?.codecs ?? [];
    expect(caps.filter((c) => c.mimeType === 'audio/telephone-event').map((c) => [c.clockRate, c.sdpFmtpLine])).toEqual([
      [48000, '0-15'],
      [8000, '0-15'],
    ]);
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    try {
      const t = a.addTransceiver('audio');
      const offer = parse((await a.createOffer()).sdp ?? '').media[0];
      expect(offer.rtpMaps.filter((m) => m.encodingName === 'telephone-event').map((m) => [m.payloadType, m.clockRate])).toEqual([
        [110, 48000],
        [126, 8000],
      ]);
      expect(offer.fmtps.filter((f) => f.payloadType === 110 || f.payloadType === 126).map((f) => f.parameters)).toEqual(['0-15', '0-15']);
      t.setCodecPreferences(caps.filter((c) => c.mimeType === 'audio/telephone-event'));
      await a.setLocalDescription();
      await b.setRemoteDescription(a.localDescription ?? { type: 'offer', sdp: '' });
      const answer = parse((await b.createAnswer()).sdp ?? '').media[0];
      expect(answer.port).toBe(0);
    } finally {
      a.close();
      b.close();
    }
  });
});
