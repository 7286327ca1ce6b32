// Locates the runtimes the cross-runtime suites spawn. A missing one is an error that
// names it: these suites never skip silently.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export function runtimeBinary(name: 'deno' | 'bun'): string {
  const bin = join(ROOT, 'node_modules', '.bin', name);
  if (!existsSync(bin)) {
    throw new Error(`${name} not found at ${bin}: run npm ci (npm package "${name}", its install script must be allowed)`);
  }
  return bin;
}

export function requireBuiltPackage(): void {
  for (const f of ['dist/index.js', 'dist/index.cjs']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run npm run build before the runtime suites`);
  }
}
