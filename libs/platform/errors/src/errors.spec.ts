import { z } from 'zod';
import { DomainError, grpcStatusOf, httpStatusOf, kindOfGrpcStatus } from './domain-error';
import { internalError, toDomainError } from './error-codes';
import { toProblem } from './problem';
import { parseOrThrow } from './validation';

describe('domain errors', () => {
  it('map every kind to a gRPC and an HTTP status in one table', () => {
    expect(grpcStatusOf('NOT_FOUND')).toBe(5);
    expect(httpStatusOf('NOT_FOUND')).toBe(404);
    expect(grpcStatusOf('ALREADY_EXISTS')).toBe(6);
    expect(httpStatusOf('ALREADY_EXISTS')).toBe(409);
    expect(httpStatusOf('PAYLOAD_TOO_LARGE')).toBe(413);
    expect(grpcStatusOf('PAYLOAD_TOO_LARGE')).toBe(8);
    expect(kindOfGrpcStatus(3)).toBe('INVALID_ARGUMENT');
    expect(kindOfGrpcStatus(999)).toBe('INTERNAL');
  });

  it('turn unknown errors into INTERNAL_ERROR without their message', () => {
    const error = toDomainError(new Error('connection string postgres://user:secret@db'));
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.message).toBe('Internal error');
    expect(toProblem(error).detail).not.toContain('secret');
  });

  it('turn a lost or restarting database into UNAVAILABLE, retryable, without its message', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    const shutdown = { driverError: { code: '57P01' }, message: 'terminating connection' };
    const terminated = new Error('Connection terminated unexpectedly');
    for (const cause of [refused, shutdown, terminated]) {
      const error = toDomainError(cause);
      expect([error.kind, error.code, httpStatusOf(error.kind)]).toEqual([
        'UNAVAILABLE',
        'DEPENDENCY_UNAVAILABLE',
        503,
      ]);
      expect(toProblem(error).detail).not.toContain('10.0.0.5');
    }
    // A constraint violation is a bug or a race the use-case should have handled: still internal.
    expect(toDomainError(Object.assign(new Error('duplicate key'), { code: '23505' })).code).toBe(
      'INTERNAL_ERROR',
    );
  });

  it('render problem details (RFC 9457) with the stable code and field violations', () => {
    const problem = toProblem(
      new DomainError('INVALID_ARGUMENT', 'VALIDATION_FAILED', 'Invalid request', {
        violations: [{ field: 'email', description: 'must be an email address' }],
      }),
      { instance: '/v1/users' },
    );
    expect(problem).toEqual({
      type: 'https://portcullis.dev/problems/validation-failed',
      title: 'Validation failed',
      status: 400,
      detail: 'Invalid request',
      code: 'VALIDATION_FAILED',
      instance: '/v1/users',
      errors: [{ field: 'email', description: 'must be an email address' }],
    });
    expect(JSON.stringify(toProblem(internalError(new Error('boom'))))).not.toMatch(/stack|boom/);
  });

  it('validate input listing every violation without echoing values', () => {
    const schema = z.object({
      a: z.string().min(2, 'too short'),
      b: z.number({ error: 'must be a number' }),
    });
    try {
      parseOrThrow(schema, { a: 'x', b: 'hunter2' });
      throw new Error('expected a validation error');
    } catch (error) {
      const e = error as DomainError;
      expect(e.code).toBe('VALIDATION_FAILED');
      expect(e.details.violations?.map((v) => v.field)).toEqual(['a', 'b']);
      expect(e.message).not.toContain('hunter2');
    }
  });
});
