import type { DynamicModule, INestApplicationContext, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { type Logger, PinoNestLogger, Readiness, stopTelemetry } from '@portcullis/observability';
import { GrpcExceptionFilter } from './grpc-exception.filter';
import { GrpcHealth, grpcServerOptions, type GrpcServerSettings } from './grpc-server';

export interface RunningService {
  readonly app: INestMicroservice | INestApplicationContext;
  readonly health: GrpcHealth;
  readonly readiness: Readiness;
  /** Stops being ready (health NOT_SERVING) while still serving what arrives. */
  drain(): void;
  close(): Promise<void>;
}

/** The app's Readiness (readinessProvider), which its dependencies' checks joined. */
export function readinessOf(app: INestApplicationContext): Readiness {
  try {
    return app.get(Readiness);
  } catch {
    throw new Error('the app module has no Readiness: add readinessProvider() to its providers');
  }
}

/**
 * Boots a gRPC-only NestJS service: providers initialise (database migrated, topics ensured),
 * the server listens with health and reflection, then health turns SERVING: liveness at once,
 * readiness once the dependencies answered (and whenever they do again).
 */
export async function startGrpcService(
  module: DynamicModule,
  settings: { readonly logger: Logger; readonly server: GrpcServerSettings },
): Promise<RunningService> {
  const health = new GrpcHealth();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, {
    ...grpcServerOptions(settings.server, health),
    logger: new PinoNestLogger(settings.logger),
  });
  app.useGlobalFilters(new GrpcExceptionFilter(settings.logger));
  const readiness = readinessOf(app);
  await app.listen();
  await health.follow(readiness);
  return {
    app,
    health,
    readiness,
    drain() {
      readiness.drain();
    },
    async close() {
      readiness.drain();
      await app.close();
    },
  };
}

export interface ServiceMain {
  /** Boots the service and returns it running. */
  readonly serve: () => Promise<{ drain?(): void; close(): Promise<void> }>;
  /** SHUTDOWN_DRAIN_MS and SHUTDOWN_TIMEOUT_MS; without them: no drain, 25 s. */
  readonly shutdown?: { readonly drainMs: number; readonly timeoutMs: number };
  /** The migrate step (`main.ts migrate`): applies pending migrations and returns. */
  readonly migrate?: () => Promise<string[]>;
  /** Other one-shot commands (`main.ts <name>`), e.g. rotate-keys; each returns what it did. */
  readonly commands?: Readonly<Record<string, () => Promise<unknown>>>;
}

function runCommand(service: string, name: string, command: () => Promise<unknown>): void {
  command().then(
    (result) => {
      stderrLine({ level: 'info', service, msg: `${name} done`, result });
      process.exit(0);
    },
    (error: unknown) => {
      stderrLine({
        level: 'fatal',
        service,
        msg: `${name} failed`,
        error: error instanceof Error ? error.message : String(error),
      });
      process.exit(1);
    },
  );
}

const stderrLine = (fields: Record<string, unknown>) => process.stderr.write(`${JSON.stringify(fields)}\n`);

/**
 * Runs a service's main. `main.ts migrate` runs the migrate step and exits; otherwise the service
 * serves until SIGTERM/SIGINT, which close it and exit 0. A boot failure (bad settings,
 * unreachable database) is reported without secrets and the process exits 1.
 */
export function runMain(service: string, main: ServiceMain): void {
  const commandName = process.argv[2];
  if (commandName === 'migrate') {
    if (!main.migrate) {
      stderrLine({ level: 'info', service, msg: 'no database: nothing to migrate' });
      return;
    }
    runCommand(service, 'migrations', main.migrate);
    return;
  }
  const command = commandName ? main.commands?.[commandName] : undefined;
  if (commandName && command) {
    runCommand(service, commandName, command);
    return;
  }
  main
    .serve()
    .then((running) => {
      let closing = false;
      // SIGTERM: not ready at once (balancers and probes stop sending), still serving during the
      // drain; then close (servers stop, consumers finish their batch and commit, relays stop),
      // flush telemetry, exit 0. A close that hangs past the timeout exits 1.
      const shutdown = (signal: string) => {
        if (closing) return;
        closing = true;
        const { drainMs, timeoutMs } = main.shutdown ?? { drainMs: 0, timeoutMs: 25_000 };
        stderrLine({ level: 'info', service, msg: `${signal}: shutting down`, drainMs });
        setTimeout(() => {
          stderrLine({ level: 'error', service, msg: 'shutdown timed out', timeoutMs });
          process.exit(1);
        }, drainMs + timeoutMs).unref();
        running.drain?.();
        new Promise((resolve) => setTimeout(resolve, drainMs))
          .then(() => running.close())
          .then(() => stopTelemetry())
          .then(
            () => process.exit(0),
            () => process.exit(1),
          );
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
    })
    .catch((error: unknown) => {
      stderrLine({
        level: 'fatal',
        service,
        msg: 'failed to start',
        error: error instanceof Error ? error.message : String(error),
      });
      process.exit(1);
    });
}
