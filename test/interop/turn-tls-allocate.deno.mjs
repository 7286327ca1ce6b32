// Deno: TURN over TLS through the built Deno adapter (Deno.connect + Deno.startTls).
import * as ice from '../../dist/ice.js';
import * as rt from '../../dist/deno.js';
import { allocateOverTls } from './turn-tls-allocate-scenario.mjs';

await allocateOverTls(rt.denoAdapter, ice);
