// omnirtc/ice — the sans-IO ICE agent (RFC 8445, 8838, 7675), candidates, the shared-port
// mux, and the TURN client (RFC 8656) it uses for relayed candidates.
export * from './agent.js';
export * from './candidate.js';
export { IceError, type IceErrorCode } from './errors.js';
export * from './mux.js';
export * from '../turn/index.js';
export { type TransportAddress, transportAddress, addressKey } from '../stun/address.js';
