import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import {
  CommonErrorCodes,
  DomainError,
  type ErrorDetails,
  type ErrorKind,
  grpcStatusOf,
  kindOfGrpcStatus,
} from '@portcullis/errors';
import { ERROR_METADATA } from './loader-options';

export interface GrpcErrorPayload {
  readonly code: number;
  readonly message: string;
  readonly details: string;
  readonly metadata: Metadata;
}

/** DomainError → gRPC status with the stable code (and field violations) in trailing metadata. */
export function toGrpcError(error: DomainError): GrpcErrorPayload {
  const metadata = new Metadata();
  metadata.set(ERROR_METADATA.code, error.code);
  metadata.set(ERROR_METADATA.kind, error.kind);
  if (Object.keys(error.details).length > 0) {
    metadata.set(ERROR_METADATA.details, JSON.stringify(error.details));
  }
  return { code: grpcStatusOf(error.kind), message: error.message, details: error.message, metadata };
}

function isServiceError(error: unknown): error is ServiceError {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof (error as ServiceError).code === 'number'
  );
}

/** A peer's gRPC error → DomainError, keeping the peer's stable code when it sent one. */
export function fromGrpcError(error: unknown, peer: string): DomainError {
  if (!isServiceError(error)) {
    return new DomainError(
      'INTERNAL',
      CommonErrorCodes.INTERNAL_ERROR,
      'Internal error',
      {},
      { cause: error },
    );
  }
  const metadata = error.metadata instanceof Metadata ? error.metadata : undefined;
  const code = metadata?.get(ERROR_METADATA.code)[0];
  if (typeof code === 'string') {
    const kind =
      (metadata?.get(ERROR_METADATA.kind)[0] as ErrorKind | undefined) ?? kindOfGrpcStatus(error.code);
    const rawDetails = metadata?.get(ERROR_METADATA.details)[0];
    let details: ErrorDetails = {};
    if (typeof rawDetails === 'string') {
      try {
        details = JSON.parse(rawDetails) as ErrorDetails;
      } catch {
        details = {};
      }
    }
    return new DomainError(kind, code, error.details || error.message, details, { cause: error });
  }
  switch (error.code) {
    case status.DEADLINE_EXCEEDED:
      return new DomainError(
        'DEADLINE_EXCEEDED',
        CommonErrorCodes.UPSTREAM_TIMEOUT,
        `${peer} did not answer in time`,
        {},
        { cause: error },
      );
    case status.RESOURCE_EXHAUSTED:
      return new DomainError(
        'RESOURCE_EXHAUSTED',
        'RESOURCE_EXHAUSTED',
        error.details || 'Resource exhausted',
        {},
        { cause: error },
      );
    case status.UNAVAILABLE:
      return new DomainError(
        'UNAVAILABLE',
        CommonErrorCodes.UPSTREAM_UNAVAILABLE,
        `${peer} is unavailable`,
        {},
        { cause: error },
      );
    default:
      return new DomainError(
        'INTERNAL',
        CommonErrorCodes.INTERNAL_ERROR,
        'Internal error',
        {},
        { cause: error },
      );
  }
}
