import { createServer, connect, type Server, type Socket } from 'node:net';
import {
  type DedicatedKafka,
  dropDatabases,
  eventually,
  freePort,
  gatewaySecretSettings,
  grpcHealth,
  // What tooling asks; the services report liveness under it (@portcullis/grpc LIVENESS_SERVICE).
  LIVENESS_HEALTH_SERVICE as LIVENESS_SERVICE,
  type ServiceProcess,
  startDedicatedKafka,
  startServiceProcess,
  testInfrastructure,
  uniqueDatabaseName,
} from '@portcullis/testing';

jest.setTimeout(180_000);

/**
 * A TCP proxy in front of the shared PostgreSQL: closing it (listener and every connection) is a
 * database outage for the services behind it only; the server itself stays up for other tests.
 */
class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * Readiness is separate from liveness on real processes: a service whose Kafka or PostgreSQL does
 * not answer reports NOT_SERVING for readiness ("" and its service names, the gateway's /readyz)
 * while liveness stays SERVING, and is ready again by itself once the dependency is back.
 */
describe('readiness follows the dependencies, liveness does not', () => {
  const infra = testInfrastructure();
  const databases = [uniqueDatabaseName('readiness'), uniqueDatabaseName('readiness_gw')];
  let kafka: DedicatedKafka;
  let proxy: TcpProxy;
  let audit: ServiceProcess;
  let gateway: ServiceProcess;
  let gatewayHttp: string;

  const AUDIT_SERVICE = 'portcullis.audit.v1.AuditService';
  const GATEWAY_SERVICE = 'portcullis.gateway.v1.GatewayService';
  // Quick rounds, so outages show within a short bound.
  const READINESS = { READINESS_CHECK_INTERVAL_MS: '300', READINESS_CHECK_TIMEOUT_MS: '1000' };

  const httpStatus = async (path: string) => (await fetch(`${gatewayHttp}${path}`)).status;
  /** What the probes would see, for both services. */
  const probes = async () => ({
    audit: {
      ready: await grpcHealth(audit.grpcPort),
      service: await grpcHealth(audit.grpcPort, 1000, AUDIT_SERVICE),
      live: await grpcHealth(audit.grpcPort, 1000, LIVENESS_SERVICE),
    },
    gateway: {
      ready: await grpcHealth(gateway.grpcPort, 1000, GATEWAY_SERVICE),
      readyz: await httpStatus('/readyz'),
      live: await grpcHealth(gateway.grpcPort, 1000, LIVENESS_SERVICE),
      healthz: await httpStatus('/healthz'),
    },
  });
  const ALL_READY = {
    audit: { ready: 'SERVING', service: 'SERVING', live: 'SERVING' },
    gateway: { ready: 'SERVING', readyz: 200, live: 'SERVING', healthz: 200 },
  };
  const ALIVE_NOT_READY = {
    audit: { ready: 'NOT_SERVING', service: 'NOT_SERVING', live: 'SERVING' },
    gateway: { ready: 'NOT_SERVING', readyz: 503, live: 'SERVING', healthz: 200 },
  };
  const linesOf = (service: ServiceProcess, msg: string) =>
    service
      .output()
      .split('\n')
      .filter((line) => line.includes(`"msg":"${msg}"`));

  beforeAll(async () => {
    kafka = await startDedicatedKafka();
    const server = new URL(infra.databaseUrl);
    proxy = new TcpProxy(await freePort(), { host: server.hostname, port: Number(server.port || 5432) });
    await proxy.open();
    const proxied = new URL(infra.databaseUrl);
    proxied.host = `127.0.0.1:${proxy.port}`;
    const [httpPort, auditPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
    [audit, gateway] = await Promise.all([
      startServiceProcess('audit', {
        GRPC_PORT: String(auditPort),
        DATABASE_URL: proxied.toString(),
        DATABASE_NAME: databases[0],
        KAFKA_BROKERS: kafka.brokers.join(','),
        AUDIT_CONSUMER_GROUP: `readiness-${databases[0]}`,
        SHUTDOWN_DRAIN_MS: '3000',
        ...READINESS,
      }),
      startServiceProcess('gateway', {
        GRPC_PORT: String(gatewayPort),
        HTTP_PORT: String(httpPort),
        DATABASE_URL: proxied.toString(),
        DATABASE_NAME: databases[1],
        KAFKA_BROKERS: kafka.brokers.join(','),
        ...gatewaySecretSettings(),
        ...READINESS,
      }),
    ]);
    gatewayHttp = `http://127.0.0.1:${httpPort}`;
  });

  afterAll(async () => {
    await Promise.all([audit?.stop(), gateway?.stop()]);
    await proxy?.close();
    await kafka?.destroy();
    await dropDatabases(infra.databaseUrl, databases);
  });

  it('Kafka down: not ready but alive; Kafka back: ready again, each change logged once', async () => {
    expect(await probes()).toEqual(ALL_READY);
    await kafka.stop();
    await eventually(async () => expect(await probes()).toEqual(ALIVE_NOT_READY), { timeoutMs: 20_000 });
    await kafka.start();
    await eventually(async () => expect(await probes()).toEqual(ALL_READY), { timeoutMs: 30_000 });
    for (const service of [audit, gateway]) {
      // Many rounds failed while the broker was away; the change was logged once, by name.
      expect(linesOf(service, 'not ready: kafka not answering')).toHaveLength(1);
      expect(linesOf(service, 'ready again')).toHaveLength(1);
    }
  });

  it('PostgreSQL unreachable: not ready but alive; reachable again: ready again', async () => {
    expect(await probes()).toEqual(ALL_READY);
    await proxy.close();
    await eventually(async () => expect(await probes()).toEqual(ALIVE_NOT_READY), { timeoutMs: 20_000 });
    expect(linesOf(audit, 'not ready: postgresql not answering')).toHaveLength(1);
    await proxy.open();
    await eventually(async () => expect(await probes()).toEqual(ALL_READY), { timeoutMs: 30_000 });
    // The database URL holds the password of the shared server; the readiness log lines never do.
    const password = new URL(infra.databaseUrl).password;
    if (password)
      expect(linesOf(audit, 'not ready: postgresql not answering').join()).not.toContain(password);
  });

  it('SIGTERM: not ready at once while still alive through the drain, then exits 0', async () => {
    audit.child.kill('SIGTERM');
    await eventually(async () => expect(await grpcHealth(audit.grpcPort)).toBe('NOT_SERVING'));
    expect(await grpcHealth(audit.grpcPort, 1000, LIVENESS_SERVICE)).toBe('SERVING');
    expect(await audit.exited()).toBe(0);
  });
});
