// The contract between the WebAssembly core and its one host wrapper (src/wasm/).
// Only numbers cross the boundary. Packets travel through fixed regions of linear
// memory whose addresses the host reads once; memory has a fixed size (asconfig.json:
// initialMemory == maximumMemory) so the host's cached views never detach.

// Bumped whenever an export changes meaning; the host refuses a mismatched binary.
export const ABI_VERSION: i32 = 1;

// Every export returns a length (>= 0) or one of these negative codes. It never traps
// on bad input. The host maps codes to errors in src/wasm/errors.ts.
export const ERR_INVALID_ARGUMENT: i32 = -1; // a length, offset or handle out of range
export const ERR_MALFORMED: i32 = -2;        // input bytes do not parse
export const ERR_AUTH: i32 = -3;             // authentication tag mismatch
export const ERR_REPLAY: i32 = -4;           // replayed or too old
export const ERR_NO_CAPACITY: i32 = -5;      // a bounded table is full
export const ERR_UNSUPPORTED: i32 = -6;      // a valid but unsupported option

// The general-purpose I/O region: the host copies input here, calls an export with a
// length, and reads the result back from the same place. Large enough for any
// datagram (64 KiB) plus room for trailers (tags, MKI) that a transform appends.
export const IO_REGION_SIZE: i32 = 65536 + 1024;
