import ipaddr from 'ipaddr.js';
import { IpRangeSet, isIpOrCidr, parseIp, parseIpv4 } from './ip-range-set';

/** A small deterministic PRNG (mulberry32), so a failing random case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ipv4Text = (value: number) =>
  [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.');

const ipv6Text = (value: bigint) =>
  Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');

describe('IpRangeSet', () => {
  it('holds the first and last address of an IPv4 CIDR and not its neighbours', () => {
    const set = IpRangeSet.from(['10.1.2.0/24']);
    expect(set.has('10.1.2.0')).toBe(true);
    expect(set.has('10.1.2.255')).toBe(true);
    expect(set.has('10.1.1.255')).toBe(false);
    expect(set.has('10.1.3.0')).toBe(false);
  });

  it('holds the first and last address of an IPv6 CIDR and not its neighbours', () => {
    const set = IpRangeSet.from(['2001:db8:1::/48']);
    expect(set.has('2001:db8:1::')).toBe(true);
    expect(set.has('2001:db8:1:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(set.has('2001:db8:0:ffff:ffff:ffff:ffff:ffff')).toBe(false);
    expect(set.has('2001:db8:2::')).toBe(false);
  });

  it('covers a whole address family with /0, and only that family', () => {
    const v4 = IpRangeSet.from(['0.0.0.0/0']);
    expect(v4.has('0.0.0.0')).toBe(true);
    expect(v4.has('255.255.255.255')).toBe(true);
    expect(v4.has('::1')).toBe(false);

    const v6 = IpRangeSet.from(['::/0']);
    expect(v6.has('::')).toBe(true);
    expect(v6.has('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(v6.has('1.2.3.4')).toBe(false);
  });

  it('holds exactly one address for /32, /128 and a bare address', () => {
    const set = IpRangeSet.from(['192.0.2.7/32', '192.0.2.9', '2001:db8::7/128', '2001:db8::9']);
    expect(['192.0.2.7', '192.0.2.9', '2001:db8::7', '2001:db8::9'].map((ip) => set.has(ip))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      ['192.0.2.6', '192.0.2.8', '192.0.2.10', '2001:db8::6', '2001:db8::8', '2001:db8::a'].some((ip) =>
        set.has(ip),
      ),
    ).toBe(false);
    expect(set.ranges).toBe(4);
  });

  it('holds the extremes of the address space', () => {
    const set = IpRangeSet.from([
      '255.255.255.255',
      '0.0.0.0',
      '::',
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ]);
    expect(set.has('255.255.255.255')).toBe(true);
    expect(set.has('0.0.0.0')).toBe(true);
    expect(set.has('0.0.0.1')).toBe(false);
    expect(set.has('255.255.255.254')).toBe(false);
    expect(set.has('::')).toBe(true);
    expect(set.has('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(set.has('::2')).toBe(false);
    expect(set.ranges).toBe(4);
  });

  it('masks host bits set in a CIDR instead of refusing it', () => {
    const set = IpRangeSet.from(['1.2.3.4/24', '2001:db8:abcd::1/32']);
    expect(set.invalid).toBe(0);
    expect(set.has('1.2.3.0')).toBe(true);
    expect(set.has('1.2.3.255')).toBe(true);
    expect(set.has('2001:db8::')).toBe(true);
    expect(set.has('2001:db9::')).toBe(false);
  });

  it('merges overlapping, nested, duplicate and adjacent IPv4 ranges', () => {
    const entries = ['10.0.0.0/24', '10.0.1.0/24', '10.0.0.128/25', '10.0.0.5', '10.0.0.0/24', '10.0.3.0/24'];
    const set = IpRangeSet.from(entries);
    expect(set.ranges).toBe(2);
    expect(set.has('10.0.1.255')).toBe(true);
    expect(set.has('10.0.2.0')).toBe(false);
    expect(set.has('10.0.3.0')).toBe(true);

    expect(IpRangeSet.from([...entries, '10.0.2.0/24']).ranges).toBe(1);
    expect(IpRangeSet.from(['10.0.0.0/8', '10.1.0.0/16', '11.0.0.0', '9.255.255.255']).ranges).toBe(1);
  });

  it('merges overlapping and adjacent IPv6 ranges, apart from IPv4 ones', () => {
    const set = IpRangeSet.from([
      '2001:db8::/33',
      '2001:db8:8000::/33',
      '2001:db8:1::/48',
      '2001:db9::1',
      '0.0.0.0',
    ]);
    expect(set.ranges).toBe(3);
    expect(set.has('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(set.has('2001:db9::')).toBe(false);
    expect(set.has('2001:db9::1')).toBe(true);
    expect(IpRangeSet.from(['2001:db8::/128', '2001:db8::1', '2001:db8::2/127']).ranges).toBe(1);
  });

  it('stores IPv4-mapped IPv6 entries as IPv4 and looks mapped addresses up as IPv4', () => {
    const set = IpRangeSet.from(['::ffff:192.0.2.0/120', '::ffff:198.51.100.7', '203.0.113.0/24']);
    expect(set.ranges).toBe(3);
    expect(set.has('192.0.2.200')).toBe(true);
    expect(set.has('192.0.3.0')).toBe(false);
    expect(set.has('198.51.100.7')).toBe(true);
    expect(set.has('::ffff:203.0.113.9')).toBe(true);
    expect(set.has('::ffff:cb00:7109')).toBe(true);
    expect(set.has('::FFFF:203.0.113.9')).toBe(true);
    expect(set.has('::ffff:203.0.114.0')).toBe(false);

    expect(IpRangeSet.from(['::ffff:0:0/96']).has('8.8.8.8')).toBe(true);
  });

  it('counts invalid entries instead of throwing', () => {
    const set = IpRangeSet.from([
      '1.2.3.0/24',
      '1.2.3.4/33',
      '2001:db8::/129',
      '999.1.1.1',
      'hello',
      '1.2.3',
      '01.2.3.4',
      '1.2.3.4/',
      '1.2.3.4/x',
      '1.2.3.4/1234',
      '2001:db8:::1',
      '',
    ]);
    expect(set.invalid).toBe(11);
    expect(set.ranges).toBe(1);
  });

  it('tolerates whitespace around entries', () => {
    const set = IpRangeSet.from(['  192.0.2.1\t', ' 2001:db8::/32 ']);
    expect(set.invalid).toBe(0);
    expect(set.has('192.0.2.1')).toBe(true);
    expect(set.has('2001:db8::5')).toBe(true);
  });

  it('answers false for garbage rather than throwing', () => {
    const set = IpRangeSet.from(['0.0.0.0/0', '::/0']);
    const garbage = [
      '',
      ' ',
      'not-an-ip',
      '1.2.3.0/24',
      '1.2.3.256',
      '1.2.3',
      '1.2.3.4.5',
      ' 1.2.3.4',
      '0x1.2.3.4',
      '::::',
      '2001:db8::/32',
      '١.٢.٣.٤',
      'x'.repeat(10_000),
      undefined as unknown as string,
    ];
    expect(garbage.filter((input) => set.has(input))).toEqual([]);
  });

  it('holds nothing when empty', () => {
    expect(IpRangeSet.EMPTY.ranges).toBe(0);
    expect(IpRangeSet.EMPTY.has('1.2.3.4')).toBe(false);
    expect(IpRangeSet.EMPTY.has('::1')).toBe(false);
  });

  it('matches a naive scan for 100,000 random IPv4 and 20,000 random IPv6 CIDRs', () => {
    const next = random(20_261_128);
    const u32 = () => Math.floor(next() * 2 ** 32);

    // Prefixes /16-/32 leave most of the space uncovered, so both answers get exercised.
    const v4Starts = new Float64Array(100_000);
    const v4Ends = new Float64Array(100_000);
    const entries: string[] = [];
    for (let i = 0; i < v4Starts.length; i++) {
      const address = u32();
      const prefix = 16 + Math.floor(next() * 17);
      const size = 2 ** (32 - prefix);
      v4Starts[i] = address - (address % size);
      v4Ends[i] = v4Starts[i] + size - 1;
      entries.push(`${ipv4Text(address)}/${prefix}`);
    }

    // Inside 2001:db8::/32, prefixes /48-/128, so ranges overlap and nest.
    const v6Base = 0x20010db8n << 96n;
    const v6Random = () => v6Base | (BigInt(u32()) << 64n) | (BigInt(u32()) << 32n) | BigInt(u32());
    const v6Starts: bigint[] = [];
    const v6Ends: bigint[] = [];
    for (let i = 0; i < 20_000; i++) {
      const address = v6Random();
      const prefix = 48 + Math.floor(next() * 81);
      const hostBits = BigInt(128 - prefix);
      const start = (address >> hostBits) << hostBits;
      v6Starts.push(start);
      v6Ends.push(start + (1n << hostBits) - 1n);
      entries.push(`${ipv6Text(address)}/${prefix}`);
    }

    const set = IpRangeSet.from(entries);
    expect(set.invalid).toBe(0);

    const v4Probes: number[] = [];
    for (let i = 0; i < 600; i++) {
      const k = Math.floor(next() * v4Starts.length);
      v4Probes.push(u32(), v4Starts[k], v4Ends[k], Math.max(0, v4Starts[k] - 1));
      v4Probes.push(Math.min(2 ** 32 - 1, v4Ends[k] + 1));
    }
    const v4Mismatches = v4Probes.filter((probe) => {
      let naive = false;
      for (let i = 0; i < v4Starts.length && !naive; i++) naive = probe >= v4Starts[i] && probe <= v4Ends[i];
      return set.has(ipv4Text(probe)) !== naive;
    });
    expect(v4Mismatches.map(ipv4Text)).toEqual([]);

    const v6Probes: bigint[] = [0n, (1n << 128n) - 1n, v6Base - 1n];
    for (let i = 0; i < 300; i++) {
      const k = Math.floor(next() * v6Starts.length);
      v6Probes.push(v6Random(), v6Starts[k], v6Ends[k], v6Starts[k] - 1n, v6Ends[k] + 1n);
    }
    const v6Mismatches = v6Probes.filter((probe) => {
      let naive = false;
      for (let i = 0; i < v6Starts.length && !naive; i++) naive = probe >= v6Starts[i] && probe <= v6Ends[i];
      return set.has(ipv6Text(probe)) !== naive;
    });
    expect(v6Mismatches.map(ipv6Text)).toEqual([]);
  });
});

describe('parseIp', () => {
  it('reads IPv4, IPv6 and IPv4-mapped IPv6 (as IPv4)', () => {
    expect(parseIp('192.0.2.1')).toEqual({ version: 4, value: 0xc0000201 });
    expect(parseIp('255.255.255.255')).toEqual({ version: 4, value: 0xffffffff });
    expect(parseIp('::ffff:192.0.2.1')).toEqual({ version: 4, value: 0xc0000201 });
    expect(parseIp('2001:db8::1')).toEqual({ version: 6, value: (0x20010db8n << 96n) | 1n });
    expect(parseIp('fe80::1%eth0')).toEqual({ version: 6, value: (0xfe80n << 112n) | 1n });
  });

  it('refuses CIDRs and garbage', () => {
    expect(parseIp('192.0.2.0/24')).toBeUndefined();
    expect(parseIp('2001:db8::/32')).toBeUndefined();
    expect(parseIp('example.org')).toBeUndefined();
    expect(parseIp('')).toBeUndefined();
  });

  it.each([
    '1.2.3.4',
    '0.0.0.0',
    '255.255.255.255',
    '256.1.1.1',
    '01.1.1.1',
    '00.0.0.0',
    '1.1.1',
    '1..1.1',
    '1.1.1.1.',
    '.1.1.1.1',
    '0x1.1.1.1',
    '1.1.1.1 ',
    '4294967295',
  ])('accepts %j as IPv4 exactly when ipaddr.js calls it four-part decimal', (text) => {
    expect(parseIpv4(text) !== undefined).toBe(ipaddr.IPv4.isValidFourPartDecimal(text));
  });
});

describe('isIpOrCidr', () => {
  it('accepts what IpRangeSet.from accepts', () => {
    const candidates = [
      '1.2.3.4',
      '1.2.3.4/24',
      '::ffff:1.2.3.4/120',
      '2001:db8::/32',
      '1.2.3.4/33',
      'x',
      '::/129',
    ];
    expect(candidates.filter(isIpOrCidr)).toEqual([
      '1.2.3.4',
      '1.2.3.4/24',
      '::ffff:1.2.3.4/120',
      '2001:db8::/32',
    ]);
    expect(IpRangeSet.from(candidates).invalid).toBe(3);
  });
});
