import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Metadata } from '@grpc/grpc-js';
import { GrpcMethod } from '@nestjs/microservices';
import { gatewayV1 } from '@portcullis/contracts';
import { Observable } from 'rxjs';

/** The Bearer credential of a gRPC call (metadata `authorization`). */
export const authorizationOf = (metadata: Metadata | undefined) => {
  const value = metadata?.get('authorization')[0];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Marks a method as the GatewayService RPC of the same name. The service's RPCs are split over
 * several controllers (the generated class decorator wants them all in one), and a unit test
 * checks that together they implement every RPC of the contract.
 */
export const GatewayRpc = (): MethodDecorator => (target, key, descriptor) =>
  GrpcMethod(gatewayV1.GATEWAY_SERVICE_NAME, String(key))(target, key, descriptor);

/**
 * The answer of a server-streaming RPC, from an async source. Nest writes what the Observable
 * emits to the call, buffering what the call cannot take yet, and unsubscribes when the client
 * cancels. So the next item is pulled only once `call` (the grpc-js stream Nest passes handlers
 * as their third argument) has drained, and unsubscribing aborts the signal given to `open`,
 * which stops the source. A failure of `open` (authentication, validation) or of the source
 * ends the call with the error's status.
 */
export function pulledStream<T, R>(
  call: Writable | undefined,
  open: (signal: AbortSignal) => Promise<AsyncIterable<T>>,
  toMessage: (item: T) => R,
): Observable<R> {
  return new Observable<R>((subscriber) => {
    const stopped = new AbortController();
    const pump = async () => {
      for await (const item of await open(stopped.signal)) {
        if (stopped.signal.aborted) return;
        subscriber.next(toMessage(item));
        if (call?.writableNeedDrain) await once(call, 'drain', { signal: stopped.signal });
      }
      subscriber.complete();
    };
    pump().catch((error: unknown) => {
      if (!stopped.signal.aborted) subscriber.error(error);
    });
    return () => stopped.abort();
  });
}
