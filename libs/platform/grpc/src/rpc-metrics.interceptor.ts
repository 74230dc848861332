import { type ServerInterceptor, ServerInterceptingCall, status as Status } from '@grpc/grpc-js';
import type { Meter } from '@opentelemetry/api';
import { DURATION_BUCKETS_SECONDS, meterOf } from '@portcullis/observability';
import {
  ATTR_RPC_METHOD,
  ATTR_RPC_STATUS_CODE,
  ATTR_RPC_SYSTEM_NAME,
  METRIC_RPC_SERVER_CALL_DURATION,
  RPC_SYSTEM_NAME_VALUE_GRPC,
} from '@opentelemetry/semantic-conventions';

/** `OK`, `PERMISSION_DENIED`, …: the gRPC names of status codes, as the conventions spell them. */
const statusName = (code: number): string => Status[code] ?? 'UNKNOWN';

/**
 * Records `rpc.server.call.duration` (seconds) of every call the server answers, with the
 * stable OpenTelemetry RPC attributes: `rpc.system.name` grpc, `rpc.method` the full name
 * (`portcullis.factors.v1.FactorsService/VerifyChallenge`) and `rpc.status_code` (`OK`,
 * `PERMISSION_DENIED`, …). The histogram's count is the request rate, its `rpc.status_code`
 * split the errors. grpc-js runs server interceptors only for registered methods (it answers
 * UNIMPLEMENTED for others before any interceptor), so `rpc.method` stays a bounded set.
 */
export function rpcMetricsInterceptor(meter: Meter = meterOf('@portcullis/grpc')): ServerInterceptor {
  const duration = meter.createHistogram(METRIC_RPC_SERVER_CALL_DURATION, {
    description: 'Duration of gRPC calls the server answered.',
    unit: 's',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
  });
  return (descriptor, call) => {
    const started = process.hrtime.bigint();
    const method = descriptor.path.replace(/^\//, '');
    let recorded = false;
    const record = (code: number) => {
      if (recorded) return;
      recorded = true;
      duration.record(Number(process.hrtime.bigint() - started) / 1e9, {
        [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NAME_VALUE_GRPC,
        [ATTR_RPC_METHOD]: method,
        [ATTR_RPC_STATUS_CODE]: statusName(code),
      });
    };
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          // The client went away (cancelled, or its deadline passed) before any status was sent.
          onCancel: () => record(Status.CANCELLED),
        }),
      sendStatus: (status, next) => {
        record(status.code);
        next(status);
      },
    });
  };
}
