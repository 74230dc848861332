import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  deliverySecretSettings,
  dropDatabases,
  factorsSecretSettings,
  freePort,
  gatewaySecretSettings,
  grpcHealth,
  identitySecretSettings,
  type ServiceName,
  queryDatabase,
  startServiceProcess,
  testInfrastructure,
  uniqueDatabaseName,
  eventually,
} from '@portcullis/testing';

/** Every service boots as its own process, migrates its own database and answers grpc.health.v1. */
describe('the six services boot, migrate and answer health checks', () => {
  const infra = testInfrastructure();
  const databases: string[] = [];

  afterAll(async () => {
    await dropDatabases(infra.databaseUrl, databases);
  });

  it.each<[ServiceName, string[]]>([
    [
      'identity',
      ['MessagingTables1764316800000', 'IdentitySchema1764316800100', 'IdentityCredentials1764662400600'],
    ],
    ['factors', ['MessagingTables1764316800000', 'FactorsSchema1764403200100']],
    ['delivery', ['MessagingTables1764316800000', 'DeliverySchema1764489600300']],
    ['risk', ['MessagingTables1764316800000', 'RiskSchema1764576000500']],
    [
      'audit',
      [
        'MessagingTables1764316800000',
        'AuditSchema1764316800200',
        'AuditChain1764316800210',
        'AuditKpis1764316800220',
        'AuditPublisher1764316800230',
      ],
    ],
  ])('%s', async (service, migrations) => {
    const database = uniqueDatabaseName(service);
    databases.push(database);
    const port = await freePort();
    const process = await startServiceProcess(service, {
      GRPC_PORT: String(port),
      DATABASE_URL: infra.databaseUrl,
      DATABASE_NAME: database,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      AUDIT_CONSUMER_GROUP: `boot-${database}`,
      ...(service === 'factors' ? factorsSecretSettings() : {}),
      ...(service === 'identity' ? identitySecretSettings() : {}),
      ...(service === 'delivery'
        ? deliverySecretSettings(factorsSecretSettings()['CODE_TRANSPORT_KEYS'])
        : {}),
      ...(service === 'delivery' ? { HTTP_PORT: '0' } : {}),
      ...(service === 'risk' ? { RISK_CONSUMER_GROUP: `boot-${database}` } : {}),
    });
    try {
      expect(await grpcHealth(port)).toBe('SERVING');
      if (service === 'identity')
        expect(await grpcHealth(port, 1000, 'portcullis.identity.v1.IdentityService')).toBe('SERVING');
      if (service === 'factors')
        expect(await grpcHealth(port, 1000, 'portcullis.factors.v1.FactorsService')).toBe('SERVING');
      if (service === 'audit')
        expect(await grpcHealth(port, 1000, 'portcullis.audit.v1.AuditService')).toBe('SERVING');
      if (service === 'risk')
        expect(await grpcHealth(port, 1000, 'portcullis.risk.v1.RiskService')).toBe('SERVING');
      const applied = await queryDatabase<{ name: string }>(
        infra.databaseUrl,
        database,
        'SELECT name FROM schema_migrations ORDER BY id',
      );
      expect(applied.map((m) => m.name)).toEqual(migrations);
    } finally {
      await process.stop();
    }
    expect(await process.exited()).toBe(0); // SIGTERM is a clean shutdown
    expect(await grpcHealth(port)).toBe('UNREACHABLE');
  });

  it('gateway', async () => {
    const [port, httpPort] = [await freePort(), await freePort()];
    const database = uniqueDatabaseName('gateway');
    databases.push(database);
    const gateway = await startServiceProcess('gateway', {
      GRPC_PORT: String(port),
      HTTP_PORT: String(httpPort),
      DATABASE_URL: infra.databaseUrl,
      DATABASE_NAME: database,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      ...gatewaySecretSettings(),
    });
    try {
      expect(await grpcHealth(port)).toBe('SERVING');
      expect(await grpcHealth(port, 1000, 'portcullis.gateway.v1.GatewayService')).toBe('SERVING');
      const response = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      expect(await response.json()).toEqual({ status: 'SERVING' });
      const applied = await queryDatabase<{ name: string }>(
        infra.databaseUrl,
        database,
        'SELECT name FROM schema_migrations ORDER BY id',
      );
      expect(applied.map((m) => m.name)).toEqual([
        'MessagingTables1764316800000',
        'GatewaySchema1764748800700',
      ]);
    } finally {
      await gateway.stop();
    }
  });

  it.each([
    ['a missing admin token', {}, /GATEWAY_ADMIN_TOKEN: is required/],
    [
      'an example admin token (Ory GHSA-hgx2-28f8-6g2r)',
      { GATEWAY_ADMIN_TOKEN: 'changeme' },
      /GATEWAY_ADMIN_TOKEN: .*example value/,
    ],
    [
      'a malformed peer address',
      { GATEWAY_ADMIN_TOKEN: randomBytes(32).toString('hex'), IDENTITY_GRPC_URL: 'identity' },
      /IDENTITY_GRPC_URL: must be host:port/,
    ],
  ])(
    'the gateway refuses to start with %s, naming the setting but not its value',
    async (_name, env, problem) => {
      const gateway = await startServiceProcess(
        'gateway',
        { GRPC_PORT: String(await freePort()), ...env },
        { waitForHealth: false },
      );
      expect(await gateway.exited()).toBe(1);
      expect(gateway.output()).toMatch(problem);
      expect(gateway.output()).toContain('"invalid configuration"');
      expect(gateway.output()).not.toMatch(/changeme|identity"/);
      expect(gateway.output()).not.toMatch(/\n\s+at /); // no stack trace
    },
  );

  it.each<[string, Record<string, string>, RegExp]>([
    ['missing keys', {}, /FACTORS_ENCRYPTION_KEYS: is required/],
    [
      'an example hash key and a malformed key ring',
      {
        ...factorsSecretSettings(),
        FACTORS_HASH_KEY: 'changeme',
        FACTORS_ENCRYPTION_KEYS: `k1:${'A'.repeat(40)}`,
      },
      /FACTORS_ENCRYPTION_KEYS: .*32 bytes[\s\S]*FACTORS_HASH_KEY: .*example value|FACTORS_HASH_KEY: .*example value[\s\S]*FACTORS_ENCRYPTION_KEYS: .*32 bytes/,
    ],
  ])(
    'factors refuses to start with %s, naming the setting but not its value (SECURITY.md 28)',
    async (_n, env, problem) => {
      const factors = await startServiceProcess(
        'factors',
        {
          GRPC_PORT: String(await freePort()),
          DATABASE_URL: infra.databaseUrl,
          KAFKA_BROKERS: infra.kafkaBrokers.join(','),
          ...env,
        },
        { waitForHealth: false },
      );
      expect(await factors.exited()).toBe(1);
      expect(factors.output()).toMatch(problem);
      expect(factors.output()).not.toMatch(/changeme|AAAAAAAA/);
    },
  );

  it.each<[string, Record<string, string>, RegExp]>([
    ['no hash key', {}, /IDENTITY_HASH_KEY: is required/],
    ['an example hash key', { IDENTITY_HASH_KEY: 'changeme' }, /IDENTITY_HASH_KEY: .*example value/],
  ])(
    'identity refuses to start with %s, naming the setting but not its value (SECURITY.md 28)',
    async (_n, env, problem) => {
      const identity = await startServiceProcess(
        'identity',
        {
          GRPC_PORT: String(await freePort()),
          DATABASE_URL: infra.databaseUrl,
          KAFKA_BROKERS: infra.kafkaBrokers.join(','),
          ...env,
        },
        { waitForHealth: false },
      );
      expect(await identity.exited()).toBe(1);
      expect(identity.output()).toMatch(problem);
      expect(identity.output()).not.toMatch(/changeme/);
      expect(identity.output()).not.toMatch(/\n\s+at /); // no stack trace
    },
  );

  it('a database service refuses to start without DATABASE_URL and KAFKA_BROKERS', async () => {
    const identity = await startServiceProcess(
      'identity',
      { GRPC_PORT: String(await freePort()) },
      { waitForHealth: false },
    );
    expect(await identity.exited()).toBe(1);
    expect(identity.output()).toMatch(/DATABASE_URL: is required/);
    expect(identity.output()).toMatch(/KAFKA_BROKERS/);
  });

  it('fault points are refused in production', async () => {
    const identity = await startServiceProcess(
      'identity',
      {
        GRPC_PORT: String(await freePort()),
        NODE_ENV: 'production',
        DATABASE_URL: infra.databaseUrl,
        KAFKA_BROKERS: infra.kafkaBrokers.join(','),
        ...identitySecretSettings(),
        FAULT_POINTS: 'relay.after-publish=kill',
      },
      { waitForHealth: false },
    );
    expect(await identity.exited()).toBe(1);
    expect(identity.output()).toMatch(/FAULT_POINTS is for fault-injection tests/);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['a malformed threat-feed list', { RISK_IP_FEEDS: 'evil:feed=/tmp/x' }, /RISK_IP_FEEDS: .*category/i],
    [
      'an alert webhook without its secret',
      { RISK_ALERT_WEBHOOK_URL: 'https://alerts.example.com/hook' },
      /RISK_ALERT_WEBHOOK_SECRET: is required when RISK_ALERT_WEBHOOK_URL is set/,
    ],
    ['an unreadable geolocation database', { GEOIP_CITY_DB: '/nonexistent/city.mmdb' }, /GEOIP_CITY_DB/],
  ])('risk refuses to start with %s, naming the setting', async (_n, env, problem) => {
    const risk = await startServiceProcess(
      'risk',
      {
        GRPC_PORT: String(await freePort()),
        DATABASE_URL: infra.databaseUrl,
        KAFKA_BROKERS: infra.kafkaBrokers.join(','),
        ...env,
      },
      { waitForHealth: false },
    );
    expect(await risk.exited()).toBe(1);
    expect(risk.output()).toMatch(problem);
    expect(risk.output()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('on SIGTERM stops being ready, keeps serving through the drain, flushes its spans and exits 0', async () => {
    // An OTLP/HTTP stand-in: spans reach it only from the batch the SDK flushes at shutdown
    // (the batch processor's 5 s schedule is longer than this service lives).
    const exports: number[] = [];
    const collector = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (request.url === '/v1/traces') exports.push(Date.now());
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const database = uniqueDatabaseName('drain');
    databases.push(database);
    const port = await freePort();
    const audit = await startServiceProcess('audit', {
      GRPC_PORT: String(port),
      DATABASE_URL: infra.databaseUrl,
      DATABASE_NAME: database,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      AUDIT_CONSUMER_GROUP: `drain-${database}`,
      OTEL_ENABLED: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      SHUTDOWN_DRAIN_MS: '3000',
    });
    try {
      expect(await grpcHealth(port, 1000, 'portcullis.audit.v1.AuditService')).toBe('SERVING');
      expect(exports).toEqual([]);
      audit.child.kill('SIGTERM');
      // Not ready at once, yet still answering: the drain.
      await eventually(async () =>
        expect(await grpcHealth(port, 1000, 'portcullis.audit.v1.AuditService')).toBe('NOT_SERVING'),
      );
      expect(await audit.exited()).toBe(0);
      expect(exports.length).toBeGreaterThan(0);
      expect(audit.output()).toContain('SIGTERM: shutting down');
    } finally {
      await audit.stop();
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});
