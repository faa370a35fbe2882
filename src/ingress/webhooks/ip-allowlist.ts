import ipaddr from 'ipaddr.js';

/** A compiled allowlist: `allows(ip)` is true when the list is empty or the address is inside one CIDR. */
export interface IpAllowlist {
  allows(ip: string): boolean;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses a CIDR or single address ("10.0.0.0/8", "2001:db8::/32", "192.168.1.7"); undefined when invalid. */
export function parseCidr(text: string): Range | undefined {
  try {
    if (text.includes('/')) return ipaddr.parseCIDR(text);
    const address = ipaddr.parse(text);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** Compiles CIDRs once per endpoint; IPv4-mapped IPv6 clients (::ffff:1.2.3.4) match IPv4 ranges. */
export function compileIpAllowlist(cidrs: readonly string[]): IpAllowlist {
  const ranges = cidrs.map((cidr) => {
    const range = parseCidr(cidr);
    if (range === undefined) throw new Error(`Invalid CIDR in allowlist: ${cidr}`);
    return range;
  });
  if (ranges.length === 0) return { allows: () => true };
  return {
    allows(ip) {
      let address: ipaddr.IPv4 | ipaddr.IPv6;
      try {
        address = ipaddr.process(ip);
      } catch {
        return false;
      }
      return ranges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
    },
  };
}
