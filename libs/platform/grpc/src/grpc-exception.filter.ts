import { type ArgumentsHost, Catch, type ExceptionFilter, type RpcExceptionFilter } from '@nestjs/common';
import { CommonErrorCodes, httpStatusOf, toDomainError } from '@portcullis/errors';
import type { Logger } from '@portcullis/observability';
import { type Observable, throwError } from 'rxjs';
import { toGrpcError } from './grpc-errors';

/**
 * The one place where a gRPC handler's failure becomes a status. Unexpected errors are logged
 * (with their stack, server-side only) and leave as INTERNAL / INTERNAL_ERROR without detail.
 */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    const error = toDomainError(exception);
    if (error.kind === 'INTERNAL') {
      this.logger.error({ err: exception }, 'unhandled error in gRPC handler');
    } else if (error.code === CommonErrorCodes.DEPENDENCY_UNAVAILABLE) {
      this.logger.warn({ err: exception }, 'dependency unavailable: request refused, nothing changed');
    }
    return throwError(() => toGrpcError(error));
  }
}

/**
 * For services that answer gRPC and a little HTTP in one application (receipts, webhooks): gRPC
 * failures go through GrpcExceptionFilter; HTTP failures leave as `{ code, detail }` with the
 * status of their kind. Registered once on the app, inherited by its gRPC microservice.
 */
@Catch()
export class HybridExceptionFilter implements ExceptionFilter {
  private readonly grpc: GrpcExceptionFilter;

  constructor(private readonly logger: Logger) {
    this.grpc = new GrpcExceptionFilter(logger);
  }

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | undefined {
    if (host.getType() === 'rpc') return this.grpc.catch(exception, host);
    const status = (exception as { getStatus?: () => number }).getStatus?.();
    const error = toDomainError(exception);
    if (error.kind === 'INTERNAL' && status === undefined) {
      this.logger.error({ err: exception }, 'unhandled error in HTTP handler');
    }
    const reply = host.switchToHttp().getResponse<{ code(status: number): { send(body: unknown): void } }>();
    reply.code(status ?? httpStatusOf(error.kind)).send({ code: error.code, detail: error.message });
    return undefined;
  }
}
