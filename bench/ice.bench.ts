// STUN and ICE: (1) a connectivity check's life — encode with USERNAME, PRIORITY,
// ICE-CONTROLLING, MESSAGE-INTEGRITY, FINGERPRINT, then decode and verify both — per
// second, omnirtc vs werift's STUN Message; (2) time from both sides having each other's
// parameters to ICE connected, two agents over real loopback UDP (127.0.0.1) in one
// process, omnirtc vs werift's ICE Connection. Prints ratios.
import { Candidate, Connection, Message, classes, methods, parseMessage } from 'werift';
import { IceAgent } from '../src/ice/index.js';
import { IceRunner } from '../src/runtime/ice-runner.js';
import { nodeAdapter } from '../src/runtime/node.js';
import {
  StunAttr,
  StunClass,
  StunMethod,
  checkFingerprint,
  checkIntegrity,
  decodeStunMessage,
  encodeStunMessage,
  encodeText,
  encodeU32,
  encodeU64,
  newTransactionId,
  shortTermKey,
} from '../src/stun/index.js';
import { type BenchSection, type Measurement, measure, table } from './harness.js';

const PWD = 'abcdefghijklmnopqrstuvwx';

function omnirtcCheck(n: number): number {
  const key = shortTermKey(PWD);
  const username = encodeText('remoteufrag:localufrag');
  const prio = encodeU32(1853824767);
  const tie = encodeU64(0x1234567890abcdefn);
  for (let i = 0; i < n; i++) {
    const bytes = encodeStunMessage(
      StunMethod.binding,
      StunClass.request,
      newTransactionId(),
      [
        { type: StunAttr.USERNAME, value: username },
        { type: StunAttr.PRIORITY, value: prio },
        { type: StunAttr.ICE_CONTROLLING, value: tie },
      ],
      { integrityKey: key, fingerprint: true },
    );
    const m = decodeStunMessage(bytes);
    if (!checkIntegrity(m, key) || !checkFingerprint(m)) throw new Error('omnirtc check failed');
  }
  return n;
}

function weriftCheck(n: number): number {
  const key = Buffer.from(PWD);
  const tie = 0x1234567890abcdefn;
  for (let i = 0; i < n; i++) {
    const msg = new Message(methods.BINDING, classes.REQUEST);
    msg.setAttribute('USERNAME', 'remoteufrag:localufrag');
    msg.setAttribute('PRIORITY', 1853824767);
    msg.setAttribute('ICE-CONTROLLING', tie);
    msg.addMessageIntegrity(key);
    msg.addFingerprint();
    const parsed = parseMessage(msg.bytes, key);
    if (!parsed) throw new Error('werift check failed');
  }
  return n;
}

async function omnirtcConnect(): Promise<number> {
  const agents = [new IceAgent({ controlling: true }), new IceAgent({ controlling: false })];
  const runners = await Promise.all(agents.map((a) => IceRunner.start(a, { adapter: nodeAdapter, addresses: ['127.0.0.1'] })));
  const t0 = performance.now();
  for (const i of [0, 1]) {
    const other = agents[1 - i];
    runners[i].update((ag) => {
      ag.setRemoteCredentials(other.localUfrag, other.localPwd);
      for (const c of other.localCandidates) ag.addRemoteCandidate(c);
      ag.addRemoteCandidate(null);
    });
  }
  const ok = () => agents.every((a) => a.state === 'connected' || a.state === 'completed');
  while (!ok() && performance.now() - t0 < 5000) await new Promise((r) => setImmediate(r));
  const dt = performance.now() - t0;
  if (!ok()) throw new Error(`omnirtc agents did not connect: ${agents.map((a) => a.state)}`);
  await Promise.all(runners.map((r) => r.close()));
  return dt;
}

async function weriftConnect(): Promise<number> {
  // Loopback only: no interface scan, 127.0.0.1 as the one host address, no STUN server.
  const opts = { useIpv4: false, useIpv6: false, additionalHostAddresses: ['127.0.0.1'], interfaceAddresses: { udp4: '127.0.0.1' } as never };
  const a = new Connection(true, opts);
  const b = new Connection(false, opts);
  await Promise.all([a.gatherCandidates(), b.gatherCandidates()]);
  const t0 = performance.now();
  a.setRemoteParams({ iceLite: false, usernameFragment: b.localUsername, password: b.localPassword });
  b.setRemoteParams({ iceLite: false, usernameFragment: a.localUsername, password: a.localPassword });
  for (const c of b.localCandidates) await a.addRemoteCandidate(Candidate.fromSdp(c.toSdp()));
  for (const c of a.localCandidates) await b.addRemoteCandidate(Candidate.fromSdp(c.toSdp()));
  await a.addRemoteCandidate(undefined);
  await b.addRemoteCandidate(undefined);
  await Promise.all([a.connect(), b.connect()]);
  const dt = performance.now() - t0;
  await Promise.all([a.close(), b.close()]);
  return dt;
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

export async function run(): Promise<BenchSection> {
  const rows: Measurement[] = [
    measure('werift STUN check encode+decode+verify', () => weriftCheck(200)),
    measure('omnirtc STUN check encode+decode+verify', () => omnirtcCheck(200)),
  ];
  const lines = [...table(rows), ''];
  const runs = 15;
  const ours: number[] = [];
  const theirs: number[] = [];
  // Warm-up one of each, then alternate so both see the same machine state.
  await omnirtcConnect();
  await weriftConnect();
  for (let i = 0; i < runs; i++) {
    ours.push(await omnirtcConnect());
    theirs.push(await weriftConnect());
  }
  const mo = median(ours);
  const mw = median(theirs);
  lines.push(
    '| time to ICE connected, two agents, loopback UDP | median ms | min ms | × werift |',
    '|---|---:|---:|---:|',
    `| werift Connection | ${mw.toFixed(2)} | ${Math.min(...theirs).toFixed(2)} | 1.00 |`,
    `| omnirtc IceAgent + IceRunner | ${mo.toFixed(2)} | ${Math.min(...ours).toFixed(2)} | ${(mw / mo).toFixed(2)}× faster |`,
    '',
    `${runs} runs each, alternating; both sides already gathered, the clock starts when they exchange parameters.`,
  );
  return { title: 'STUN checks and ICE time to connected', lines };
}
