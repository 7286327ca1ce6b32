import { IO_REGION_SIZE } from './abi';

// Static, never-moving scratch memory shared by every export that takes bytes.
// memory.data reserves it in the data segment, so nothing is allocated at run time.
export const IO_REGION: usize = memory.data(IO_REGION_SIZE, 16);
