// Runtime detection and adapter selection. The adapter can always be passed explicitly;
// this only picks a default.
import type { NetworkAdapter, RuntimeName } from './udp.js';

export function detectRuntime(): RuntimeName {
  const g = globalThis as unknown as { Deno?: unknown; Bun?: unknown; process?: { versions?: { node?: string } } };
  if (g.Bun !== undefined) return 'bun';
  if (g.Deno !== undefined) return 'deno';
  if (g.process?.versions?.node) return 'node';
  throw new DOMException('unknown JavaScript runtime: pass a network adapter explicitly (omnirtc/node, omnirtc/deno, omnirtc/bun)', 'NotSupportedError');
}

/** Loads the adapter for `runtime` (default: the detected one). */
export async function loadAdapter(runtime: RuntimeName = detectRuntime()): Promise<NetworkAdapter> {
  switch (runtime) {
    case 'bun':
      return (await import('./bun.js')).bunAdapter;
    case 'deno':
      return (await import('./deno.js')).denoAdapter;
    case 'node':
      return (await import('./node.js')).nodeAdapter;
  }
}
