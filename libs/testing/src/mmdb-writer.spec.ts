import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import maxmind, { Reader, type AsnResponse, type CityResponse, type Response } from 'maxmind';
import { buildMmdb, mmdb, writeMmdb, type MmdbSpec, type MmdbValue } from './mmdb-writer';

const city = (iso: string, latitude: number, longitude: number, name: string) => ({
  country: { iso_code: iso, names: { en: iso } },
  location: { latitude: mmdb.double(latitude), longitude: mmdb.double(longitude), accuracy_radius: 20 },
  city: { names: { en: name } },
});

const CITY: MmdbSpec = {
  databaseType: 'GeoIP2-City',
  description: 'Portcullis test City database',
  languages: ['en'],
  buildEpoch: 1_700_000_000,
  records: [
    { network: '81.2.69.0/24', data: city('GB', 51, 0, 'London') },
    // More specific, inserted after the network that contains it.
    { network: '81.2.69.160/27', data: city('GB', 51.5142, -0.0931, 'Islington') },
    { network: '2001:db8::/32', data: city('DE', 52.52, 13.405, 'Berlin') },
    // More specific, inserted before the network that contains it.
    { network: '2001:db8:1::/48', data: city('FR', 48.8566, 2.3522, 'Paris') },
    { network: '2001:db8::/32', data: city('DE', 52.52, 13.405, 'Berlin') },
    { network: '216.160.83.56', data: city('US', 47.6, -122.3, 'Milton') },
  ],
};

const ASN: MmdbSpec = {
  databaseType: 'GeoLite2-ASN',
  buildEpoch: 1_710_000_000,
  records: [
    {
      network: '10.0.0.0/8',
      data: { autonomous_system_number: 64_500, autonomous_system_organization: 'A' },
    },
    {
      network: '10.1.0.0/16',
      data: { autonomous_system_number: 64_501, autonomous_system_organization: 'B' },
    },
    {
      network: '2a02:ec0::/29',
      data: { autonomous_system_number: 3_320, autonomous_system_organization: 'DTAG' },
    },
  ],
};

describe('buildMmdb', () => {
  it('builds a City database the maxmind reader resolves for IPv4 and IPv6', () => {
    const reader = new Reader<CityResponse>(buildMmdb(CITY));

    expect(reader.get('81.2.69.1')).toEqual({
      country: { iso_code: 'GB', names: { en: 'GB' } },
      location: { latitude: 51, longitude: 0, accuracy_radius: 20 },
      city: { names: { en: 'London' } },
    });
    expect(reader.get('81.2.69.170')?.city?.names.en).toBe('Islington');
    expect(reader.get('81.2.69.170')?.location).toEqual({
      latitude: 51.5142,
      longitude: -0.0931,
      accuracy_radius: 20,
    });
    expect(reader.get('81.2.69.192')?.city?.names.en).toBe('London');
    expect(reader.get('216.160.83.56')?.country?.iso_code).toBe('US');
    expect(reader.get('216.160.83.57')).toBeNull();
    expect(reader.get('2001:db8::1')?.country?.iso_code).toBe('DE');
    expect(reader.get('2001:db8:1:2::1')?.country?.iso_code).toBe('FR');
    expect(reader.get('2001:db8:2::1')?.country?.iso_code).toBe('DE');
    expect(reader.get('2001:db9::1')).toBeNull();
    expect(reader.get('1.1.1.1')).toBeNull();
    expect(reader.get('::1')).toBeNull();
  });

  it('resolves IPv4-mapped IPv6 addresses through the IPv4 subtree, with prefix lengths in the 128-bit tree', () => {
    const reader = new Reader<CityResponse>(buildMmdb(CITY));

    expect(reader.get('::ffff:81.2.69.170')?.city?.names.en).toBe('Islington');
    expect(reader.getWithPrefixLength('81.2.69.170')[1]).toBe(27);
    expect(reader.getWithPrefixLength('::ffff:81.2.69.170')[1]).toBe(96 + 27);
    expect(reader.getWithPrefixLength('2001:db8:1::1')[1]).toBe(48);

    const unaliased = new Reader<CityResponse>(buildMmdb({ ...CITY, aliasIpv4Mapped: false }));
    expect(unaliased.get('81.2.69.170')?.city?.names.en).toBe('Islington');
    expect(unaliased.get('::ffff:81.2.69.170')).toBeNull();
  });

  it('splits a less specific network around a more specific one (ASN database)', () => {
    const reader = new Reader<AsnResponse>(buildMmdb(ASN));

    expect(reader.get('10.1.2.3')).toEqual({
      autonomous_system_number: 64_501,
      autonomous_system_organization: 'B',
    });
    expect(reader.get('10.2.0.1')).toEqual({
      autonomous_system_number: 64_500,
      autonomous_system_organization: 'A',
    });
    expect(reader.get('10.0.255.255')?.autonomous_system_number).toBe(64_500);
    expect(reader.get('10.255.255.255')?.autonomous_system_number).toBe(64_500);
    expect(reader.get('11.0.0.0')).toBeNull();
    expect(reader.get('9.255.255.255')).toBeNull();
    expect(reader.get('2a02:ec0:1::1')?.autonomous_system_number).toBe(3_320);
    expect(reader.get('2a02:ec8::1')).toBeNull();
  });

  it('writes the metadata the reader expects', () => {
    const reader = new Reader(buildMmdb(CITY));

    expect(reader.metadata).toMatchObject({
      binaryFormatMajorVersion: 2,
      binaryFormatMinorVersion: 0,
      buildEpoch: new Date(1_700_000_000_000),
      databaseType: 'GeoIP2-City',
      description: { en: 'Portcullis test City database' },
      ipVersion: 6,
      languages: ['en'],
      recordSize: 28,
    });
    expect(reader.metadata.nodeCount).toBeGreaterThan(96);
    expect(new Reader(buildMmdb(ASN)).metadata.languages).toEqual([]);
  });

  it('defaults the build epoch to now', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const { buildEpoch } = new Reader(buildMmdb({ databaseType: 'X', records: [] })).metadata;
    expect(buildEpoch.getTime()).toBeGreaterThanOrEqual(before);
    expect(buildEpoch.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('answers a database-wide default for ::/0 and lets IPv4 networks override it', () => {
    const reader = new Reader(
      buildMmdb({
        databaseType: 'X',
        records: [
          { network: '198.51.100.0/24', data: { v: 'v4' } },
          { network: '::/0', data: { v: 'default' } },
        ],
      }),
    );
    expect(reader.get('198.51.100.7')).toEqual({ v: 'v4' });
    expect(reader.get('198.51.101.7')).toEqual({ v: 'default' });
    expect(reader.get('2001:db8::1')).toEqual({ v: 'default' });
    expect(reader.get('::ffff:198.51.100.7')).toEqual({ v: 'v4' });
  });

  it('encodes every data type and size class so the reader decodes it back', () => {
    const data: MmdbValue = {
      string: 'héllo',
      empty: '',
      long29: 'a'.repeat(29),
      long300: 'b'.repeat(300),
      long70k: 'c'.repeat(70_000),
      zero: 0,
      uint32: 4_294_967_295,
      uint64: 2 ** 40,
      bigint: 18_446_744_073_709_551_615n,
      uint128: 2n ** 100n,
      negative: -123_456,
      int32Min: -(2 ** 31),
      positiveInt32: mmdb.int32(7),
      double: 1.25,
      forcedDouble: mmdb.double(51),
      float: mmdb.float(1.5),
      uint16: mmdb.uint16(65_535),
      yes: true,
      no: false,
      bytes: Uint8Array.from([0, 1, 254, 255]),
      array: [1, 'two', [3], { four: 4 }],
      bigArray: Array.from({ length: 40 }, (_, i) => i),
      nested: { a: { b: { c: ['d'] } } },
    };
    const reader = new Reader<Record<string, unknown>>(
      buildMmdb({ databaseType: 'X', records: [{ network: '192.0.2.0/24', data }] }),
    );
    const decoded = reader.get('192.0.2.1');

    expect(decoded).toEqual({
      ...data,
      uint64: BigInt(2 ** 40),
      positiveInt32: 7,
      forcedDouble: 51,
      float: 1.5,
      uint16: 65_535,
      bytes: Buffer.from([0, 1, 254, 255]),
    });
  });

  it('stores forced doubles as doubles, not integers', () => {
    const bytes = buildMmdb({
      databaseType: 'X',
      records: [{ network: '192.0.2.0/24', data: mmdb.double(51) }],
    });
    const double = Buffer.alloc(8);
    double.writeDoubleBE(51);

    // Control byte 0x68: type 3 (double) in the top three bits, size 8.
    expect(bytes.includes(Buffer.concat([Buffer.from([0x68]), double]))).toBe(true);
  });

  it('rejects invalid networks, host bits and out-of-range numbers', () => {
    const build = (network: string, data: MmdbValue = 'x') =>
      buildMmdb({ databaseType: 'X', records: [{ network, data }] });

    expect(() => build('10.0.0.1/8')).toThrow('host bits');
    expect(() => build('10.0.0.0/33')).toThrow('prefix length');
    expect(() => build('2001:db8::/129')).toThrow('prefix length');
    expect(() => build('not-an-ip')).toThrow('invalid network');
    expect(() => build('10.0.0.0/8', mmdb.uint16(65_536))).toThrow(RangeError);
    expect(() => build('10.0.0.0/8', -(2 ** 31) - 1)).toThrow(RangeError);
    expect(() => build('10.0.0.0/8', -1n)).toThrow(RangeError);
  });

  it.each([24, 28, 32] as const)(
    'round-trips a few hundred random networks with %i-bit records',
    (recordSize) => {
      const random = seededRandom(recordSize);
      const networks = randomNetworks(random, 400);
      const reader = new Reader(
        buildMmdb({
          databaseType: 'Random',
          recordSize,
          records: networks.map((network, id) => ({ network: network.cidr, data: { id } })),
        }),
      );

      expect(reader.metadata.recordSize).toBe(recordSize);
      const probes = [
        ...networks.flatMap((network) => [
          randomAddressIn(random, network),
          randomAddressIn(random, network),
        ]),
        ...Array.from({ length: 400 }, () => randomAddressIn(random, randomNetwork(random, 0, 0))),
      ];
      let hits = 0;
      for (const probe of probes) {
        const expected = expectedId(networks, probe);
        if (expected !== null) hits++;
        expect({ address: probe.text, id: get<{ id: number }>(reader, probe.text)?.id ?? null }).toEqual({
          address: probe.text,
          id: expected,
        });
      }
      expect(hits).toBeGreaterThan(800);
    },
  );

  it('uses the top nibbles of 28-bit records for pointers beyond 2^24, and refuses them at 24 bits', () => {
    const spec: MmdbSpec = {
      databaseType: 'Big',
      records: [
        { network: '192.0.2.0/24', data: 'x'.repeat(16_800_000) },
        // Both sides of a node: the last prefix bit is 0 here and 1 below.
        { network: '198.51.100.0/24', data: 'far' },
        { network: '2001:db9::/32', data: 'also far' },
      ],
    };
    const reader = new Reader(buildMmdb({ ...spec, recordSize: 28 }));

    expect(reader.get('198.51.100.1')).toBe('far');
    expect(reader.get('2001:db9::1')).toBe('also far');
    expect(get<string>(reader, '192.0.2.1')).toHaveLength(16_800_000);
    expect(() => buildMmdb({ ...spec, recordSize: 24 })).toThrow('record size 24');
  });
});

describe('writeMmdb', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mmdb-writer-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes a file maxmind.open reads', async () => {
    const path = join(directory, 'GeoLite2-ASN.mmdb');
    await writeMmdb(path, ASN);

    const reader = await maxmind.open<AsnResponse>(path);
    expect(reader.get('10.1.2.3')?.autonomous_system_organization).toBe('B');
    expect(reader.metadata.databaseType).toBe('GeoLite2-ASN');
    expect(reader.metadata.buildEpoch).toEqual(new Date(1_710_000_000_000));
    expect(await readFile(path)).toEqual(buildMmdb(ASN));
  });

  it('replaces an existing file', async () => {
    const path = join(directory, 'db.mmdb');
    await writeMmdb(path, ASN);
    await writeMmdb(path, CITY);

    expect((await maxmind.open(path)).metadata.databaseType).toBe('GeoIP2-City');
  });
});

/** The reader is typed for MaxMind's own schemas; these test databases hold anything. */
function get<T>(reader: Reader<Response>, address: string): T | null {
  return reader.get(address) as T | null;
}

// ---------------------------------------------------------------------------------------------
// Random networks, checked against a brute-force longest-prefix match.

interface RandomNetwork {
  readonly cidr: string;
  readonly version: 4 | 6;
  readonly base: bigint;
  readonly prefixLength: number;
}

interface Probe {
  readonly text: string;
  readonly version: 4 | 6;
  readonly value: bigint;
}

/** mulberry32: reproducible, so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function randomBits(random: () => number, bits: number): bigint {
  let value = 0n;
  for (let i = 0; i < bits; i += 16) value = (value << 16n) | BigInt(Math.floor(random() * 65_536));
  return value & ((1n << BigInt(bits)) - 1n);
}

const width = (version: 4 | 6) => (version === 4 ? 32 : 128);

function makeNetwork(version: 4 | 6, address: bigint, prefixLength: number): RandomNetwork {
  const host = BigInt(width(version) - prefixLength);
  const base = (address >> host) << host;
  return { cidr: `${format(version, base)}/${prefixLength}`, version, base, prefixLength };
}

/** IPv6 networks stay in 2000::/3 so they never overlap the IPv4 subtree at ::/96. */
function randomNetwork(random: () => number, minPrefix: number, maxPrefix: number): RandomNetwork {
  const version = random() < 0.5 ? 4 : 6;
  const prefixLength =
    minPrefix + Math.floor(random() * (Math.min(maxPrefix, width(version)) - minPrefix + 1));
  let address = randomBits(random, width(version));
  if (version === 6) address = (address & ((1n << 125n) - 1n)) | (1n << 125n);
  return makeNetwork(version, address, prefixLength);
}

function randomNetworks(random: () => number, count: number): RandomNetwork[] {
  const networks: RandomNetwork[] = [];
  while (networks.length < count) {
    const parent = networks[Math.floor(random() * networks.length)];
    if (parent && random() < 0.4 && parent.prefixLength < width(parent.version)) {
      // A subnet of an earlier network, so nesting is common rather than accidental.
      const extra = 1 + Math.floor(random() * Math.min(16, width(parent.version) - parent.prefixLength));
      const prefixLength = parent.prefixLength + extra;
      const address = parent.base | randomBits(random, width(parent.version) - parent.prefixLength);
      networks.push(makeNetwork(parent.version, address, prefixLength));
    } else {
      networks.push(random() < 0.5 ? randomNetwork(random, 8, 28) : randomNetwork(random, 16, 128));
    }
  }
  return networks;
}

function randomAddressIn(random: () => number, network: RandomNetwork): Probe {
  const host = width(network.version) - network.prefixLength;
  const value = network.base | randomBits(random, host);
  return { text: format(network.version, value), version: network.version, value };
}

function expectedId(networks: readonly RandomNetwork[], probe: Probe): number | null {
  let best: number | null = null;
  let bestLength = -1;
  networks.forEach((network, id) => {
    if (network.version !== probe.version) return;
    const host = BigInt(width(network.version) - network.prefixLength);
    // Later records win ties, hence >=.
    if (probe.value >> host === network.base >> host && network.prefixLength >= bestLength) {
      best = id;
      bestLength = network.prefixLength;
    }
  });
  return best;
}

function format(version: 4 | 6, value: bigint): string {
  if (version === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  }
  return Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - i * 16)) & 0xffffn).toString(16)).join(
    ':',
  );
}
