import type { Server } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { GrpcOptions } from '@nestjs/microservices';
import { Transport } from '@nestjs/microservices';
import type { Readiness } from '@portcullis/observability';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { PROTO_LOADER_OPTIONS } from './loader-options';
import { rpcMetricsInterceptor } from './rpc-metrics.interceptor';

export interface GrpcServerSettings {
  readonly host: string;
  readonly port: number;
  readonly protoPaths: readonly string[];
  readonly packages: readonly string[];
  /** Largest request accepted, in bytes; larger ones fail with RESOURCE_EXHAUSTED. */
  readonly maxReceiveMessageBytes?: number;
}

/**
 * The health service name of liveness (Kubernetes' liveness and startup probes ask it): SERVING
 * from listening until the process exits, dependencies or not. Only a process that cannot answer
 * at all (an event loop stuck past the probe's timeout, a dead server) fails it.
 */
export const LIVENESS_SERVICE = 'portcullis.liveness';

/**
 * grpc.health.v1. The whole server ("") and each service by name report readiness, the meaning
 * balancers and clients give them (send traffic or not): NOT_SERVING until listening and the
 * dependencies answered, again while one does not or while draining. LIVENESS_SERVICE reports
 * liveness.
 */
export class GrpcHealth {
  private readonly statuses = new Map<string, ServingStatus>([
    ['', 'NOT_SERVING'],
    [LIVENESS_SERVICE, 'NOT_SERVING'],
  ]);
  readonly implementation = new HealthImplementation(Object.fromEntries(this.statuses));
  private readonly services = new Set<string>(['']);

  register(serviceName: string): void {
    this.services.add(serviceName);
    this.set(serviceName, 'NOT_SERVING');
  }

  /** Readiness: the server ("") and every registered service. */
  setAll(statusValue: ServingStatus): void {
    for (const name of this.services) this.set(name, statusValue);
  }

  /** What a Check of `service` answers now (undefined: NOT_FOUND). */
  status(service = ''): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  /**
   * Once the server listens: alive from now on, ready whenever `readiness` is. Resolves after the
   * first round of checks, so a service whose dependencies answer reports SERVING when it returns.
   */
  async follow(readiness: Readiness): Promise<void> {
    this.set(LIVENESS_SERVICE, 'SERVING');
    readiness.onChange((ready) => this.setAll(ready ? 'SERVING' : 'NOT_SERVING'));
    await readiness.start();
    this.setAll(readiness.ready ? 'SERVING' : 'NOT_SERVING');
  }

  private set(service: string, statusValue: ServingStatus): void {
    this.statuses.set(service, statusValue);
    this.implementation.setStatus(service, statusValue);
  }
}

/** How long a client connection lives before the server asks the client to reconnect. */
export const MAX_CONNECTION_AGE_MS = 5 * 60_000;

/** Nest gRPC transport options with health checking and server reflection attached. */
export function grpcServerOptions(settings: GrpcServerSettings, health: GrpcHealth): GrpcOptions {
  // Health answers for the server as a whole ("") and for each service the proto files define.
  const definition = loadSync([...settings.protoPaths], PROTO_LOADER_OPTIONS);
  const isService = (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    !('format' in value) &&
    Object.values(value).every((m) => typeof m === 'object' && m !== null && 'requestStream' in m);
  for (const [name, value] of Object.entries(definition)) {
    if (settings.packages.some((pkg) => name.startsWith(`${pkg}.`)) && isService(value))
      health.register(name);
  }
  return {
    transport: Transport.GRPC,
    options: {
      url: `${settings.host}:${settings.port}`,
      package: [...settings.packages],
      protoPath: [...settings.protoPaths],
      loader: PROTO_LOADER_OPTIONS,
      maxReceiveMessageLength: settings.maxReceiveMessageBytes ?? 4 * 1024 * 1024,
      // Nest hands channelOptions to the grpc-js Server: rate, errors and latency per method;
      // and connections that end after a while (calls in flight finish first), so clients
      // resolve their target again and spread over replicas added since.
      channelOptions: {
        interceptors: [rpcMetricsInterceptor()],
        'grpc.max_connection_age_ms': MAX_CONNECTION_AGE_MS,
      },
      onLoadPackageDefinition: (definition: object, server: Pick<Server, 'addService'>) => {
        new ReflectionService(definition as ConstructorParameters<typeof ReflectionService>[0]).addToServer(
          server,
        );
        health.implementation.addToServer(server);
      },
    },
  };
}
