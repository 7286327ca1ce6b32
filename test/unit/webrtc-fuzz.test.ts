import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { RTCPeerConnection, type RTCRtpReceiver } from '../../src/webrtc/index';
import { setPeerTransportFactory } from '../../src/webrtc/rtc-peer-connection';
import { readHeaderExtensions, rewriteRtp, rtpPayloadOffset } from '../../src/webrtc/rtp-rewrite';

// Hostile input to the facade: mutated remote descriptions and random RTP never throw
// anything but the W3C errors, and leave the peer connection usable.
const CHROME_OFFER = readFileSync(join(__dirname, '..', 'vectors', 'sdp-chromium', 'offer-av-dc-gathered.sdp'), 'utf8');
const LINES = CHROME_OFFER.split('\r\n').filter((l) => l.length > 0);
const W3C_ERRORS = new Set(['InvalidAccessError', 'InvalidStateError', 'OperationError', 'TypeError', 'SyntaxError', 'InvalidModificationError']);

beforeAll(() => setPeerTransportFactory(null));

describe('webrtc fuzz', () => {
  it('setRemoteDescription with mutated Chromium offers rejects with W3C errors only, then still negotiates', async () => {
    const pc = new RTCPeerConnection();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(LINES.length - 1), { minLength: 3, maxLength: 60 }), fc.array(fc.tuple(fc.nat(3000), fc.integer({ min: 32, max: 126 })), { maxLength: 6 }), async (picks, flips) => {
        const chars = [...['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', ...picks.map((i) => LINES[i])].join('\r\n')];
        for (const [at, c] of flips) if (at < chars.length) chars[at] = String.fromCharCode(c);
        try {
          await pc.setRemoteDescription({ type: 'offer', sdp: `${chars.join('')}\r\n` });
          await pc.setLocalDescription();
        } catch (e) {
          expect(W3C_ERRORS.has((e as Error).name)).toBe(true);
        }
        if (pc.signalingState === 'have-remote-offer') await pc.setRemoteDescription({ type: 'rollback' });
        expect(['stable', 'have-local-offer']).toContain(pc.signalingState);
        if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
      }),
      { numRuns: 150, seed: 11 },
    );
    // The connection still answers a clean offer.
    await pc.setRemoteDescription({ type: 'offer', sdp: CHROME_OFFER });
    await pc.setLocalDescription();
    expect(pc.signalingState).toBe('stable');
    pc.close();
  });

  it('random RTP into a negotiated receiver is dropped and counted, never thrown', async () => {
    const a = new RTCPeerConnection();
    await a.setRemoteDescription({ type: 'offer', sdp: CHROME_OFFER });
    await a.setLocalDescription();
    const receiver = a.getReceivers().find((r) => r.track.kind === 'video') as RTCRtpReceiver;
    let delivered = 0;
    receiver.track.addEventListener('rtp', () => delivered++);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 255 }), (bytes, pt) => {
        const p = new Uint8Array(bytes);
        if (p.length > 1) p[1] = pt;
        receiver.handleRtp(p, 0);
        // rtp-rewrite helpers are total on any input.
        rtpPayloadOffset(p);
        readHeaderExtensions(p);
        rewriteRtp(p, { ssrc: 1, payloadType: 96, sequenceNumber: 1, extensions: [{ id: 4, data: new Uint8Array([49]) }] });
      }),
      { numRuns: 2000, seed: 12 },
    );
    const c = receiver.counters;
    expect(c.packetsDiscarded + c.unknownPayloadType + delivered).toBeGreaterThan(0);
    // Bounded state: at most 8 sources are tracked however many SSRCs arrive.
    expect(receiver.getSynchronizationSources().length).toBeLessThanOrEqual(8);
    a.close();
  });

  it('rewriteRtp keeps payload and marker, and replaces extensions (RFC 8285)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 100 }), fc.boolean(), fc.integer({ min: 0, max: 15 }), (payload, marker, csrcs) => {
        const header = new Uint8Array(12 + csrcs * 4);
        header[0] = 0x80 | csrcs;
        header[1] = (marker ? 0x80 : 0) | 100;
        const p = new Uint8Array(header.length + payload.length);
        p.set(header);
        p.set(payload, header.length);
        const out = rewriteRtp(p, { ssrc: 0xdeadbeef, payloadType: 96, sequenceNumber: 7, timestamp: 1234, extensions: [{ id: 4, data: new TextEncoder().encode('1') }] });
        expect(out).toBeDefined();
        if (!out) return;
        expect(out[1] & 0x80).toBe(marker ? 0x80 : 0);
        expect(out[1] & 0x7f).toBe(96);
        expect(Array.from(out.subarray(rtpPayloadOffset(out)))).toEqual(Array.from(payload));
        expect(readHeaderExtensions(out).map((e) => [e.id, new TextDecoder().decode(e.data)])).toEqual([[4, '1']]);
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});
