import { isIPv4, isIPv6 } from 'node:net';

function hextets(ipv6: string): string[] {
  const [head, tail = ''] = ipv6.split('::') as [string, string?];
  const parts = (s: string) => (s ? s.split(':') : []);
  const expand = (list: string[]) =>
    list.flatMap((p) => {
      if (!p.includes('.')) return [p];
      const [a, b, c, d] = p.split('.').map(Number) as [number, number, number, number];
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  const left = expand(parts(head));
  const right = expand(parts(tail));
  const zeros = ipv6.includes('::') ? Array<string>(8 - left.length - right.length).fill('0') : [];
  return [...left, ...zeros, ...right].map((h) => parseInt(h, 16).toString(16));
}

/**
 * What rate limits (pickup codes, device user codes) count against for one client: an IPv4 address as it is, an IPv6 address
 * by its /64 prefix (one subscriber usually holds a whole /64), an IPv4-mapped IPv6 address as IPv4.
 * Anything else is counted as given (at most 100 characters).
 */
export function clientAddressKey(raw: string | undefined): string {
  const address = (raw ?? 'unknown').trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address.slice(0, 100) || 'unknown';
  const h = hextets(address);
  if (h.slice(0, 5).every((x) => x === '0') && h[5] === 'ffff') {
    const n = (parseInt(h[6]!, 16) << 16) | parseInt(h[7]!, 16);
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }
  return `${h.slice(0, 4).join(':')}::/64`;
}
