// TURN client (RFC 8656), sans-IO. Exposed through omnirtc/ice.
export * from './channel-data.js';
export * from './client.js';
export { TurnError, type TurnErrorCode } from './errors.js';
