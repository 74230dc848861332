import ipaddr from 'ipaddr.js';

/** The network of requests that carried no client address: they all share one counter. */
export const UNKNOWN_NETWORK = 'unknown';

/** True for a dotted-quad IPv4 address or an IPv6 address (what the edge accepts). */
export function isIpAddress(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text);
}

/**
 * The client network that password failures are counted per: the /24 of an IPv4 address, the /48
 * of an IPv6 one (IPv4-mapped IPv6 counts as IPv4), as CIDR. One household, office or mobile
 * carrier NAT shares a counter; an attacker elsewhere cannot touch it (SECURITY.md 20).
 */
export function clientNetwork(ip: string | undefined): string {
  if (!ip) return UNKNOWN_NETWORK;
  let address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  if (address.kind() === 'ipv4') {
    return `${ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/24`).toString()}/24`;
  }
  const bytes = address.toByteArray().slice(0, 6).concat(new Array<number>(10).fill(0));
  return `${ipaddr.fromByteArray(bytes).toString()}/48`;
}
