import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Server, ServerCredentials, type ServiceDefinition, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { DomainError } from '@portcullis/errors';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { Observable } from 'rxjs';
import { GrpcPeer } from './grpc-peer';
import { PROTO_LOADER_OPTIONS } from './loader-options';

interface HealthClient {
  check(request: { service: string }): Observable<{ status: string }>;
}

const healthService = () => {
  const root = loadPackageDefinition(loadSync(healthProtoPath, PROTO_LOADER_OPTIONS)) as unknown as {
    grpc: { health: { v1: { Health: { service: ServiceDefinition } } } };
  };
  return root.grpc.health.v1.Health.service;
};

/** A grpc.health.v1 server on a free port: it counts calls, and answers unless told not to. */
async function server(answers = true) {
  const s = new Server();
  const served = { calls: 0 };
  s.addService(healthService(), {
    check: (_call: unknown, callback: (error: null, response: { status: string }) => void) => {
      served.calls += 1;
      if (answers) callback(null, { status: 'SERVING' });
    },
    watch: () => undefined,
  });
  const port = await new Promise<number>((ok, fail) =>
    s.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) =>
      error ? fail(error) : ok(p),
    ),
  );
  return { served, address: `127.0.0.1:${port}`, stop: () => s.forceShutdown() };
}

const peerOf = (url: string, deadlineMs = 2000) =>
  new GrpcPeer<HealthClient>({
    url,
    protoPath: healthProtoPath,
    packageName: 'grpc.health.v1',
    serviceName: 'Health',
    deadlineMs,
  });

describe('GrpcPeer', () => {
  it('ends every call at its deadline with UPSTREAM_TIMEOUT (SECURITY.md 39)', async () => {
    const silent = await server(false);
    const peer = peerOf(silent.address, 150);
    try {
      const started = Date.now();
      const error = await peer.call('check', { service: '' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('UPSTREAM_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(silent.served.calls).toBe(1);
    } finally {
      peer.close();
      silent.stop();
    }
  });

  it('spreads calls round robin over every address of its target, not one connection', async () => {
    const [a, b] = await Promise.all([server(), server()]);
    const peer = peerOf(`ipv4:${a.address},${b.address}`);
    try {
      for (let i = 0; i < 20; i += 1) await peer.call('check', { service: '' });
      expect(a.served.calls + b.served.calls).toBe(20);
      expect(Math.min(a.served.calls, b.served.calls)).toBeGreaterThanOrEqual(5);
    } finally {
      peer.close();
      a.stop();
      b.stop();
    }
  });

  it('is the only way services call each other (so no call goes without a deadline)', () => {
    // Every place that builds a gRPC client in service code; each must set a deadline per call.
    const root = resolve(__dirname, '../../../..');
    const builders = execFileSync(
      'git',
      [
        'grep',
        '-l',
        '-E',
        'ClientGrpcProxy|loadPackageDefinition|makeGenericClientConstructor',
        '--',
        'apps/*/src/**.ts',
        'libs/**/src/**.ts',
        ':!*.spec.ts',
      ],
      { cwd: root, encoding: 'utf8' },
    )
      .trim()
      .split('\n')
      .sort();
    // grpc-peer.ts: the deadline of the settings on every call; audit.client.ts: the export
    // stream's own deadline (unary calls go through GrpcPeer); the SDK: its deadlineMs.
    expect(builders).toEqual(
      expect.arrayContaining([
        'apps/gateway/src/clients/audit.client.ts',
        'libs/platform/grpc/src/grpc-peer.ts',
      ]),
    );
    const allowed = new Set([
      'apps/gateway/src/clients/audit.client.ts',
      'libs/platform/grpc/src/grpc-peer.ts',
      'libs/sdk/src/portcullis-grpc.client.ts',
    ]);
    expect(builders.filter((file) => !allowed.has(file))).toEqual([]);
  });
});
