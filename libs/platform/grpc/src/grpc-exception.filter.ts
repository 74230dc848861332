import { type ArgumentsHost, Catch, type RpcExceptionFilter } from '@nestjs/common';
import { toDomainError } from '@portcullis/errors';
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
    }
    return throwError(() => toGrpcError(error));
  }
}
