import type { z } from 'zod';
import { validationFailed } from './error-codes';
import type { FieldViolation } from './domain-error';

/**
 * Validates input at a service edge. On failure throws VALIDATION_FAILED listing every
 * violation (field path and reason), never echoing the offending value back.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const violations: FieldViolation[] = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(request)',
    description: issue.message,
  }));
  throw validationFailed(violations);
}
