import { isPortcullisError } from '@portcullis/sdk';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

/** The one error shape the page reads: `{ code, message }`, plus hints for a retry. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly attemptsRemaining?: number;
  readonly retryAfterSeconds?: number;
}

/** An error of the shop itself (not signed in, nothing pending, ...). */
export class DemoError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notSignedIn = () => new DemoError(401, 'NOT_SIGNED_IN', 'Sign in first');
export const nothingPending = () =>
  new DemoError(409, 'NOTHING_PENDING', 'There is no sign-in or payment waiting for an answer; start again');

/** Parses a request body with a zod schema; a mistake is a 400 VALIDATION_FAILED naming the fields. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'} ${issue.message}`);
  throw new DemoError(400, 'VALIDATION_FAILED', fields.join('; '));
}

/**
 * Every failure as `{ code, message }`. Portcullis' errors keep their stable code and human
 * detail (CODE_INVALID, MFA_PROOF_REQUIRED, ...); an error about the shop's own API key is the
 * shop's fault, so the browser sees a 502 rather than a hint that it should sign in.
 */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  let status = 500;
  let body: ErrorBody = { code: 'INTERNAL', message: 'Something went wrong on our side' };
  if (error instanceof DemoError) {
    status = error.status;
    body = { code: error.code, message: error.message };
  } else if (isPortcullisError(error)) {
    const upstreamFault =
      error.status === undefined || error.status >= 500 || error.code === 'UNAUTHENTICATED';
    status = upstreamFault ? 502 : (error.status ?? 502);
    body = {
      code: error.code,
      message: error.detail,
      ...(error.attemptsRemaining === undefined ? {} : { attemptsRemaining: error.attemptsRemaining }),
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    };
    if (upstreamFault)
      request.log.error({ code: error.code, status: error.status }, 'Portcullis call failed');
  } else if (isFastifyClientError(error)) {
    status = error.statusCode ?? 400;
    body = { code: 'MALFORMED_REQUEST', message: 'The request must be a JSON object' };
  } else {
    request.log.error({ err: error }, 'unhandled error');
  }
  void reply.status(status).header('cache-control', 'no-store').send(body);
}

function isFastifyClientError(error: unknown): error is FastifyError {
  const statusCode = (error as Partial<FastifyError> | null)?.statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}
