import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config';
import { eventDrivenServiceSchema, secret } from './schemas';

// Extended like the apps extend it: the production check must survive `.extend()`.
const schema = eventDrivenServiceSchema({ grpcPort: 50000, database: 'portcullis_x' }).extend({
  ADMIN_TOKEN: secret(32),
});

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
  ADMIN_TOKEN: 'q8Zr7tY2xPw4LmN6vB1cK9dF3gH5jS0a',
};

describe('loadConfig', () => {
  it('returns a typed, frozen object with defaults applied', () => {
    const config = loadConfig(schema, valid);
    expect(config.GRPC_PORT).toBe(50000);
    expect(config.DATABASE_NAME).toBe('portcullis_x');
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(config.MIGRATE_ON_BOOT).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.KAFKA_BROKERS)).toBe(true);
  });

  it('refuses missing and malformed values, naming every one and no value', () => {
    try {
      loadConfig(schema, {
        ...valid,
        DATABASE_URL: 'mysql://x',
        GRPC_PORT: '70000',
        KAFKA_BROKERS: undefined,
        ADMIN_TOKEN: undefined,
      });
      throw new Error('expected ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/DATABASE_URL/);
      expect(problems).toMatch(/GRPC_PORT/);
      expect(problems).toMatch(/KAFKA_BROKERS/);
      expect(problems).toMatch(/ADMIN_TOKEN/);
      expect(problems).not.toContain('mysql://x');
    }
  });

  it.each(['changeme', 'CHANGE_ME', 'secret', 'password', 'x'.repeat(40), '0'.repeat(40)])(
    'refuses the example secret %s (Ory GHSA-hgx2-28f8-6g2r)',
    (example) => {
      expect(() => loadConfig(schema, { ...valid, ADMIN_TOKEN: example })).toThrow(ConfigError);
    },
  );

  it('refuses a short secret', () => {
    expect(() => loadConfig(schema, { ...valid, ADMIN_TOKEN: 'short-but-random-Zq1' })).toThrow(
      /at least 32/,
    );
  });

  it('refuses fault points in production', () => {
    expect(() =>
      loadConfig(schema, { ...valid, NODE_ENV: 'production', FAULT_POINTS: 'relay.after-publish=kill' }),
    ).toThrow(/FAULT_POINTS/);
    expect(
      loadConfig(schema, { ...valid, NODE_ENV: 'test', FAULT_POINTS: 'relay.after-publish=kill' })
        .FAULT_POINTS,
    ).toBe('relay.after-publish=kill');
  });

  it('takes a traces file only as an absolute path', () => {
    expect(loadConfig(schema, valid).OTEL_TRACES_FILE).toBeUndefined();
    expect(loadConfig(schema, { ...valid, OTEL_TRACES_FILE: '/tmp/spans.jsonl' }).OTEL_TRACES_FILE).toBe(
      '/tmp/spans.jsonl',
    );
    expect(() => loadConfig(schema, { ...valid, OTEL_TRACES_FILE: 'spans.jsonl' })).toThrow(
      /OTEL_TRACES_FILE/,
    );
  });

  it('serves metrics only when METRICS_PORT names a port other than the gRPC one', () => {
    expect(loadConfig(schema, valid)).toMatchObject({ METRICS_PORT: 0, METRICS_HOST: '127.0.0.1' });
    expect(loadConfig(schema, { ...valid, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toMatchObject({
      METRICS_PORT: 9464,
      METRICS_HOST: '0.0.0.0',
    });
    expect(() => loadConfig(schema, { ...valid, METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig(schema, { ...valid, METRICS_PORT: 'nine' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig(schema, { ...valid, METRICS_PORT: '50000' })).toThrow(
      /METRICS_PORT: must differ from GRPC_PORT/,
    );
  });

  it('is strict about booleans rather than guessing', () => {
    expect(() => loadConfig(schema, { ...valid, MIGRATE_ON_BOOT: 'yes' })).toThrow(ConfigError);
    expect(loadConfig(schema, { ...valid, MIGRATE_ON_BOOT: 'false' }).MIGRATE_ON_BOOT).toBe(false);
    expect(z.string().safeParse(1).success).toBe(false);
  });
});
