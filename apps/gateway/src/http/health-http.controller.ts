import { Controller, Get, Header, Res } from '@nestjs/common';
import { Readiness } from '@portcullis/observability';
import type { FastifyReply } from 'fastify';

/**
 * Liveness (`/healthz`) and readiness (`/readyz`) over HTTP, for balancers that cannot ask
 * grpc.health.v1; both answer what the gRPC health service answers.
 */
@Controller()
export class HealthHttpController {
  constructor(private readonly readiness: Readiness) {}

  /** The process serves HTTP: dependencies are not asked, so their outages never restart it. */
  @Get('healthz')
  health() {
    return { status: 'SERVING' };
  }

  /**
   * 200 while the database and Kafka answer and the gateway is not draining, else 503. Which
   * dependency fails is logged, not told to whoever asks.
   */
  @Get('readyz')
  @Header('cache-control', 'no-store')
  ready(@Res({ passthrough: true }) reply: FastifyReply) {
    if (this.readiness.ready) return { status: 'SERVING' };
    void reply.status(503);
    return { status: 'NOT_SERVING' };
  }
}
