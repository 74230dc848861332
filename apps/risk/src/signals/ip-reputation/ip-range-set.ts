import ipaddr from 'ipaddr.js';

/** An address as a number (IPv4, unsigned 32-bit) or a bigint (IPv6, unsigned 128-bit). */
export type ParsedIp =
  { readonly version: 4; readonly value: number } | { readonly version: 6; readonly value: bigint };

const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const IPV4_MAPPED_PREFIX = 96;

/**
 * A dotted-quad IPv4 address in text[start, end), or undefined. Accepts exactly what
 * ipaddr.IPv4.isValidFourPartDecimal accepts (no leading zeros, which ipaddr.js would read as octal;
 * no hex or short forms), without allocating: lookups of IPv4 clients are on the scoring hot path.
 */
function ipv4Between(text: string, start: number, end: number): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= DIGIT_0 && c <= DIGIT_9) {
      if (digits > 0 && octet === 0) return undefined;
      octet = octet * 10 + (c - DIGIT_0);
      if (octet > 255) return undefined;
      digits++;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

/** A dotted-quad IPv4 address as an unsigned 32-bit number, or undefined; never allocates. */
export function parseIpv4(text: string): number | undefined {
  // Callers in plain JavaScript (or behind an `as`) may hand in anything; this answers, never throws.
  if (typeof text !== 'string') return undefined;
  return ipv4Between(text, 0, text.length);
}

function ipv6Of(text: string): ipaddr.IPv6 | undefined {
  if (typeof text !== 'string' || !text.includes(':')) return undefined;
  try {
    return ipaddr.IPv6.parse(text);
  } catch {
    return undefined;
  }
}

function isIpv4Mapped(parts: readonly number[]): boolean {
  return (
    parts[0] === 0 &&
    parts[1] === 0 &&
    parts[2] === 0 &&
    parts[3] === 0 &&
    parts[4] === 0 &&
    parts[5] === 0xffff
  );
}

function mappedIpv4Of(parts: readonly number[]): number {
  return parts[6] * 0x10000 + parts[7];
}

function ipv6Value(parts: readonly number[]): bigint {
  // Four 32-bit words keep the bigint arithmetic to a handful of operations.
  const word = (i: number) => BigInt(parts[i] * 0x10000 + parts[i + 1]);
  return (word(0) << 96n) | (word(2) << 64n) | (word(4) << 32n) | word(6);
}

/**
 * An IPv4 or IPv6 address as a number, IPv4-mapped IPv6 (`::ffff:1.2.3.4`) read as the IPv4
 * address; undefined for anything else (CIDRs included). An IPv6 zone (`%eth0`) is ignored.
 */
export function parseIp(text: string): ParsedIp | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = ipv6Of(text);
  if (!v6) return undefined;
  if (isIpv4Mapped(v6.parts)) return { version: 4, value: mappedIpv4Of(v6.parts) };
  return { version: 6, value: ipv6Value(v6.parts) };
}

/** The prefix length after the slash at `slash`, or -1: one to three digits, at most `max`. */
function prefixAfter(text: string, slash: number, max: number): number {
  const digits = text.length - slash - 1;
  if (digits < 1 || digits > 3) return -1;
  let prefix = 0;
  for (let i = slash + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return -1;
    prefix = prefix * 10 + (c - DIGIT_0);
  }
  return prefix <= max ? prefix : -1;
}

/** Ranges as read, before sorting: IPv4 packed as `start * 64 + prefix`, IPv6 as [start, end]. */
class RangeCollector {
  v4 = new Float64Array(1024);
  v4Count = 0;
  readonly v6: [bigint, bigint][] = [];
  invalid = 0;

  add(entry: string): void {
    const slash = entry.indexOf('/');
    const end = slash < 0 ? entry.length : slash;
    const v4 = ipv4Between(entry, 0, end);
    if (v4 !== undefined) {
      const prefix = slash < 0 ? 32 : prefixAfter(entry, slash, 32);
      if (prefix < 0) this.invalid++;
      else this.addIpv4(v4, prefix);
      return;
    }
    const v6 = ipv6Of(slash < 0 ? entry : entry.slice(0, slash));
    const prefix = slash < 0 ? 128 : prefixAfter(entry, slash, 128);
    if (!v6 || prefix < 0) {
      this.invalid++;
    } else if (prefix >= IPV4_MAPPED_PREFIX && isIpv4Mapped(v6.parts)) {
      this.addIpv4(mappedIpv4Of(v6.parts), prefix - IPV4_MAPPED_PREFIX);
    } else {
      const hostBits = BigInt(128 - prefix);
      const start = (ipv6Value(v6.parts) >> hostBits) << hostBits;
      this.v6.push([start, start | ((1n << hostBits) - 1n)]);
    }
  }

  private addIpv4(address: number, prefix: number): void {
    if (this.v4Count === this.v4.length) {
      const grown = new Float64Array(this.v4.length * 2);
      grown.set(this.v4);
      this.v4 = grown;
    }
    const size = 2 ** (32 - prefix);
    // Host bits set in a CIDR (1.2.3.4/24) are masked off rather than refused.
    const start = address - (address % size);
    this.v4[this.v4Count++] = start * 64 + prefix;
  }
}

/** Sorted by start, overlapping and adjacent ranges merged: [start0, end0, start1, end1, ...]. */
function mergeIpv4(packed: Float64Array): Uint32Array {
  // A typed-array sort is numeric and needs no comparator; packing keeps start order.
  packed.sort();
  const out = new Uint32Array(packed.length * 2);
  let count = 0;
  let start = -1;
  let end = -1;
  for (let i = 0; i < packed.length; i++) {
    const prefix = packed[i] % 64;
    const s = (packed[i] - prefix) / 64;
    const e = s + 2 ** (32 - prefix) - 1;
    if (start >= 0 && s <= end + 1) {
      if (e > end) end = e;
      continue;
    }
    if (start >= 0) {
      out[count++] = start;
      out[count++] = end;
    }
    start = s;
    end = e;
  }
  if (start >= 0) {
    out[count++] = start;
    out[count++] = end;
  }
  return out.slice(0, count);
}

function mergeIpv6(ranges: [bigint, bigint][]): { starts: bigint[]; ends: bigint[] } {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const starts: bigint[] = [];
  const ends: bigint[] = [];
  for (const [s, e] of ranges) {
    const last = ends.length - 1;
    if (last >= 0 && s <= ends[last] + 1n) {
      if (e > ends[last]) ends[last] = e;
    } else {
      starts.push(s);
      ends.push(e);
    }
  }
  return { starts, ends };
}

/**
 * An immutable set of IPv4 and IPv6 ranges (addresses and CIDRs), looked up by binary search over
 * merged, sorted, non-overlapping ranges. IPv4-mapped IPv6 is stored and looked up as IPv4, so an
 * IPv6 range shorter than /96 that spans `::ffff:0:0/96` does not match IPv4 clients.
 */
export class IpRangeSet {
  static readonly EMPTY = IpRangeSet.from([]);

  /** Ranges after merging, IPv4 and IPv6 together. */
  readonly ranges: number;

  private constructor(
    /** [start0, end0, start1, end1, ...] */
    private readonly v4: Uint32Array,
    private readonly v6Starts: readonly bigint[],
    private readonly v6Ends: readonly bigint[],
    /** Entries that are neither an address nor a CIDR; counted rather than thrown. */
    readonly invalid: number,
  ) {
    this.ranges = v4.length / 2 + v6Starts.length;
  }

  /** Builds the set from addresses and CIDRs (`1.2.3.4`, `1.2.3.0/24`, `2001:db8::/32`, `::ffff:1.2.3.4`). */
  static from(entries: Iterable<string>): IpRangeSet {
    const collected = new RangeCollector();
    for (const entry of entries) collected.add(typeof entry === 'string' ? entry.trim() : '');
    const v6 = mergeIpv6(collected.v6);
    return new IpRangeSet(
      mergeIpv4(collected.v4.subarray(0, collected.v4Count)),
      v6.starts,
      v6.ends,
      collected.invalid,
    );
  }

  /** Whether the address is in the set; false for anything that is not an address. */
  has(ip: string): boolean {
    const v4 = parseIpv4(ip);
    if (v4 !== undefined) return this.hasIpv4(v4);
    const address = parseIp(ip);
    if (!address) return false;
    return address.version === 4 ? this.hasIpv4(address.value) : this.hasIpv6(address.value);
  }

  /** Whether an IPv4 address, as an unsigned 32-bit number (see parseIpv4), is in the set. */
  hasIpv4(value: number): boolean {
    const v4 = this.v4;
    // The last range whose start is <= value, if any, is the only one that can hold it.
    let lo = 0;
    let hi = v4.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (v4[mid * 2] <= value) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && value <= v4[hi * 2 + 1];
  }

  /** Whether an IPv6 address, as an unsigned 128-bit bigint (see parseIp), is in the set. */
  hasIpv6(value: bigint): boolean {
    const starts = this.v6Starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] <= value) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && value <= this.v6Ends[hi];
  }
}

/** Whether text is a single address or a CIDR that IpRangeSet.from accepts. */
export function isIpOrCidr(text: string): boolean {
  const slash = text.indexOf('/');
  const end = slash < 0 ? text.length : slash;
  if (ipv4Between(text, 0, end) !== undefined) return slash < 0 || prefixAfter(text, slash, 32) >= 0;
  if (!ipv6Of(slash < 0 ? text : text.slice(0, slash))) return false;
  return slash < 0 || prefixAfter(text, slash, 128) >= 0;
}
