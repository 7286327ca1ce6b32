// Two omnirtc RTCPeerConnections in one process, inside the lo-only network namespace
// made by sctp-loss-netns.test.ts, where iptables drops a share of the UDP packets at
// the receiver (INPUT on lo: each packet is seen once, so the loss applies each way).
// A reliable ordered data channel carries 4 MiB of random bytes; prints one JSON line.
import { createHash, randomBytes } from 'node:crypto';
import type { RTCDataChannel, RTCDataChannelEvent } from '../../src/webrtc/index';
import { negotiate, trickledPair } from '../sim/webrtc-harness';
import { within } from './peer-harness';

const TOTAL = 4 * 1024 * 1024;
const MESSAGE = 16 * 1024;

async function main(): Promise<void> {
  const [a, b] = trickledPair();
  try {
    const started = performance.now();
    const dc = a.createDataChannel('bulk');
    const remote = new Promise<RTCDataChannel>((resolve) => {
      b.ondatachannel = (e) => resolve((e as RTCDataChannelEvent).channel);
    });
    const opened = new Promise((resolve) => dc.addEventListener('open', resolve, { once: true }));
    await negotiate(a, b);
    await within(opened, 45_000, 'data channel open');
    const rc = await within(remote, 5000, 'datachannel event');
    const openMs = performance.now() - started;

    const data = randomBytes(TOTAL);
    const sent = createHash('sha256').update(data).digest('hex');
    const got = createHash('sha256');
    let bytes = 0;
    const done = new Promise<void>((resolve) => {
      rc.onmessage = (e) => {
        const v = new Uint8Array(e.data as ArrayBuffer);
        got.update(v);
        bytes += v.length;
        if (bytes >= TOTAL) resolve();
      };
    });
    let queued = 0;
    dc.bufferedAmountLowThreshold = 256 * 1024;
    const fill = () => {
      while (queued < TOTAL && dc.bufferedAmount < 1024 * 1024) {
        dc.send(data.subarray(queued, queued + MESSAGE));
        queued += MESSAGE;
      }
    };
    dc.onbufferedamountlow = fill;
    const t0 = performance.now();
    fill();
    await within(done, 30_000, `4 MiB transfer (${bytes} bytes arrived)`);
    const seconds = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({ openMs: Math.round(openMs), seconds, bytes, sha256Match: got.digest('hex') === sent }));
  } finally {
    a.close();
    b.close();
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.log(JSON.stringify({ error: e.message }));
    process.exit(1);
  },
);
