// Deno: the built ESM bundle with the Deno adapter (run with --unstable-net).
import * as ice from '../../dist/ice.js';
import * as rt from '../../dist/deno.js';
import { scenario } from './udp-ice-scenario.mjs';

await scenario(rt.denoAdapter, ice, rt);
