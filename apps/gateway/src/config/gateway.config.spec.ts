import { gatewaySecretSettings } from '@portcullis/testing';
import { loadGatewayConfig } from './gateway.config';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  KAFKA_BROKERS: '127.0.0.1:9092',
  ...gatewaySecretSettings(),
};

describe('gateway peer addresses', () => {
  it.each([
    '127.0.0.1:50062',
    'portcullis-factors:50062',
    'dns:///portcullis-factors-headless.ns.svc.cluster.local:50062',
    'ipv4:127.0.0.1:50062,127.0.0.1:50072',
  ])('accepts %s', (target) => {
    expect(loadGatewayConfig({ ...base, FACTORS_GRPC_URL: target }).FACTORS_GRPC_URL).toBe(target);
  });

  it.each(['factors', 'http://factors:50062', 'ipv4:127.0.0.1', 'dns:///factors', '127.0.0.1:50062 ; rm'])(
    'refuses %s with the setting named',
    (target) => {
      expect(() => loadGatewayConfig({ ...base, FACTORS_GRPC_URL: target })).toThrow(/FACTORS_GRPC_URL/);
    },
  );
});
