import ipaddr from 'ipaddr.js';

/** Failed attempts in the sliding windows, as the scorer sees them (this attempt included). */
export interface VelocityCounts {
  /** Failures from this IP. */
  readonly ipFailures: number;
  /** Distinct users those failures were against. */
  readonly ipUsers: number;
  /** Failures from this IP's /24 (IPv4) or /48 (IPv6). */
  readonly subnetFailures: number;
  /** Failures against this user. */
  readonly userFailures: number;
  /** Distinct IPs those failures came from. */
  readonly userIps: number;
  /** Failures across the tenant in the (shorter) tenant window. */
  readonly tenantFailures: number;
}

export const NO_VELOCITY: VelocityCounts = {
  ipFailures: 0,
  ipUsers: 0,
  subnetFailures: 0,
  userFailures: 0,
  userIps: 0,
  tenantFailures: 0,
};

/** Window lengths and the counts at which the velocity signals (and alerts) fire. */
export interface VelocityThresholds {
  readonly windowSeconds: number;
  readonly ipFailures: number;
  readonly ipUsers: number;
  readonly subnetFailures: number;
  readonly userFailures: number;
  readonly userIps: number;
  readonly tenantWindowSeconds: number;
  readonly tenantFailures: number;
}

export const DEFAULT_VELOCITY_THRESHOLDS: VelocityThresholds = {
  windowSeconds: 600,
  ipFailures: 5,
  ipUsers: 10,
  subnetFailures: 20,
  userFailures: 5,
  userIps: 5,
  tenantWindowSeconds: 300,
  tenantFailures: 100,
};

/** The network an address belongs to for velocity: its /24 (IPv4) or /48 (IPv6), as CIDR. */
export function subnetOf(ip: string): string {
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

/** The address in canonical form (IPv4-mapped IPv6 as IPv4), so one client counts as one key. */
export function canonicalIp(ip: string): string {
  const address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address().toString();
  }
  return address.toString();
}
