import type { Meter } from '@opentelemetry/api';
import { DURATION_BUCKETS_SECONDS, meterOf } from '@portcullis/observability';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_SCHEME,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance } from 'fastify';

/** The methods the HTTP conventions name; any other is `_OTHER`, so a client cannot mint labels. */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
]);

/**
 * `http.server.request.duration` (seconds) of every response, per route template
 * (`/v1/users/:userId/factors`, never the path with its ids), method and status code, with
 * `error.type` on 5xx as the conventions ask. A request no route matched (404) has no
 * `http.route`. The histogram's count is the request rate.
 */
export function recordHttpMetrics(
  fastify: FastifyInstance,
  meter: Meter = meterOf('@portcullis/gateway'),
): void {
  const duration = meter.createHistogram(METRIC_HTTP_SERVER_REQUEST_DURATION, {
    description: 'Duration of HTTP requests the gateway answered.',
    unit: 's',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const method = request.method.toUpperCase();
    const status = reply.statusCode;
    const route = request.routeOptions.url;
    duration.record(reply.elapsedTime / 1000, {
      [ATTR_HTTP_REQUEST_METHOD]: KNOWN_METHODS.has(method) ? method : '_OTHER',
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
      [ATTR_URL_SCHEME]: request.protocol,
      ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}),
      ...(status >= 500 ? { [ATTR_ERROR_TYPE]: String(status) } : {}),
    });
    done();
  });
}
