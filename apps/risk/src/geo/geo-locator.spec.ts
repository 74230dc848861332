import { watchFile } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, mmdb, writeMmdb, type MmdbSpec } from '@portcullis/testing';
import maxmind from 'maxmind';
import { type GeoLocator, MaxmindGeoLocator, NoGeoLocator } from './geo-locator';

const cityRecord = (iso: string, latitude: number, longitude: number, accuracyRadius: number) => ({
  country: { iso_code: iso, names: { en: iso } },
  location: {
    latitude: mmdb.double(latitude),
    longitude: mmdb.double(longitude),
    accuracy_radius: accuracyRadius,
  },
  city: { names: { en: `${iso} city` } },
});

const asnRecord = (asn: number, organization: string) => ({
  autonomous_system_number: asn,
  autonomous_system_organization: organization,
});

const CITY: MmdbSpec = {
  databaseType: 'GeoIP2-City',
  buildEpoch: 1_700_000_000,
  records: [
    { network: '81.2.69.0/24', data: cityRecord('GB', 51, 0, 100) },
    { network: '81.2.69.160/27', data: cityRecord('GB', 51.5142, -0.0931, 10) },
    { network: '2001:db8::/32', data: cityRecord('DE', 52.52, 13.405, 50) },
    // Anycast/satellite-style entry: no country, only the registered one, and no location.
    {
      network: '192.0.2.0/24',
      data: { registered_country: { iso_code: 'NL', names: { en: 'Netherlands' } } },
    },
  ],
};

const ASN: MmdbSpec = {
  databaseType: 'GeoLite2-ASN',
  buildEpoch: 1_710_000_000,
  records: [
    { network: '81.2.64.0/20', data: asnRecord(20_712, 'Andrews & Arnold Ltd') },
    { network: '2001:db8::/32', data: asnRecord(64_496, 'Example v6') },
    { network: '198.51.100.0/24', data: asnRecord(64_497, 'ASN only') },
  ],
};

/** One file holding both the City and the ASN fields, as some vendors ship them. */
const COMBINED: MmdbSpec = {
  databaseType: 'DBIP-City-ASN-Lite',
  buildEpoch: 1_720_000_000,
  records: [
    { network: '81.2.69.0/24', data: { ...cityRecord('GB', 51, 0, 100), ...asnRecord(20_712, 'A&A') } },
    {
      network: '2001:db8::/32',
      data: { ...cityRecord('DE', 52.52, 13.405, 50), ...asnRecord(64_496, 'v6') },
    },
  ],
};

describe('MaxmindGeoLocator', () => {
  let directory: string;
  let locator: GeoLocator | undefined;
  const path = (name: string) => join(directory, name);

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'risk-geo-'));
  });
  afterEach(async () => {
    locator?.close?.();
    locator = undefined;
    await rm(directory, { recursive: true, force: true });
  });

  async function openSeparate(): Promise<GeoLocator> {
    await writeMmdb(path('city.mmdb'), CITY);
    await writeMmdb(path('asn.mmdb'), ASN);
    locator = await MaxmindGeoLocator.open({ cityDbPath: path('city.mmdb'), asnDbPath: path('asn.mmdb') });
    return locator;
  }

  it('merges City and ASN answers for IPv4 addresses, most specific network first', async () => {
    const geo = await openSeparate();

    expect(geo.lookup('81.2.69.1')).toEqual({
      country: 'GB',
      latitude: 51,
      longitude: 0,
      accuracyRadiusKm: 100,
      asn: 20_712,
      asOrganization: 'Andrews & Arnold Ltd',
    });
    expect(geo.lookup('81.2.69.170')).toEqual({
      country: 'GB',
      latitude: 51.5142,
      longitude: -0.0931,
      accuracyRadiusKm: 10,
      asn: 20_712,
      asOrganization: 'Andrews & Arnold Ltd',
    });
  });

  it('answers IPv6 and IPv4-mapped IPv6 addresses', async () => {
    const geo = await openSeparate();

    expect(geo.lookup('2001:db8::1')).toEqual({
      country: 'DE',
      latitude: 52.52,
      longitude: 13.405,
      accuracyRadiusKm: 50,
      asn: 64_496,
      asOrganization: 'Example v6',
    });
    expect(geo.lookup('::ffff:81.2.69.170')).toEqual(geo.lookup('81.2.69.170'));
    expect(geo.lookup('::FFFF:81.2.69.170')?.accuracyRadiusKm).toBe(10);
  });

  it('maps IPv4-mapped addresses itself when a database does not alias them', async () => {
    await writeMmdb(path('city.mmdb'), { ...CITY, aliasIpv4Mapped: false });
    locator = await MaxmindGeoLocator.open({ cityDbPath: path('city.mmdb') });

    expect(locator.lookup('::ffff:81.2.69.170')?.accuracyRadiusKm).toBe(10);
  });

  it('falls back to the registered country and leaves unknown fields out', async () => {
    const geo = await openSeparate();

    expect(geo.lookup('192.0.2.7')).toEqual({ country: 'NL' });
    expect(geo.lookup('198.51.100.7')).toEqual({ asn: 64_497, asOrganization: 'ASN only' });
  });

  it('returns undefined for misses and for anything that is not an IP address, without throwing', async () => {
    const geo = await openSeparate();

    for (const input of [
      '8.8.8.8',
      '2001:db9::1',
      '::1',
      '',
      'not-an-ip',
      '81.2.69.1/24',
      '999.1.1.1',
      ' 81.2.69.1',
    ]) {
      expect(geo.lookup(input)).toBeUndefined();
    }
  });

  it('reads both halves from one file passed as both settings', async () => {
    await writeMmdb(path('combined.mmdb'), COMBINED);
    const open = jest.spyOn(maxmind, 'open');
    locator = await MaxmindGeoLocator.open({
      cityDbPath: path('combined.mmdb'),
      asnDbPath: `${directory}/./combined.mmdb`,
    });
    expect(open).toHaveBeenCalledTimes(1);
    open.mockRestore();

    expect(locator.lookup('81.2.69.1')).toEqual({
      country: 'GB',
      latitude: 51,
      longitude: 0,
      accuracyRadiusKm: 100,
      asn: 20_712,
      asOrganization: 'A&A',
    });
    expect(locator.lookup('2001:db8::1')).toMatchObject({ country: 'DE', asn: 64_496 });
    const status = locator.status();
    expect(status.city).toEqual({
      path: path('combined.mmdb'),
      databaseType: 'DBIP-City-ASN-Lite',
      buildTime: new Date(1_720_000_000_000),
    });
    expect(status.asn).toEqual(status.city);
  });

  it('works with only one of the two databases', async () => {
    await writeMmdb(path('asn.mmdb'), ASN);
    locator = await MaxmindGeoLocator.open({ asnDbPath: path('asn.mmdb') });

    expect(locator.lookup('81.2.69.1')).toEqual({ asn: 20_712, asOrganization: 'Andrews & Arnold Ltd' });
    expect(locator.status()).toEqual({
      asn: { path: path('asn.mmdb'), databaseType: 'GeoLite2-ASN', buildTime: new Date(1_710_000_000_000) },
    });
  });

  it('reports the path, type and build time of each database', async () => {
    const geo = await openSeparate();

    expect(geo.status()).toEqual({
      city: { path: path('city.mmdb'), databaseType: 'GeoIP2-City', buildTime: new Date(1_700_000_000_000) },
      asn: { path: path('asn.mmdb'), databaseType: 'GeoLite2-ASN', buildTime: new Date(1_710_000_000_000) },
    });
  });

  it('names the setting and the path of a database it cannot open', async () => {
    await writeMmdb(path('asn.mmdb'), ASN);
    const missing = path('missing.mmdb');

    await expect(
      MaxmindGeoLocator.open({ cityDbPath: missing, asnDbPath: path('asn.mmdb') }),
    ).rejects.toThrow(`GEOIP_CITY_DB: cannot open MaxMind database ${missing}`);
    await expect(
      MaxmindGeoLocator.open({ cityDbPath: path('asn.mmdb'), asnDbPath: missing }),
    ).rejects.toThrow(`GEOIP_ASN_DB: cannot open MaxMind database ${missing}`);
  });

  it('rejects a file that is not a MaxMind database, naming the setting', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path('garbage.mmdb'), 'not a database');

    await expect(MaxmindGeoLocator.open({ asnDbPath: path('garbage.mmdb') })).rejects.toThrow(
      `GEOIP_ASN_DB: cannot open MaxMind database ${path('garbage.mmdb')}`,
    );
  });

  it('is a NoGeoLocator when neither database is configured', async () => {
    locator = await MaxmindGeoLocator.open({});

    expect(locator).toBeInstanceOf(NoGeoLocator);
  });

  it('picks up a replaced database file when watching for updates', async () => {
    const file = path('city.mmdb');
    await writeMmdb(file, CITY);
    // fs.watchFile shares one stat poller per path and maxmind does not set an interval (Node's
    // default is ~5 s); starting the poller here first makes maxmind's listener share a fast one.
    watchFile(file, { interval: 50, persistent: false }, () => undefined);
    locator = await MaxmindGeoLocator.open({ cityDbPath: file, watchForUpdates: true });
    expect(locator.lookup('81.2.69.1')?.country).toBe('GB');

    await writeMmdb(file, {
      databaseType: 'GeoIP2-City',
      buildEpoch: 1_800_000_000,
      records: [{ network: '81.2.69.0/24', data: cityRecord('IE', 53.35, -6.26, 25) }],
    });

    const geo = locator;
    await eventually(() => expect(geo.lookup('81.2.69.1')?.country).toBe('IE'), {
      timeoutMs: 12_000,
      intervalMs: 25,
    });
    expect(geo.lookup('81.2.69.170')?.accuracyRadiusKm).toBe(25);
    expect(geo.status().city?.buildTime).toEqual(new Date(1_800_000_000_000));
    // close() (in afterEach) removes the watchers, ours included, so Jest exits cleanly.
  }, 20_000);
});

describe('NoGeoLocator', () => {
  it('knows nothing', () => {
    const geo = new NoGeoLocator();

    expect(geo.lookup('81.2.69.1')).toBeUndefined();
    expect(geo.status()).toEqual({});
  });
});
