// The TURN client under hostile server input: arbitrary bytes, mutated genuine responses,
// and arbitrary TCP stream chunking. Nothing throws; the TCP framer reassembles any split.
import fc from 'fast-check';
import { TcpFramer, TurnClient, encodeChannelData } from '../../src/ice/index';
import { StunAttr, StunClass, StunMethod, encodeStunMessage, newTransactionId } from '../../src/stun/index';

// Deterministic in CI; explore with FUZZ_SEED=<n> (any integer) to try other inputs.
const seed = Number(process.env.FUZZ_SEED ?? 20261128);

const server = { address: '127.0.0.1', port: 3478, family: 4 as const };

describe('TURN client fuzz', () => {
  it('arbitrary and mutated server datagrams never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 120 }), { maxLength: 20 }), fc.boolean(), (packets, tcp) => {
        const c = new TurnClient({ server, username: 'u', password: 'p', transport: tcp ? 'tcp' : 'udp' });
        c.start(0);
        const req = c.pollTransmit()!;
        const tid = req.subarray(8, 20);
        // A genuine 401 challenge first, then noise.
        c.handleInput(
          1,
          encodeStunMessage(StunMethod.allocate, StunClass.error, tid, [
            { type: StunAttr.ERROR_CODE, value: new Uint8Array([0, 0, 4, 1]) },
            { type: StunAttr.REALM, value: new TextEncoder().encode('r') },
            { type: StunAttr.NONCE, value: new TextEncoder().encode('n') },
          ]),
        );
        for (const p of packets) c.handleInput(2, p);
        c.handleTimeout(100_000);
        while (c.pollTransmit());
        while (c.pollEvent());
      }),
      { numRuns: 1000, seed },
    );
  });

  it('the TCP framer reassembles frames from any chunking', () => {
    const frames = [
      encodeStunMessage(StunMethod.data, StunClass.indication, newTransactionId(), [{ type: StunAttr.DATA, value: new Uint8Array(37) }]),
      encodeChannelData(0x4001, new Uint8Array([1, 2, 3, 4, 5]), true),
      encodeChannelData(0x4002, new Uint8Array(0), true),
      encodeStunMessage(StunMethod.binding, StunClass.success, newTransactionId(), []),
    ];
    const stream = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    let off = 0;
    for (const f of frames) {
      stream.set(f, off);
      off += f.length;
    }
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 40 }), (cuts) => {
        const framer = new TcpFramer();
        const out: Uint8Array[] = [];
        let pos = 0;
        for (const n of cuts) {
          if (pos >= stream.length) break;
          out.push(...framer.push(stream.subarray(pos, pos + n)));
          pos += n;
        }
        out.push(...framer.push(stream.subarray(pos)));
        expect(out.map((f) => Array.from(f))).toEqual(frames.map((f) => Array.from(f)));
      }),
      { numRuns: 500, seed },
    );
  });
});
