// The one place that instantiates the WebAssembly core. It happens once per process,
// synchronously, from bytes embedded in the bundle, so every runtime (Node, Deno, Bun)
// loads it the same way with no file path or fetch.
import { instantiateSync } from '@assemblyscript/loader';
import { WASM_BASE64 } from './binary.js';
import { WasmCoreError } from './errors.js';

// Must equal ABI_VERSION in assembly/abi.ts.
export const EXPECTED_ABI_VERSION = 1;

/** The raw exports of the core: numbers in, numbers out. Typed per area in src/wasm/. */
export type WasmExportFunctions = Readonly<Record<string, (...args: number[]) => number>>;

export interface WasmCore {
  /** Export functions by name; area wrappers (core.ts and friends) give them types. */
  readonly fns: WasmExportFunctions;
  /** Linear memory, fixed in size: views over it never detach. */
  readonly memory: WebAssembly.Memory;
  /** A byte view over all of linear memory, made once. */
  readonly heap: Uint8Array;
  /** Address and size of the shared I/O region (assembly/io.ts). */
  readonly ioPtr: number;
  readonly ioSize: number;
  /** A view over just the I/O region. */
  readonly io: Uint8Array;
}

let core: WasmCore | undefined;

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The process-wide core, instantiated on first use. */
export function wasmCore(): WasmCore {
  if (core) return core;
  const { exports } = instantiateSync<Record<string, unknown>>(decodeBase64(WASM_BASE64), {
    env: {
      // Built with noAssert and the stub runtime: abort is only reachable from a bug in
      // the core, never from input. Surface it rather than trap silently.
      abort(_msg: number, _file: number, line: number, column: number): never {
        throw new WasmCoreError(`WebAssembly core aborted at ${line}:${column}`);
      },
    },
  });
  const memory = exports.memory as WebAssembly.Memory;
  const fns = exports as unknown as WasmExportFunctions;
  const version = fns.abiVersion();
  if (version !== EXPECTED_ABI_VERSION) {
    throw new WasmCoreError(
      `WebAssembly core ABI version ${version} does not match the host's ${EXPECTED_ABI_VERSION}: rebuild with npm run build`,
    );
  }
  const ioPtr = fns.ioRegion();
  const ioSize = fns.ioRegionSize();
  const heap = new Uint8Array(memory.buffer);
  core = { fns, memory, heap, ioPtr, ioSize, io: heap.subarray(ioPtr, ioPtr + ioSize) };
  return core;
}
