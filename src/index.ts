// omnirtc — the main entry point. The W3C object model (RTCPeerConnection and friends)
// is exported from here as it lands; until then, the WebAssembly core's checksums.
export { crc32, crc32c } from './wasm/core.js';
export { WasmCoreError } from './wasm/errors.js';
