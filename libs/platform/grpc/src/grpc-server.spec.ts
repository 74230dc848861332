import { PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { createLogger, Readiness } from '@portcullis/observability';
import { GrpcHealth, grpcServerOptions, LIVENESS_SERVICE } from './grpc-server';

describe('grpcServerOptions', () => {
  it('registers health for the server and for each service of the packages, NOT_SERVING until told', () => {
    const health = new GrpcHealth();
    const registered: string[] = [];
    const original = health.register.bind(health);
    health.register = (name: string) => {
      registered.push(name);
      original(name);
    };
    grpcServerOptions(
      { host: '127.0.0.1', port: 0, protoPaths: [PROTO_FILES.identity], packages: [PROTO_PACKAGES.identity] },
      health,
    );
    expect(registered).toEqual(['portcullis.identity.v1.IdentityService']);
  });
});

describe('GrpcHealth', () => {
  const SERVICE = 'portcullis.audit.v1.AuditService';

  function setUp() {
    const readiness = new Readiness(
      { intervalMs: 60_000, timeoutMs: 100 },
      createLogger({ service: 'test', level: 'silent' }),
    );
    let kafkaUp = true;
    readiness.add({
      name: 'kafka',
      probe: () => (kafkaUp ? Promise.resolve() : Promise.reject(new Error('ECONNREFUSED'))),
    });
    const health = new GrpcHealth();
    health.register(SERVICE);
    const setKafka = (up: boolean) => (kafkaUp = up);
    return { readiness, health, setKafka };
  }

  const statuses = (health: GrpcHealth) => ({
    readiness: health.status(''),
    service: health.status(SERVICE),
    liveness: health.status(LIVENESS_SERVICE),
  });

  it('is NOT_SERVING everywhere until it listens', () => {
    const { health } = setUp();
    expect(statuses(health)).toEqual({
      readiness: 'NOT_SERVING',
      service: 'NOT_SERVING',
      liveness: 'NOT_SERVING',
    });
  });

  it('a failing dependency turns readiness and the service names NOT_SERVING, liveness stays SERVING; recovery brings them back', async () => {
    const { readiness, health, setKafka } = setUp();
    await health.follow(readiness);
    expect(statuses(health)).toEqual({ readiness: 'SERVING', service: 'SERVING', liveness: 'SERVING' });
    setKafka(false);
    await readiness.check();
    expect(statuses(health)).toEqual({
      readiness: 'NOT_SERVING',
      service: 'NOT_SERVING',
      liveness: 'SERVING',
    });
    setKafka(true);
    await readiness.check();
    expect(statuses(health)).toEqual({ readiness: 'SERVING', service: 'SERVING', liveness: 'SERVING' });
    readiness.stop();
  });

  it('a dependency down at start: alive but not ready', async () => {
    const { readiness, health, setKafka } = setUp();
    setKafka(false);
    await health.follow(readiness);
    expect(statuses(health)).toEqual({
      readiness: 'NOT_SERVING',
      service: 'NOT_SERVING',
      liveness: 'SERVING',
    });
    readiness.stop();
  });

  it('draining turns readiness NOT_SERVING whatever the checks say, and leaves liveness SERVING', async () => {
    const { readiness, health } = setUp();
    await health.follow(readiness);
    readiness.drain();
    expect(statuses(health)).toEqual({
      readiness: 'NOT_SERVING',
      service: 'NOT_SERVING',
      liveness: 'SERVING',
    });
    await readiness.check();
    expect(health.status(SERVICE)).toBe('NOT_SERVING');
  });
});
