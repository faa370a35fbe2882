import ipaddr from 'ipaddr.js';

/**
 * ::/96, the deprecated IPv4-compatible form (RFC 4291 §2.5.5.1): ipaddr.js calls `::7f00:1`
 * unicast and reads the dotted spelling `::127.0.0.1` (which the resolver prints) as IPv4-mapped,
 * but the socket would go to the IPv6 address.
 */
const ipv4Compatible = ipaddr.parseCIDR('::/96');
const dottedIPv4Compatible = /^::\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?:%.*)?$/;
/** 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052): the gateway forwards to the embedded IPv4 address. */
const nat64WellKnown = ipaddr.parseCIDR('64:ff9b::/96');

function isPublicIPv4(address: ipaddr.IPv4): boolean {
  return address.range() === 'unicast';
}

/** The IPv4 address in the last 32 bits of an IPv6 address. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 {
  return ipaddr.fromByteArray(address.toByteArray().slice(12)) as ipaddr.IPv4;
}

/**
 * Whether `ip` (an IPv4 or IPv6 literal, no brackets) is a public unicast address, the only kind
 * outbound requests to user-given URLs may reach. False for private, loopback, link-local,
 * unique-local, CGNAT, multicast, broadcast, unspecified, documentation and other reserved
 * ranges, for IPv4-mapped (`::ffff:a.b.c.d`) and NAT64 (`64:ff9b::a.b.c.d`) forms of those, for
 * transition forms that tunnel to an address we cannot check (6to4, Teredo, IPv4-compatible), and
 * for anything that is not an IP address.
 */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip) || dottedIPv4Compatible.test(ip)) return false;
  const address = ipaddr.parse(ip);
  if (address.kind() === 'ipv4') return isPublicIPv4(address as ipaddr.IPv4);
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress() || v6.match(nat64WellKnown)) return isPublicIPv4(embeddedIPv4(v6));
  if (v6.match(ipv4Compatible)) return false;
  return v6.range() === 'unicast';
}
