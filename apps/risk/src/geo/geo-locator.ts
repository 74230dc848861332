import { unwatchFile } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import maxmind, { type AsnResponse, type CityResponse, type Reader } from 'maxmind';

/** What the risk signals know about an IP address. */
export interface GeoInfo {
  /** ISO 3166-1 alpha-2. */
  country?: string;
  latitude?: number;
  longitude?: number;
  accuracyRadiusKm?: number;
  asn?: number;
  asOrganization?: string;
}

export interface GeoDatabaseStatus {
  path: string;
  databaseType: string;
  buildTime: Date;
}

export interface GeoStatus {
  city?: GeoDatabaseStatus;
  asn?: GeoDatabaseStatus;
}

/** The geolocation port (an abstract class so that it doubles as the NestJS injection token). */
export abstract class GeoLocator {
  /** Undefined for an invalid address or one the databases know nothing about; never throws. */
  abstract lookup(ip: string): GeoInfo | undefined;
  abstract status(): GeoStatus;
  close?(): void;
}

export interface MaxmindGeoSettings {
  /** GEOIP_CITY_DB: a GeoIP2/GeoLite2 City or Country database. */
  cityDbPath?: string;
  /** GEOIP_ASN_DB: a GeoLite2 ASN database; may be the same file as the City one. */
  asnDbPath?: string;
  /** Reload a database when its file is replaced (e.g. by geoipupdate), without a restart. */
  watchForUpdates?: boolean;
}

/**
 * Every field read, optional and loosely trusted: other vendors' MaxMind-format files (DB-IP,
 * IPinfo) use the same container with different field types, hence the typeof checks in lookup.
 */
type GeoRecord = CityResponse & Partial<AsnResponse>;

interface OpenDatabase {
  readonly path: string;
  readonly reader: Reader<GeoRecord>;
}

const IPV4_MAPPED = /^::ffff:/i;

/** The MaxMind adapter: City/Country and ASN databases, or one file holding both. */
export class MaxmindGeoLocator extends GeoLocator {
  private constructor(
    private readonly city: OpenDatabase | undefined,
    private readonly asn: OpenDatabase | undefined,
    private readonly watched: readonly string[],
  ) {
    super();
  }

  /** A {@link NoGeoLocator} when neither path is set; throws naming the setting of a file that cannot be opened. */
  static async open(settings: MaxmindGeoSettings): Promise<GeoLocator> {
    const { cityDbPath, asnDbPath, watchForUpdates = false } = settings;
    if (!cityDbPath && !asnDbPath) return new NoGeoLocator();

    const watched: string[] = [];
    const openOne = async (setting: string, path: string): Promise<OpenDatabase> => {
      try {
        const reader = await maxmind.open<GeoRecord>(path, {
          watchForUpdates,
          // The watcher must not keep the process alive on shutdown; close() also removes it.
          watchForUpdatesNonPersistent: true,
        });
        if (watchForUpdates) watched.push(path);
        return { path, reader };
      } catch (error) {
        throw new Error(`${setting}: cannot open MaxMind database ${path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    };

    try {
      const city = cityDbPath ? await openOne('GEOIP_CITY_DB', cityDbPath) : undefined;
      const asn =
        asnDbPath && city && resolve(asnDbPath) === resolve(city.path)
          ? city
          : asnDbPath
            ? await openOne('GEOIP_ASN_DB', asnDbPath)
            : undefined;
      return new MaxmindGeoLocator(city, asn, watched);
    } catch (error) {
      for (const path of watched) unwatchFile(path);
      throw error;
    }
  }

  lookup(ip: string): GeoInfo | undefined {
    const family = isIP(ip);
    if (family === 0) return undefined;
    // ::ffff:a.b.c.d is how a dual-stack socket reports an IPv4 peer; not every database aliases it.
    const address =
      family === 6 && ip.length > 7 && ip.includes('.') && IPV4_MAPPED.test(ip) ? ip.slice(7) : ip;
    const v6 = family === 6 && address === ip;

    const cityRecord = this.city ? find(this.city.reader, address, v6) : null;
    const asnRecord =
      this.asn === this.city ? cityRecord : this.asn ? find(this.asn.reader, address, v6) : null;
    if (!cityRecord && !asnRecord) return undefined;

    let country: string | undefined;
    let latitude: number | undefined;
    let longitude: number | undefined;
    let accuracyRadiusKm: number | undefined;
    if (cityRecord) {
      const iso = cityRecord.country?.iso_code ?? cityRecord.registered_country?.iso_code;
      if (typeof iso === 'string') country = iso;
      const location = cityRecord.location;
      if (location && typeof location.latitude === 'number' && typeof location.longitude === 'number') {
        latitude = location.latitude;
        longitude = location.longitude;
        if (typeof location.accuracy_radius === 'number') accuracyRadiusKm = location.accuracy_radius;
      }
    }
    let asn: number | undefined;
    let asOrganization: string | undefined;
    if (asnRecord) {
      if (typeof asnRecord.autonomous_system_number === 'number') asn = asnRecord.autonomous_system_number;
      if (typeof asnRecord.autonomous_system_organization === 'string') {
        asOrganization = asnRecord.autonomous_system_organization;
      }
    }
    if (
      country === undefined &&
      latitude === undefined &&
      asn === undefined &&
      asOrganization === undefined
    ) {
      return undefined;
    }
    // One object of one shape per hit; the records themselves are cached and shared, never returned.
    return { country, latitude, longitude, accuracyRadiusKm, asn, asOrganization };
  }

  status(): GeoStatus {
    return { city: this.city && databaseStatus(this.city), asn: this.asn && databaseStatus(this.asn) };
  }

  override close(): void {
    // maxmind does not hand back its watch listener, so all listeners on the path go.
    for (const path of this.watched) unwatchFile(path);
  }
}

/** For when neither GEOIP_CITY_DB nor GEOIP_ASN_DB is set: geography-based signals stay silent. */
export class NoGeoLocator extends GeoLocator {
  lookup(_ip: string): GeoInfo | undefined {
    return undefined;
  }

  status(): GeoStatus {
    return {};
  }
}

function find(reader: Reader<GeoRecord>, address: string, v6: boolean): GeoRecord | null {
  // An IPv4-only database would walk an IPv6 address's first 32 bits and answer nonsense.
  if (v6 && reader.metadata.ipVersion === 4) return null;
  try {
    return reader.get(address);
  } catch {
    // Never fail a sign-in over geolocation; e.g. a database replaced by a corrupt file.
    return null;
  }
}

function databaseStatus({ path, reader }: OpenDatabase): GeoDatabaseStatus {
  // Read live: a watched database reloads in place, and its metadata with it.
  return { path, databaseType: reader.metadata.databaseType, buildTime: reader.metadata.buildEpoch };
}
