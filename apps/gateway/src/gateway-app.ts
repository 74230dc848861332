import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { GrpcHealth, grpcServerOptions, readinessOf } from '@portcullis/grpc';
import { type Logger, PinoNestLogger } from '@portcullis/observability';
import type { FastifyError } from 'fastify';
import { GatewayModule } from './app.module';
import type { GatewayConfig } from './config/gateway.config';
import { recordHttpMetrics } from './http/http-metrics.hook';
import { fromFastifyError, ProblemDetailsFilter, sendProblem } from './http/problem-details.filter';
import { toDomainError } from '@portcullis/errors';

export interface RunningGateway {
  readonly app: NestFastifyApplication;
  readonly httpUrl: string;
  /** Stops being ready (gRPC health and /readyz NOT_SERVING) while still serving what arrives. */
  drain(): void;
  close(): Promise<void>;
}

/** The gateway: HTTP/JSON on Fastify and the public gRPC API, in one NestJS application. */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const adapter = new FastifyAdapter({ bodyLimit: config.HTTP_BODY_LIMIT_BYTES });
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register(config, logger),
    adapter,
    {
      logger: new PinoNestLogger(logger),
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  recordHttpMetrics(fastify);
  // Errors raised by Fastify before a route runs (body limit, JSON syntax). Unknown routes reach
  // ProblemDetailsFilter as Nest's NotFoundException.
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    sendProblem(reply, request, fromFastifyError(error) ?? toDomainError(error));
  });
  app.useGlobalFilters(new ProblemDetailsFilter(logger));

  const health = new GrpcHealth();
  app.connectMicroservice<MicroserviceOptions>(
    grpcServerOptions(
      {
        host: config.GRPC_HOST,
        port: config.GRPC_PORT,
        protoPaths: [PROTO_FILES.gateway],
        packages: [PROTO_PACKAGES.gateway],
        maxReceiveMessageBytes: config.GRPC_MAX_MESSAGE_BYTES,
      },
      health,
    ),
    { inheritAppConfig: true },
  );
  const readiness = readinessOf(app);
  await app.startAllMicroservices();
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  // gRPC health and GET /readyz both answer from this readiness.
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
