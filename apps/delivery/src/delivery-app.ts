import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { GrpcHealth, grpcServerOptions, HybridExceptionFilter, readinessOf } from '@portcullis/grpc';
import { type Logger, PinoNestLogger } from '@portcullis/observability';
import { DeliveryModule } from './app.module';
import type { DeliveryConfig } from './config/delivery.config';

export interface RunningDelivery {
  readonly app: NestFastifyApplication;
  readonly httpUrl: string;
  /** Stops being ready (gRPC health NOT_SERVING) while still serving what arrives. */
  drain(): void;
  close(): Promise<void>;
}

/** gRPC (status, policies) and HTTP (provider receipts) in one NestJS application. */
export async function startDelivery(config: DeliveryConfig, logger: Logger): Promise<RunningDelivery> {
  const app = await NestFactory.create<NestFastifyApplication>(
    DeliveryModule.register(config, logger),
    new FastifyAdapter({ bodyLimit: 64 * 1024 }),
    { logger: new PinoNestLogger(logger) },
  );
  const health = new GrpcHealth();
  // One filter for both transports, inherited by the gRPC microservice.
  app.useGlobalFilters(new HybridExceptionFilter(logger));
  app.connectMicroservice<MicroserviceOptions>(
    grpcServerOptions(
      {
        host: config.GRPC_HOST,
        port: config.GRPC_PORT,
        protoPaths: [PROTO_FILES.delivery],
        packages: [PROTO_PACKAGES.delivery],
      },
      health,
    ),
    { inheritAppConfig: true },
  );
  const readiness = readinessOf(app);
  await app.startAllMicroservices();
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  await health.follow(readiness);
  return {
    app,
    httpUrl: await app.getUrl(),
    drain() {
      readiness.drain();
    },
    async close() {
      readiness.drain();
      await app.close();
    },
  };
}
