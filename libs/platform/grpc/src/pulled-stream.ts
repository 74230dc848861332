import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Observable } from 'rxjs';

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
