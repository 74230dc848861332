import {
  type Client,
  credentials,
  makeGenericClientConstructor,
  Metadata,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type ServiceError,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { MetricsProbe } from '@portcullis/observability';
import { GrpcHealth, grpcServerOptions } from './grpc-server';
import { rpcMetricsInterceptor } from './rpc-metrics.interceptor';

const bytes = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const unary = (path: string) => ({
  path,
  requestStream: false,
  responseStream: false,
  requestSerialize: bytes.serialize,
  requestDeserialize: bytes.deserialize,
  responseSerialize: bytes.serialize,
  responseDeserialize: bytes.deserialize,
});
const SERVICE: ServiceDefinition = {
  Echo: unary('/test.v1.EchoService/Echo'),
  Deny: unary('/test.v1.EchoService/Deny'),
  Slow: unary('/test.v1.EchoService/Slow'),
};
const implementation: UntypedServiceImplementation = {
  Echo: (call: { request: Buffer }, callback: (e: null, r: Buffer) => void) => callback(null, call.request),
  Deny: (_call: unknown, callback: (e: Partial<ServiceError>) => void) =>
    callback({ code: status.PERMISSION_DENIED, details: 'no' }),
  Slow: (_call: unknown, callback: (e: null, r: Buffer) => void) =>
    setTimeout(() => callback(null, Buffer.alloc(0)), 300),
};

type Unary = (
  request: Buffer,
  metadata: Metadata,
  options: { deadline?: number },
  callback: (error: ServiceError | null) => void,
) => void;

describe('rpcMetricsInterceptor', () => {
  const probe = new MetricsProbe();
  const server = new Server({ interceptors: [rpcMetricsInterceptor(probe.meter)] });
  let client: Client & Record<string, Unary>;

  beforeAll(async () => {
    server.addService(SERVICE, implementation);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    const Client = makeGenericClientConstructor(
      { ...SERVICE, Missing: unary('/test.v1.EchoService/Missing') },
      'EchoService',
    );
    client = new Client(`127.0.0.1:${port}`, credentials.createInsecure()) as Client & Record<string, Unary>;
  });

  afterAll(async () => {
    client.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    await probe.shutdown();
  });

  const call = (method: string, deadlineMs = 5000) =>
    new Promise<number>((resolve) =>
      client[method](Buffer.from('hi'), new Metadata(), { deadline: Date.now() + deadlineMs }, (error) =>
        resolve(error?.code ?? status.OK),
      ),
    );

  it('records one duration per call, by full method name and status name, errors and cancels included', async () => {
    expect(await call('Echo')).toBe(status.OK);
    expect(await call('Echo')).toBe(status.OK);
    expect(await call('Deny')).toBe(status.PERMISSION_DENIED);
    expect(await call('Slow', 50)).toBe(status.DEADLINE_EXCEEDED);
    // Unknown to the server: answered UNIMPLEMENTED before any interceptor, so no series of it.
    expect(await call('Missing')).toBe(status.UNIMPLEMENTED);
    await new Promise((resolve) => setTimeout(resolve, 400)); // the slow handler finishes late

    const points = await probe.points('rpc.server.call.duration');
    const summary = points
      .map((p) => [p.attributes['rpc.method'], p.attributes['rpc.status_code'], p.count])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(summary).toEqual([
      ['test.v1.EchoService/Deny', 'PERMISSION_DENIED', 1],
      ['test.v1.EchoService/Echo', 'OK', 2],
      ['test.v1.EchoService/Slow', 'CANCELLED', 1],
    ]);
    expect(points.every((p) => p.attributes['rpc.system.name'] === 'grpc')).toBe(true);
    const slow = points.find((p) => p.attributes['rpc.method'] === 'test.v1.EchoService/Slow');
    // Seconds, measured up to the cancel (the deadline), not to the handler's late answer.
    expect(slow?.sum).toBeGreaterThan(0.01);
    expect(slow?.sum).toBeLessThan(0.3);
  });
});

describe('grpcServerOptions', () => {
  it('gives every server built from them the metrics interceptor', () => {
    const options = grpcServerOptions(
      { host: '127.0.0.1', port: 0, protoPaths: [PROTO_FILES.identity], packages: [PROTO_PACKAGES.identity] },
      new GrpcHealth(),
    );
    const interceptors = (options.options?.channelOptions as { interceptors?: unknown[] }).interceptors;
    expect(interceptors).toHaveLength(1);
    expect(typeof interceptors?.[0]).toBe('function');
  });
});
