import { Metadata } from '@grpc/grpc-js';
import { ClientGrpcProxy } from '@nestjs/microservices';
import { injectTraceContext } from '@portcullis/observability';
import { catchError, lastValueFrom, map, type Observable, throwError } from 'rxjs';
import { fromGrpcError } from './grpc-errors';
import { PROTO_LOADER_OPTIONS } from './loader-options';

type UnaryMethod<Req, Res> = (request: Req, metadata?: Metadata) => Observable<Res>;
type UnaryKeys<C> = { [K in keyof C]: C[K] extends UnaryMethod<never, unknown> ? K : never }[keyof C];
type RequestOf<F> = F extends (request: infer Req, metadata?: Metadata) => Observable<unknown> ? Req : never;
type ResponseOf<F> = F extends (request: never, metadata?: Metadata) => Observable<infer Res> ? Res : never;

export interface GrpcPeerSettings {
  /**
   * host:port of the peer, or any gRPC target (`dns:///name:port`, `ipv4:a:port,b:port`). Calls
   * are spread round robin over every address the target resolves to, so with a headless
   * Service each replica takes its share of calls, not just of connections.
   */
  readonly url: string;
  readonly protoPath: string;
  readonly packageName: string;
  readonly serviceName: string;
  /** Deadline applied to every call unless the call sets its own. */
  readonly deadlineMs: number;
}

export interface CallOptions {
  readonly deadlineMs?: number;
  readonly metadata?: Metadata;
}

const ROUND_ROBIN = JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] });

/**
 * A typed client of one peer service. Every call has a deadline, carries the W3C trace context
 * in metadata, and fails with a DomainError (the peer's own code when it sent one).
 */
export class GrpcPeer<C extends object> {
  private readonly proxy: ClientGrpcProxy;
  private readonly service: C;

  constructor(private readonly settings: GrpcPeerSettings) {
    this.proxy = new ClientGrpcProxy({
      url: settings.url,
      package: settings.packageName,
      protoPath: settings.protoPath,
      loader: PROTO_LOADER_OPTIONS,
      channelOptions: { 'grpc.service_config': ROUND_ROBIN },
    });
    this.service = this.proxy.getService<C>(settings.serviceName);
  }

  async call<K extends UnaryKeys<C>>(
    method: K,
    request: RequestOf<C[K]>,
    options: CallOptions = {},
  ): Promise<ResponseOf<C[K]>> {
    try {
      return withoutNulls(await lastValueFrom(this.invoke(method, request, options)));
    } catch (error) {
      throw fromGrpcError(error, this.settings.serviceName);
    }
  }

  /**
   * A server-streaming call: the messages as they arrive, errors as DomainErrors. Unsubscribing
   * cancels the call. The deadline bounds the whole stream, so give long exports a long one.
   */
  stream<K extends UnaryKeys<C>>(
    method: K,
    request: RequestOf<C[K]>,
    options: CallOptions = {},
  ): Observable<ResponseOf<C[K]>> {
    return this.invoke(method, request, options).pipe(
      map((message) => withoutNulls(message)),
      catchError((error: unknown) => throwError(() => fromGrpcError(error, this.settings.serviceName))),
    );
  }

  /** The call with the trace context in its metadata and its deadline. */
  private invoke<K extends UnaryKeys<C>>(
    method: K,
    request: RequestOf<C[K]>,
    options: CallOptions,
  ): Observable<ResponseOf<C[K]>> {
    const metadata = options.metadata ?? new Metadata();
    for (const [key, value] of Object.entries(injectTraceContext())) metadata.set(key, value);
    const deadline = new Date(Date.now() + (options.deadlineMs ?? this.settings.deadlineMs));
    const fn = this.service[method] as unknown as (
      req: unknown,
      md: Metadata,
      callOptions: { deadline: Date },
    ) => Observable<ResponseOf<C[K]>>;
    return fn.call(this.service, request, metadata, { deadline });
  }

  close(): void {
    this.proxy.close();
  }
}

/**
 * The loader (defaults: true) hands absent message fields over as null where the generated types
 * (and their toJSON) expect undefined, e.g. a factor without `webauthn`; and (oneofs: true) adds
 * a virtual `_name: 'name'` key for every proto3 `optional` field. Drops both, recursively, so
 * responses match their generated types.
 */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withoutNulls(item)) as T;
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === null || (key.startsWith('_') && field === key.slice(1))) continue;
    copy[key] = withoutNulls(field);
  }
  return copy as T;
}
