import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { SdpError, parse, parseCandidate, serialize } from '../../src/sdp/index';

// The parser faces hostile peers: whatever the text, it returns a model or throws SdpError,
// quickly; whatever it returns serialises and re-parses to the same model.
const SEED = readFileSync(join(__dirname, '..', 'vectors', 'sdp-chromium', 'offer-av-dc-gathered.sdp'), 'utf8');
const LINES = SEED.split('\r\n').filter((l) => l.length > 0);

function parseOrSdpError(text: string): void {
  try {
    const s = parse(text);
    expect(parse(serialize(s))).toEqual(s);
  } catch (e) {
    if (!(e instanceof SdpError)) throw e;
  }
}

describe('sdp fuzz', () => {
  it('random strings: only SdpError escapes', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => parseOrSdpError(s)), { numRuns: 400, seed: 1 });
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => parseOrSdpError(`v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n${s}`)),
      { numRuns: 400, seed: 2 },
    );
  });

  it('mutated Chromium offers: lines dropped, duplicated, shuffled, truncated, bytes flipped', () => {
    const mutation = fc.record({
      picks: fc.array(fc.nat(LINES.length - 1), { minLength: 1, maxLength: 80 }),
      cut: fc.nat(200),
      flip: fc.array(fc.tuple(fc.nat(4000), fc.integer({ min: 0, max: 0xffff })), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(mutation, ({ picks, cut, flip }) => {
        const lines = picks.map((i) => LINES[i]);
        const chars = [...`v=0\r\n${lines.join('\r\n')}`];
        for (const [at, cp] of flip) if (at < chars.length) chars[at] = String.fromCharCode(cp);
        const text = chars.join('');
        parseOrSdpError(text.slice(0, Math.max(0, text.length - cut)));
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('attribute values: random values after every known attribute name', () => {
    const names = [...new Set(LINES.filter((l) => l.startsWith('a=')).map((l) => l.slice(2).split(':')[0]))];
    names.push('rid', 'simulcast', 'ssrc-group', 'rtcp', 'extmap', 'msid-semantic', 'group');
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.string({ maxLength: 60 }), (name, value) =>
        parseOrSdpError(`v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=${name}:${value}\r\n`),
      ),
      { numRuns: 500, seed: 4 },
    );
  });

  it('candidate strings: only SdpError escapes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('1', 'udp', 'typ', 'host', 'raddr', 'rport', '127.0.0.1', '-1', '99999999999'), fc.string({ maxLength: 8 })), { maxLength: 14 }), (parts) => {
        try {
          parseCandidate(`candidate:${parts.join(' ')}`);
        } catch (e) {
          if (!(e instanceof SdpError)) throw e;
        }
      }),
      { numRuns: 400, seed: 5 },
    );
  });

  it('a huge hostile input is rejected quickly', () => {
    const t0 = performance.now();
    expect(() => parse(`v=0\r\no=- 1 1 IN IP4 0\r\n${'a=x\r\n'.repeat(50_000)}`)).toThrow(SdpError);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
