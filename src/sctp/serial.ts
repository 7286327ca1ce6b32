// Serial number arithmetic (RFC 1982) for 32-bit TSNs and 16-bit SSNs (RFC 9260 §1.6).

/** a < b in 32-bit serial arithmetic. */
export function tsnLt(a: number, b: number): boolean {
  return ((b - a) | 0) > 0;
}

/** a <= b in 32-bit serial arithmetic. */
export function tsnLe(a: number, b: number): boolean {
  return ((b - a) | 0) >= 0;
}

export function tsnAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** b - a as a signed distance. */
export function tsnDiff(b: number, a: number): number {
  return (b - a) | 0;
}

/** a < b for 16-bit stream sequence numbers. */
export function ssnLt(a: number, b: number): boolean {
  const d = (b - a) & 0xffff;
  return d !== 0 && d < 0x8000;
}

export function ssnAdd(a: number, n: number): number {
  return (a + n) & 0xffff;
}
