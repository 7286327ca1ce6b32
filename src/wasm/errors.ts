// Error codes shared with assembly/abi.ts: every export returns a length or one of these.
export const WASM_ERR = {
  invalidArgument: -1,
  malformed: -2,
  auth: -3,
  replay: -4,
  noCapacity: -5,
  unsupported: -6,
} as const;

export type WasmErrorName = keyof typeof WASM_ERR;

const NAMES: ReadonlyMap<number, WasmErrorName> = new Map(
  (Object.entries(WASM_ERR) as [WasmErrorName, number][]).map(([name, code]) => [code, name]),
);

/** The name of a negative return code, or 'unknown'. */
export function wasmErrorName(code: number): WasmErrorName | 'unknown' {
  return NAMES.get(code) ?? 'unknown';
}

/** Raised only when the core itself is unusable (wrong ABI, internal abort). */
export class WasmCoreError extends Error {
  override name = 'WasmCoreError';
}
