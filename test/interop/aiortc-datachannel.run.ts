// omnirtc ↔ aiortc data channels over real UDP on a veth pair in a namespace of its own
// (aiortc-datachannel.test.ts). The offerer opens 'msgs' (1000 messages each way, text and
// binary alternating, order checked), the answerer opens 'bulk' once the offerer's messages
// are in (2 MiB of random bytes each way, checked by SHA-256). Mirrors aiortc-peer.py's datachannel mode.
// argv[2]: 'omnirtc-offers' | 'aiortc-offers'. Prints one JSON line.
import { createHash, randomBytes } from 'node:crypto';
import { RTCPeerConnection as OmniPeerConnection, type RTCDataChannel } from '../../src/index';
import { OMNIRTC_ADDRESS, spawnAiortc } from './aiortc-harness';
import { connected, gathered, runPeerScript, until, within } from './peer-harness';

const role = process.argv[2] === 'aiortc-offers' ? 'aiortc-offers' : 'omnirtc-offers';
const MESSAGES = 1000;
const BULK_BYTES = 2 * 1024 * 1024;
const CHUNK = 16 * 1024;
const DEADLINE_MS = 40_000;

/** Message i as aiortc-peer.py's message(i): even text `m<i>`, odd binary (u32 index + filler). */
function message(i: number): string | Uint8Array {
  if (i % 2 === 0) return `m${i}`;
  const out = new Uint8Array(4 + (i % 200)).fill(i & 0xff);
  new DataView(out.buffer).setUint32(0, i);
  return out;
}

function sameMessage(i: number, got: unknown): boolean {
  const want = message(i);
  if (typeof want === 'string') return got === want;
  if (!(got instanceof ArrayBuffer) || got.byteLength !== want.length) return false;
  return Buffer.from(got).equals(Buffer.from(want));
}

/** Sends without outrunning the channel's buffer (W3C bufferedamountlow flow control). */
const progress: Record<string, { sent: number; waiting: boolean; buffered: () => number }> = {};
async function sendPaced(dc: RTCDataChannel, chunks: (string | Uint8Array)[]): Promise<void> {
  const HIGH = 1024 * 1024;
  dc.bufferedAmountLowThreshold = 256 * 1024;
  const p = { sent: 0, waiting: false, buffered: () => dc.bufferedAmount };
  progress[dc.label] = p;
  for (const c of chunks) {
    if (dc.bufferedAmount > HIGH) {
      p.waiting = true;
      await new Promise<void>((r) => dc.addEventListener('bufferedamountlow', () => r(), { once: true }));
      p.waiting = false;
    }
    dc.send(c);
    p.sent++;
  }
}

async function main(): Promise<void> {
  const aiortc = spawnAiortc('datachannel', role === 'aiortc-offers' ? 'offer' : 'answer', DEADLINE_MS);
  const pc = new OmniPeerConnection({ iceAddresses: [OMNIRTC_ADDRESS] });
  const result: Record<string, unknown> = { role };
  const got = { msgsReceived: 0, msgsInOrder: true, bulkBytes: 0, bulkSha256Match: false, bulkEnd: false, channels: [] as { label: string; openedByOmnirtc: boolean }[] };
  const sends: Promise<void>[] = [];
  const bulkHash = createHash('sha256');
  let allMsgs: () => void = () => undefined;
  const allMsgsIn = new Promise<void>((r) => (allMsgs = r));
  const wire = (dc: RTCDataChannel, openedHere: boolean): void => {
    got.channels.push({ label: dc.label, openedByOmnirtc: openedHere });
    dc.onmessage = (e) => {
      if (dc.label === 'msgs') {
        if (!sameMessage(got.msgsReceived, e.data)) got.msgsInOrder = false;
        got.msgsReceived++;
        if (got.msgsReceived === MESSAGES) allMsgs();
      } else if (typeof e.data === 'string' && e.data.startsWith('end:')) {
        got.bulkEnd = true;
        got.bulkSha256Match = e.data.slice(4) === bulkHash.digest('hex');
      } else {
        const bytes = new Uint8Array(e.data as ArrayBuffer);
        got.bulkBytes += bytes.length;
        bulkHash.update(bytes);
      }
    };
    const start = (): void => {
      if (dc.label === 'msgs') {
        sends.push(sendPaced(dc, Array.from({ length: MESSAGES }, (_, i) => message(i))));
      } else {
        const data = randomBytes(BULK_BYTES);
        const chunks: (string | Uint8Array)[] = [];
        for (let off = 0; off < BULK_BYTES; off += CHUNK) chunks.push(data.subarray(off, off + CHUNK));
        chunks.push(`end:${createHash('sha256').update(data).digest('hex')}`);
        sends.push(sendPaced(dc, chunks));
      }
    };
    if (dc.readyState === 'open') start();
    else dc.addEventListener('open', start, { once: true });
  };
  pc.ondatachannel = (e) => wire(e.channel, false);
  try {
    const t0 = Date.now();
    if (role === 'omnirtc-offers') {
      wire(pc.createDataChannel('msgs'), true);
      await pc.setLocalDescription();
      await within(gathered(pc), 5000, 'omnirtc ICE gathering');
      aiortc.send({ type: 'offer', sdp: pc.localDescription?.sdp ?? '' });
      const answer = await within(aiortc.next('answer'), 15_000, 'aiortc answer');
      await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp ?? '' });
      await within(connected(pc), 15_000, 'connected');
    } else {
      const offer = await within(aiortc.next('offer'), 15_000, 'aiortc offer');
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp ?? '' });
      await pc.setLocalDescription();
      await within(gathered(pc), 5000, 'omnirtc ICE gathering');
      aiortc.send({ type: 'answer', sdp: pc.localDescription?.sdp ?? '' });
      await within(connected(pc), 15_000, 'connected');
      // 'bulk' once aiortc's 1000 messages are in. Opened while the 'msgs' traffic still
      // flowed, a run under heavy CPU load stalled once in ~30 with messages of both channels
      // undelivered by aiortc (see the report); one busy channel at a time keeps it stable.
      await within(allMsgsIn, 15_000, "aiortc's 1000 messages");
      wire(pc.createDataChannel('bulk'), true);
    }
    result.connectMs = Date.now() - t0;
    const peer = await within(aiortc.next('result'), 25_000, 'aiortc result').catch(async (e: Error) => {
      // Say where it stopped: what each side has received so far.
      aiortc.send({ type: 'status' });
      const status = await within(aiortc.next('status'), 2000, 'aiortc status').catch(() => undefined);
      const sending = Object.entries(progress).map(([label, p]) => `${label}: sent ${p.sent}, waiting ${p.waiting}, buffered ${p.buffered()}`);
      throw new Error(`${e.message}; omnirtc sending ${sending.join(', ')}; omnirtc got ${JSON.stringify(got)}; aiortc got ${JSON.stringify(status)}; aiortc stderr: ${aiortc.stderr()}`);
    });
    await within(until(() => got.msgsReceived >= MESSAGES && got.bulkEnd, 10_000, 'omnirtc receives everything'), 11_000, 'omnirtc receives everything');
    await within(Promise.all(sends), 5000, 'omnirtc sends drained');
    result.seconds = (Date.now() - t0) / 1000;
    result.omnirtcReceived = got;
    result.aiortcReceived = peer;
  } finally {
    pc.close();
    aiortc.kill();
  }
  console.log(JSON.stringify(result));
}

runPeerScript(main);
