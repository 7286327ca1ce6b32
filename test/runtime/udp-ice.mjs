// Node ESM and Bun: the built package by its own name, with the runtime's own adapter entry.
import * as ice from 'omnirtc/ice';
import { scenario } from './udp-ice-scenario.mjs';

const rt = typeof globalThis.Bun !== 'undefined' ? await import('omnirtc/bun') : await import('omnirtc/node');
const adapter = typeof globalThis.Bun !== 'undefined' ? rt.bunAdapter : rt.nodeAdapter;
await scenario(adapter, ice, rt);
