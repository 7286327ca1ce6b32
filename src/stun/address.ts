// Transport addresses as the engines see them: text IP (the form sockets and SDP use)
// plus port. Parsing and formatting of IPv4/IPv6 is done here without node:net, so the
// engines stay runtime-free (DESIGN.md "Runtimes").
import { StunError } from './errors.js';

export interface TransportAddress {
  /** IPv4 dotted quad or IPv6 text (no brackets, no zone). */
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
}

export function ipFamily(ip: string): 4 | 6 | undefined {
  if (parseIPv4(ip)) return 4;
  if (parseIPv6(ip)) return 6;
  return undefined;
}

export function transportAddress(address: string, port: number): TransportAddress {
  const family = ipFamily(address);
  if (!family) throw new StunError('STUN_BAD_ADDRESS', `not an IP address: ${address}`);
  return { address: family === 6 ? formatIPv6(parseIPv6(address)!) : address, port, family };
}

/** A stable map key for an address ("1.2.3.4:5" / "[::1]:5"). */
export function addressKey(a: TransportAddress): string {
  return a.family === 6 ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

export function sameAddress(a: TransportAddress, b: TransportAddress): boolean {
  return a.port === b.port && a.address === b.address;
}

export function parseIPv4(ip: string): Uint8Array | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

export function parseIPv6(ip: string): Uint8Array | undefined {
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  if (ip.length < 2 || ip.length > 45) return undefined;
  const out = new Uint8Array(16);
  const halves = ip.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups: number[] = [];
    const items = s.split(':');
    for (let i = 0; i < items.length; i++) {
      const g = items[i];
      if (i === items.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (!v4) return undefined;
        groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
        groups.push(Number.parseInt(g, 16));
      }
    }
    return groups;
  };
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i] >> 8;
    out[2 * i + 1] = groups[i] & 0xff;
  }
  return out;
}

/** RFC 5952 canonical text form. */
export function formatIPv6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[2 * i] << 8) | b[2 * i + 1]);
  // RFC 5952 §4.2.3: the longest run (first if tied) of two or more zero groups becomes "::".
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

export function formatIPv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** Raw bytes of an address (4 or 16). */
export function ipBytes(a: TransportAddress): Uint8Array {
  const b = a.family === 4 ? parseIPv4(a.address) : parseIPv6(a.address);
  if (!b) throw new StunError('STUN_BAD_ADDRESS', `not an IPv${a.family} address: ${a.address}`);
  return b;
}
