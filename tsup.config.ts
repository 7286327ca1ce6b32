import { defineConfig, type Options } from 'tsup';

// One entry per public subpath (DESIGN.md "Public API").
export const entries = {
  index: 'src/index.ts',
  srtp: 'src/srtp/index.ts',
  rtp: 'src/rtp/index.ts',
  sdp: 'src/sdp/index.ts',
  stun: 'src/stun/index.ts',
  ice: 'src/ice/index.ts',
  dtls: 'src/dtls/index.ts',
  sctp: 'src/sctp/index.ts',
  node: 'src/runtime/node.ts',
  deno: 'src/runtime/deno.ts',
  bun: 'src/runtime/bun.ts',
};

const common: Options = {
  entry: entries,
  target: 'es2022',
  platform: 'neutral',
  sourcemap: true,
  treeshake: true,
  outDir: 'dist',
  external: [/^node:/],
};

export default defineConfig([
  // ESM: dependencies stay external and are resolved by the runtime (Node, Deno, Bun).
  { ...common, format: ['esm'], dts: true, clean: true, splitting: true, external: [/^node:/, /^@noble\//, '@assemblyscript/loader'] },
  // CJS: the ESM-only @noble v2 packages are bundled in, so require() works on every Node 20.
  { ...common, format: ['cjs'], dts: true, splitting: true, noExternal: [/^@noble\//] },
]);
