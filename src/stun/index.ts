// omnirtc/stun — STUN (RFC 8489) message codec, credentials and retransmission timing.
export * from './address.js';
export * from './attributes.js';
export * from './constants.js';
export * from './credentials.js';
export { StunError, type StunErrorCode } from './errors.js';
export * from './message.js';
export * from './transaction.js';
export * from './unknown.js';
