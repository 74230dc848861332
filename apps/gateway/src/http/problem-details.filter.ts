import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { CommonErrorCodes, DomainError, toDomainError, toProblem } from '@portcullis/errors';
import { GrpcExceptionFilter } from '@portcullis/grpc';
import { activeTraceId, type Logger } from '@portcullis/observability';
import type { Observable } from 'rxjs';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Fastify's own errors (raised before a route runs) as domain errors. */
export function fromFastifyError(error: FastifyError): DomainError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DomainError(
        'PAYLOAD_TOO_LARGE',
        CommonErrorCodes.PAYLOAD_TOO_LARGE,
        'The request body is too large',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new DomainError(
        'INVALID_ARGUMENT',
        CommonErrorCodes.MALFORMED_REQUEST,
        'The request body must be application/json',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new DomainError(
        'INVALID_ARGUMENT',
        CommonErrorCodes.MALFORMED_REQUEST,
        'The request body is empty or malformed',
      );
    default:
      if (error instanceof SyntaxError || error.statusCode === 400) {
        return new DomainError(
          'INVALID_ARGUMENT',
          CommonErrorCodes.MALFORMED_REQUEST,
          'The request body is not valid JSON',
        );
      }
      return undefined;
  }
}

function fromHttpException(exception: HttpException): DomainError {
  const status = exception.getStatus();
  if (status === 404) return new DomainError('NOT_FOUND', CommonErrorCodes.ROUTE_NOT_FOUND, 'No such route');
  if (status === 413)
    return new DomainError(
      'PAYLOAD_TOO_LARGE',
      CommonErrorCodes.PAYLOAD_TOO_LARGE,
      'The request body is too large',
    );
  if (status >= 400 && status < 500) {
    return new DomainError(
      'INVALID_ARGUMENT',
      CommonErrorCodes.MALFORMED_REQUEST,
      'The request is malformed',
    );
  }
  return toDomainError(exception);
}

/** The gateway's one HTTP error mapping: everything leaves as application/problem+json, without stacks. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: DomainError): void {
  const problem = toProblem(error, { instance: request.url.split('?')[0], traceId: activeTraceId() });
  const retryAfter = error.details.retryAfterSeconds;
  // RFC 9110 §10.2.3: generic clients and proxies read the header, not the body's retryAfterSeconds.
  if (retryAfter !== undefined) void reply.header('retry-after', String(Math.max(0, Math.ceil(retryAfter))));
  void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
}

/**
 * The gateway's global filter. HTTP errors become problem details; errors of the public gRPC API
 * (the hybrid app shares its filters with the gRPC server) go through the platform's gRPC mapping.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly grpc: GrpcExceptionFilter;

  constructor(private readonly logger: Logger) {
    this.grpc = new GrpcExceptionFilter(logger);
  }

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() === 'rpc') return this.grpc.catch(exception, host);
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const error =
      exception instanceof DomainError
        ? exception
        : exception instanceof HttpException
          ? fromHttpException(exception)
          : (fromFastifyError(exception as FastifyError) ?? toDomainError(exception));
    if (error.kind === 'INTERNAL')
      this.logger.error(
        { err: exception, route: request.routeOptions?.url },
        'unhandled error in HTTP handler',
      );
    sendProblem(reply, request, error);
  }
}
