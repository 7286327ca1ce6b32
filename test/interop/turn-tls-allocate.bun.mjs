// Bun: TURN over TLS through the built Bun adapter (node:tls, which Bun implements).
import * as ice from '../../dist/ice.js';
import * as rt from '../../dist/bun.js';
import { allocateOverTls } from './turn-tls-allocate-scenario.mjs';

await allocateOverTls(rt.bunAdapter, ice);
