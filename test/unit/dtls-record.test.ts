// Record layer pieces on their own: anti-replay window edges, AES-GCM record format against
// node:crypto, handshake reassembly order and overlap, MTU packing, and epoch-1 records
// that arrive before the keys to read them.
import { createDecipheriv } from 'node:crypto';
import { DtlsCertificate } from '../../src/dtls/certificate';
import { DtlsEndpoint } from '../../src/dtls/endpoint';
import { packFlight } from '../../src/dtls/flight';
import { HANDSHAKE_TYPE, parseHandshakeFragments } from '../../src/dtls/handshake';
import { Reassembler } from '../../src/dtls/reassembler';
import { CONTENT_TYPE, DTLS_1_2, RecordProtection, encodePlainRecord, parseRecords } from '../../src/dtls/record';
import { REPLAY_WINDOW_SIZE, ReplayWindow } from '../../src/dtls/replay-window';
import { defaultRecordAead } from '../../src/dtls/default-aead';

describe('ReplayWindow (RFC 6347 §4.1.2.6)', () => {
  it('accepts new numbers, refuses repeats and numbers left of the window', () => {
    const w = new ReplayWindow();
    const take = (n: number): boolean => {
      const ok = w.check(n);
      if (ok) w.mark(n);
      return ok;
    };
    expect(take(0)).toBe(true);
    expect(take(0)).toBe(false);
    expect(take(5)).toBe(true);
    expect(take(3)).toBe(true); // late but inside
    expect(take(3)).toBe(false);
    expect(take(5 + REPLAY_WINDOW_SIZE)).toBe(true);
    expect(take(5)).toBe(false); // now exactly a window behind
    expect(take(6)).toBe(true);
    expect(take(2 ** 48 - 1)).toBe(true); // a jump clears the window
    expect(take(2 ** 48 - 2)).toBe(true);
    expect(take(2 ** 48 - 1)).toBe(false);
  });
});

describe('RecordProtection (RFC 5288 / RFC 6347 §4.1.2.1)', () => {
  it('seals records node:crypto opens with nonce = salt || epoch || seq and AAD = epoch, seq, type, version, length', () => {
    const key = crypto.getRandomValues(new Uint8Array(16));
    const iv = crypto.getRandomValues(new Uint8Array(4));
    const p = new RecordProtection(defaultRecordAead(key), iv);
    const plaintext = new TextEncoder().encode('application data');
    const rec = p.seal(CONTENT_TYPE.applicationData, DTLS_1_2, 1, 0x010203040506, plaintext);
    const [r] = parseRecords(rec).records;
    expect(r).toMatchObject({ type: 23, version: DTLS_1_2, epoch: 1, sequence: 0x010203040506 });
    const explicit = r.fragment.subarray(0, 8);
    expect(Buffer.from(explicit).toString('hex')).toBe('0001010203040506');
    const d = createDecipheriv('aes-128-gcm', key, Buffer.concat([iv, explicit]));
    d.setAAD(Buffer.from([0, 1, 1, 2, 3, 4, 5, 6, 23, 0xfe, 0xfd, 0, plaintext.length]));
    d.setAuthTag(r.fragment.subarray(r.fragment.length - 16));
    const out = Buffer.concat([d.update(r.fragment.subarray(8, r.fragment.length - 16)), d.final()]);
    expect(out.toString()).toBe('application data');
    // And it opens its own records, refusing any flipped byte.
    const q = new RecordProtection(defaultRecordAead(key), iv);
    expect(Buffer.from(q.open(r)!).toString()).toBe('application data');
    for (const i of [0, 8, r.fragment.length - 1]) {
      const bad = { ...r, fragment: r.fragment.slice() };
      bad.fragment[i] ^= 1;
      expect(q.open(bad)).toBeUndefined();
    }
    expect(q.open({ ...r, sequence: r.sequence + 1 })).toBeUndefined(); // AAD binds the number
    expect(q.open({ ...r, fragment: r.fragment.subarray(0, 20) })).toBeUndefined();
    p.dispose();
    q.dispose();
  });

  it('parseRecords splits several records per datagram and flags a broken tail', () => {
    const a = encodePlainRecord(22, DTLS_1_2, 0, 1, new Uint8Array([1, 2, 3]));
    const b = encodePlainRecord(21, DTLS_1_2, 0, 2, new Uint8Array([2, 0]));
    const both = new Uint8Array([...a, ...b]);
    expect(parseRecords(both)).toMatchObject({ malformed: false, records: [{ type: 22, sequence: 1 }, { type: 21, sequence: 2 }] });
    expect(parseRecords(both.subarray(0, both.length - 1))).toMatchObject({ malformed: true, records: [{ type: 22 }] });
  });
});

describe('Reassembler (RFC 6347 §4.2.3)', () => {
  it('joins out-of-order, overlapping and repeated fragments and releases messages in order', () => {
    const r = new Reassembler();
    const body = Uint8Array.from({ length: 100 }, (_, i) => i);
    const frag = (seq: number, off: number, len: number) => ({ msgType: 11, length: 100, messageSeq: seq, fragmentOffset: off, body: body.subarray(off, off + len) });
    expect(r.add(frag(1, 0, 100), 0)).toBe('accepted');
    expect(r.take()).toBeUndefined(); // seq 0 still missing
    expect(r.add(frag(0, 60, 40), 0)).toBe('accepted');
    expect(r.add(frag(0, 10, 60), 0)).toBe('accepted');
    expect(r.add(frag(0, 10, 60), 0)).toBe('accepted');
    expect(r.take()).toBeUndefined(); // bytes 0..9 missing
    expect(r.add(frag(0, 0, 15), 0)).toBe('accepted');
    expect(r.take()).toMatchObject({ messageSeq: 0, body });
    expect(r.take()).toMatchObject({ messageSeq: 1, body });
    expect(r.add(frag(1, 0, 10), 0)).toBe('old');
    expect(r.add(frag(2 + 8, 0, 10), 0)).toBe('too-far');
    expect(r.add({ ...frag(2, 0, 10), length: 64 * 1024 }, 0)).toBe('too-long');
    expect(r.add(frag(2, 0, 10), 0)).toBe('accepted');
    expect(r.add({ ...frag(2, 10, 10), msgType: 12 }, 0)).toBe('inconsistent');
    expect(r.add(frag(2, 10, 10), 1)).toBe('inconsistent'); // epoch changed mid-message
  });
});

describe('packFlight', () => {
  it('fragments messages to the MTU and packs several records per datagram', () => {
    let seq = 0;
    const seal = (type: number, epoch: number, payload: Uint8Array) => encodePlainRecord(type, DTLS_1_2, epoch, seq++, payload);
    const big = new Uint8Array(1000).fill(7);
    const items = [
      { kind: 'handshake' as const, msgType: HANDSHAKE_TYPE.certificate, messageSeq: 1, body: big, epoch: 0 },
      { kind: 'handshake' as const, msgType: HANDSHAKE_TYPE.serverHelloDone, messageSeq: 2, body: new Uint8Array(0), epoch: 0 },
    ];
    const dgs = packFlight(items, 300, seal);
    expect(dgs.every((d) => d.length <= 300)).toBe(true);
    const frags = dgs.flatMap((d) => parseRecords(d).records.flatMap((r) => parseHandshakeFragments(r.fragment)));
    const cert = frags.filter((f) => f.msgType === HANDSHAKE_TYPE.certificate);
    expect(cert.reduce((n, f) => n + f.body.length, 0)).toBe(1000);
    expect(frags.some((f) => f.msgType === HANDSHAKE_TYPE.serverHelloDone && f.body.length === 0)).toBe(true);
    // The empty ServerHelloDone rides in the last certificate fragment's datagram.
    expect(dgs.length).toBe(4);
  });
});

describe('epoch-1 records before their keys', () => {
  it('a server that receives the client Finished before the ClientKeyExchange holds it and completes', () => {
    const cc = DtlsCertificate.generateSync();
    const sc = DtlsCertificate.generateSync();
    const c = new DtlsEndpoint({ role: 'client', certificate: cc, verifyPeer: [sc.fingerprint()], mtu: 200 });
    const s = new DtlsEndpoint({ role: 'server', certificate: sc, verifyPeer: [cc.fingerprint()], mtu: 200, cookieExchange: false });
    c.start(0);
    for (let d = c.pollTransmit(); d; d = c.pollTransmit()) s.handleInput(1, d);
    for (let d = s.pollTransmit(); d; d = s.pollTransmit()) c.handleInput(2, d);
    const flight5: Uint8Array[] = [];
    for (let d = c.pollTransmit(); d; d = c.pollTransmit()) flight5.push(d);
    expect(flight5.length).toBeGreaterThan(3);
    for (const d of flight5.reverse()) s.handleInput(3, d);
    expect(s.pollEvent()).toMatchObject({ type: 'connected' });
    for (let d = s.pollTransmit(); d; d = s.pollTransmit()) c.handleInput(4, d);
    expect(c.pollEvent()).toMatchObject({ type: 'connected' });
    c.dispose();
    s.dispose();
  });
});
