// omnirtc — the main entry point: the W3C object model (RTCPeerConnection and friends),
// and the WebAssembly core's checksums.
export { crc32, crc32c } from './wasm/core.js';
export { WasmCoreError } from './wasm/errors.js';
export * from './webrtc/index.js';
