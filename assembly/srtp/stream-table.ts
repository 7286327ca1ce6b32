// Per-SSRC SRTP/SRTCP state for every context, in one bounded pool in linear memory
// (as libsrtp keeps a stream per SSRC under one session). Bound: STREAM_SLOTS streams
// in the process, 576 bytes each; a context holds at most CONTEXT_STREAMS of them.

import { REPLAY_BITMAP_SIZE } from './replay-window';

export const STREAM_SLOTS: i32 = 8192;

// Layout of one stream.
export const S_SSRC: usize = 0; // u32
export const S_FLAGS: usize = 4; // u32, F_* below
export const S_RTP_RX_HIGHEST: usize = 8; // u64: highest authenticated packet index (ROC << 16 | SEQ)
export const S_RTP_TX_HIGHEST: usize = 16; // u64: highest index sent
export const S_RTCP_TX_NEXT: usize = 24; // u32: next SRTCP index to send
export const S_RTCP_RX_HIGHEST: usize = 32; // u64: highest authenticated SRTCP index
export const S_RTP_TX_ROC: usize = 40; // u32: ROC to start sending with (before the first packet)
export const S_RTP_RX_ROC: usize = 44; // u32: ROC to assume for the first received packet
export const S_RTP_BITMAP: usize = 64;
export const S_RTCP_BITMAP: usize = 64 + <usize>REPLAY_BITMAP_SIZE;
export const STREAM_SIZE: i32 = 64 + 2 * REPLAY_BITMAP_SIZE;

export const F_RTP_RX: u32 = 1; // a packet was received, S_RTP_RX_HIGHEST is valid
export const F_RTP_TX: u32 = 2;
export const F_RTCP_RX: u32 = 4;

const POOL: usize = memory.data(STREAM_SLOTS * STREAM_SIZE, 64);
// Stack of free slot numbers (u16); FREE_TOP slots are free.
const FREE: usize = memory.data(STREAM_SLOTS * 2, 16);
let freeTop: i32 = 0;

function initPool(): void {
  for (let i = 0; i < STREAM_SLOTS; i++) store<u16>(FREE + (<usize>i << 1), <u16>(STREAM_SLOTS - 1 - i));
  freeTop = STREAM_SLOTS;
}
initPool();

export function streamsFree(): i32 {
  return freeTop;
}

export function streamPointer(slot: i32): usize {
  return POOL + <usize>slot * <usize>STREAM_SIZE;
}

// Takes a zeroed stream for ssrc; -1 when the pool is empty.
export function streamAllocate(ssrc: u32): i32 {
  if (freeTop == 0) return -1;
  freeTop--;
  const slot = <i32>load<u16>(FREE + (<usize>freeTop << 1));
  const s = streamPointer(slot);
  memory.fill(s, 0, STREAM_SIZE);
  store<u32>(s + S_SSRC, ssrc);
  return slot;
}

export function streamRelease(slot: i32): void {
  memory.fill(streamPointer(slot), 0, STREAM_SIZE);
  store<u16>(FREE + (<usize>freeTop << 1), <u16>slot);
  freeTop++;
}
