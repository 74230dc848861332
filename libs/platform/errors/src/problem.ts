import { type DomainError, httpStatusOf } from './domain-error';

/** RFC 9457 problem details, as the gateway returns them (content type application/problem+json). */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly instance?: string;
  readonly traceId?: string;
  readonly errors?: readonly { field: string; description: string }[];
  readonly attemptsRemaining?: number;
  readonly retryAfterSeconds?: number;
}

export const PROBLEM_TYPE_BASE = 'https://portcullis.dev/problems/';

function titleOf(code: string): string {
  const words = code.toLowerCase().split('_');
  return words.map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join(' ');
}

export function toProblem(
  error: DomainError,
  extras: { instance?: string; traceId?: string } = {},
): ProblemDetails {
  return {
    type: `${PROBLEM_TYPE_BASE}${error.code.toLowerCase().replace(/_/g, '-')}`,
    title: titleOf(error.code),
    status: httpStatusOf(error.kind),
    detail: error.message,
    code: error.code,
    ...(extras.instance ? { instance: extras.instance } : {}),
    ...(extras.traceId ? { traceId: extras.traceId } : {}),
    ...(error.details.violations ? { errors: error.details.violations } : {}),
    ...(error.details.attemptsRemaining !== undefined
      ? { attemptsRemaining: error.details.attemptsRemaining }
      : {}),
    ...(error.details.retryAfterSeconds !== undefined
      ? { retryAfterSeconds: error.details.retryAfterSeconds }
      : {}),
  };
}
