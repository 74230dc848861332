import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeEventPayload,
  EVENT_HEADERS,
  type EventPayload,
  eventDefinition,
  eventPayloadToJson,
  type EventType,
  PROTO_FILES,
  PROTO_PACKAGES,
  riskV1,
} from '@portcullis/contracts';
import { GrpcPeer } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import {
  double,
  dropDatabases,
  freePort,
  publishRaw,
  queryDatabase,
  testInfrastructure,
  uniqueDatabaseName,
  uniqueSuffix,
  WebhookStandIn,
  writeMmdb,
} from '@portcullis/testing';
import { loadRiskConfig, type RiskConfig } from '../src/config/risk.config';
import { type RunningRisk, startRisk } from '../src/risk-app';

/** Places the generated geolocation database knows (documentation ranges, RFC 5737 / 3849). */
export const PLACES = {
  london: {
    ip: '192.0.2.10',
    net: '192.0.2.0/25',
    v6: '2001:db8:10::1',
    country: 'GB',
    lat: 51.5072,
    lon: -0.1276,
    asn: 2856,
    org: 'BT',
  },
  paris: {
    ip: '192.0.2.140',
    net: '192.0.2.128/25',
    v6: '2001:db8:20::1',
    country: 'FR',
    lat: 48.8566,
    lon: 2.3522,
    asn: 3215,
    org: 'Orange',
  },
  sydney: {
    ip: '198.51.100.20',
    net: '198.51.100.0/25',
    v6: '2001:db8:30::1',
    country: 'AU',
    lat: -33.8688,
    lon: 151.2093,
    asn: 1221,
    org: 'Telstra',
  },
  vpn: {
    ip: '198.51.100.200',
    net: '198.51.100.128/25',
    v6: '2001:db8:40::1',
    country: 'NL',
    lat: 52.37,
    lon: 4.89,
    asn: 9009,
    org: 'M247',
  },
  cloud: {
    ip: '203.0.113.200',
    net: '203.0.113.128/25',
    v6: '2001:db8:50::1',
    country: 'US',
    lat: 39.04,
    lon: -77.49,
    asn: 16509,
    org: 'Amazon',
  },
} as const;

/** Addresses on the generated threat feed. */
export const LISTED = { v4: '203.0.113.66', v6: '2001:db8:bad::1', tor: '203.0.113.99' } as const;

export const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

async function writeGeoDatabase(path: string): Promise<void> {
  const records = Object.values(PLACES).flatMap((p) => {
    const data = {
      country: { iso_code: p.country },
      location: { latitude: double(p.lat), longitude: double(p.lon), accuracy_radius: 20 },
      autonomous_system_number: p.asn,
      autonomous_system_organization: p.org,
    };
    return [
      { network: p.net, data },
      { network: `${p.v6.slice(0, -1)}/48`, data },
    ];
  });
  await writeMmdb(path, { databaseType: 'GeoIP2-City', records });
}

/** The risk service in-process on a fresh database, with its feeds, geolocation and a gRPC client. */
export class RiskHarness {
  readonly infra = testInfrastructure();
  readonly database = uniqueDatabaseName('risk');
  readonly webhook = new WebhookStandIn();
  readonly webhookSecret = randomBytes(32).toString('base64url');
  readonly tenantId = randomUUID();
  readonly logs: string[] = [];
  dir = '';
  feedPath = '';
  torPath = '';
  config!: RiskConfig;
  running!: RunningRisk;
  client!: GrpcPeer<riskV1.RiskServiceClient>;

  /** Starts on a new database, or on `shareDatabaseOf`'s (a second instance). */
  async start(settings: Record<string, string> = {}, shareDatabaseOf?: RiskHarness): Promise<this> {
    this.dir = shareDatabaseOf?.dir ?? (await mkdtemp(join(tmpdir(), 'risk-')));
    this.feedPath = join(this.dir, 'blocklist.netset');
    this.torPath = join(this.dir, 'tor-exits.txt');
    if (!shareDatabaseOf) {
      await writeFile(
        this.feedPath,
        `# FireHOL-style netset\n#\n${LISTED.v4}\n2001:db8:bad::/48\n10.66.0.0/16\n`,
      );
      await writeFile(
        this.torPath,
        `ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E\nExitAddress ${LISTED.tor} 2026-11-28 10:00:00\n`,
      );
      await writeGeoDatabase(join(this.dir, 'geo.mmdb'));
    }
    await this.webhook.start();
    const port = await freePort();
    this.config = loadRiskConfig({
      DATABASE_URL: this.infra.databaseUrl,
      DATABASE_NAME: shareDatabaseOf?.database ?? this.database,
      KAFKA_BROKERS: this.infra.kafkaBrokers.join(','),
      GRPC_PORT: String(port),
      OUTBOX_POLL_INTERVAL_MS: '200',
      OTEL_ENABLED: 'false',
      RISK_CONSUMER_GROUP: shareDatabaseOf?.config.RISK_CONSUMER_GROUP ?? `risk-${uniqueSuffix()}`,
      RISK_IP_FEEDS: `blocklist:firehol_level1=${this.feedPath} tor:tor_exits=file://${this.torPath}`,
      RISK_FEED_REFRESH_SECONDS: '3600',
      GEOIP_CITY_DB: join(this.dir, 'geo.mmdb'),
      GEOIP_ASN_DB: join(this.dir, 'geo.mmdb'),
      RISK_ANONYMIZER_ASNS: 'AS9009',
      RISK_HOSTING_ASNS: '16509',
      RISK_ALERT_WEBHOOK_URL: this.webhook.url,
      RISK_ALERT_WEBHOOK_SECRET: this.webhookSecret,
      ...settings,
    });
    const logger = createLogger({
      service: 'risk',
      level: settings['LOG_LEVEL'] ?? 'debug',
      destination: { write: (line: string) => this.logs.push(line) },
    });
    this.running = await startRisk(this.config, logger);
    this.client = new GrpcPeer({
      url: `127.0.0.1:${port}`,
      protoPath: PROTO_FILES.risk,
      packageName: PROTO_PACKAGES.risk,
      serviceName: riskV1.RISK_SERVICE_NAME,
      deadlineMs: 10_000,
    });
    return this;
  }

  async stop(dropDatabase = true): Promise<void> {
    this.client?.close();
    await this.running?.close();
    await this.webhook.stop();
    if (dropDatabase) {
      await dropDatabases(this.infra.databaseUrl, [this.database]);
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  /** A ScoreAttempt request with sensible defaults (a familiar browser, password passed). */
  score(over: Partial<riskV1.ScoreAttemptRequest> = {}): Promise<riskV1.ScoreAttemptResponse> {
    return this.client.call('scoreAttempt', {
      tenantId: this.tenantId,
      attemptId: randomUUID(),
      userId: '',
      clientIp: PLACES.london.ip,
      userAgent: BROWSER,
      deviceId: '',
      deviceRemembered: false,
      passwordCheck: riskV1.PasswordCheck.PASSWORD_CHECK_PASSED,
      ...over,
    });
  }

  /** Publishes events as their producers would (headers included), e.g. the gateway's sign-ins. */
  async publish<K extends EventType>(
    type: K,
    payloads: readonly (EventPayload<K> & { tenantId: string; userId?: string })[],
    options: { occurredAt?: Date; eventId?: string } = {},
  ): Promise<void> {
    const topic = eventDefinition(type).topic;
    await publishRaw(
      this.infra.kafkaBrokers,
      topic,
      payloads.map((p) => ({
        key: p.userId ? `${p.tenantId}:${p.userId}` : p.tenantId,
        value: encodeEventPayload(type, p),
        headers: {
          [EVENT_HEADERS.id]: options.eventId ?? randomUUID(),
          [EVENT_HEADERS.type]: type,
          [EVENT_HEADERS.tenantId]: p.tenantId,
          [EVENT_HEADERS.occurredAt]: (options.occurredAt ?? new Date()).toISOString(),
        },
      })),
    );
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return queryDatabase<T>(this.infra.databaseUrl, this.database, sql, params);
  }

  async events(type?: EventType): Promise<{ type: EventType; payload: Record<string, unknown> }[]> {
    const rows = await this.query<{ type: EventType; payload: Buffer }>(
      'SELECT type, payload FROM outbox_events ORDER BY seq',
    );
    return rows
      .filter((r) => !type || r.type === type)
      .map((r) => ({
        type: r.type,
        payload: eventPayloadToJson(r.type, r.payload) as Record<string, unknown>,
      }));
  }
}
