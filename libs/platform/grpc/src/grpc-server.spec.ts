import { PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { GrpcHealth, grpcServerOptions } from './grpc-server';

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
