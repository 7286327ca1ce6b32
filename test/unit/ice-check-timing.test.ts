// When checks leave: a check made due by input leaves with that input's response (no timer
// turn in between), and the pacing interval Ta still bounds them (RFC 8445 §14.2).
import { IceAgent, type IceTransmit } from '../../src/ice/index';

const A_ADDR = { address: '127.0.0.1', port: 40001, family: 4 as const };
const B_ADDR = { address: '127.0.0.1', port: 40002, family: 4 as const };

const A2_ADDR = { address: '127.0.0.1', port: 40003, family: 4 as const };

function pair(pacing: number, twoSockets = false): [IceAgent, IceAgent] {
  const a = new IceAgent({ controlling: true, pacing });
  const b = new IceAgent({ controlling: false, pacing });
  a.addSocket({ id: 1, address: A_ADDR });
  if (twoSockets) a.addSocket({ id: 2, address: A2_ADDR });
  b.addSocket({ id: 1, address: B_ADDR });
  a.gather(0);
  b.gather(0);
  a.setRemoteCredentials(b.localUfrag, b.localPwd);
  b.setRemoteCredentials(a.localUfrag, a.localPwd);
  for (const c of b.localCandidates) a.addRemoteCandidate(c);
  for (const c of a.localCandidates) b.addRemoteCandidate(c);
  a.addRemoteCandidate(null);
  b.addRemoteCandidate(null);
  return [a, b];
}

function drain(x: IceAgent): IceTransmit[] {
  const out: IceTransmit[] = [];
  for (let t = x.pollTransmit(); t; t = x.pollTransmit()) out.push(t);
  return out;
}

const isRequest = (t: IceTransmit) => t.bytes[0] === 0x00 && t.bytes[1] === 0x01;
const isSuccess = (t: IceTransmit) => t.bytes[0] === 0x01 && t.bytes[1] === 0x01;

describe('ICE check timing', () => {
  it('a triggered check leaves with the response when the pacing slot is open', () => {
    const [a, b] = pair(20);
    a.handleTimeout(0);
    const first = drain(a);
    expect(first.filter(isRequest)).toHaveLength(1);
    for (const t of first) b.handleInput(1, t.bytes, A_ADDR, 1);
    // No handleTimeout on b: its answer and its triggered check (RFC 8445 §7.3.1.4) are out.
    const fromB = drain(b);
    expect(fromB.filter(isSuccess)).toHaveLength(1);
    expect(fromB.filter(isRequest)).toHaveLength(1);
    // a's check succeeds, and the nominating check (regular nomination) goes at once too.
    for (const t of fromB) a.handleInput(2, t.bytes, B_ADDR, 1);
    const fromA = drain(a);
    expect(fromA.filter(isRequest)).toHaveLength(1);
    expect(fromA.filter(isSuccess)).toHaveLength(1);
    for (const t of fromA) b.handleInput(3, t.bytes, A_ADDR, 1);
    for (const t of drain(b)) a.handleInput(4, t.bytes, B_ADDR, 1);
    expect(a.state).toBe('completed');
    expect(b.state).toBe('completed');
  });

  it('input does not send checks faster than one per Ta', () => {
    // b pairs with both of a's host candidates; a's checks come from each in turn.
    const [a, b] = pair(20, true);
    a.handleTimeout(0);
    expect(drain(a).filter(isRequest)).toHaveLength(1);
    // b sends its own check at t = 10: its pacing slot is then closed until t = 30.
    b.handleTimeout(10);
    expect(drain(b).filter(isRequest)).toHaveLength(1);
    a.handleTimeout(20);
    const second = drain(a).filter(isRequest);
    expect(second).toHaveLength(1);
    expect(second[0].socket).toBe(2);
    b.handleInput(21, second[0].bytes, A2_ADDR, 1);
    const fromB = drain(b);
    expect(fromB.filter(isSuccess)).toHaveLength(1);
    // The triggered check waits for the slot (RFC 8445 §14.2) ...
    expect(fromB.filter(isRequest)).toHaveLength(0);
    expect(b.pollTimeout()).toBe(30);
    // ... and goes in it, to the source of a's check.
    b.handleTimeout(30);
    const triggered = drain(b).filter(isRequest);
    expect(triggered).toHaveLength(1);
    expect(triggered[0].to).toEqual(A2_ADDR);
  });
});
