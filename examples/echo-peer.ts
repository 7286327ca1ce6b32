// An echo peer in a few lines: paste a browser's offer (JSON {type, sdp}) on stdin, get
// the answer on stdout. Every track the browser sends comes back to it (RTP forwarded,
// key frame requests passed upstream), and every data channel message is echoed.
//
//   npx tsx examples/echo-peer.ts < offer.json > answer.json
//
// In the browser: pc.setRemoteDescription(answer) after sending pc.localDescription
// (gathered, i.e. after icegatheringstate 'complete').
import { RTCPeerConnection } from '../src/index.js';

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

const offer = JSON.parse(await readStdin()) as { type: 'offer'; sdp: string };
const pc = new RTCPeerConnection({ iceAddresses: process.env.ICE_ADDRESSES?.split(',') });

pc.ondatachannel = ({ channel }) => {
  channel.onmessage = (e) => channel.send(e.data as string);
};

await pc.setRemoteDescription(offer);
// Send each received track back on its own transceiver (an echo, as in a browser).
for (const t of pc.getTransceivers()) {
  await t.sender.replaceTrack(t.receiver.track);
  t.direction = 'sendrecv';
}
await pc.setLocalDescription();
await new Promise<void>((resolve) => {
  if (pc.iceGatheringState === 'complete') resolve();
  pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
});
process.stdout.write(`${JSON.stringify(pc.localDescription)}\n`);
pc.onconnectionstatechange = () => {
  process.stderr.write(`connection: ${pc.connectionState}\n`);
  if (pc.connectionState === 'failed' || pc.connectionState === 'closed') process.exit(0);
};
