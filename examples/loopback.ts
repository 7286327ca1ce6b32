// Two omnirtc peers in one process over 127.0.0.1: a data channel and a VP8 track.
//
//   npx tsx examples/loopback.ts
import { MediaStream, MediaStreamTrack, RTCPeerConnection } from '../src/index.js';

const config = { iceAddresses: ['127.0.0.1'] };
const alice = new RTCPeerConnection(config);
const bob = new RTCPeerConnection(config);
alice.onicecandidate = ({ candidate }) => void bob.addIceCandidate(candidate);
bob.onicecandidate = ({ candidate }) => void alice.addIceCandidate(candidate);

// Media: a track the program writes encoded frames into (packetised in WebAssembly).
const video = new MediaStreamTrack({ kind: 'video' });
alice.addTrack(video, new MediaStream());
bob.ontrack = async ({ track }) => {
  for await (const frame of track.frames()) {
    console.log(`bob got a ${frame.mimeType} frame of ${frame.data.length} bytes (key: ${frame.keyframe})`);
    break;
  }
};

const channel = alice.createDataChannel('chat');
channel.onopen = () => {
  channel.send('hello bob');
  // A VP8 key frame header (RFC 6386 §9.1) followed by filler: enough to travel, not to decode.
  const frame = new Uint8Array(4000);
  frame.set([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]);
  video.writeFrame({ data: frame, timestamp: 0, keyframe: true });
};
bob.ondatachannel = ({ channel: incoming }) => {
  incoming.onmessage = (e) => {
    console.log(`bob got "${e.data}" on "${incoming.label}"`);
    setTimeout(() => {
      alice.close();
      bob.close();
    }, 200);
  };
};

await alice.setLocalDescription();
await bob.setRemoteDescription(alice.localDescription!);
await bob.setLocalDescription();
await alice.setRemoteDescription(bob.localDescription!);
