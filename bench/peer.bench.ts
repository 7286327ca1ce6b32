// The RTCPeerConnection benchmarks of issue 6 live in bench/peer.ts (runnable alone too).
export { run } from './peer.js';
