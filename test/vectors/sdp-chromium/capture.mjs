// Captures real Chromium SDPs for the round-trip vectors. Run as root from the repo root:
//   unshare -n sh -c 'ip link set lo up && exec node test/vectors/sdp-chromium/capture.mjs'
// (DESIGN.md "Real peers": lo-only namespace, page served from http://127.0.0.1:PORT.)
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<!doctype html><title>sdp</title>');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection',
  ],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  const sdps = await page.evaluate(async () => {
    const gathered = (pc) =>
      new Promise((resolve) => {
        if (pc.iceGatheringState === 'complete') resolve();
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      });
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    const a = new RTCPeerConnection();
    for (const t of stream.getTracks()) a.addTrack(t, stream);
    a.createDataChannel('chat');
    const offer = await a.createOffer();
    await a.setLocalDescription(offer);
    await gathered(a);
    const b = new RTCPeerConnection();
    await b.setRemoteDescription(a.localDescription);
    const s2 = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const t of s2.getTracks()) b.addTrack(t, s2);
    const answer = await b.createAnswer();
    await b.setLocalDescription(answer);
    await gathered(b);
    // A simulcast offer (rid/simulcast lines) and a receive-only offer.
    const c = new RTCPeerConnection();
    c.addTransceiver(stream.getVideoTracks()[0], {
      direction: 'sendonly',
      sendEncodings: [{ rid: 'q', scaleResolutionDownBy: 4 }, { rid: 'h', scaleResolutionDownBy: 2 }, { rid: 'f' }],
    });
    const sim = await c.createOffer();
    const d = new RTCPeerConnection();
    d.addTransceiver('audio', { direction: 'recvonly' });
    d.addTransceiver('video', { direction: 'recvonly' });
    const recv = await d.createOffer();
    return {
      'offer-av-dc.sdp': offer.sdp,
      'offer-av-dc-gathered.sdp': a.localDescription.sdp,
      'answer-av-dc.sdp': answer.sdp,
      'answer-av-dc-gathered.sdp': b.localDescription.sdp,
      'offer-simulcast.sdp': sim.sdp,
      'offer-recvonly.sdp': recv.sdp,
      version: navigator.userAgent,
    };
  });
  for (const [name, text] of Object.entries(sdps)) {
    if (name === 'version') writeFileSync(join(here, 'CHROMIUM_VERSION'), `${text}\n`);
    else writeFileSync(join(here, name), text);
  }
  console.log('captured', Object.keys(sdps).join(' '));
} finally {
  await browser.close();
  server.close();
}
