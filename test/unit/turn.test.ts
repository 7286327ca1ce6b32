// The TURN client's state machine against a scripted server (sans-IO): the 401 challenge,
// a 438 stale nonce, integrity on responses, refresh timing, channels and close.
import { TurnClient, type TurnEvent, decodeChannelData, encodeChannelData, isChannelData } from '../../src/ice/index';
import {
  type StunAttributeInput,
  StunAttr,
  StunClass,
  StunMethod,
  checkIntegrity,
  decodeStunMessage,
  decodeText,
  encodeErrorCode,
  encodeStunMessage,
  encodeText,
  encodeU32,
  encodeXorAddress,
  getAttribute,
  longTermKey,
} from '../../src/stun/index';

const server = { address: '127.0.0.1', port: 3478, family: 4 as const };
const key = longTermKey('u', 'omnirtc', 'p');
const relayed = { address: '127.0.0.1', port: 50000, family: 4 as const };
const peer = { address: '127.0.0.1', port: 6000, family: 4 as const };

function reply(req: Uint8Array, cls: 2 | 3, attrs: (tid: Uint8Array) => StunAttributeInput[], sign: boolean): Uint8Array {
  const m = decodeStunMessage(req);
  return encodeStunMessage(m.method, cls, m.transactionId, attrs(m.transactionId), { integrityKey: sign ? key : undefined, fingerprint: true });
}

const challenge = (nonce: string, code = 401) => () => [
  { type: StunAttr.ERROR_CODE, value: encodeErrorCode(code, code === 401 ? 'Unauthorized' : 'Stale Nonce') },
  { type: StunAttr.REALM, value: encodeText('omnirtc') },
  { type: StunAttr.NONCE, value: encodeText(nonce) },
];

function drainEvents(c: TurnClient): TurnEvent[] {
  const out: TurnEvent[] = [];
  for (let e = c.pollEvent(); e; e = c.pollEvent()) out.push(e);
  return out;
}

function allocated(): TurnClient {
  const c = new TurnClient({ server, username: 'u', password: 'p', lifetime: 600 });
  c.start(0);
  c.handleInput(1, reply(c.pollTransmit()!, 3, challenge('n1'), false));
  const req = c.pollTransmit()!;
  c.handleInput(
    2,
    reply(
      req,
      2,
      (tid) => [
        { type: StunAttr.XOR_RELAYED_ADDRESS, value: encodeXorAddress(relayed, tid) },
        { type: StunAttr.XOR_MAPPED_ADDRESS, value: encodeXorAddress(server, tid) },
        { type: StunAttr.LIFETIME, value: encodeU32(600) },
      ],
      true,
    ),
  );
  return c;
}

describe('TURN client (scripted server)', () => {
  it('answers the 401 challenge with long-term credentials and allocates', () => {
    const c = new TurnClient({ server, username: 'u', password: 'p' });
    c.start(0);
    const first = decodeStunMessage(c.pollTransmit()!);
    expect(first.method).toBe(StunMethod.allocate);
    expect(getAttribute(first, StunAttr.MESSAGE_INTEGRITY)).toBeUndefined();
    c.handleInput(1, reply(first.raw, 3, challenge('n1'), false));
    const second = decodeStunMessage(c.pollTransmit()!);
    expect(decodeText(getAttribute(second, StunAttr.USERNAME)!)).toBe('u');
    expect(decodeText(getAttribute(second, StunAttr.NONCE)!)).toBe('n1');
    expect(checkIntegrity(second, key)).toBe(true);
    // A success that is not signed with our key is ignored (RFC 8489 §9.2.5).
    c.handleInput(2, reply(second.raw, 2, (tid) => [{ type: StunAttr.XOR_RELAYED_ADDRESS, value: encodeXorAddress(relayed, tid) }], false));
    expect(c.state).toBe('allocating');
    expect(c.stats.integrityFailures).toBe(1);
    c.handleInput(3, reply(second.raw, 2, (tid) => [{ type: StunAttr.XOR_RELAYED_ADDRESS, value: encodeXorAddress(relayed, tid) }], true));
    expect(c.state).toBe('allocated');
    expect(drainEvents(c)).toEqual([{ type: 'allocated', relayed, mapped: undefined, lifetime: 600 }]);
  });

  it('retries with the new nonce on 438 Stale Nonce', () => {
    const c = allocated();
    drainEvents(c);
    c.createPermission(10, peer);
    const req = c.pollTransmit()!;
    c.handleInput(11, reply(req, 3, challenge('n2', 438), false));
    expect(c.stats.staleNonces).toBe(1);
    const again = decodeStunMessage(c.pollTransmit()!);
    expect(again.method).toBe(StunMethod.createPermission);
    expect(decodeText(getAttribute(again, StunAttr.NONCE)!)).toBe('n2');
    c.handleInput(12, reply(again.raw, 2, () => [], true));
    expect(drainEvents(c)).toEqual([{ type: 'permission', peer }]);
    expect(c.hasPermission(peer)).toBe(true);
  });

  it('refreshes the allocation a minute before expiry and permissions every 4 minutes', () => {
    const c = allocated();
    c.createPermission(10, peer);
    c.handleInput(11, reply(c.pollTransmit()!, 2, () => [], true));
    drainEvents(c);
    // Permission (300 s) is refreshed at 240 s; the 600 s allocation at 540 s.
    expect(c.pollTimeout()).toBe(11 + 240_000);
    c.handleTimeout(11 + 240_000);
    const perm = c.pollTransmit()!;
    expect(decodeStunMessage(perm).method).toBe(StunMethod.createPermission);
    c.handleInput(11 + 240_001, reply(perm, 2, () => [], true));
    expect(c.pollTimeout()).toBe(11 + 240_001 + 240_000);
    c.handleTimeout(2 + 540_000);
    const sent = [];
    for (let t = c.pollTransmit(); t; t = c.pollTransmit()) sent.push(decodeStunMessage(t));
    expect(sent.map((m) => m.method).sort()).toEqual([StunMethod.refresh, StunMethod.createPermission].sort());
    const refresh = sent.find((m) => m.method === StunMethod.refresh)!;
    expect(refresh.method).toBe(StunMethod.refresh);
    expect(Array.from(getAttribute(refresh, StunAttr.LIFETIME)!)).toEqual([0, 0, 2, 0x58]);
    c.handleInput(2 + 540_001, reply(refresh.raw, 2, () => [{ type: StunAttr.LIFETIME, value: encodeU32(600) }], true));
    expect(drainEvents(c)).toEqual([{ type: 'refreshed', lifetime: 600 }]);
  });

  it('retransmits over UDP (RFC 8489 §6.2.1) and gives up with TURN_TIMEOUT', () => {
    const c = new TurnClient({ server, username: 'u', password: 'p' });
    c.start(0);
    let sent = 0;
    for (let t = c.pollTransmit(); t; t = c.pollTransmit()) sent++;
    for (let i = 0; i < 20 && c.state === 'allocating'; i++) {
      c.handleTimeout(c.pollTimeout()!);
      for (let t = c.pollTransmit(); t; t = c.pollTransmit()) sent++;
    }
    expect(sent).toBe(7);
    expect(drainEvents(c)).toEqual([expect.objectContaining({ type: 'failed', code: 'TURN_TIMEOUT' })]);
  });

  it('uses ChannelData once a channel is bound, and drops unknown channels', () => {
    const c = allocated();
    drainEvents(c);
    const ch = c.bindChannel(5, peer);
    expect(ch).toBe(0x4000);
    c.handleInput(6, reply(c.pollTransmit()!, 2, () => [], true));
    expect(drainEvents(c)).toEqual([{ type: 'channel', peer, channel: ch }]);
    c.send(peer, new Uint8Array([1, 2, 3]));
    const out = c.pollTransmit()!;
    expect(isChannelData(out)).toBe(true);
    expect(decodeChannelData(out)).toEqual({ channel: ch, data: new Uint8Array([1, 2, 3]) });
    c.handleInput(7, encodeChannelData(ch, new Uint8Array([9]), false));
    expect(drainEvents(c)).toEqual([{ type: 'data', peer, data: new Uint8Array([9]) }]);
    c.handleInput(8, encodeChannelData(0x4abc, new Uint8Array([9]), false));
    expect(c.stats.unknownChannelDropped).toBe(1);
    expect(drainEvents(c)).toEqual([]);
  });

  it('close() deallocates with LIFETIME 0', () => {
    const c = allocated();
    drainEvents(c);
    c.close(100);
    const req = decodeStunMessage(c.pollTransmit()!);
    expect(req.method).toBe(StunMethod.refresh);
    expect(Array.from(getAttribute(req, StunAttr.LIFETIME)!)).toEqual([0, 0, 0, 0]);
    c.handleInput(101, reply(req.raw, 2, () => [], true));
    expect(drainEvents(c)).toEqual([{ type: 'closed' }]);
  });

  it('refuses to start twice (InvalidStateError) and bounds permissions', () => {
    const c = allocated();
    expect(() => c.start(0)).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    const small = new TurnClient({ server, username: 'u', password: 'p', maxPeers: 2 });
    small.createPermission(0, { ...peer, address: '127.0.0.2' });
    small.createPermission(0, { ...peer, address: '127.0.0.3' });
    expect(() => small.createPermission(0, { ...peer, address: '127.0.0.4' })).toThrow(expect.objectContaining({ code: 'TURN_TOO_MANY_PEERS' }));
    expect(StunClass.success).toBe(2);
  });
});
