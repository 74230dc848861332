import { validationFailed } from '@portcullis/errors';

/**
 * A JSON body merged with the route's path parameters, for one strict schema to check together.
 * A body that repeats a path parameter is refused rather than silently overridden; a body that
 * is not an object is returned as it is, for the schema to refuse.
 */
export function bodyWithPath(body: unknown, path: Readonly<Record<string, string>>): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const repeated = Object.keys(path).filter((key) => Object.hasOwn(body, key));
  if (repeated.length > 0) {
    throw validationFailed(repeated.map((field) => ({ field, description: 'is given by the path' })));
  }
  return { ...body, ...path };
}

/**
 * `X-End-User-IP`: the end user's address as the product backend saw it (the gateway's own peer
 * is the backend), for delivery's per-IP budgets. Validated with the body.
 */
export function endUserIpOf(header: string | undefined): { clientIp?: string } {
  return header ? { clientIp: header.trim() } : {};
}
