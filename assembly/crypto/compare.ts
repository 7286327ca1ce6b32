// Constant-time byte comparison for authentication tags: the running time depends only
// on n, never on where the first difference is (RFC 3711 §9.5 / forgery resistance).
export function constantTimeEqual(a: usize, b: usize, n: usize): bool {
  let diff: u32 = 0;
  for (let i: usize = 0; i < n; i++) diff |= <u32>(load<u8>(a + i) ^ load<u8>(b + i));
  return diff == 0;
}
