import type { Server } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { GrpcOptions } from '@nestjs/microservices';
import { Transport } from '@nestjs/microservices';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { PROTO_LOADER_OPTIONS } from './loader-options';

export interface GrpcServerSettings {
  readonly host: string;
  readonly port: number;
  readonly protoPaths: readonly string[];
  readonly packages: readonly string[];
  /** Largest request accepted, in bytes; larger ones fail with RESOURCE_EXHAUSTED. */
  readonly maxReceiveMessageBytes?: number;
}

/**
 * grpc.health.v1 for the whole server ("") and each service. Starts NOT_SERVING; the app marks
 * itself SERVING once it listens and its dependencies answered.
 */
export class GrpcHealth {
  readonly implementation = new HealthImplementation({ '': 'NOT_SERVING' });
  private readonly services = new Set<string>(['']);

  register(serviceName: string): void {
    this.services.add(serviceName);
    this.implementation.setStatus(serviceName, 'NOT_SERVING');
  }

  setAll(statusValue: ServingStatus): void {
    for (const name of this.services) this.implementation.setStatus(name, statusValue);
  }
}

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
      onLoadPackageDefinition: (definition: object, server: Pick<Server, 'addService'>) => {
        new ReflectionService(definition as ConstructorParameters<typeof ReflectionService>[0]).addToServer(
          server,
        );
        health.implementation.addToServer(server);
      },
    },
  };
}
