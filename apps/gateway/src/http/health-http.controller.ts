import { Controller, Get } from '@nestjs/common';

/** Liveness for load balancers and Kubernetes; readiness of peers is the gRPC health service's job. */
@Controller()
export class HealthHttpController {
  @Get('healthz')
  health() {
    return { status: 'SERVING' };
  }
}
